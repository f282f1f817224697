// Regulation (EU) 2023/1543 (e-Evidence), the pure rules, table by table: Art. 3 scope, Art. 4 issuers and validators
// per data category, Art. 8 notification, the Art. 10 / Art. 12 clocks, Art. 11 preservation, Annex III, Art. 28.
// Instants are written with the offset of the place they happen in; every expected instant is checked in UTC.
import { describe, expect, it } from "vitest";
import { checkIssuer, standingOf, type AuthorityStanding } from "../../src/cases/eevidence/authority.js";
import { notificationRequired, parseCertificate, type DataCategory } from "../../src/cases/eevidence/certificate.js";
import { epocClocks, issuerReactionDueAt, mayTransmitAt } from "../../src/cases/eevidence/clocks.js";
import { ANNEX_III_GROUND_NAMES, groundApplies } from "../../src/cases/eevidence/inability.js";
import { applyPreservation, newPreservation, preservationAt, preservationReminders, type PreservationState } from "../../src/cases/eevidence/preservation.js";
import { checkScope } from "../../src/cases/eevidence/scope.js";
import { orderStatistics } from "../../src/cases/eevidence/statistics.js";

const at = (text: string) => new Date(text);
const iso = (date: Date | undefined) => date?.toISOString();

describe("Art. 3(1): cross-border scope", () => {
  const ie = { type: "establishment" as const, memberState: "IE", languages: ["en"], name: "Chirp Ireland Ltd" };
  it.each([
    ["NL issuer, IE establishment", "NL", ie, true],
    ["IE issuer, IE establishment (domestic: Art. 1(1))", "IE", ie, false],
    ["no addressee in the directory", "NL", undefined, false],
    ["DE issuer, NL legal representative", "DE", { ...ie, type: "legal-representative" as const, memberState: "NL" }, true],
  ])("%s", (_title, issuer, addressee, allowed) => {
    const result = checkScope(issuer, "chirp-social", addressee);
    expect(result.ok).toBe(allowed);
    if (!result.ok) expect(result.code).toBe("not-allowed");
    if (!result.ok && addressee) expect(result.message).toMatch(/Art\. 3\(1\)/);
  });
});

