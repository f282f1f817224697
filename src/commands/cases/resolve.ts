import { z } from "zod";
import { OUTCOMES } from "../../cases/kinds.js";
import { ANNEX_III_GROUNDS } from "../../cases/removal/form.js";
import { defineCommand } from "../command.js";
import { pastAtArg, pastAtHelp, resolvePastAt } from "../past-at.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case resolve: the recipient says what it did (for a removal order, the Annex II or III answer of TCO 2021/784). */
export const caseResolve = defineCommand({
  group: "case",
  name: "resolve",
  summary: "Resolve a case with its outcome (the recipient)",
  details:
    "Outcomes depend on the kind; no-action, cannot-comply and refused need a --reason. A removal order (TCO Annex II): " +
    "removed or access-disabled (in all Member States) with --effective-at, the time the measure took effect, with its offset or how long ago (\"2h ago\") (default: now; " +
    "not in the future, not before receipt); cannot-comply with its Annex III --ground and a --reason.",
  args: z.object({
    reference: referenceArg,
    outcome: z.enum(OUTCOMES).describe("What was done"),
    reason: z.string().trim().max(4000).optional().describe("Why (required for no-action, cannot-comply, refused)"),
    effectiveAt: pastAtArg.optional().describe(`${pastAtHelp("Removal order: when the content was removed or disabled", "2026-11-20T14:05+01:00")} (default: now)`),
    ground: z.enum(ANNEX_III_GROUNDS).optional().describe("Removal order not executed: the Annex III ground"),
  }),
  positional: ["reference"],
  examples: [
    "/case resolve N-2026-0001 --outcome removed",
    '/case resolve N-2026-0002 --outcome no-action --reason "legal in NL: satire"',
    "/case resolve R-2026-0001 --outcome removed --effective-at 2026-11-20T14:05+01:00",
    '/case resolve R-2026-0001 --outcome cannot-comply --ground manifest-errors --reason "the URL is a news report on the attack, not the video"',
  ],
  permission: "contact",
  uses: ["decisions", "clock"],
  execute: ({ decisions, clock, actor }, { reference, outcome, reason, effectiveAt, ground }) =>
    decisions.resolve(actor, reference, { outcome, ...(reason ? { reason } : {}), ...(effectiveAt ? { effectiveAt: resolvePastAt(effectiveAt, clock) } : {}), ...(ground ? { ground } : {}) }),
  render: (visible) => renderActed(`Resolved ${visible.view.reference}: ${visible.view.outcome ?? ""}.`, visible),
});
