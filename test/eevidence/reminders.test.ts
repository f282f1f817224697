// The e-Evidence reminders on both databases, through the sweep job as the scheduler runs it: ex-post validation
// (Art. 4(5)), the issuer's reaction to a clarification (Art. 10(6)) and the end of preservation (Art. 11), each sent
// once, to the right side, with coordinators when overdue; shown in the reader's time zone across a DST change; never
// twice after a restart. And the ordinary case reminders holding back the nudge to produce (Art. 10(2)).
import { expect } from "vitest";
import { createCore } from "../../src/app/app.js";
import { silentLogger } from "../../src/log.js";
import { describeOnBothDatabases, testConfig, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";
import { queuedLines, runJob } from "../support/reminders.js";
import { withAuthorities } from "./support.js";

const SUBSCRIBER = '--category subscriber --target "@example_user" --issuer-file "PL 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-police-cyber"';
const CONTENT = '--category content --target "@example_user" --issuer-file "RB 2026/9" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-rechtbank" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00';
const PRESERVE = `/eevidence order chirp-social --type preservation ${SUBSCRIBER.replace('--deliver-to "nl-police-cyber"', "")}`;

/** The e-Evidence lines of a sweep ("[to] step"), sorted. */
async function sweepLines(h: CaseHarness, at: string): Promise<string[]> {
  h.clock.set(at);
  const report = await runJob(h, "sweep");
  return queuedLines({ ...report, queued: report.queued.filter((message) => !message.step.match(/^(ack-|half-time|due-soon|overdue|backup|escalation|coordinators|clarification)/)) }).sort();
}

/** The case-reminder steps a sweep queued for a reference ("[to] step"), sorted. */
async function caseSteps(h: CaseHarness, at: string, reference: string): Promise<string[]> {
  h.clock.set(at);
  const report = await runJob(h, "sweep");
  return queuedLines({ ...report, queued: report.queued.filter((message) => message.subject === reference && !message.step.includes("-due-soon") && !message.step.startsWith("validation") && !message.step.startsWith("reaction") && !message.step.startsWith("preservation")) }).sort();
}

async function eevidenceOutbox(h: CaseHarness): Promise<number> {
  return h.db.outboxMessage.count({ where: { onceKey: { startsWith: "eevidence:" } } });
}

describeOnBothDatabases("e-Evidence reminders", (harness, test) => {
  test("Art. 4(5): the issuer is reminded 12 h before the 48 hours end, then the issuer and coordinators at the end; once, also after a restart", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T23:10:00+01:00");
    await h.ok("ahmed.elamrani", `/eevidence order chirp-social ${SUBSCRIBER} --emergency "imminent threat to life: a kidnapping in progress"`);
    await h.drain();
    expect(await sweepLines(h, "2026-11-22T11:09:59+01:00")).toEqual([]);
    expect(await sweepLines(h, "2026-11-22T11:10:00+01:00")).toEqual(["[P-2026-0001 @ nl-police-cyber] validation-due-soon"]);
    expect(await sweepLines(h, "2026-11-22T11:10:00+01:00")).toEqual([]);
    // A new core on the same database (a restart), and the order's reminder state put back (a crash after the commit).
    const restarted = createCore({ store: h.store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() });
    expect((await restarted.reminders.run("sweep")).queued).toEqual([]);
    await h.db.evidenceOrder.updateMany({ data: { nextReminderAt: new Date("2026-11-22T10:10:00Z") } });
    expect((await restarted.reminders.run("sweep")).queued).toEqual([]);
    expect(await eevidenceOutbox(h)).toBe(1);
    const order = await h.db.evidenceOrder.findFirstOrThrow();
    expect(order.nextReminderAt?.toISOString()).toBe("2026-11-22T22:10:00.000Z");
    expect(await sweepLines(h, "2026-11-22T23:10:00+01:00")).toEqual(["[DM → demo.coordinator] validation-overdue", "[P-2026-0001 @ nl-police-cyber] validation-overdue"]);
    expect((await h.db.evidenceOrder.findFirstOrThrow()).nextReminderAt).toBeNull();
    expect(await sweepLines(h, "2026-11-30T00:00:00+01:00")).toEqual([]);
    await h.drain();
    // In the issuer's time zone, with the article; the coordinator reads the reference and the clock, not the order.
    const issuer = h.adapter.threadTexts("P-2026-0001 @ nl-police-cyber").filter((text) => text.includes("Art. 4(5)"));
    expect(issuer).toEqual([expect.stringMatching(/^⏰ P-2026-0001: .*validates it within 48 hours of issue \(Art\. 4\(5\)\): due by 2026-11-22 23:10 CET \(in 12 h\)\.$/), expect.stringMatching(/^⚠ P-2026-0001: .*OVERDUE, it was due by 2026-11-22 23:10 CET \(now\)\.$/)]);
    const coordinator = h.adapter.directTexts("demo.coordinator").filter((text) => text.includes("P-2026-0001"));
    expect(coordinator.filter((text) => text.includes("Art. 4(5)"))).toEqual([expect.stringMatching(/^⚠ P-2026-0001: .*OVERDUE, it was due by 2026-11-22 23:10 CET \(now\)\.$/)]);
    for (const text of coordinator) expect(text).not.toMatch(/example_user|kidnapping|fraud/);
    expect(await h.db.auditEntry.count({ where: { action: "eevidence.reminder" } })).toBe(2);
  });

  test("Art. 4(5): validated in time, no reminder follows; after downtime past both steps, one message each", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T23:10:00+01:00");
    await h.ok("ahmed.elamrani", `/eevidence order chirp-social ${SUBSCRIBER} --emergency "imminent threat to life: a kidnapping in progress"`);
    await h.ok("ahmed.elamrani", `/eevidence order chirp-social ${SUBSCRIBER} --emergency "imminent threat to life: a second victim"`);
    await h.drain();
    h.clock.set("2026-11-21T10:00:00+01:00");
    await h.ok("mark.dejong", "/eevidence validate P-2026-0001");
    // Down from before the first reminder until after the end: the second order's issuer gets the overdue only.
    expect(await sweepLines(h, "2026-11-23T08:00:00+01:00")).toEqual(["[DM → demo.coordinator] validation-overdue", "[P-2026-0002 @ nl-police-cyber] validation-overdue"]);
    expect(await sweepLines(h, "2026-11-23T09:00:00+01:00")).toEqual([]);
  });

  test("Art. 10(6): the issuer reminded a day before its 5 days end and at the end; answering stops the reminders", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.drain();
    h.clock.set("2026-11-22T09:00:00+01:00");
    await h.ok("lena.schmidt", '/eevidence inability P-2026-0001 --ground insufficient-information --explanation "two accounts match; which one?"');
    await h.ok("lena.schmidt", '/eevidence inability P-2026-0002 --ground incomplete --explanation "no time range"');
    expect(await sweepLines(h, "2026-11-26T08:59:59+01:00")).toEqual([]);
    expect(await sweepLines(h, "2026-11-26T09:00:00+01:00")).toEqual(["[P-2026-0001 → mark.dejong] reaction-due-soon", "[P-2026-0002 → mark.dejong] reaction-due-soon"]);
    h.clock.set("2026-11-26T12:00:00+01:00");
    await h.ok("mark.dejong", '/eevidence clarified P-2026-0001 --answer "the account created on 2026-03-02"');
    expect(await sweepLines(h, "2026-11-27T09:00:00+01:00")).toEqual(["[DM → demo.coordinator] reaction-overdue", "[P-2026-0002 → mark.dejong] reaction-overdue"]);
    await h.drain();
    expect(h.adapter.directTexts("mark.dejong").filter((text) => text.includes("OVERDUE")).at(-1)).toMatch(/^⚠ P-2026-0002: .*Art\. 10\(6\)\): OVERDUE, it was due by 2026-11-27 09:00 CET/);
    // The addressee is not told to hurry the issuer: its thread got no reminder.
    expect(h.adapter.threadTexts("P-2026-0002 @ chirp-social").filter((text) => text.includes("OVERDUE"))).toEqual([]);
  });

  test("Art. 11: the issuer reminded 7 days and 1 day before the end, the addressee at the end, across the change to summer time; an extension moves them", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2027-02-10T10:00:00+01:00");
    await h.ok("mark.dejong", PRESERVE);
    await h.drain();
    h.clock.set("2027-02-10T10:30:00+01:00");
    await h.ok("lena.schmidt", "/eevidence preserved S-2027-0001");
    // 60 days of 24 hours from 09:30 UTC: 11 April 09:30 UTC, which is 11:30 summer time in Amsterdam and Berlin.
    expect((await h.db.evidenceOrder.findFirstOrThrow()).preservationEndsAt?.toISOString()).toBe("2027-04-11T09:30:00.000Z");
    expect(await sweepLines(h, "2027-04-04T11:29:59+02:00")).toEqual([]);
    expect(await sweepLines(h, "2027-04-04T11:30:00+02:00")).toEqual(["[S-2027-0001 → mark.dejong] preservation-ends-in-7d"]);
    await h.drain();
    expect(h.adapter.directTexts("mark.dejong").at(-1)).toMatch(/ends in 7 days .*2027-04-11 11:30 CEST \(in 168 h\)\.$/);
    // Extended once (Annex VI): the ladder starts again before the new end, 30 days later.
    h.clock.set("2027-04-05T09:00:00+02:00");
    await h.ok("mark.dejong", "/eevidence extend S-2027-0001");
    expect(await sweepLines(h, "2027-04-10T11:30:00+02:00")).toEqual([]);
    expect(await sweepLines(h, "2027-05-04T11:30:00+02:00")).toEqual(["[S-2027-0001 → mark.dejong] preservation-ends-in-7d"]);
    expect(await sweepLines(h, "2027-05-10T11:30:00+02:00")).toEqual(["[S-2027-0001 → mark.dejong] preservation-ends-in-1d"]);
    expect(await sweepLines(h, "2027-05-11T11:30:00+02:00")).toEqual(["[S-2027-0001 @ chirp-social] preservation-ended"]);
    await h.drain();
    expect(h.adapter.threadTexts("S-2027-0001 @ chirp-social").at(-1)).toMatch(/obligation to preserve has ceased .*2027-05-11 11:30 CEST \(now\)\.$/);
    expect(await sweepLines(h, "2027-06-01T00:00:00+02:00")).toEqual([]);
  });

  test("Art. 10(2): the case reminders do not nudge a notified order's addressee to produce before the end of the 10 days; after a confirmation they do", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.drain();
    await h.ok("lena.schmidt", "/case ack P-2026-0001");
    await h.ok("lena.schmidt", "/case ack P-2026-0002");
    await h.ok("lena.schmidt", "/case ack P-2026-0003");
    // Day 3: the enforcing authority confirms the second order early.
    h.clock.set("2026-11-23T09:00:00+01:00");
    await h.ok("klaus.richter", "/eevidence enforcing P-2026-0002 --decision confirm");
    // Day 5: half time. Not notified (Art. 10(3)): nudged. Notified, confirmed: nudged. Notified, unconfirmed: not.
    h.clock.set("2026-11-25T09:00:00+01:00");
    const report = await runJob(h, "sweep");
    const halfTime = (reference: string) => report.queued.filter((message) => message.subject === reference).map((message) => `${message.to.startsWith("DM → ") ? "DM" : message.to} ${message.step}`);
    expect(halfTime("P-2026-0001")).toEqual([]);
    expect(halfTime("P-2026-0002")).toEqual(["DM half-time"]);
    expect(halfTime("P-2026-0003")).toEqual(["DM half-time"]);
    // Day 9: a day before the end, still not for the unconfirmed one.
    expect(await caseSteps(h, "2026-11-29T09:00:00+01:00", "P-2026-0001")).toEqual([]);
    // The end of the 10 days: now the data is due, and everyone hears of it.
    expect(await caseSteps(h, "2026-11-30T09:00:00+01:00", "P-2026-0001")).toEqual(["[DM → klaus.richter] overdue", "[DM → ria.smit] overdue", "[P-2026-0001 @ chirp-social] overdue"]);
  });

  test("Art. 12: after a ground for refusal no reminder nudges the addressee at all", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.drain();
    await h.ok("lena.schmidt", "/case ack P-2026-0001");
    h.clock.set("2026-11-22T09:00:00+01:00");
    await h.ok("klaus.richter", '/eevidence enforcing P-2026-0001 --decision refuse --ground immunity-or-press --reasons "privilege of a lawyer"');
    for (const at of ["2026-11-25T09:00:00+01:00", "2026-11-29T09:00:00+01:00", "2026-11-30T09:00:00+01:00", "2026-12-05T09:00:00+01:00"]) {
      expect(await caseSteps(h, at, "P-2026-0001"), at).toEqual([]);
    }
  });
});