describe("Art. 4: who issues and who validates, per data category", () => {
  const judge: AuthorityStanding = { standing: "judge", memberState: "NL" };
  const prosecutor: AuthorityStanding = { standing: "prosecutor", memberState: "NL" };
  const police: AuthorityStanding = { standing: "other-competent-authority", memberState: "NL" };
  const foreignJudge: AuthorityStanding = { standing: "judge", memberState: "BE" };
  const issuedAt = at("2026-11-20T23:30:00+01:00");
  type Row = [string, "production" | "preservation", DataCategory, AuthorityStanding | undefined, AuthorityStanding | undefined, boolean, string];
  const rows: Row[] = [
    // [title, type, category, issuer, validator, emergency, expected]
    ["judge, content", "production", "content", judge, undefined, false, "not-needed"],
    ["prosecutor, subscriber (4(1)(a))", "production", "subscriber", prosecutor, undefined, false, "not-needed"],
    ["prosecutor, identification (4(1)(a))", "production", "identification", prosecutor, undefined, false, "not-needed"],
    ["prosecutor, traffic: not allowed alone (4(2))", "production", "traffic", prosecutor, undefined, false, "not-allowed"],
    ["prosecutor, content validated by a prosecutor: not enough (4(2)(b))", "production", "content", prosecutor, prosecutor, false, "not-allowed"],
    ["prosecutor, content validated by a judge (4(2)(b))", "production", "content", prosecutor, judge, false, "validated"],
    ["judge names a validator: none is needed", "production", "subscriber", judge, judge, false, "bad-arguments"],
    ["police, traffic validated by a judge (4(2)(b))", "production", "traffic", police, judge, false, "validated"],
    ["police, traffic validated by a prosecutor: refused (4(2)(b))", "production", "traffic", police, prosecutor, false, "not-allowed"],
    ["police, subscriber validated by a prosecutor (4(1)(b))", "production", "subscriber", police, prosecutor, false, "validated"],
    ["police, subscriber validated by another State's judge", "production", "subscriber", police, foreignJudge, false, "not-allowed"],
    ["police, subscriber, no validator, no emergency", "production", "subscriber", police, undefined, false, "not-allowed"],
    ["police, subscriber, emergency: ex post within 48 h (4(5))", "production", "subscriber", police, undefined, true, "ex-post-pending"],
    ["police, content, emergency: never without prior validation", "production", "content", police, undefined, true, "not-allowed"],
    ["police, preservation of content, emergency: ex post (4(5))", "preservation", "content", police, undefined, true, "ex-post-pending"],
    ["prosecutor, preservation of content (4(3)(a))", "preservation", "content", prosecutor, undefined, false, "not-needed"],
    ["police, preservation validated by a prosecutor (4(3)(b))", "preservation", "traffic", police, prosecutor, false, "validated"],
    ["police, validator with no standing", "production", "subscriber", police, undefined, false, "not-allowed"],
    ["no standing at all", "production", "subscriber", undefined, undefined, false, "not-allowed"],
  ];
  it.each(rows)("%s", (_title, type, category, issuer, validatorStanding, emergency, expected) => {
    const validator = validatorStanding ? { orgId: "o-validator", slug: "validator", standing: validatorStanding } : undefined;
    const result = checkIssuer({ type, category, emergency, issuer, ...(validator ? { validator } : {}), issuedAt });
    expect(result.ok ? result.value.status : result.code).toBe(expected);
    if (result.ok && result.value.status === "ex-post-pending") expect(iso(result.value.dueAt)).toBe("2026-11-22T22:30:00.000Z");
  });

  it("a validator named without standing is refused", () => {
    const result = checkIssuer({ type: "production", category: "subscriber", emergency: false, issuer: police, validator: { orgId: "x", slug: "nl-police-2", standing: undefined }, issuedAt });
    expect(result.ok).toBe(false);
  });

  it.each([
    [["eevidence-judge:NL", "eevidence-issuing-authority:NL"], "judge"],
    [["eevidence-prosecutor:BE"], "prosecutor"],
    [["eevidence-issuing-authority:DE"], "other-competent-authority"],
    [["tco-competent-authority:NL"], undefined],
  ])("standing from designations %j", (designations, expected) => {
    expect(standingOf(designations)?.standing).toBe(expected);
  });

  it("48 hours across the end of summer time: wall clock moves by an hour, the 48 hours do not", () => {
    const result = checkIssuer({ type: "production", category: "identification", emergency: true, issuer: police, issuedAt: at("2026-10-24T12:00:00+02:00") });
    expect(result.ok && result.value.status === "ex-post-pending" && iso(result.value.dueAt)).toBe("2026-10-26T10:00:00.000Z"); // 11:00 CET, from 12:00 CEST
  });
});

describe("Annex I: the EPOC's fields, and Art. 8 notification", () => {
  const base = { issuerFile: "OM 2026/17", category: "subscriber", target: "@example_user", offence: "fraud", provision: "Art. 326 Sr", deliverTo: "nl-om-rotterdam" };
  it.each([
    ["subscriber, complete", base, true],
    ["traffic without a period", { ...base, category: "traffic", enforcing: "ie-garda" }, false],
    ["traffic, period and enforcing authority", { ...base, category: "traffic", enforcing: "ie-garda", from: "2026-10-01T00:00:00+02:00", to: "2026-11-01T00:00:00+01:00" }, true],
    ["content without an enforcing authority", { ...base, category: "content", from: "2026-10-01T00:00:00+02:00", to: "2026-11-01T00:00:00+01:00" }, false],
    ["content, Art. 8(2) applies", { ...base, category: "content", residentInIssuingState: true, from: "2026-10-01T00:00:00+02:00", to: "2026-11-01T00:00:00+01:00" }, true],
    ["subscriber with an enforcing authority (no notification applies)", { ...base, enforcing: "ie-garda" }, false],
    ["period reversed", { ...base, from: "2026-11-01T00:00:00Z", to: "2026-10-01T00:00:00Z" }, false],
    ["period without an offset", { ...base, from: "2026-10-01T00:00:00", to: "2026-11-01T00:00:00Z" }, false],
    ["validator without its file number", { ...base, validator: "nl-rechtbank" }, false],
    ["target of 100,000 characters", { ...base, target: "x".repeat(100_000) }, false],
    ["an unknown field", { ...base, urls: ["https://x.test"] }, false],
  ])("%s", (_title, raw, valid) => {
    const parsed = parseCertificate("production", raw as Record<string, unknown>);
    expect(parsed.ok, parsed.ok ? "" : parsed.problems.join("; ")).toBe(valid);
  });
  it.each([
    ["subscriber", false, false],
    ["identification", false, false],
    ["traffic", false, true],
    ["content", false, true],
    ["content", true, false],
  ] as const)("notification for %s data (resident in the issuing State: %s): %s", (category, resident, expected) => {
    expect(notificationRequired({ type: "production", ...base, category, residentInIssuingState: resident, target: "x", from: new Date(0), to: new Date(1) })).toBe(expected);
  });
});

