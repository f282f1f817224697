// TCO Art. 11(3) non-disclosure (six weeks, one extension) and Art. 6(2) preservation (six months from the removal, a
// further period on request): the dates, the reminders the sweep sends once (also after a restart), and the ends. On
// both databases, through the commands and the threads the parties read.
import { expect } from "vitest";
import { createCore } from "../../src/app/app.js";
import type { JobReport } from "../../src/core/job-report.js";
import { silentLogger } from "../../src/log.js";
import { describeOnBothDatabases, testConfig, threadTitle, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

const ORDER = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';
const TCO_STEPS = /^(nondisclosure|preservation|scrutiny)/;

/** The TCO reminders a sweep queued, as "[to] step". */
function tcoQueued(report: JobReport): string[] {
  return report.queued.filter((entry) => TCO_STEPS.test(entry.step)).map((entry) => `[${entry.to}] ${entry.step}`);
}

async function sweep(h: CaseHarness): Promise<string[]> {
  return tcoQueued(await h.core.reminders.run("sweep"));
}

/** The recorded starts of preservation (tco.preservation-start), in order. */
async function preservationStarts(h: CaseHarness): Promise<{ removedAt: string; preservationEndsAt: string }[]> {
  const entries = await h.db.auditEntry.findMany({ where: { action: "tco.preservation-start" }, orderBy: { seq: "asc" } });
  return entries.map((entry) => JSON.parse(entry.detail) as { removedAt: string; preservationEndsAt: string });
}

async function order(h: CaseHarness, reference = "R-2026-0001") {
  const row = await h.caseRow(reference);
  return h.db.tcoOrder.findUniqueOrThrow({ where: { caseId: row.id } });
}

describeOnBothDatabases("non-disclosure (TCO Art. 11(3))", (harness, test) => {
  test("six weeks from the decision, a reminder a week before, one extension, then the provider may inform", async () => {
    const h = harness();
    await h.ok("sanne.devries", ORDER); // Friday 2026-11-20 11:00 CET
    await h.drain();
    const decided = await h.ok("sanne.devries", '/tco nondisclosure R-2026-0001 --reason "ongoing investigation into the uploader"');
    // Six weeks: to the end of Friday 1 January 2027 on the provider's calendar (Amsterdam, CET).
    expect(decided).toContain("until 2027-01-02 00:00 CET (2027-01-01T23:00:00.000Z)");
    expect((await order(h)).nondisclosureEndsAt?.toISOString()).toBe("2027-01-01T23:00:00.000Z");
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "acme-hosting")).at(-1)).toContain("does not inform the content provider of the removal until then");
    expect((await h.run("sanne.devries", '/tco nondisclosure R-2026-0001 --reason "again please"')).failure).toBe("invalid-transition");

    h.clock.set("2026-12-25T22:59:59.999Z");
    expect(await sweep(h)).toEqual([]);
    h.clock.set("2026-12-25T23:00:00.000Z");
    expect(await sweep(h)).toEqual(["[R-2026-0001 @ nl-iru] nondisclosure-ends-soon"]);
    expect(await sweep(h)).toEqual([]);
    const restarted = createCore({ store: h.store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() });
    expect(tcoQueued(await restarted.reminders.run("sweep"))).toEqual([]);
    // Even with the reminder state put back (a crash between the outbox and moving on), the once-only keys hold.
    await h.db.tcoOrder.updateMany({ data: { nextReminderAt: new Date("2026-12-25T23:00:00Z"), remindedUntil: null } });
    expect(tcoQueued(await restarted.reminders.run("sweep"))).toEqual([]);

    expect(await h.ok("sanne.devries", '/tco nondisclosure-extend R-2026-0001 --reason "arrests planned for January"')).toContain("until 2027-02-13 00:00 CET (2027-02-12T23:00:00.000Z)");
    const again = await h.run("sanne.devries", '/tco nondisclosure-extend R-2026-0001 --reason "one more time"');
    expect([again.failure, again.message.text]).toEqual(["not-allowed", expect.stringContaining("allows one extension")]);
    h.clock.set("2027-02-05T23:00:00.000Z");
    expect(await sweep(h)).toEqual(["[R-2026-0001 @ nl-iru] nondisclosure-ends-soon"]);
    h.clock.set("2027-02-12T23:00:00.000Z");
    expect(await sweep(h)).toEqual(["[R-2026-0001 @ nl-iru] nondisclosure-ended", "[R-2026-0001 @ acme-hosting] nondisclosure-ended"]);
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "acme-hosting")).at(-1)).toMatch(/may now inform the content provider of the removal \(Art\. 11\(1\)\)/);
    expect((await order(h)).nondisclosureEndedAt?.toISOString()).toBe("2027-02-12T23:00:00.000Z");
    h.clock.set("2027-03-01T00:00:00.000Z");
    expect(await sweep(h)).toEqual([]);
    const actions = (await h.db.auditEntry.findMany({ where: { action: { startsWith: "tco." } }, orderBy: { seq: "asc" } })).map((entry) => `${entry.action} ${entry.result}`);
    expect(actions).toEqual([
      "tco.nondisclosure ok", "tco.nondisclosure refused:invalid-transition", "tco.nondisclosure-ends-soon ok", "tco.nondisclosure-extend ok",
      "tco.nondisclosure-extend refused:not-allowed", "tco.nondisclosure-ends-soon ok", "tco.nondisclosure-ended ok",
    ]);
  });

  test("an extension after the end is refused; hostile reasons are refused when too long and shown inert", async () => {
    const h = harness();
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    const hostile = "investigation <@U123> @room <!channel> \u202Egnirrah\u001b[2J\u0007";
    await h.ok("sanne.devries", `/tco nondisclosure R-2026-0001 --reason "${hostile}"`);
    expect((await order(h)).nondisclosureReason).toBe(hostile);
    expect((await h.run("sanne.devries", `/tco nondisclosure-extend R-2026-0001 --reason "${"x".repeat(100_000)}"`)).failure).toBe("bad-arguments");
    await h.drain();
    const text = h.adapter.threadTexts(threadTitle("R-2026-0001", "acme-hosting")).at(-1) ?? "";
    expect(text).toContain("⟨U+202E⟩");
    expect(text).not.toMatch(/[\u202E\u001b\u0007]/);
    h.clock.set("2027-01-01T23:00:00.000Z");
    const late = await h.run("sanne.devries", '/tco nondisclosure-extend R-2026-0001 --reason "too late now"');
    expect([late.failure, late.message.text]).toEqual(["invalid-transition", expect.stringContaining("it is extended before it ends")]);
    expect((await order(h)).nondisclosureExtended).toBe(false);
  });
});

