import { z } from "zod";
import { OUTCOMES } from "../../cases/kinds.js";
import { GROUNDS, RESTRICTIONS } from "../../cases/dsa/vocabulary.js";
import { ANNEX_III_GROUNDS } from "../../cases/removal/form.js";
import { defineCommand } from "../command.js";
import { pastAtArg, pastAtHelp, resolvePastAt } from "../past-at.js";
import { referenceArg, renderActed } from "./shared.js";

/**
 * /case decide: the recipient resolves a case with the facts the law asks it to state: when effect was given to a
 * DSA order (Art. 9(1), 10(1)), the statement of reasons on a notice (Art. 17(3)), who hosts material that is not
 * hosted here (EOKM addendum).
 */
export const caseDecide = defineCommand({
  group: "case",
  name: "decide",
  summary: "Resolve a case with what the law asks you to state: when effect was given, the ground, automated means (the recipient)",
  details:
    "Orders (DSA Art. 9, 10): --effect-at says when effect was given, with its offset or how long ago (\"2h ago\"). Notices (DSA Art. 17): --ground law|terms with --ground-text, " +
    "--restriction, --automated-detection, --automated-decision (not given: not used). CSAM notices (EOKM): not-hosted-here needs --host.",
  args: z.object({
    reference: referenceArg,
    outcome: z.enum(OUTCOMES).describe("What was done"),
    reason: z.string().trim().max(4000).optional().describe("Why (required for no-action, not given, not provided, cannot-comply)"),
    effectAt: pastAtArg.optional().describe(pastAtHelp("When effect was given", "2026-11-20T14:05+01:00")),
    restriction: z.enum(RESTRICTIONS).optional().describe("Notices: the restriction applied (DSA Art. 17(1))"),
    ground: z.enum([...GROUNDS, ...ANNEX_III_GROUNDS]).optional().describe("Notices: illegal under the law (law) or against your terms and conditions (terms); a removal order not executed: its Annex III ground"),
    groundText: z.string().trim().min(3).max(2000).optional().describe("Notices: the legal or contractual ground relied on, and why"),
    automatedDetection: z.boolean().optional().describe("Notices: the content was detected by automated means"),
    automatedDecision: z.boolean().optional().describe("Notices: the decision was taken by automated means"),
    host: z.string().trim().min(2).max(200).optional().describe("CSAM notices: who hosts the material (not-hosted-here)"),
  }),
  positional: ["reference"],
  examples: [
    "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T14:05+01:00",
    '/case decide N-2026-0001 --outcome removed --ground law --ground-text "Art. 137d Sr: incitement to hatred" --automated-detection',
    "/case decide C-2026-0042 --outcome not-hosted-here --host chirp-social",
  ],
  permission: "contact",
  uses: ["decisions", "clock"],
  execute: ({ decisions, clock, actor }, { reference, effectAt, ...input }) => decisions.decide(actor, reference, { ...input, ...(effectAt ? { effectAt: resolvePastAt(effectAt, clock) } : {}) }),
  render: (visible) => renderActed(`Resolved ${visible.view.reference}: ${visible.view.outcome ?? ""}.`, visible),
});