describe("Art. 10(2), 10(3), 10(4), 12(1): the addressee's and the enforcing authority's clocks", () => {
  // Received Friday 20 November 2026 16:45 in Dublin (UTC+0); the days of the week and holidays play no part.
  const receivedAt = at("2026-11-20T16:45:00+00:00");
  type Row = [string, { emergency: boolean; notified: boolean; confirmedAt?: string; refusedAt?: string }, { from?: string; due?: string; remind?: string; window?: string; stopped?: string }];
  const rows: Row[] = [
    ["not notified: within 10 days, at once (10(3))", { emergency: false, notified: false }, { from: "2026-11-20T16:45:00.000Z", due: "2026-11-30T16:45:00.000Z", remind: "2026-11-20T16:45:00.000Z" }],
    ["notified: at the end of the 10-day period, not before (10(2))", { emergency: false, notified: true }, { from: "2026-11-30T16:45:00.000Z", due: "2026-11-30T16:45:00.000Z", remind: "2026-11-30T16:45:00.000Z", window: "2026-11-30T16:45:00.000Z" }],
    ["notified, confirmed on day 3: as soon as possible after it (10(2))", { emergency: false, notified: true, confirmedAt: "2026-11-23T10:00:00+01:00" }, { from: "2026-11-23T09:00:00.000Z", due: "2026-11-30T16:45:00.000Z", remind: "2026-11-23T09:00:00.000Z", window: "2026-11-30T16:45:00.000Z" }],
    ["notified, confirmation after the period changes nothing", { emergency: false, notified: true, confirmedAt: "2026-12-01T10:00:00+01:00" }, { from: "2026-11-30T16:45:00.000Z", due: "2026-11-30T16:45:00.000Z" }],
    ["notified, refused by the enforcing authority (Art. 12)", { emergency: false, notified: true, refusedAt: "2026-11-25T10:00:00+01:00" }, { stopped: "refused", window: "2026-11-30T16:45:00.000Z" }],
    ["emergency, not notified: 8 hours (10(4))", { emergency: true, notified: false }, { from: "2026-11-20T16:45:00.000Z", due: "2026-11-21T00:45:00.000Z" }],
    ["emergency, notified: still 8 hours; the enforcing authority has 96 hours (10(4))", { emergency: true, notified: true }, { from: "2026-11-20T16:45:00.000Z", due: "2026-11-21T00:45:00.000Z", window: "2026-11-24T16:45:00.000Z" }],
    ["emergency, notified, objection: the transmission is not held back", { emergency: true, notified: true, refusedAt: "2026-11-21T10:00:00+01:00" }, { due: "2026-11-21T00:45:00.000Z" }],
  ];
  it.each(rows)("%s", (_title, input, expected) => {
    const clocks = epocClocks({
      receivedAt,
      emergency: input.emergency,
      notified: input.notified,
      pauses: [],
      ...(input.confirmedAt ? { confirmedAt: at(input.confirmedAt) } : {}),
      ...(input.refusedAt ? { refusedAt: at(input.refusedAt) } : {}),
    });
    if (expected.from) expect(iso(clocks.transmitFromAt)).toBe(expected.from);
    if (expected.due) expect(iso(clocks.transmitDueAt)).toBe(expected.due);
    if (expected.remind) expect(iso(clocks.remindFromAt)).toBe(expected.remind);
    if (expected.window) expect(iso(clocks.enforcingWindowEndsAt)).toBe(expected.window);
    expect(clocks.stopped).toBe(expected.stopped);
    expect(iso(clocks.objectionDueAt)).toBe("2026-11-30T16:45:00.000Z");
  });

  it("notified: no transmission and no nudge on day 5, one second before the end, and both at the end", () => {
    const clocks = epocClocks({ receivedAt, emergency: false, notified: true, pauses: [] });
    for (const instant of ["2026-11-25T16:45:00Z", "2026-11-30T16:44:59Z"]) expect(mayTransmitAt(clocks, at(instant)), instant).toBe(false);
    expect(mayTransmitAt(clocks, at("2026-11-30T16:45:00Z"))).toBe(true);
  });

  it("10 days across the end of summer time are 240 hours (received 20 Oct 09:00 CEST, due 30 Oct 08:00 CET)", () => {
    const clocks = epocClocks({ receivedAt: at("2026-10-20T09:00:00+02:00"), emergency: false, notified: false, pauses: [] });
    expect(iso(clocks.transmitDueAt)).toBe("2026-10-30T07:00:00.000Z");
  });

  it("Art. 10(6): a clarification stops the time limits; they resume with the time it took added; the issuer reacts within 5 days", () => {
    const askedAt = at("2026-11-22T09:00:00+01:00");
    const pending = epocClocks({ receivedAt, emergency: false, notified: false, pauses: [{ from: askedAt }] });
    expect([pending.stopped, pending.transmitDueAt, pending.transmitFromAt]).toEqual(["clarification", undefined, undefined]);
    expect(iso(issuerReactionDueAt(askedAt))).toBe("2026-11-27T08:00:00.000Z");
    // Clarified 2 days 3 hours later: the 10 days end 2 days 3 hours later than they would have.
    const resumed = epocClocks({ receivedAt, emergency: false, notified: true, pauses: [{ from: askedAt, to: at("2026-11-24T12:00:00+01:00") }] });
    expect(iso(resumed.transmitDueAt)).toBe("2026-12-02T19:45:00.000Z");
    expect(iso(resumed.transmitFromAt)).toBe("2026-12-02T19:45:00.000Z");
    expect(iso(resumed.objectionDueAt)).toBe("2026-12-02T19:45:00.000Z");
    // The enforcing authority's window is its own and does not move.
    expect(iso(resumed.enforcingWindowEndsAt)).toBe("2026-11-30T16:45:00.000Z");
    const emergency = epocClocks({ receivedAt, emergency: true, notified: false, pauses: [{ from: at("2026-11-20T18:45:00Z"), to: at("2026-11-20T20:15:00Z") }] });
    expect(iso(emergency.transmitDueAt)).toBe("2026-11-21T02:15:00.000Z");
  });
});

