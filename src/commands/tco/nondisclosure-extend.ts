import { z } from "zod";
import { defineCommand } from "../command.js";
import { orderArg, reasonsArg, renderTcoActed } from "./shared.js";

/** /tco nondisclosure-extend: the one extension of the non-disclosure by six weeks (TCO Art. 11(3)). */
export const tcoNondisclosureExtend = defineCommand({
  group: "tco",
  name: "nondisclosure-extend",
  summary: "Extend the non-disclosure once by six weeks, where justified, before it ends (TCO Art. 11(3); the issuing authority)",
  args: z.object({
    reference: orderArg,
    reason: reasonsArg.describe("Why the extension is justified"),
  }),
  positional: ["reference"],
  examples: ['/tco nondisclosure-extend R-2026-0001 --reason "arrests planned for next month"'],
  permission: "contact",
  uses: ["tco"],
  execute: ({ tco, actor }, { reference, reason }) => tco.nondisclosureExtend(actor, reference, reason),
  render: renderTcoActed,
});
