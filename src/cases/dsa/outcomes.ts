// What an outcome must come with, beyond the reason lifecycle.ts asks for. CaseService.act asks here before a case is
// resolved, so that `/case resolve` and `/case decide` obey the same rules.
import { fail, type Failure } from "../../core/result.js";
import { KIND_INFO, type Outcome } from "../kinds.js";
import type { CaseView } from "../view.js";
import { threatOutcomeRefusal, type ThreatForm } from "./threats.js";

/**
 * Outcomes that only `/case decide` gives, because they carry facts the law asks for:
 * - effect-given, information-provided: DSA Art. 9(1) and 10(1): the provider informs the issuing authority
 *   "specifying if and when effect was given to the order" (the time: --effect-at);
 * - not-hosted-here: a CSAM notice under the EOKM addendum, which names who hosts the material (--host).
 */
export const DECIDED_OUTCOMES: readonly Outcome[] = ["effect-given", "information-provided", "not-hosted-here"];

/** Why this resolution is refused (see DECIDED_OUTCOMES and threats.ts), or undefined when it may go ahead. */
export function resolveRefusal(view: Pick<CaseView, "kind" | "fields" | "reference">, action: { outcome: Outcome; decided?: boolean }): Failure | undefined {
  if (!KIND_INFO[view.kind].outcomes.includes(action.outcome)) return undefined; // lifecycle.ts names the outcomes.
  if (DECIDED_OUTCOMES.includes(action.outcome) && !action.decided) {
    const flag = action.outcome === "not-hosted-here" ? "--host <who hosts it>" : "--effect-at <when, with its offset>";
    return fail("bad-arguments", `"${action.outcome}" says ${action.outcome === "not-hosted-here" ? "who hosts the material" : "when effect was given"}: give it with /case decide.`, `/case decide ${view.reference} --outcome ${action.outcome} ${flag}`);
  }
  if (view.kind === "threat-to-life") {
    const why = threatOutcomeRefusal(view.fields as unknown as ThreatForm, action.outcome);
    if (why) return fail("bad-arguments", `"${action.outcome}" is not enough for ${view.reference}: ${why}.`, "Resolve it with the outcome the law asks for (police-informed, police-and-europol-informed), or no-action with a reason.");
  }
  return undefined;
}
