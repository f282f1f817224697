// The case lifecycle as a pure function: every action from every state by every role, written out by hand from
// the issue and domain.md ("only the recipient acknowledges and resolves; only the opener withdraws; coordinators
// may do all"), the clarification rules, and the outcomes of each kind.
import { describe, expect, it } from "vitest";
import { CASE_KINDS, OUTCOMES, type CaseKind, type Outcome } from "../../src/cases/kinds.js";
import { EEVIDENCE_KINDS } from "../../src/cases/eevidence/inability.js";
import { applyCaseAction, type CaseAction, type CaseLifecycleState, type CaseRole, type CaseState } from "../../src/cases/lifecycle.js";
import type { ClockRule } from "../../src/cases/policy.js";

const T0 = new Date("2026-11-20T10:00:00Z");
const T1 = new Date("2026-11-20T10:20:00Z");
const NOW = new Date("2026-11-20T10:40:00Z");

const RULE: ClockRule = { mode: "continuous", acknowledgeMs: 15 * 60_000, resolveMs: 60 * 60_000, clarification: "pause" };

/** A case in each state, as the service would have stored it. */
function caseIn(state: CaseState, kind: CaseKind = "notice"): CaseLifecycleState {
  const base: CaseLifecycleState = {
    kind, state, stateBeforeClarification: null, acknowledgedAt: null, resolvedAt: null, closedAt: null, outcome: null, outcomeReason: null,
    clockStartAt: T0, pauses: [], extendedMs: 0, responsibleContactId: "jan",
  };
  switch (state) {
    case "open":
      return base;
    case "acknowledged":
      return { ...base, acknowledgedAt: T0 };
    case "clarification-requested":
      return { ...base, acknowledgedAt: T0, stateBeforeClarification: "acknowledged", pauses: [{ from: T1 }] };
    case "resolved":
      return { ...base, acknowledgedAt: T0, resolvedAt: T1, outcome: "removed" };
    case "closed":
      return { ...base, acknowledgedAt: T0, resolvedAt: T1, closedAt: T1, outcome: "removed" };
    case "withdrawn":
      return { ...base, closedAt: T1 };
    case "suspended":
      return { ...base, acknowledgedAt: T0, stateBeforeClarification: "acknowledged", pauses: [{ from: T1 }] };
  }
}

const STATES: CaseState[] = ["open", "acknowledged", "clarification-requested", "suspended", "resolved", "closed", "withdrawn"];
const ACTIVE: CaseState[] = ["open", "acknowledged", "clarification-requested"];

/** Each action, who may take it, from which states, and the state it leads to (written by hand). */
const EXPECTED: { action: CaseAction; by: CaseRole[]; from: CaseState[]; to: (from: CaseState) => CaseState; kind?: CaseKind }[] = [
  { action: { type: "acknowledge" }, by: ["recipient", "coordinator"], from: ["open"], to: () => "acknowledged" },
  { action: { type: "request-clarification", question: "which video?" }, by: ["recipient", "coordinator"], from: ["open", "acknowledged"], to: () => "clarification-requested" },
  { action: { type: "answer-clarification", answer: "the second one" }, by: ["opener", "coordinator"], from: ["clarification-requested"], to: () => "acknowledged" },
  { action: { type: "resolve", outcome: "removed" }, by: ["recipient", "coordinator"], from: [...ACTIVE, "suspended"], to: () => "resolved" },
  { action: { type: "close" }, by: ["opener", "coordinator"], from: ["resolved"], to: () => "closed" },
  { action: { type: "withdraw", reason: "wrong company" }, by: ["opener", "coordinator"], from: [...ACTIVE, "suspended"], to: () => "withdrawn" },
  { action: { type: "reopen", reason: "back online" }, by: ["opener", "coordinator"], from: ["resolved", "closed", "withdrawn"], to: () => "open" },
  { action: { type: "extend", byMs: 2 * 3_600_000, reason: "large data set" }, by: ["opener", "coordinator"], from: ACTIVE, to: (from) => from },
  { action: { type: "reassign", contactId: "eva" }, by: ["recipient", "coordinator"], from: [...ACTIVE, "suspended"], to: (from) => from },
  { action: { type: "suspend", grounds: "data centre outage, storage unreachable" }, by: ["recipient", "coordinator"], from: ["open", "acknowledged"], to: () => "suspended", kind: "removal-order" },
  { action: { type: "resume" }, by: ["recipient", "coordinator"], from: ["suspended"], to: () => "acknowledged", kind: "removal-order" },
];

