// The sweep on a real database (SQLite and PostgreSQL) with a manual clock: each step of a removal order fires once, at
// its time, to the right people; catching up after downtime reaches everyone once; a restarted core (or a sweep
// run twice) never sends a step again; changes to the case move its reminders; working-hours cases wait.
import { expect } from "vitest";
import { createCore } from "../../src/app/app.js";
import { claimDueCases, type ReminderClaim } from "../../src/cases/reminders/sweep.js";
import { openStore } from "../../src/store/db.js";
import { silentLogger } from "../../src/log.js";
import { describeOnBothDatabases, START, testConfig } from "../support/cases.js";
import { HOUR, MINUTE, openRemovalOrder, queuedLines, reminderOutbox, runJob } from "../support/reminders.js";
import { TEST_KEYS } from "../support/keys.js";
import { sealNow } from "../support/sealing.js";

/** What a removal order's catch-up two hours late queues: each audience once, with its latest step. */
const CAUGHT_UP = (reference: string) => [
  "[DM → demo.coordinator] coordinators", "[DM → eva.mulder] backup", "[DM → jan.jansen] due-soon", "[DM → tom.hendriks] escalation",
  `[${reference} @ acme-hosting] overdue`, `[${reference} @ nl-iru] overdue`,
];

const at = (minutes: number) => new Date(new Date(START).getTime() + minutes * MINUTE);

