// What a hosting service provider states when it resolves a removal order: the Annex II feedback, or the Annex III
// grounds of non-execution. Pure: CaseDecisions (dsa/decisions.ts) asks here and stores the answer in CaseDecision.
//
// Art. 3(6) (paraphrase: not checked against the Official Journal text): "The hosting service provider shall, without undue delay, inform the competent authority that issued the
// removal order, using the template set out in Annex II, of the removal of the terrorist content or the disabling of
// access thereto in all Member States, indicating, in particular, the time and date of that removal or disabling."
// Annex II, section B (paraphrase): the measure taken, "the terrorist content has been removed" or "access to the
// terrorist content has been disabled in all Member States", and the "time and date of the measure taken".
// Annex III, section B (paraphrase): the order "cannot be executed or cannot be executed within the requested deadline" for force
// majeure or de facto impossibility (Art. 3(7)), manifest errors or insufficient information (Art. 3(8)), with
// "further information as to the reasons for non-execution".
import { fail, ok, type Failure, type Outcome as Result } from "../../core/result.js";
import type { Outcome } from "../kinds.js";
import { ANNEX_III_GROUNDS, type AnnexIIIGround } from "./form.js";

/** The Annex II measure of each outcome that executes a removal order. */
export const ANNEX_II_MEASURES: Partial<Record<Outcome, "removal" | "access-disabled">> = { removed: "removal", "access-disabled": "access-disabled" };

/** What the recipient states, as the checks read it. */
export interface RemovalFeedbackInput {
  outcome: Outcome;
  effectAt?: Date | undefined;
  ground?: string | undefined;
}

/** The facts stored for a removal order's resolution. */
export interface RemovalFeedback {
  effectAt?: Date;
  restriction?: "removal" | "access-disabled";
  ground?: AnnexIIIGround;
}

/**
 * The Annex II or Annex III facts of a removal order's resolution, or a refusal naming the flag. The time of effect
 * defaults to now; it may not be in the future, nor before receipt. `receivedAt` is the recorded receipt or, where
 * none is recorded and the recipient acts first, this action (receipt.ts).
 */
export function removalFeedback(input: RemovalFeedbackInput, at: { now: Date; receivedAt: Date; reference: string; receiptRecorded: boolean }): Result<RemovalFeedback> {
  const measure = ANNEX_II_MEASURES[input.outcome];
  if (input.outcome === "cannot-comply") {
    if (input.effectAt) return refusal("--effective-at: an order that is not executed has no time of effect.");
    if (!input.ground || !(ANNEX_III_GROUNDS as readonly string[]).includes(input.ground)) {
      return refusal(`--ground: say why the order cannot be executed, as Annex III does: ${ANNEX_III_GROUNDS.join(", ")} (with --reason explaining it).`, `e.g. /case resolve ${at.reference} --outcome cannot-comply --ground manifest-errors --reason "the URL points to a news report on the attack"`);
    }
    return ok({ ground: input.ground as AnnexIIIGround });
  }
  if (!measure) return ok({});
  if (input.ground !== undefined) return refusal(`--ground is the Annex III ground of an order that cannot be complied with; "${input.outcome}" executed it.`);
  const effectAt = input.effectAt ?? at.now;
  if (effectAt.getTime() > at.now.getTime()) return refusal(`--effective-at ${effectAt.toISOString()} is in the future; give the time the content was ${input.outcome === "removed" ? "removed" : "disabled"}, with its offset.`, "Leave it out when it is now.");
  if (effectAt.getTime() < at.receivedAt.getTime()) {
    return refusal(
      at.receiptRecorded
        ? `--effective-at ${effectAt.toISOString()} is before ${at.reference} was received (${at.receivedAt.toISOString()}); the content is removed after receipt of the order.`
        : `--effective-at ${effectAt.toISOString()} is before receipt: no delivery of ${at.reference} is recorded, so your answer now is its receipt (${at.receivedAt.toISOString()}).`,
      at.receiptRecorded ? "Give the time of the measure, after receipt." : `If it reached you earlier by another channel, the issuer enters that time first: /case received ${at.reference} --at <time>.`,
    );
  }
  return ok({ effectAt, restriction: measure });
}

function refusal(message: string, hint?: string): Failure {
  return fail("bad-arguments", message, hint);
}