const ROLE_SETS: { name: string; roles: CaseRole[] }[] = [
  { name: "opener", roles: ["opener"] },
  { name: "recipient", roles: ["recipient"] },
  { name: "coordinator", roles: ["coordinator"] },
  { name: "opener who is also a coordinator", roles: ["opener", "coordinator"] },
  { name: "nobody", roles: [] },
];

/** Words each refusal must use so people understand it. */
const VERB: Record<CaseAction["type"], RegExp> = {
  acknowledge: /acknowledge/,
  "request-clarification": /clarification/,
  "answer-clarification": /clarification/,
  resolve: /resolve/,
  close: /close/,
  withdraw: /withdraw/,
  reopen: /reopen/,
  extend: /extend/,
  reassign: /reassign/,
  suspend: /suspend/,
  resume: /resume/,
};

const TABLE = EXPECTED.flatMap((expected) =>
  STATES.flatMap((state) => ROLE_SETS.map((roleSet) => ({ ...expected, state, roleSet }))),
);

describe("applyCaseAction: every action from every state by every role", () => {
  it("covers 11 actions x 7 states x 5 role sets", () => {
    expect(TABLE).toHaveLength(11 * 7 * 5);
  });

  it.each(TABLE.map((row) => [`${row.action.type} from ${row.state} by ${row.roleSet.name}`, row] as const))("%s", (_name, row) => {
    const before = caseIn(row.state, row.kind);
    const result = applyCaseAction(before, row.action, row.roleSet.roles, NOW, RULE);
    const roleAllowed = row.roleSet.roles.some((role) => row.by.includes(role));
    const stateAllowed = row.from.includes(row.state);
    if (!roleAllowed) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe("not-allowed");
      expect(result.message).toMatch(VERB[row.action.type]);
      // Says who may do it instead.
      if (row.by.includes("recipient")) expect(result.message).toContain("the organisation the case is addressed to");
      if (row.by.includes("opener")) expect(result.message).toContain("the organisation that opened the case");
      expect(result.message).toContain("coordinator");
      return;
    }
    if (!stateAllowed) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe("invalid-transition");
      expect(result.message).toContain(`The case is ${row.state}`);
      expect(result.message).toMatch(VERB[row.action.type]);
      for (const state of row.from) expect(result.message).toContain(state);
      expect(result.hint ?? "").not.toBe("");
      return;
    }
    expect(result.ok, result.ok ? "" : result.message).toBe(true);
    if (!result.ok) return;
    expect(result.value.state).toBe(row.to(row.state));
    // The input is not changed.
    expect(before).toEqual(caseIn(row.state, row.kind));
  });
});

describe("applyCaseAction: suspension for force majeure (TCO Art. 3(7))", () => {
  const recipient: CaseRole[] = ["recipient"];
  it("suspends only a removal order, with its grounds; the clock pauses and the order counts as acknowledged", () => {
    const notice = applyCaseAction(caseIn("open"), { type: "suspend", grounds: "data centre outage, storage unreachable" }, recipient, NOW, RULE);
    expect(notice.ok).toBe(false);
    if (!notice.ok) expect(notice.message).toMatch(/only a removal order/);
    const bare = applyCaseAction(caseIn("open", "removal-order"), { type: "suspend", grounds: "outage" }, recipient, NOW, RULE);
    expect(bare.ok).toBe(false);
    if (!bare.ok) expect(bare.message).toMatch(/grounds/);
    const suspended = applyCaseAction(caseIn("open", "removal-order"), { type: "suspend", grounds: "data centre outage, storage unreachable" }, recipient, NOW, RULE);
    expect(suspended.ok && suspended.value).toMatchObject({ state: "suspended", stateBeforeClarification: "open", acknowledgedAt: NOW, pauses: [{ from: NOW }] });
  });

  it("resuming starts the whole period again from the moment the grounds cease", () => {
    const later = new Date("2026-11-20T13:00:00Z");
    const resumed = applyCaseAction(caseIn("suspended", "removal-order"), { type: "resume" }, recipient, later, RULE);
    expect(resumed.ok && resumed.value).toMatchObject({ state: "acknowledged", stateBeforeClarification: null, clockStartAt: later, pauses: [] });
  });
});

