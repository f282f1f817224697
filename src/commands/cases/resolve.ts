import { z } from "zod";
import { OUTCOMES } from "../../cases/kinds.js";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case resolve: the recipient says what it did. */
export const caseResolve = defineCommand({
  group: "case",
  name: "resolve",
  summary: "Resolve a case with its outcome (the recipient)",
  details: "Outcomes depend on the kind; no-action, cannot-comply and refused need a --reason.",
  args: z.object({
    reference: referenceArg,
    outcome: z.enum(OUTCOMES).describe("What was done"),
    reason: z.string().trim().optional().describe("Why (required for no-action, cannot-comply, refused)"),
  }),
  positional: ["reference"],
  examples: ["/case resolve N-2026-0042 --outcome removed", '/case resolve N-2026-0042 --outcome no-action --reason "legal in NL: satire"'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, outcome, reason }) =>
    cases.act(actor, reference, { type: "resolve", outcome, ...(reason ? { reason } : {}) }),
  render: (visible) => renderActed(`Resolved ${visible.view.reference}: ${visible.view.outcome ?? ""}.`, visible),
});
