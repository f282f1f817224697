import { fail, ok, type Outcome as Result } from "../core/result.js";
import type { Pause } from "../time/calendar.js";
import { KIND_INFO, kindInSentence, OUTCOMES_NEEDING_REASON, type CaseKind, type Outcome } from "./kinds.js";
import type { ClockRule } from "./policy.js";
import { MAX_EXTENSION_DAYS, type ExtensionAmount } from "./extension.js";
import { EEVIDENCE_KINDS, bareRefusalMessage } from "./eevidence/inability.js";

/** States of a case. */
export const CASE_STATES = ["open", "acknowledged", "clarification-requested", "suspended", "resolved", "closed", "withdrawn"] as const;

/** A state of a case. */
export type CaseState = (typeof CASE_STATES)[number];

/** States in which the case is being worked on (its clocks run, or are paused: a clarification, a suspension). */
export const ACTIVE_STATES: readonly CaseState[] = ["open", "acknowledged", "clarification-requested", "suspended"];

/**
 * Kinds whose clock the recipient may suspend, with the provision: TCO Regulation (EU) 2021/784 Art. 3(7): "Where the
 * hosting service provider cannot comply with a removal order on grounds of force majeure or of de facto
 * impossibility not attributable to the hosting service provider, including for objective and technically
 * justifiable reasons, it shall, without undue delay, inform the competent authority that issued the removal order of
 * those grounds, using the template set out in Annex III. The deadline set out in paragraph 3 shall start to run as
 * soon as the grounds referred to in the first subparagraph of this paragraph have ceased to exist."
 */
export const SUSPENDABLE: Partial<Record<CaseKind, string>> = { "removal-order": "TCO Art. 3(7)" };

/** What can happen to a case after it is opened. */
export type CaseAction =
  | { type: "acknowledge" }
  | { type: "request-clarification"; question: string }
  | { type: "answer-clarification"; answer: string }
  /**
   * `decided`: given through /case decide with the facts the outcome needs (dsa/outcomes.ts); `via: "eevidence"`:
   * resolved through the e-Evidence commands, which check Art. 10 and Annex III first.
   */
  | { type: "resolve"; outcome: Outcome; reason?: string; decided?: boolean; via?: "eevidence"; effectAt?: Date }
  | { type: "close" }
  | { type: "withdraw"; reason?: string }
  | { type: "reopen"; reason: string }
  /** `byMs` counts like the clock (working time on a working-hours clock); `inWords` says it as the person asked ("2 working days"). */
  | { type: "extend"; byMs: number; reason: string; inWords?: string; amount?: ExtensionAmount }
  | { type: "reassign"; contactId: string }
  /** The recipient cannot comply for now: force majeure or de facto impossibility (TCO Art. 3(7)), with the grounds. */
  | { type: "suspend"; grounds: string }
  /** The grounds have ceased: the full period starts again (TCO Art. 3(7), second subparagraph). */
  | { type: "resume" };

/** The part of a case the lifecycle reads and changes. */
export interface CaseLifecycleState {
  kind: CaseKind;
  state: CaseState;
  stateBeforeClarification: CaseState | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  outcome: Outcome | null;
  outcomeReason: string | null;
  clockStartAt: Date;
  pauses: Pause[];
  extendedMs: number;
  responsibleContactId: string | null;
}

/** Who is acting on the case, as the rules see it. */
export type CaseRole = "opener" | "recipient" | "coordinator" | "party" | "reader";

const RULES: Record<CaseAction["type"], { from: readonly CaseState[]; by: readonly CaseRole[]; verb: string }> = {
  acknowledge: { from: ["open"], by: ["recipient", "coordinator"], verb: "acknowledge" },
  "request-clarification": { from: ["open", "acknowledged"], by: ["recipient", "coordinator"], verb: "ask for clarification of" },
  "answer-clarification": { from: ["clarification-requested"], by: ["opener", "coordinator"], verb: "answer a clarification of" },
  resolve: { from: ["open", "acknowledged", "clarification-requested", "suspended"], by: ["recipient", "coordinator"], verb: "resolve" },
  close: { from: ["resolved"], by: ["opener", "coordinator"], verb: "close" },
  withdraw: { from: ["open", "acknowledged", "clarification-requested", "suspended"], by: ["opener", "coordinator"], verb: "withdraw" },
  reopen: { from: ["resolved", "closed", "withdrawn"], by: ["opener", "coordinator"], verb: "reopen" },
  extend: { from: ["open", "acknowledged", "clarification-requested"], by: ["opener", "coordinator"], verb: "extend the deadline of" },
  reassign: { from: ["open", "acknowledged", "clarification-requested", "suspended"], by: ["recipient", "coordinator"], verb: "reassign" },
  suspend: { from: ["open", "acknowledged"], by: ["recipient", "coordinator"], verb: "suspend" },
  resume: { from: ["suspended"], by: ["recipient", "coordinator"], verb: "resume" },
};

