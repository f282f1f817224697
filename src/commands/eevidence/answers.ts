import { z } from "zod";
import { ANNEX_III_GROUND_NAMES } from "../../cases/eevidence/inability.js";
import { parseRefusalGrounds, REFUSAL_GROUND_NAMES } from "../../cases/eevidence/refusal.js";
import { defineCommand } from "../command.js";
import { referenceArg } from "../cases/shared.js";
import { renderEvidenceActed } from "./shared.js";

const reasons = z.string().trim().min(10, "say why, in a sentence").max(4000);

/** /eevidence produced: the addressee transmitted the data (Art. 10(2)-(4)). */
export const eevidenceProduced = defineCommand({
  group: "eevidence",
  name: "produced",
  summary: "The data was transmitted to the issuing authority (the addressee)",
  details: "Refused before the end of the 10-day period when the enforcing authority was notified and has not confirmed (Art. 10(2)).",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/eevidence produced P-2026-0001"],
  permission: "contact",
  uses: ["eevidence"],
  execute: ({ eevidence, actor }, { reference }) => eevidence.produced(actor, reference),
  render: renderEvidenceActed,
});

/** /eevidence inability: the addressee's answer on the Annex III form, with its ground. */
export const eevidenceInability = defineCommand({
  group: "eevidence",
  name: "inability",
  summary: "Cannot comply: state the Annex III ground (the addressee)",
  details: "incomplete, manifest-error, insufficient-information: a clarification; the time limits stop and the issuing authority reacts within 5 days (Art. 10(6)). third-country-law: a reasoned objection within 10 days of receipt (Art. 17).",
  args: z.object({
    reference: referenceArg,
    ground: z.enum(ANNEX_III_GROUND_NAMES as [string, ...string[]]).describe("The Annex III ground"),
    explanation: reasons.describe("What is missing, wrong or impossible, and why"),
  }),
  positional: ["reference"],
  examples: ['/eevidence inability P-2026-0001 --ground insufficient-information --explanation "two accounts match @example_user; which one?"'],
  permission: "contact",
  uses: ["eevidenceActions"],
  execute: ({ eevidenceActions, actor }, { reference, ground, explanation }) => eevidenceActions.inability(actor, reference, ground as (typeof ANNEX_III_GROUND_NAMES)[number], explanation),
  render: renderEvidenceActed,
});

/** /eevidence clarified: the issuing authority provides the clarification asked for (Art. 10(6)). */
export const eevidenceClarified = defineCommand({
  group: "eevidence",
  name: "clarified",
  summary: "Provide the clarification the addressee asked for; the time limits run again (the issuing authority)",
  args: z.object({ reference: referenceArg, answer: reasons.describe("The clarification") }),
  positional: ["reference"],
  examples: ['/eevidence clarified P-2026-0001 --answer "the account created on 2026-03-02, id 4411"'],
  permission: "contact",
  uses: ["eevidence"],
  execute: ({ eevidence, actor }, { reference, answer }) => eevidence.clarified(actor, reference, answer),
  render: renderEvidenceActed,
});

/** /eevidence enforcing: the enforcing authority confirms or raises a ground for refusal (Art. 10(2), Art. 12). */
export const eevidenceEnforcing = defineCommand({
  group: "eevidence",
  name: "enforcing",
  summary: "Answer a notification: no ground for refusal, or a ground (the enforcing authority)",
  details: `Within 10 days of receipt of the notification, 96 hours in emergencies (Art. 12(1)). Confirming lets the addressee transmit at once (Art. 10(2)). A refusal names one or more grounds of Art. 12(1), comma-separated: ${REFUSAL_GROUND_NAMES.join(", ")} (points (a) to (d)).`,
  args: z.object({
    reference: referenceArg,
    decision: z.enum(["confirm", "refuse"]).describe("confirm: no ground for refusal; refuse: raise one"),
    ground: z.string().trim().max(200).optional().describe(`With refuse: the Art. 12(1) ground(s), comma-separated: ${REFUSAL_GROUND_NAMES.join(", ")}`),
    reasons: reasons.optional().describe("With refuse: why the ground(s) apply"),
  }),
  positional: ["reference"],
  examples: ["/eevidence enforcing P-2026-0042 --decision confirm", '/eevidence enforcing P-2026-0042 --decision refuse --ground immunity-or-press --reasons "the data is protected by professional privilege"'],
  permission: "contact",
  uses: ["eevidenceActions"],
  async execute({ eevidenceActions, actor }, { reference, decision, ground, reasons: why }) {
    if (decision === "confirm") {
      if (ground !== undefined || why !== undefined) return { ok: false as const, code: "bad-arguments" as const, message: "Confirming raises no ground for refusal: leave out --ground and --reasons." };
      return eevidenceActions.enforcing(actor, reference, { decision });
    }
    const grounds = parseRefusalGrounds(ground ?? "");
    if (!grounds.ok) return grounds;
    if (!why) return { ok: false as const, code: "bad-arguments" as const, message: "A refusal says why its ground(s) apply: --reasons \"…\"." };
    return eevidenceActions.enforcing(actor, reference, { decision, grounds: grounds.value, reasons: why });
  },
  render: renderEvidenceActed,
});

/** /eevidence validate: a judge or prosecutor validates an emergency order ex post (Art. 4(5)). */
export const eevidenceValidate = defineCommand({
  group: "eevidence",
  name: "validate",
  summary: "Validate ex post an emergency order issued without prior validation (a judge or prosecutor, within 48 hours)",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/eevidence validate P-2026-0042"],
  permission: "contact",
  uses: ["eevidenceActions"],
  execute: ({ eevidenceActions, actor }, { reference }) => eevidenceActions.validate(actor, reference),
  render: renderEvidenceActed,
});