describe("applyCaseAction: what each allowed action records", () => {
  const recipient: CaseRole[] = ["recipient"];
  const opener: CaseRole[] = ["opener"];

  it("acknowledge records when", () => {
    const result = applyCaseAction(caseIn("open"), { type: "acknowledge" }, recipient, NOW, RULE);
    expect(result.ok && result.value.acknowledgedAt).toEqual(NOW);
  });

  it("resolve records outcome, reason and time, and ends a running pause", () => {
    const result = applyCaseAction(caseIn("clarification-requested"), { type: "resolve", outcome: "cannot-comply", reason: " insufficient information " }, recipient, NOW, RULE);
    if (!result.ok) throw new Error(result.message);
    expect(result.value).toMatchObject({ state: "resolved", outcome: "cannot-comply", outcomeReason: "insufficient information", resolvedAt: NOW, acknowledgedAt: T0 });
    expect(result.value.pauses).toEqual([{ from: T1, to: NOW }]);
  });

  it("resolving an unacknowledged case counts as acknowledging it at the same time", () => {
    const result = applyCaseAction(caseIn("open"), { type: "resolve", outcome: "removed" }, recipient, NOW, RULE);
    expect(result.ok && result.value.acknowledgedAt).toEqual(NOW);
  });

  it("close and withdraw record when", () => {
    const closed = applyCaseAction(caseIn("resolved"), { type: "close" }, opener, NOW, RULE);
    expect(closed.ok && closed.value.closedAt).toEqual(NOW);
    const withdrawn = applyCaseAction(caseIn("clarification-requested"), { type: "withdraw" }, opener, NOW, RULE);
    if (!withdrawn.ok) throw new Error(withdrawn.message);
    expect(withdrawn.value.closedAt).toEqual(NOW);
    expect(withdrawn.value.pauses).toEqual([{ from: T1, to: NOW }]);
  });

  it("reopen starts afresh: no acknowledgement, outcome, extension or pauses; the clock starts now", () => {
    const closed = { ...caseIn("closed"), extendedMs: 3_600_000, pauses: [{ from: T0, to: T1 }], outcomeReason: "x" };
    const result = applyCaseAction(closed, { type: "reopen", reason: "the video is back" }, opener, NOW, RULE);
    if (!result.ok) throw new Error(result.message);
    expect(result.value).toMatchObject({
      state: "open", acknowledgedAt: null, resolvedAt: null, closedAt: null, outcome: null, outcomeReason: null, clockStartAt: NOW, pauses: [], extendedMs: 0,
    });
  });

  it("reopen and extend need a reason; extend needs a positive duration", () => {
    const reopen = applyCaseAction(caseIn("closed"), { type: "reopen", reason: "  " }, opener, NOW, RULE);
    expect(reopen).toMatchObject({ ok: false, code: "bad-arguments" });
    expect(reopen.ok ? "" : reopen.message).toMatch(/reason/i);
    const noReason = applyCaseAction(caseIn("open"), { type: "extend", byMs: 3_600_000, reason: "" }, opener, NOW, RULE);
    expect(noReason).toMatchObject({ ok: false, code: "bad-arguments" });
    expect(noReason.ok ? "" : noReason.message).toMatch(/reason/i);
    const zero = applyCaseAction(caseIn("open"), { type: "extend", byMs: 0, reason: "why not" }, opener, NOW, RULE);
    expect(zero).toMatchObject({ ok: false, code: "bad-arguments" });
  });

  it("extensions add up", () => {
    const once = applyCaseAction(caseIn("acknowledged"), { type: "extend", byMs: 3_600_000, reason: "one" }, opener, NOW, RULE);
    if (!once.ok) throw new Error(once.message);
    const twice = applyCaseAction(once.value, { type: "extend", byMs: 1_800_000, reason: "two" }, opener, NOW, RULE);
    expect(twice.ok && twice.value.extendedMs).toBe(5_400_000);
  });

  it("reassign names the new responsible contact", () => {
    const result = applyCaseAction(caseIn("open"), { type: "reassign", contactId: "eva" }, recipient, NOW, RULE);
    expect(result.ok && result.value.responsibleContactId).toBe("eva");
  });
});