describeOnBothDatabases("reminder sweep", (harness, test) => {
  test("each step of a removal order fires once, at its time, to its audience", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    await h.drain(); // received at once: the hour runs from opening
    const expected: [number, string[]][] = [
      [9, []],
      // Acknowledge within 15 minutes (config/policy.yaml): reminded 5 minutes before, the thread and backup told at it.
      [10, ["[DM → jan.jansen] ack-due-soon"]],
      [15, [`[${reference} @ acme-hosting] ack-overdue`, "[DM → eva.mulder] ack-overdue"]],
      [29, []],
      [30, [`[DM → jan.jansen] half-time`, `[${reference} @ acme-hosting] half-time`]],
      [49, []],
      [50, ["[DM → jan.jansen] due-soon"]],
      [60, [`[${reference} @ acme-hosting] overdue`, `[${reference} @ nl-iru] overdue`]],
      [75, ["[DM → eva.mulder] backup"]],
      [105, ["[DM → tom.hendriks] escalation"]],
      [120, ["[DM → demo.coordinator] coordinators"]],
      [600, []],
    ];
    for (const [minutes, lines] of expected) {
      h.clock.set(at(minutes));
      const report = await runJob(h, "sweep");
      expect(queuedLines(report).sort(), `at +${minutes} min`).toEqual([...lines].sort());
      // A second sweep at the same time finds nothing more.
      expect((await runJob(h, "sweep")).queued, `again at +${minutes} min`).toEqual([]);
    }
    expect((await h.reminderRow(reference)).nextReminderAt).toBeNull();
    // Delivered as the console shows them.
    await h.drain();
    expect(h.adapter.directTexts("jan.jansen")[0]).toMatch(new RegExp(`^⏰ Reminder: ${reference} \\(Removal order \\(TCO\\), nl-iru → acme-hosting\\) must be acknowledged by 2026-11-20 11:15 CET \\(in 5 min\\)\\.`));
    expect(h.adapter.directTexts("jan.jansen")[1]).toMatch(new RegExp(`^⏰ Reminder: ${reference} \\(Removal order \\(TCO\\), nl-iru → acme-hosting\\) must be resolved by 2026-11-20 12:00 CET \\(in 30 min\\)\\.`));
    expect(h.adapter.threadTexts(`${reference} @ nl-iru`).at(-1)).toMatch(/^⚠ Overdue: .* OVERDUE by 0 s|^⚠ Overdue: .*was to be resolved by 2026-11-20 12:00 CET: OVERDUE/);
    expect(h.adapter.directTexts("demo.coordinator")[0]).toContain("Escalation to coordinators");
  });

  test("after downtime everyone the skipped steps would have reached gets one message, and the record says which steps it stands for", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    h.clock.set(at(110)); // down from before half time until after the escalation step
    const report = await runJob(h, "sweep");
    expect(queuedLines(report).sort()).toEqual([
      "[DM → eva.mulder] backup", "[DM → jan.jansen] due-soon", "[DM → tom.hendriks] escalation",
      `[${reference} @ acme-hosting] overdue`, `[${reference} @ nl-iru] overdue`,
    ]);
    const records = await h.db.auditEntry.findMany({ where: { action: "case.reminder" } });
    expect(records).toHaveLength(1);
    expect(records[0]?.subjectId).toBe(reference);
    expect(JSON.parse(records[0]?.detail ?? "{}")).toMatchObject({ step: "escalation", caughtUp: ["ack-due-soon", "ack-overdue", "half-time", "due-soon", "overdue", "backup"] });
    h.clock.set(at(121));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual(["[DM → demo.coordinator] coordinators"]);
  });

  test("a restarted Liaison (a new core on the same database) never sends a step twice", async () => {
    const h = harness();
    await openRemovalOrder(h);
    h.clock.set(at(31));
    // Caught up: the acknowledge steps and half time, one message per audience (Jan, the thread, Eva).
    expect(queuedLines(await runJob(h, "sweep"))).toHaveLength(3);
    const restarted = createCore({ store: h.store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() });
    expect((await restarted.reminders.run("sweep")).queued).toEqual([]);
    // Even when the case's reminder state is put back (a crash between writing and moving on), the keys hold.
    await h.db.caseReminder.updateMany({ data: { nextReminderAt: at(30), remindedUntil: at(0) } });
    expect((await restarted.reminders.run("sweep")).queued).toEqual([]);
    expect(await reminderOutbox(h)).toHaveLength(3);
  });

  test("acknowledging keeps the ladder of the resolve deadline; resolving ends it; an extension starts it afresh", async () => {
    const h = harness();
    // A threat-to-life case: the same one-hour continuous clock and ladder as a removal order, but the installation's
    // (a removal order's hour is the law's and cannot be extended).
    const opened = await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind threat-to-life --reason "threat against a school" --priority normal');
    const reference = /\b([A-Z]-\d{4}-\d{4})\b/.exec(opened)?.[1] as string;
    h.clock.set(at(31));
    await runJob(h, "sweep");
    h.clock.set(at(40));
    await h.ok("jan.jansen", `/case ack ${reference}`);
    expect((await h.reminderRow(reference)).nextReminderAt).toEqual(at(50));
    await h.ok("sanne.devries", `/case extend ${reference} --by 1h --reason "more URLs added"`);
    // New deadline +120: half time of the two-hour period (+60) is next.
    expect((await h.reminderRow(reference)).nextReminderAt).toEqual(at(60));
    h.clock.set(at(61));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual(["[DM → jan.jansen] half-time", `[${reference} @ acme-hosting] half-time`]);
    await h.ok("jan.jansen", `/case resolve ${reference} --outcome police-informed`);
    expect((await h.reminderRow(reference)).nextReminderAt).toBeNull();
    h.clock.set(at(300));
    expect((await runJob(h, "sweep")).queued).toEqual([]);
  });

  test("a notice on working hours waits for the recipient's working day", async () => {
    const h = harness();
    // Friday 16:30 in Amsterdam: acknowledge within 4 working hours, i.e. Monday 12:30.
    h.clock.set("2026-11-20T15:30:00.000Z");
    const text = await h.ok("lotte.visser", "/notice acme-hosting https://example.test/n/1 --reason \"phishing page\"");
    const reference = /\b(N-\d{4}-\d{4})\b/.exec(text)?.[1] as string;
    h.clock.set("2026-11-21T12:00:00.000Z"); // Saturday: nothing
    expect((await runJob(h, "sweep")).queued).toEqual([]);
    h.clock.set("2026-11-23T11:05:00.000Z"); // Monday 12:05: 25 minutes before the acknowledgement is due
    expect(queuedLines(await runJob(h, "sweep"))).toEqual(["[DM → jan.jansen] ack-due-soon"]);
    h.clock.set("2026-11-23T11:30:00.000Z");
    expect(queuedLines(await runJob(h, "sweep"))).toEqual([`[${reference} @ acme-hosting] ack-overdue`, "[DM → eva.mulder] ack-overdue"]);
  });

  test("TLP:RED: backup and coordinators are told the reference and deadline, not the content", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h, " --tlp RED");
    h.clock.set(at(121));
    await runJob(h, "sweep");
    await h.drain();
    const coordinator = h.adapter.directTexts("demo.coordinator").join("\n");
    expect(coordinator).toContain(reference);
    expect(coordinator).not.toContain("example.test");
    expect(coordinator).toContain("TLP:RED");
  });

  test("TLP:AMBER+STRICT: a coordinator of another organisation is told the reference and deadline", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h, ' --tlp "AMBER+STRICT"');
    h.clock.set(at(121));
    await runJob(h, "sweep");
    await h.drain();
    // demo.coordinator works at nl-coordination, which is neither party: the content stays within the two parties.
    const coordinator = h.adapter.directTexts("demo.coordinator").join("\n");
    expect(coordinator).toContain(reference);
    expect(coordinator).toContain("TLP:AMBER+STRICT");
    expect(coordinator).not.toContain("example.test");
  });

  test("two sweeps at once send each step once", async () => {
    const h = harness();
    await openRemovalOrder(h);
    await openRemovalOrder(h);
    h.clock.set(at(2 * HOUR / MINUTE + 1));
    const other = createCore({ store: h.store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() });
    const results = await Promise.allSettled([runJob(h, "sweep"), other.reminders.run("sweep"), runJob(h, "sweep")]);
    for (const result of results) expect(result.status).toBe("fulfilled");
    // Catching up, each case reaches its six audiences once, whichever sweep claimed it.
    expect((await reminderOutbox(h)).sort()).toEqual(["R-2026-0001", "R-2026-0002"].flatMap(CAUGHT_UP).sort());
  });

  test("two sweeps at once, each on its own connection (two processes), send each due step once", async () => {
    const h = harness();
    const references: string[] = [];
    for (let n = 0; n < 12; n += 1) references.push(await openRemovalOrder(h));
    h.clock.set(at(2 * HOUR / MINUTE + 1));
    const stores = [await openStore(h.store.target), await openStore(h.store.target)];
    try {
      const cores = stores.map((store) => createCore({ store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() }));
      const reports = await Promise.all(cores.map((core) => core.reminders.run("sweep")));
      const queued = reports.flatMap((report) => report.queued);
      expect(queued.map((message) => message.subject).sort()).toEqual(references.flatMap((reference) => CAUGHT_UP(reference).map(() => reference)).sort());
      expect(reports.reduce((sum, report) => sum + report.handled, 0)).toBe(references.length);
      expect((await reminderOutbox(h)).sort()).toEqual(references.flatMap(CAUGHT_UP).sort());
      // One record entry per case, whichever sweep claimed it (sealed here: these two cores' stores do not seal on commit).
      await sealNow(h.store);
      expect(await h.db.auditEntry.count({ where: { action: "case.reminder" } })).toBe(references.length);
      for (const core of cores) expect((await core.reminders.run("sweep")).queued).toEqual([]);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  test("a claim takes only the cases unchanged since they were read, and moves their reminder state", async () => {
    const h = harness();
    const [unchanged, edited, swept, ended] = [await openRemovalOrder(h), await openRemovalOrder(h), await openRemovalOrder(h), await openRemovalOrder(h)];
    // Milliseconds that are not zero: the comparison must match what the client wrote to the last digit.
    const read = new Map<string, ReminderClaim>();
    for (const [index, reference] of [unchanged, edited, swept, ended].entries()) {
      const row = await h.caseRow(reference as string);
      const updatedAt = new Date(row.updatedAt.getTime() + 123 + index);
      const nextReminderAt = new Date(at(30).getTime() + 457 + index);
      await h.db.case.update({ where: { id: row.id }, data: { updatedAt } });
      await h.db.caseReminder.update({ where: { caseId: row.id }, data: { nextReminderAt } });
      read.set(reference as string, { id: row.id, updatedAt, nextReminderAt, next: null });
    }
    const claim = (reference: string, next: Date | null) => ({ ...(read.get(reference) as ReminderClaim), next });
    // Meanwhile: one case was edited (updatedAt moved), another was claimed by a sweep (nextReminderAt moved).
    await h.db.case.update({ where: { reference: edited as string }, data: { updatedAt: at(31) } });
    await h.db.caseReminder.updateMany({ where: { case: { reference: swept as string } }, data: { nextReminderAt: at(50) } });
    const now = new Date(at(31).getTime() + 789);
    const claimed = await h.store.transaction((tx) => claimDueCases(tx, h.provider, [claim(unchanged as string, at(50)), claim(edited as string, at(50)), claim(swept as string, at(60)), claim(ended as string, null)], now));
    expect([...claimed].sort()).toEqual([read.get(unchanged as string)?.id, read.get(ended as string)?.id].sort());
    expect(await h.reminderRow(unchanged as string)).toMatchObject({ nextReminderAt: at(50), remindedUntil: now });
    expect((await h.caseRow(unchanged as string)).updatedAt).toEqual(read.get(unchanged as string)?.updatedAt);
    expect(await h.reminderRow(ended as string)).toMatchObject({ nextReminderAt: null, remindedUntil: now });
    expect(await h.reminderRow(edited as string)).toMatchObject({ nextReminderAt: read.get(edited as string)?.nextReminderAt });
    expect((await h.caseRow(edited as string)).updatedAt).toEqual(at(31));
    expect(await h.reminderRow(swept as string)).toMatchObject({ nextReminderAt: at(50), remindedUntil: at(0) });
    // A case read without a next reminder is not due: nothing to claim.
    expect(await h.store.transaction((tx) => claimDueCases(tx, h.provider, [{ ...claim(unchanged as string, at(60)), nextReminderAt: null }], now))).toEqual(new Set());
  });

  test("a claim waits for a change of a case that is under way in another process, then leaves that case", async () => {
    const h = harness();
    // SQLite has one writer at a time, and the claim's transaction is one: no change can be under way beside it.
    if (h.provider !== "postgresql") return;
    const [changing, other] = [await openRemovalOrder(h), await openRemovalOrder(h)];
    const readAt = async (reference: string): Promise<ReminderClaim> => {
      const row = await h.caseRow(reference);
      return { id: row.id, updatedAt: row.updatedAt, nextReminderAt: (await h.reminderRow(reference)).nextReminderAt, next: at(50) };
    };
    const claims = [await readAt(changing), await readAt(other)];
    const writer = await openStore(h.store.target);
    try {
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      let written = (): void => undefined;
      const wasWritten = new Promise<void>((resolve) => (written = resolve));
      // The first case changes as an action changes it: its Case row first, in a transaction not yet committed.
      const change = writer.transaction(async (tx) => {
        await tx.case.update({ where: { reference: changing }, data: { updatedAt: at(31) } });
        written();
        await released;
      });
      await wasWritten;
      let answered = false;
      const claim = h.store.transaction((tx) => claimDueCases(tx, h.provider, claims, at(31))).finally(() => (answered = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
      release();
      await change;
      expect([...(await claim)]).toEqual([claims[1]?.id]);
    } finally {
      await writer.close();
    }
    expect((await h.reminderRow(changing)).nextReminderAt).toEqual(claims[0]?.nextReminderAt);
    expect((await h.reminderRow(other)).nextReminderAt).toEqual(at(50));
  });
});
