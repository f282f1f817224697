// Rules a DSA or ATKM order's form obeys at opening that depend on who issues it: the issuing Member State, and the
// ATKM's own term. Pure: checkOpening (cases/opening.ts) and CaseService.open call these after the form is validated.
import { fail, ok, type Outcome as Result } from "../../core/result.js";
import type { CaseFields, CaseKind } from "../kinds.js";
import type { ClockRule } from "../policy.js";
import { MEMBER_STATES, type MemberState } from "./vocabulary.js";
import { checkRemovalOrderOpening, type RemovalOrderForm, type RemovalOrderParties } from "../removal/form.js";

/** Kinds whose form names the issuing Member State. */
const NATIONAL_ORDERS: readonly CaseKind[] = ["dsa-act-order", "dsa-info-order"];

/**
 * The form as stored, or a refusal. DSA Art. 9(1) and 10(1): the orders are "issued by the relevant national
 * judicial or administrative authorities", so the issuing Member State (Art. 15(1)(a) counts orders by "the Member
 * State issuing the order") is the issuing organisation's country; an issuer outside the Union cannot issue one, and
 * a Member State given on the form must be the issuer's own. A removal order's form is checked in removal/form.ts.
 */
export function checkOrderOpening(kind: CaseKind, fields: CaseFields, issuer: RemovalOrderParties["issuer"], context: Omit<RemovalOrderParties, "issuer">): Result<CaseFields> {
  if (kind === "removal-order") return checkRemovalOrderOpening(fields as RemovalOrderForm, { issuer, ...context }) as Result<CaseFields>;
  if (!NATIONAL_ORDERS.includes(kind)) return ok(fields);
  const form = fields as CaseFields & { memberState?: MemberState };
  const country = (issuer.country.toUpperCase() === "GR" ? "EL" : issuer.country.toUpperCase()) as MemberState;
  if (!MEMBER_STATES.includes(country)) {
    return fail("not-allowed", `${issuer.slug} is not in a Member State of the Union (its country is ${issuer.country || "not set"}); a DSA order is issued by a national authority of a Member State.`);
  }
  if (form.memberState !== undefined && form.memberState !== country) {
    return fail("bad-arguments", `--member-state: ${issuer.slug} is an authority of ${country}, not ${form.memberState}; an order's issuing Member State is its issuer's.`, "Leave out --member-state: it is taken from the issuer.");
  }
  return ok({ ...form, memberState: country } as CaseFields);
}

/**
 * The clock of an ATKM order: its own term when shorter than the law's twelve hours (Stb. 2024, 162, art. 6(4)(c):
 * the ATKM sets the term, "met dien verstande dat die termijn ten hoogste twaalf uren bedraagt"). A term is never
 * longer than the policy's time, which the policy check keeps at most twelve hours.
 */
export function withOrderTerm(rule: ClockRule, kind: CaseKind, fields: CaseFields): ClockRule {
  const termMs = kind === "atkm-order" ? (fields as { termMs?: number }).termMs : undefined;
  if (termMs === undefined || (rule.resolveMs !== null && rule.resolveMs <= termMs)) return rule;
  return { ...rule, resolveMs: termMs, acknowledgeMs: Math.min(rule.acknowledgeMs, termMs) };
}