describe("clarification: pause, restart or none", () => {
  const recipient: CaseRole[] = ["recipient"];
  const opener: CaseRole[] = ["opener"];
  const ASKED = new Date("2026-11-20T10:10:00Z");
  const ANSWERED = new Date("2026-11-20T10:50:00Z");

  function askAndAnswer(clarification: ClockRule["clarification"], from: CaseState) {
    const rule = { ...RULE, clarification };
    const asked = applyCaseAction(caseIn(from), { type: "request-clarification", question: "which one?" }, recipient, ASKED, rule);
    if (!asked.ok) throw new Error(asked.message);
    const answered = applyCaseAction(asked.value, { type: "answer-clarification", answer: "the second" }, opener, ANSWERED, rule);
    if (!answered.ok) throw new Error(answered.message);
    return { asked: asked.value, answered: answered.value };
  }

  it("pause: the clock stops when asked and runs on from where it was when answered", () => {
    const { asked, answered } = askAndAnswer("pause", "acknowledged");
    expect(asked.state).toBe("clarification-requested");
    expect(asked.pauses).toEqual([{ from: ASKED }]);
    expect(answered.pauses).toEqual([{ from: ASKED, to: ANSWERED }]);
    expect(answered.clockStartAt).toEqual(T0);
    expect(answered.state).toBe("acknowledged");
  });

  it("restart: the clock stops when asked and the whole period starts again when answered (TCO Art. 3(8))", () => {
    const { asked, answered } = askAndAnswer("restart", "acknowledged");
    expect(asked.pauses).toEqual([{ from: ASKED }]);
    expect(answered.clockStartAt).toEqual(ANSWERED);
    expect(answered.pauses).toEqual([]);
  });

  it("none: the clock keeps running", () => {
    const { asked, answered } = askAndAnswer("none", "acknowledged");
    expect(asked.pauses).toEqual([]);
    expect(answered.pauses).toEqual([]);
    expect(answered.clockStartAt).toEqual(T0);
  });

  it("asking for clarification of an unacknowledged case acknowledges it; after the answer it stays acknowledged", () => {
    const { asked, answered } = askAndAnswer("pause", "open");
    expect(asked.acknowledgedAt).toEqual(ASKED);
    // The recipient has responded: the case must not go back to "open" (which would invite a second acknowledgement
    // that overwrites the recorded time of the first).
    expect(answered.state).toBe("acknowledged");
    expect(answered.acknowledgedAt).toEqual(ASKED);
    const again = applyCaseAction(answered, { type: "acknowledge" }, recipient, NOW, RULE);
    expect(again).toMatchObject({ ok: false, code: "invalid-transition" });
  });

  it("a second clarification while one is open is refused", () => {
    const asked = applyCaseAction(caseIn("acknowledged"), { type: "request-clarification", question: "q?" }, recipient, ASKED, RULE);
    if (!asked.ok) throw new Error(asked.message);
    const again = applyCaseAction(asked.value, { type: "request-clarification", question: "q2?" }, recipient, NOW, RULE);
    expect(again).toMatchObject({ ok: false, code: "invalid-transition" });
  });

  it("a second clarification after the first was answered pauses again (pause rule keeps both pauses)", () => {
    const rule = { ...RULE, clarification: "pause" as const };
    let state = caseIn("acknowledged");
    const steps: [CaseAction, CaseRole[], Date][] = [
      [{ type: "request-clarification", question: "q1" }, recipient, new Date("2026-11-20T10:05:00Z")],
      [{ type: "answer-clarification", answer: "a1" }, opener, new Date("2026-11-20T10:15:00Z")],
      [{ type: "request-clarification", question: "q2" }, recipient, new Date("2026-11-20T10:25:00Z")],
      [{ type: "answer-clarification", answer: "a2" }, opener, new Date("2026-11-20T10:35:00Z")],
    ];
    for (const [action, roles, at] of steps) {
      const result = applyCaseAction(state, action, roles, at, rule);
      if (!result.ok) throw new Error(result.message);
      state = result.value;
    }
    expect(state.pauses).toEqual([
      { from: new Date("2026-11-20T10:05:00Z"), to: new Date("2026-11-20T10:15:00Z") },
      { from: new Date("2026-11-20T10:25:00Z"), to: new Date("2026-11-20T10:35:00Z") },
    ]);
  });
});