describe("Art. 11: preservation, 60 days, one 30-day extension (Annex VI), a subsequent request (Annex V), release", () => {
  const preservedAt = at("2026-11-20T14:00:00+01:00");
  const preserve = (): PreservationState => {
    const result = applyPreservation(newPreservation(), { type: "preserved" }, preservedAt);
    if (!result.ok) throw new Error(result.message);
    return result.value;
  };
  it("ends 60 days after preservation; a day before, the issuer is reminded; at the end, the addressee is told", () => {
    const state = preserve();
    expect(iso(state.endsAt)).toBe("2027-01-19T13:00:00.000Z");
    expect(preservationReminders(state).map((r) => [iso(r.at), r.to])).toEqual([
      ["2027-01-12T13:00:00.000Z", "issuer"],
      ["2027-01-18T13:00:00.000Z", "issuer"],
      ["2027-01-19T13:00:00.000Z", "addressee"],
    ]);
    expect(preservationAt(state, at("2027-01-19T12:59:59Z")).status).toBe("preserving");
    expect(preservationAt(state, at("2027-01-19T13:00:00Z")).status).toBe("ended");
  });
  type Step = ["extend" | "confirm-subsequent-request" | "release", string, string | null];
  it.each<[string, Step[], string, string | undefined]>([
    ["one extension: 90 days", [["extend", "2027-01-10T10:00:00+01:00", null]], "preserving", "2027-02-18T13:00:00.000Z"],
    ["a second extension is refused", [["extend", "2027-01-10T10:00:00+01:00", null], ["extend", "2027-02-10T10:00:00+01:00", "not-allowed"]], "preserving", "2027-02-18T13:00:00.000Z"],
    ["an extension after the end is refused", [["extend", "2027-01-20T10:00:00+01:00", "invalid-transition"]], "ended", "2027-01-19T13:00:00.000Z"],
    ["Annex V: preserved until produced, no end", [["confirm-subsequent-request", "2027-01-05T10:00:00+01:00", null]], "until-production", undefined],
    ["Annex V after the end is refused", [["confirm-subsequent-request", "2027-01-19T14:00:00+01:00", "invalid-transition"]], "ended", "2027-01-19T13:00:00.000Z"],
    ["extension then Annex V", [["extend", "2027-01-10T10:00:00+01:00", null], ["confirm-subsequent-request", "2027-02-17T10:00:00+01:00", null]], "until-production", undefined],
    ["release (Art. 11(3))", [["release", "2026-12-01T10:00:00+01:00", null]], "released", undefined],
    ["release after Annex V", [["confirm-subsequent-request", "2027-01-05T10:00:00+01:00", null], ["release", "2027-03-01T10:00:00+01:00", null]], "released", undefined],
    ["release twice is refused", [["release", "2026-12-01T10:00:00+01:00", null], ["release", "2026-12-02T10:00:00+01:00", "invalid-transition"]], "released", undefined],
  ])("%s", (_title, steps, status, endsAt) => {
    let state = preserve();
    let last = state;
    for (const [type, when, refusal] of steps) {
      const result = applyPreservation(state, { type }, at(when));
      expect(result.ok ? null : result.code, `${type} at ${when}`).toBe(refusal);
      if (result.ok) state = result.value;
      last = preservationAt(state, at(when));
    }
    expect(last.status).toBe(status);
    expect(iso(last.endsAt)).toBe(endsAt);
    if (status !== "preserving") expect(preservationReminders(last)).toEqual([]);
  });
  it("after the extension the reminders move with the end and no longer offer an extension", () => {
    const extended = applyPreservation(preserve(), { type: "extend" }, at("2027-01-10T10:00:00+01:00"));
    if (!extended.ok) throw new Error(extended.message);
    const reminders = preservationReminders(extended.value);
    expect(iso(reminders[1]?.at)).toBe("2027-02-17T13:00:00.000Z");
    expect(reminders[0]?.text).not.toMatch(/extend/);
  });
  it("preserving twice is refused", () => {
    expect(applyPreservation(preserve(), { type: "preserved" }, preservedAt).ok).toBe(false);
  });
});