describeOnBothDatabases("preservation (TCO Art. 6(2))", (harness, test) => {
  test("six months from the removal on 31 August end with 28 February; a reminder a week before; a further period; the end recorded", async () => {
    const h = harness();
    h.clock.set("2026-08-31T08:00:00.000Z"); // 10:00 CEST
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    expect((await h.run("sanne.devries", '/tco preserve-extend R-2026-0001 --until 2027-08-31T23:59+02:00 --reason "judicial review pending"')).failure).toBe("invalid-transition");
    h.clock.set("2026-08-31T08:30:00.000Z");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    let row = await order(h);
    expect([row.removedAt?.toISOString(), row.preservationEndsAt?.toISOString()]).toEqual(["2026-08-31T08:30:00.000Z", "2027-02-28T23:00:00.000Z"]);
    expect(await preservationStarts(h)).toEqual([{ removedAt: "2026-08-31T08:30:00.000Z", preservationEndsAt: "2027-02-28T23:00:00.000Z" }]);
    h.clock.set("2027-02-21T22:59:59.999Z");
    expect(await sweep(h)).toEqual([]);
    h.clock.set("2027-02-21T23:00:00.000Z");
    expect(await sweep(h)).toEqual(["[R-2026-0001 @ nl-iru] preservation-ends-soon", "[R-2026-0001 @ acme-hosting] preservation-ends-soon"]);
    expect(await sweep(h)).toEqual([]);
    // The provider cannot ask for a further period; the issuer cannot shorten it.
    expect((await h.run("jan.jansen", '/tco preserve-extend R-2026-0001 --until 2027-08-31T23:59+02:00 --reason "we would like to"')).failure).toBe("not-allowed");
    expect((await h.run("sanne.devries", '/tco preserve-extend R-2026-0001 --until 2027-02-01T00:00+01:00 --reason "shorter"')).failure).toBe("bad-arguments");
    expect(await h.ok("sanne.devries", '/tco preserve-extend R-2026-0001 --until 2027-08-31T23:59+02:00 --reason "judicial review pending at the court"')).toContain("until 2027-08-31 23:59 CEST");
    row = await order(h);
    expect(row.preservationEndsAt?.toISOString()).toBe("2027-08-31T21:59:00.000Z");
    expect(JSON.parse(row.preservationExtensions)).toHaveLength(1);
    h.clock.set("2027-02-28T23:00:00.000Z");
    expect(await sweep(h)).toEqual([]);
    h.clock.set("2027-08-24T21:59:00.000Z");
    expect(await sweep(h)).toEqual(["[R-2026-0001 @ nl-iru] preservation-ends-soon", "[R-2026-0001 @ acme-hosting] preservation-ends-soon"]);
    h.clock.set("2027-08-31T21:59:00.000Z");
    expect(await sweep(h)).toEqual(["[R-2026-0001 @ nl-iru] preservation-ended", "[R-2026-0001 @ acme-hosting] preservation-ended"]);
    expect((await order(h)).preservationExpiredAt?.toISOString()).toBe("2027-08-31T21:59:00.000Z");
    const late = await h.run("sanne.devries", '/tco preserve-extend R-2026-0001 --until 2028-01-01T00:00+01:00 --reason "judicial review pending"');
    expect(late.failure).toBe("invalid-transition");
    const records = (await h.db.auditEntry.findMany({ where: { action: { in: ["tco.preservation-ended", "tco.preserve-extend"] } }, orderBy: { seq: "asc" } })).map((entry) => `${entry.action} ${entry.result}`);
    expect(records).toEqual(["tco.preserve-extend refused:invalid-transition", "tco.preserve-extend refused:not-allowed", "tco.preserve-extend refused:bad-arguments", "tco.preserve-extend ok", "tco.preservation-ended ok", "tco.preserve-extend refused:invalid-transition"]);
  });

  test("a removal order that is not removed (cannot comply) starts no preservation", async () => {
    const h = harness();
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    await h.ok("jan.jansen", '/case resolve R-2026-0001 --outcome cannot-comply --ground manifest-errors --reason "manifest error: the URL does not exist here"');
    expect((await order(h)).preservationEndsAt).toBeNull();
    expect(await preservationStarts(h)).toEqual([]);
  });
});

