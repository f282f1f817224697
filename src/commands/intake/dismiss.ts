import { z } from "zod";
import { defineCommand } from "../command.js";
import { itemArg, renderDecided } from "./shared.js";

/** /intake dismiss: dismiss an intake item, saying why. */
export const intakeDismiss = defineCommand({
  group: "intake",
  name: "dismiss",
  summary: "Dismiss an intake item, with the reason",
  args: z.object({ item: itemArg, reason: z.string().trim().min(1).max(2_000).describe("Why nothing is done (kept in the record)") }),
  positional: ["item"],
  examples: ['/intake dismiss I-2026-000042 --reason "already removed by the customer"'],
  permission: "contact",
  uses: ["intake"],
  execute: ({ intake, actor }, args) => intake.dismiss(actor, args.item, args.reason),
  render: renderDecided,
});