describe("Annex III and Art. 17", () => {
  it("names the eight grounds; third-country law applies to production orders only", () => {
    expect(ANNEX_III_GROUND_NAMES).toEqual(["incomplete", "manifest-error", "insufficient-information", "not-stored", "service-not-covered", "immunities", "de-facto-impossibility", "third-country-law"]);
    expect(ANNEX_III_GROUND_NAMES).not.toContain("refused");
    expect(groundApplies("third-country-law", "production")).toBe(true);
    expect(groundApplies("third-country-law", "preservation")).toBe(false);
  });
});

describe("Art. 28: statistics by data category, addressee and emergency", () => {
  const issued = at("2026-11-02T09:00:00+01:00");
  const hours = (n: number) => new Date(issued.getTime() + n * 3_600_000);
  it("counts, ex-post orders, fulfilled and not, average and median time to obtain the data", () => {
    const rows = orderStatistics([
      { type: "production", category: "subscriber", addressee: "chirp-social", emergency: false, exPost: false, issuedAt: issued, fulfilledAt: hours(24), notFulfilled: false },
      { type: "production", category: "subscriber", addressee: "chirp-social", emergency: false, exPost: false, issuedAt: issued, fulfilledAt: hours(48), notFulfilled: false },
      { type: "production", category: "subscriber", addressee: "chirp-social", emergency: false, exPost: false, issuedAt: issued, fulfilledAt: hours(120), notFulfilled: false },
      { type: "production", category: "subscriber", addressee: "chirp-social", emergency: false, exPost: false, issuedAt: issued, notFulfilled: true },
      { type: "production", category: "subscriber", addressee: "chirp-social", emergency: true, exPost: true, issuedAt: issued, fulfilledAt: hours(6), notFulfilled: false },
      { type: "production", category: "content", addressee: "acme-hosting", emergency: false, exPost: false, issuedAt: issued, notFulfilled: false },
    ]);
    expect(rows.map((r) => [r.category, r.addressee, r.emergency, r.issued, r.exPost, r.fulfilled, r.notFulfilled, r.averageMs && r.averageMs / 3_600_000, r.medianMs && r.medianMs / 3_600_000])).toEqual([
      ["content", "acme-hosting", false, 1, 0, 0, 0, null, null],
      ["subscriber", "chirp-social", false, 4, 0, 3, 1, 64, 48],
      ["subscriber", "chirp-social", true, 1, 1, 1, 0, 6, 6],
    ]);
  });
  it("no orders, no rows", () => expect(orderStatistics([])).toEqual([]));
});
