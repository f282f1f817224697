// Several Liaison processes on one PostgreSQL database: two real `liaison reminders run` processes started at once,
// at each step's time, send each step once (a lease in the database lets one run each job; once-only keys hold
// regardless); a lease whose holder died expires and another process takes the job over.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { openStore, type Store } from "../../src/store/db.js";
import { tempDir } from "../support/cases.js";
import { createTempDatabase, describeOnPostgres } from "../support/postgres.js";
import { MINUTE, printedQueued, spawnLiaison } from "../support/reminders.js";

describeOnPostgres("reminders with two Liaison processes on PostgreSQL", (test) => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let store: Store | undefined;
  let env: Record<string, string> = {};
  let openedAt = new Date();

  beforeAll(async () => {
    database = await createTempDatabase();
    const config = join(tempDir("liaison-processes-"), "liaison.yaml");
    // Digests and revalidation depend on the real date of the run; this test is about the sweep.
    writeFileSync(config, "log:\n  level: warn\nreminders:\n  digests:\n    enabled: false\n  revalidation:\n    enabled: false\n");
    env = { DATABASE_URL: database.url, LIAISON_CONFIG: config };
    const opened = await spawnLiaison(["start"], env, 'sanne.devries: /tco inform acme-hosting --at 2026-01-01T09:00+01:00\nsanne.devries: /notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"\n');
    expect(opened.stdout, opened.stderr).toContain("Opened R-");
    store = await openStore({ provider: "postgresql", url: database.url });
    openedAt = (await store.db.case.findFirstOrThrow()).openedAt;
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const at = (minutes: number) => new Date(openedAt.getTime() + minutes * MINUTE).toISOString();

  test("each step is sent once when two processes run the sweep at the same time", async () => {
    const everything: string[] = [];
    for (const minutes of [31, 61, 121]) {
      const runs = await Promise.all([spawnLiaison(["reminders", "run", "--now", at(minutes)], env), spawnLiaison(["reminders", "run", "--now", at(minutes)], env)]);
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      everything.push(...runs.flatMap((run) => printedQueued(run.stdout)));
    }
    const reference = (await store?.db.case.findFirstOrThrow())?.reference ?? "";
    expect(everything.sort()).toEqual(
      [
        // +31: the acknowledgement (due at +15) was missed: Eva, the backup, is told once; Jan and the thread get half time
        `[DM → eva.mulder] ${reference} ack-overdue`,
        `[DM → jan.jansen] ${reference} half-time`,
        `[${reference} @ acme-hosting] ${reference} half-time`,
        // +61: due-soon (+50) was skipped: caught up with, once
        `[DM → jan.jansen] ${reference} due-soon`,
        `[${reference} @ acme-hosting] ${reference} overdue`,
        `[${reference} @ nl-iru] ${reference} overdue`,
        // +121: backup (+75) and escalation (+105) caught up with
        `[DM → eva.mulder] ${reference} backup`,
        `[DM → tom.hendriks] ${reference} escalation`,
        `[DM → demo.coordinator] ${reference} coordinators`,
      ].sort(),
    );
    expect(await store?.db.outboxMessage.count({ where: { onceKey: { startsWith: "reminder:" } } })).toBe(9);
    // Every reminder was delivered once, by one of the processes (the console is the platform here).
    expect(await store?.db.outboxMessage.count({ where: { onceKey: { startsWith: "reminder:" }, state: "sent" } })).toBe(9);
  }, 120_000);

  test("a job whose lease is held by a live process is skipped; once the holder is gone and the lease lapses, it runs", async () => {
    const db = store?.db;
    if (!db) throw new Error("no store");
    await db.case.updateMany({ data: { resolveDueAt: new Date(at(200)) } });
    await db.caseReminder.updateMany({ data: { nextReminderAt: new Date(at(130)), remindedUntil: new Date(at(0)) } });
    await db.lease.create({ data: { name: "job:sweep", holder: "other-host:4242:dead", expiresAt: new Date(Date.now() + 60_000) } });
    const held = await spawnLiaison(["reminders", "run", "--now", at(200), "--only", "sweep"], env);
    expect(held.stdout).toContain("sweep: skipped (another Liaison process is running it (other-host:4242:dead");
    await db.lease.updateMany({ where: { name: "job:sweep" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const after = await spawnLiaison(["reminders", "run", "--now", at(200), "--only", "sweep"], env);
    expect(after.stdout).toMatch(/sweep: \d+ message\(s\) queued/);
    expect(await db.lease.count()).toBe(0);
  }, 120_000);
});