describeOnBothDatabases("the removal order's form drives its timers", (harness, test) => {
  test("the Annex I non-disclosure box starts the six weeks at issue; a second decision is refused", async () => {
    const h = harness();
    h.clock.set("2026-11-20T10:00:00.000Z"); // Friday 11:00 CET
    await h.ok("sanne.devries", `${ORDER} --non-disclosure`);
    const row = await order(h);
    expect([row.nondisclosureAt?.toISOString(), row.nondisclosureEndsAt?.toISOString()]).toEqual(["2026-11-20T10:00:00.000Z", "2027-01-01T23:00:00.000Z"]);
    expect(row.nextReminderAt?.toISOString()).toBe("2026-12-25T23:00:00.000Z");
    expect((await h.run("sanne.devries", '/tco nondisclosure R-2026-0001 --reason "again"')).failure).toBe("invalid-transition");
    // Without the box there is no non-disclosure.
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/2 --kind removal-order --content-type threat --redress Awb-objection-within-6-weeks --reason "threat video"');
    expect((await order(h, "R-2026-0002")).nondisclosureAt).toBeNull();
  });

  test("the host Member State named on the form is the one whose authority may scrutinise", async () => {
    const h = harness();
    await h.ok("sanne.devries", `${ORDER} --host-member-state DE`);
    const row = await order(h);
    expect([row.issuerMemberState, row.hostMemberState]).toEqual(["NL", "DE"]);
  });

  test("preservation runs from the stated time of effect, not from when the answer was typed", async () => {
    const h = harness();
    h.clock.set("2026-08-31T08:00:00.000Z");
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    h.clock.set("2026-08-31T09:00:00.000Z");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed --effective-at 2026-08-31T10:20+02:00");
    const row = await order(h);
    expect([row.removedAt?.toISOString(), row.preservationEndsAt?.toISOString()]).toEqual(["2026-08-31T08:20:00.000Z", "2027-02-28T23:00:00.000Z"]);
    // Started once, from the time of effect: never first from the resolve (09:00Z) and then moved.
    expect(await preservationStarts(h)).toEqual([{ removedAt: "2026-08-31T08:20:00.000Z", preservationEndsAt: "2027-02-28T23:00:00.000Z" }]);
    // The resolve carries the time of effect in the record; the decision states it too.
    const resolve = await h.db.auditEntry.findFirstOrThrow({ where: { action: "case.resolve" } });
    expect((JSON.parse(resolve.detail) as { action: { effectAt?: string } }).action.effectAt).toBe("2026-08-31T08:20:00.000Z");
  });

  test("a time of effect a month before 31 March ends preservation on the provider's calendar, not the resolve's", async () => {
    const h = harness();
    // Issued 28 February 23:30 CET; resolved 1 March 01:00 CET, the effect stated at 28 February 23:40 CET. Six months
    // from the effect end with 28 August (CEST); from the resolve they would end with 1 September.
    h.clock.set("2026-02-28T22:30:00.000Z");
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    h.clock.set("2026-03-01T00:00:00.000Z");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome access-disabled --effective-at 2026-02-28T23:40+01:00");
    const starts = await preservationStarts(h);
    expect(starts).toHaveLength(1);
    expect(starts[0]?.removedAt).toBe("2026-02-28T22:40:00.000Z");
    const row = await order(h);
    expect(row.removedAt?.toISOString()).toBe("2026-02-28T22:40:00.000Z");
    expect(row.preservationEndsAt?.toISOString()).toBe("2026-08-28T22:00:00.000Z");
    expect(starts[0]?.preservationEndsAt).toBe("2026-08-28T22:00:00.000Z");
    // Reopened and resolved again, the removal already recorded stays the start.
    await h.ok("sanne.devries", '/case reopen R-2026-0001 --reason "the video is back"');
    h.clock.set("2026-03-02T09:00:00.000Z");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    expect(await preservationStarts(h)).toHaveLength(1);
    expect((await order(h)).removedAt?.toISOString()).toBe("2026-02-28T22:40:00.000Z");
  });
});