/** The outcomes of each kind (domain.md, "Cases"), written by hand. */
const KIND_OUTCOMES: Record<CaseKind, Outcome[]> = {
  notice: ["removed", "access-disabled", "no-action", "cannot-comply"],
  "removal-order": ["removed", "access-disabled", "cannot-comply"],
  "investigation-request": ["data-produced", "not-held", "refused"],
  "production-order": ["data-produced", "not-held", "refused", "cannot-comply"],
  "preservation-order": ["data-preserved", "not-held", "refused", "cannot-comply"],
  // The EOKM addendum: no "no action", and no assessment of the host's own; "not hosted here" names the host.
  "csam-notice": ["removed", "access-disabled", "not-hosted-here"],
  "threat-to-life": ["police-informed", "europol-informed", "police-and-europol-informed", "no-action"],
  "dsa-act-order": ["effect-given", "effect-not-given"],
  "dsa-info-order": ["information-provided", "not-held", "information-not-provided"],
  "atkm-order": ["removed", "access-disabled", "cannot-comply"],
};

/** Outcomes that must say why: no action, cannot comply, refused, an order not given effect or not answered. */
const NEEDS_REASON: Outcome[] = ["no-action", "cannot-comply", "refused", "effect-not-given", "information-not-provided"];

describe("outcomes per kind, and reasons", () => {
  const cases = CASE_KINDS.flatMap((kind) => OUTCOMES.map((outcome) => [kind, outcome] as const));

  it.each(cases)("%s resolved as %s", (kind, outcome) => {
    const allowed = KIND_OUTCOMES[kind].includes(outcome);
    // European orders are resolved only through the e-Evidence commands (Art. 10, Annex III); they say so with `via`.
    const european = EEVIDENCE_KINDS.includes(kind);
    const via = european ? { via: "eevidence" as const } : {};
    const withReason = applyCaseAction(caseIn("acknowledged", kind), { type: "resolve", outcome, reason: "because", ...via }, ["recipient"], NOW, RULE);
    const withoutReason = applyCaseAction(caseIn("acknowledged", kind), { type: "resolve", outcome, ...via }, ["recipient"], NOW, RULE);
    if (allowed && european) {
      const bare = applyCaseAction(caseIn("acknowledged", kind), { type: "resolve", outcome, reason: "because" }, ["recipient", "coordinator"], NOW, RULE);
      expect(bare).toMatchObject({ ok: false, code: "bad-arguments" });
      expect(bare.ok ? "" : bare.message).toMatch(/Annex III/);
    }
    if (!allowed) {
      for (const result of [withReason, withoutReason]) {
        expect(result).toMatchObject({ ok: false, code: "bad-arguments" });
        if (result.ok) continue;
        expect(result.message).toContain(outcome);
        // Lists the outcomes that are possible.
        for (const possible of KIND_OUTCOMES[kind]) expect(result.hint).toContain(possible);
      }
      return;
    }
    expect(withReason.ok).toBe(true);
    expect(withReason.ok && withReason.value.outcomeReason).toBe("because");
    if (NEEDS_REASON.includes(outcome)) {
      expect(withoutReason).toMatchObject({ ok: false, code: "bad-arguments" });
      expect(withoutReason.ok ? "" : withoutReason.message).toMatch(/needs a reason/);
      const blank = applyCaseAction(caseIn("acknowledged", kind), { type: "resolve", outcome, reason: "   " }, ["recipient"], NOW, RULE);
      expect(blank).toMatchObject({ ok: false, code: "bad-arguments" });
    } else {
      expect(withoutReason.ok).toBe(true);
      expect(withoutReason.ok && withoutReason.value.outcomeReason).toBe(null);
    }
  });
});
