import { z } from "zod";
import { defineCommand } from "../command.js";
import { itemArg, renderDecided } from "./shared.js";

/** /intake forward: forward an intake item to another organisation's intake. */
export const intakeForward = defineCommand({
  group: "intake",
  name: "forward",
  summary: "Forward an intake item to another organisation's intake",
  args: z.object({
    item: itemArg,
    organisation: z.string().trim().toLowerCase().describe("The organisation's slug"),
    reason: z.string().trim().max(300).optional().describe("Why it belongs there"),
  }),
  positional: ["item", "organisation"],
  examples: ['/intake forward I-2026-000042 anchor-registrar --reason "the domain, not the hosting"'],
  permission: "contact",
  uses: ["intake"],
  execute: ({ intake, actor }, args) => intake.forward(actor, args.item, args.organisation, args.reason),
  render: renderDecided,
});
