// `liaison report --tco`: the TCO Art. 7(3) figures per hosting service provider and Art. 8(1) per competent
// authority, on both databases: orders by type of terrorist content and issuing Member State, items (URLs), orders
// not executed by Annex III ground, reinstatements, a true median and p90 from receipt to the stated time of effect,
// and lateness against the law's hour (from receipt; again in full after a suspension ends).
import { expect, it } from "vitest";
import { buildTcoFigures, lateAgainstLaw, type ClockEvent } from "../../src/cases/removal/report.js";
import { runReport } from "../../src/cli/report.js";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const REDRESS = "objection to the issuing authority within 6 weeks, then the court";
const FROM = new Date("2026-11-01T00:00:00Z");
const TO = new Date("2026-12-01T00:00:00Z");

/** Opens a removal order at `at` (UTC) and delivers it, so that it is received then; returns its reference. */
async function order(h: CaseHarness, at: string, options: { urls?: string; types?: string; by?: string; to?: string } = {}): Promise<string> {
  h.clock.set(at);
  const text = await h.ok(options.by ?? "sanne.devries", `/notice ${options.to ?? "acme-hosting"} ${options.urls ?? `https://example.test/${at}`} --kind removal-order --content-type ${options.types ?? "incitement"} --reason "glorifies the attack" --redress "${REDRESS}"`);
  await h.drain();
  return /R-\d{4}-\d{4}/.exec(text)?.[0] ?? "";
}

/** Runs a command at `at` (UTC). */
async function at(h: CaseHarness, when: string, who: string, line: string): Promise<void> {
  h.clock.set(when);
  await h.ok(who, line);
}

describeOnBothDatabases("TCO figures", (harness, test) => {
  test("per recipient and per issuer: items, grounds, reinstatements, median and p90 from receipt to effect, lateness", async () => {
    const h = harness();
    const d = "2026-11-20T";
    // R1: received 10:00, removed 10:20, two URLs.
    const r1 = await order(h, `${d}10:00:00Z`, { urls: "https://example.test/a/1 https://example.test/a/2" });
    await at(h, `${d}10:20:00Z`, "jan.jansen", `/case resolve ${r1} --outcome removed`);
    // R2: received 11:00, access disabled at 11:50, said at 12:30: measured to 11:50, in time.
    const r2 = await order(h, `${d}11:00:00Z`);
    await at(h, `${d}12:30:00Z`, "jan.jansen", `/case resolve ${r2} --outcome access-disabled --effective-at ${d}12:50+01:00`);
    // R3: received 13:00, suspended 13:30 (Art. 3(7)), resumed 16:00, removed 16:45: in time (the hour runs from 16:00).
    const r3 = await order(h, `${d}13:00:00Z`);
    await at(h, `${d}13:30:00Z`, "jan.jansen", `/case suspend ${r3} --grounds "data centre outage, storage unreachable"`);
    await at(h, `${d}16:00:00Z`, "jan.jansen", `/case resume ${r3}`);
    await at(h, `${d}16:45:00Z`, "jan.jansen", `/case resolve ${r3} --outcome removed`);
    // R4: received 18:00, removed 19:30: late. Two types of content.
    const r4 = await order(h, `${d}18:00:00Z`, { types: "incitement,threat" });
    await at(h, `${d}19:30:00Z`, "jan.jansen", `/case resolve ${r4} --outcome removed`);
    // R5: received 20:00, not executed at 20:10 for manifest errors.
    const r5 = await order(h, `${d}20:00:00Z`);
    await at(h, `${d}20:10:00Z`, "jan.jansen", `/case resolve ${r5} --outcome cannot-comply --ground manifest-errors --reason "the URL is a news report"`);
    // R6: received 20:30, never answered: late by the end of the period.
    await order(h, `${d}20:30:00Z`);
    // R7: received 21:00, suspended only at 22:30, after the hour had run out: late, though resumed and removed.
    const r7 = await order(h, `${d}21:00:00Z`);
    await at(h, `${d}22:30:00Z`, "jan.jansen", `/case suspend ${r7} --grounds "data centre outage, storage unreachable"`);
    await at(h, `${d}23:00:00Z`, "jan.jansen", `/case resume ${r7}`);
    await at(h, `${d}23:10:00Z`, "jan.jansen", `/case resolve ${r7} --outcome removed`);
    // R8: removed, then reopened by the issuer (the content is back): a reinstatement, open again and unanswered.
    const r8 = await order(h, "2026-11-21T08:00:00Z");
    await at(h, "2026-11-21T08:10:00Z", "jan.jansen", `/case resolve ${r8} --outcome removed`);
    await at(h, "2026-11-21T09:00:00Z", "sanne.devries", `/case reopen ${r8} --reason "reinstated by the provider after a complaint"`);
    // Another issuer and recipient: two orders, 10 and 30 minutes: an even count.
    const c1 = await order(h, "2026-11-22T09:00:00Z", { by: "ahmed.elamrani", to: "chirp-social" });
    await at(h, "2026-11-22T09:10:00Z", "lena.schmidt", `/case resolve ${c1} --outcome removed`);
    const c2 = await order(h, "2026-11-22T09:30:00Z", { by: "ahmed.elamrani", to: "chirp-social" });
    await at(h, "2026-11-22T10:00:00Z", "lena.schmidt", `/case resolve ${c2} --outcome removed`);

    const figures = await buildTcoFigures(h.db, FROM, TO, new Date("2026-12-03T00:00:00Z"), undefined, TEST_KEYS);
    const acme = figures.recipients.find((row) => row.organisation === "acme-hosting");
    expect(acme).toMatchObject({
      orders: 8, ordersRemoved: 4, itemsRemoved: 5, ordersDisabled: 1, itemsDisabled: 1, notExecuted: { "manifest-errors": 1 },
      open: 2, withdrawn: 0, reinstatements: 1, late: 4,
      // 20, 50, 225, 90 and 130 minutes: the middle of five is 90; p90 by nearest rank is the fifth.
      effectMedianMs: 90 * MIN, effectP90Ms: 225 * MIN,
    });
    expect(acme?.byTypeAndMemberState).toEqual([{ contentType: "incitement", memberState: "NL", orders: 8 }, { contentType: "threat", memberState: "NL", orders: 1 }]);
    // The mean of the two middle values of an even count: (10 + 30) / 2.
    expect(figures.recipients.find((row) => row.organisation === "chirp-social")).toMatchObject({ orders: 2, effectMedianMs: 20 * MIN, effectP90Ms: 30 * MIN, late: 0 });
    expect(figures.issuers.map((row) => [row.organisation, row.orders, row.late])).toEqual([["nl-iru", 8, 4], ["nl-police-cyber", 2, 0]]);
    expect(figures.legalDeadlineMs).toBe(HOUR);
    // One organisation's own figures: its cases only, on its side only.
    const own = await buildTcoFigures(h.db, FROM, TO, new Date("2026-12-03T00:00:00Z"), "chirp-social", TEST_KEYS);
    expect([own.recipients.length, own.issuers.length, own.recipients[0]?.orders]).toEqual([1, 0, 2]);

    // The three formats, from the command.
    const printed: string[] = [];
    const errors: string[] = [];
    const run = (...argv: string[]) => runReport(h.store, ["--from", "2026-11-01", "--to", "2026-12-01", "--tco", ...argv], (text) => printed.push(text), (text) => errors.push(text), TEST_KEYS);
    expect(await run("--format", "json")).toBe(0);
    const json = JSON.parse(printed.at(-1) ?? "{}");
    expect(json.recipients[0]).toMatchObject({ organisation: "acme-hosting", itemsRemoved: 5, effectMedianMs: 90 * MIN });
    expect(await run("--format", "csv")).toBe(0);
    const csv = (printed.at(-1) ?? "").split("\n");
    expect(csv[0]).toBe("section,side,organisation,content_type,member_state,orders,orders_removed,items_removed,orders_disabled,items_disabled,not_executed_manifest-errors,open,withdrawn,reinstated,effect_median_min,effect_p90_min,late");
    expect(csv).toContain("totals,recipient,acme-hosting,,,8,4,5,1,1,1,2,0,1,90.0,225.0,4");
    expect(csv).toContain("orders,issuer,nl-iru,threat,NL,1,,,,,,,,,,,");
    expect(await run()).toBe(0);
    const table = printed.at(-1) ?? "";
    expect(table).toMatch(/Removal orders received \(TCO Art\. 7\(3\)\)/);
    expect(table).toMatch(/acme-hosting\s+8\s+4 \(5\)\s+1 \(1\)\s+manifest-errors 1\s+2\s+0\s+1\s+1 h 30 min\s+3 h 45 min\s+4/);
    expect(table).toMatch(/acme-hosting: incitement from NL 8, threat from NL 1/);
    expect(table).toMatch(/Removal orders issued \(TCO Art\. 8\(1\)\)/);
    expect(await run("--dsa")).toBe(2);
    expect(errors.at(-1)).toMatch(/Give one of --dsa, --tco and --eevidence: they are separate reports/);
    // No case content in any format.
    expect(printed.join("\n")).not.toMatch(/glorifies|example\.test|objection/);
  });
});

// The lateness rule alone: instants in UTC, the hour from receipt.
const RECEIPT = new Date("2026-10-24T22:30:00Z"); // 00:30 CEST on the night summer time ends
const t = (minutes: number) => new Date(RECEIPT.getTime() + minutes * MIN);
const LATENESS: [string, ClockEvent[], number, boolean][] = [
  ["effect within the hour", [{ action: "case.resolve", at: t(59), effectAt: t(59) }], 600, false],
  ["effect at the hour exactly", [{ action: "case.resolve", at: t(60) }], 600, false],
  ["effect a minute after", [{ action: "case.resolve", at: t(61) }], 600, true],
  ["said late, effect in time", [{ action: "case.resolve", at: t(120), effectAt: t(45) }], 600, false],
  ["suspended in time, resumed, effect within the new hour", [{ action: "case.suspend", at: t(30) }, { action: "case.resume", at: t(300) }, { action: "case.resolve", at: t(350) }], 600, false],
  ["suspended in time, resumed, effect after the new hour", [{ action: "case.suspend", at: t(30) }, { action: "case.resume", at: t(300) }, { action: "case.resolve", at: t(361) }], 600, true],
  ["suspended after the hour", [{ action: "case.suspend", at: t(70) }, { action: "case.resume", at: t(80) }, { action: "case.resolve", at: t(90) }], 600, true],
  ["clarification asked in time, answered, removed within the hour after", [{ action: "case.request-clarification", at: t(10) }, { action: "case.answer-clarification", at: t(200) }, { action: "case.resolve", at: t(250) }], 600, false],
  ["clarification asked after the hour", [{ action: "case.request-clarification", at: t(61) }, { action: "case.answer-clarification", at: t(62) }, { action: "case.resolve", at: t(63) }], 600, true],
  ["still suspended at the end", [{ action: "case.suspend", at: t(30) }], 6000, false],
  ["unanswered, the period ending within the hour", [], 59, false],
  ["unanswered past the hour", [], 61, true],
];
for (const [name, events, horizonMinutes, late] of LATENESS) {
  it(`lateness against the law: ${name}`, () => {
    expect(lateAgainstLaw(RECEIPT, events, t(horizonMinutes), HOUR)).toBe(late);
  });
}