const ROLE_NAMES: Record<CaseRole, string> = {
  opener: "the organisation that opened the case",
  recipient: "the organisation the case is addressed to",
  coordinator: "a coordinator",
  party: "another party of the case (a European order's enforcing authority)",
  // No action's rule names it: a reader (the host authority of a TCO copy) is refused every case action.
  reader: "a reader of the case who is not a party (the host Member State's authority sent a copy of a removal order)",
};

/** Who may take an action, in words, for refusals. */
export function allowedActors(action: CaseAction["type"]): string {
  return RULES[action].by.map((role) => ROLE_NAMES[role]).join(" or ");
}

/**
 * Applies an action to a case: the new state and clock fields, or a refusal saying why (wrong state, wrong party,
 * missing reason). Pure: the caller stores the result and computes the deadlines from it.
 */
export function applyCaseAction(current: CaseLifecycleState, action: CaseAction, roles: readonly CaseRole[], at: Date, rule: ClockRule): Result<CaseLifecycleState> {
  const spec = RULES[action.type];
  if (!roles.some((role) => spec.by.includes(role))) {
    return fail("not-allowed", `Only ${allowedActors(action.type)} may ${spec.verb} this case.`);
  }
  if (!spec.from.includes(current.state)) {
    return fail(
      "invalid-transition",
      `The case is ${current.state}; you can ${spec.verb} a case only when it is ${spec.from.join(" or ")}.`,
      hintFor(current.state),
    );
  }
  const next: CaseLifecycleState = { ...current, pauses: current.pauses.map((pause) => ({ ...pause })) };
  switch (action.type) {
    case "acknowledge":
      next.state = "acknowledged";
      next.acknowledgedAt = at;
      return ok(next);
    case "request-clarification":
      next.stateBeforeClarification = current.state;
      next.state = "clarification-requested";
      next.acknowledgedAt = current.acknowledgedAt ?? at;
      if (rule.clarification !== "none") next.pauses.push({ from: at });
      return ok(next);
    case "answer-clarification": {
      // Asking for clarification acknowledged the case, so it never goes back to "open" (a second /case ack would
      // overwrite the recorded time of acknowledgement).
      next.state = current.acknowledgedAt ? "acknowledged" : (current.stateBeforeClarification ?? "acknowledged");
      next.stateBeforeClarification = null;
      const open = next.pauses.find((pause) => pause.to === undefined);
      if (open) open.to = at;
      if (rule.clarification === "restart") {
        // The whole period starts again once the clarification is received (TCO Art. 3(8): "The deadline set out in
        // paragraph 3 shall start to run as soon as the hosting service provider has received the clarification.").
        next.clockStartAt = at;
        next.pauses = [];
      }
      return ok(next);
    }
    case "resolve": {
      const allowed = KIND_INFO[current.kind].outcomes;
      if (!allowed.includes(action.outcome)) {
        return fail("bad-arguments", `"${action.outcome}" is not an outcome of ${kindInSentence(current.kind, "a")}.`, `Outcomes: ${allowed.join(", ")}.`);
      }
      // Regulation (EU) 2023/1543: the addressee transmits when Art. 10 allows it, and answers anything else on the
      // Annex III form; a bare "refused" or "cannot comply" is not an answer to a European order.
      if (EEVIDENCE_KINDS.includes(current.kind) && action.via !== "eevidence") return fail("bad-arguments", bareRefusalMessage(), "Transmit with /eevidence produced, preserve with /eevidence preserved, or state a ground with /eevidence inability.");
      if (OUTCOMES_NEEDING_REASON.includes(action.outcome) && !action.reason?.trim()) {
        return fail("bad-arguments", `The outcome "${action.outcome}" needs a reason.`, `Add --reason "...", e.g. --reason "insufficient information: the URL is not ours".`);
      }
      next.state = "resolved";
      next.outcome = action.outcome;
      next.outcomeReason = action.reason?.trim() || null;
      next.resolvedAt = at;
      next.acknowledgedAt = current.acknowledgedAt ?? at;
      closePauses(next, at);
      return ok(next);
    }
    case "close":
      next.state = "closed";
      next.closedAt = at;
      return ok(next);
    case "withdraw":
      next.state = "withdrawn";
      next.closedAt = at;
      closePauses(next, at);
      return ok(next);
    case "reopen":
      if (!action.reason.trim()) return fail("bad-arguments", "Reopening needs a reason.", 'Add --reason "...".');
      next.state = "open";
      next.acknowledgedAt = null;
      next.resolvedAt = null;
      next.closedAt = null;
      next.outcome = null;
      next.outcomeReason = null;
      next.stateBeforeClarification = null;
      next.clockStartAt = at;
      next.pauses = [];
      next.extendedMs = 0;
      return ok(next);
    case "extend":
      if (rule.legalSource) {
        return fail("not-allowed", `This deadline is set by law and cannot be extended: ${rule.legalSource}.`, "If the order cannot be executed as it stands, ask for clarification (/case clarify); if it cannot be executed at all, resolve it as cannot-comply with the grounds.");
      }
      if (!action.reason.trim()) return fail("bad-arguments", "An extension needs a reason.", 'Add --reason "...".');
      if (action.byMs <= 0) return fail("bad-arguments", "An extension must be longer than zero.", "e.g. --by 2h or --by 3d");
      if (action.byMs > MAX_EXTENSION_DAYS * 86_400_000) return fail("bad-arguments", `An extension is at most ${MAX_EXTENSION_DAYS} days at a time.`, `e.g. --by ${MAX_EXTENSION_DAYS}d`);
      next.extendedMs = current.extendedMs + action.byMs;
      return ok(next);
    case "reassign":
      next.responsibleContactId = action.contactId;
      return ok(next);
    case "suspend": {
      const provision = SUSPENDABLE[current.kind];
      if (!provision) return fail("bad-arguments", `${kindInSentence(current.kind, "a").replace(/^a/, "A")} cannot be suspended: only a removal order's clock stops for force majeure (TCO Art. 3(7)).`, "If it cannot be done, resolve it as cannot-comply with the reason, or ask for clarification.");
      if (action.grounds.trim().length < 10) return fail("bad-arguments", "Say what prevents compliance (the grounds of Annex III): force majeure or de facto impossibility, and why.", 'e.g. --grounds "data centre outage since 10:40, access to the storage cluster lost"');
      next.stateBeforeClarification = current.state;
      next.state = "suspended";
      // Informing the issuer of the grounds is the recipient's answer to the order: it counts as acknowledging it.
      next.acknowledgedAt = current.acknowledgedAt ?? at;
      next.pauses.push({ from: at });
      return ok(next);
    }
    case "resume":
      // "The deadline ... shall start to run as soon as the grounds ... have ceased to exist": the whole hour again.
      // Suspending informed the issuer, which acknowledged the order: it never goes back to "open".
      next.state = current.acknowledgedAt ? "acknowledged" : (current.stateBeforeClarification ?? "acknowledged");
      next.stateBeforeClarification = null;
      next.clockStartAt = at;
      next.pauses = [];
      return ok(next);
  }
}

function closePauses(state: CaseLifecycleState, at: Date): void {
  for (const pause of state.pauses) if (pause.to === undefined) pause.to = at;
}

function hintFor(state: CaseState): string {
  switch (state) {
    case "open":
      return "It waits for the recipient to acknowledge (/case ack) or resolve it.";
    case "acknowledged":
      return "It waits for the recipient to resolve it (/case resolve).";
    case "clarification-requested":
      return "It waits for the opener to answer the clarification (/case answer).";
    case "suspended":
      return "It waits for the grounds to cease (/case resume), or for the recipient to resolve it.";
    case "resolved":
      return "The opener can close it (/case close) or reopen it (/case reopen).";
    case "closed":
    case "withdrawn":
      return "The opener can reopen it with a reason (/case reopen).";
  }
}
