import { z } from "zod";
import { defineCommand } from "../command.js";
import { orderArg, reasonsArg, renderTcoActed } from "./shared.js";

/** /tco scrutiny-decision: the host Member State's authority decides within 72 hours (TCO Art. 4(4)). */
export const tcoScrutinyDecision = defineCommand({
  group: "tco",
  name: "scrutiny-decision",
  summary: "Decide on a request for scrutiny, within 72 hours of receiving it (TCO Art. 4(4); the host Member State's authority)",
  details: "On a finding of infringement the removal order ceases to have legal effects and the provider reinstates the content (TCO Art. 4(7)).",
  args: z.object({
    reference: orderArg,
    infringes: z.enum(["yes", "no"]).describe("Whether the order seriously or manifestly infringes the Regulation or the fundamental rights of the Charter"),
    reasons: reasonsArg.describe("The reasons for the decision"),
  }),
  positional: ["reference"],
  examples: ['/tco scrutiny-decision R-2026-0001 --infringes no --reasons "the content incites terrorist offences"'],
  permission: "contact",
  uses: ["tco"],
  execute: ({ tco, actor }, { reference, infringes, reasons }) => tco.scrutinyDecision(actor, reference, infringes === "yes", reasons),
  render: renderTcoActed,
});
