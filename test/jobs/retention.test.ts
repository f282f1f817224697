// Retention on both databases: inbound-event claims and delivered messages older than their ages are deleted, in
// bounded batches; younger ones, pending and dead messages and the record are kept; an event redelivered inside the
// window is still recognised as handled. Also: the settings are validated, and `liaison reminders run --only
// retention` runs it from the command line.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/audit/verify.js";
import { TEST_KEYS } from "../support/keys.js";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { ManualClock } from "../../src/core/clock.js";
import type { InboundEvent } from "../../src/core/adapter.js";
import { loadEscalationPolicy } from "../../src/cases/reminders/policy.js";
import { ReminderJobs } from "../../src/jobs/jobs.js";
import { MAX_BATCHES_PER_RUN, RetentionJob } from "../../src/jobs/retention.js";
import { silentLogger } from "../../src/log.js";
import { openStore } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { DAY, describeOnBothDatabases, ROOT, START, tempDir, testConfig, type CaseHarness } from "../support/cases.js";
import { runLiaison } from "../support/cli.js";
import { openRemovalOrder } from "../support/reminders.js";

const command = (eventId: string, text = "/whoami"): InboundEvent => ({
  type: "command",
  eventId,
  identity: { platform: "console", workspace: "", userId: "jan.jansen" },
  text,
  where: { platform: "console", workspace: "", channelId: "console", isDirect: false },
});

/** An outbox row written directly, in a given state and at a given time (seq far above the counter's). */
let nextSeq = 1_000_000;
async function outboxRow(h: CaseHarness, id: string, state: "pending" | "sent" | "dead", at: Date): Promise<void> {
  await h.db.outboxMessage.create({
    data: {
      id,
      seq: nextSeq++,
      createdAt: at,
      streamKey: `test:${id}`,
      state,
      dueAt: at,
      destination: JSON.stringify({ type: "contact", contactId: "nobody" }),
      message: JSON.stringify({ text: id }),
      ...(state === "sent" ? { sentAt: at, sentRef: `ref-${id}` } : {}),
      ...(state === "dead" ? { attempts: 12, lastError: "given up" } : {}),
    },
  });
}

/** Old claims written directly (as the inbound handler writes them), `count` of them, received at `at`. */
async function claims(h: CaseHarness, prefix: string, count: number, at: Date): Promise<void> {
  await h.db.inboundEvent.createMany({ data: Array.from({ length: count }, (_, index) => ({ key: `${prefix}:${index}`, receivedAt: at })) });
}

const keys = async (h: CaseHarness) => (await h.db.inboundEvent.findMany({ orderBy: { key: "asc" } })).map((row) => row.key);

describeOnBothDatabases("retention", (harness, test) => {
  test("deletes what is past its age, keeps the rest, never pending or dead messages nor the record; a redelivery inside the window is a duplicate", async () => {
    const h = harness();
    const start = new Date(START);
    // Day 0: an event handled (claimed) and a case opened whose messages are delivered (sent at day 0).
    expect(await h.handler(command("day-0"))).toBeDefined();
    await openRemovalOrder(h);
    await h.drain();
    const sentAtStart = await h.db.outboxMessage.count({ where: { state: "sent" } });
    expect(sentAtStart).toBeGreaterThan(0);
    // Day 0 too: a message still to deliver and one given up, both as old as the others.
    await outboxRow(h, "old-pending", "pending", start);
    await outboxRow(h, "old-dead", "dead", start);
    // Day 2: another event and another delivered message, well inside the 30-day window at the end.
    h.clock.set(new Date(start.getTime() + 2 * DAY));
    expect(await h.handler(command("day-2"))).toBeDefined();
    await outboxRow(h, "recent-sent", "sent", h.clock.now());
    const record = { entries: await h.db.auditEntry.count(), head: await h.db.auditHead.findMany() };

    // Day 31: day 0 is outside the 30-day windows (config/default.yaml), day 2 inside.
    h.clock.set(new Date(start.getTime() + 31 * DAY));
    const report = await h.core.reminders.run("retention");
    expect(report.skipped).toBeUndefined();
    expect(report.handled).toBe(1 + sentAtStart);
    expect(report.notes).toEqual([
      `deleted 1 inbound event claim(s) received before ${new Date(start.getTime() + DAY).toISOString()}`,
      `deleted ${sentAtStart} delivered message(s) sent before ${new Date(start.getTime() + DAY).toISOString()}`,
    ]);

    expect(await keys(h)).toEqual(["console:command:day-2"]);
    const left = await h.db.outboxMessage.findMany({ orderBy: { id: "asc" }, select: { id: true, state: true } });
    expect(left).toEqual([
      { id: "old-dead", state: "dead" },
      { id: "old-pending", state: "pending" },
      { id: "recent-sent", state: "sent" },
    ]);
    // The record is untouched: same entries, same head, chain intact (it grows only by what runs next).
    expect(await h.db.auditEntry.count()).toBe(record.entries);
    expect(await h.db.auditHead.findMany()).toEqual(record.head);
    expect((await verifyAudit(h.db, TEST_KEYS)).problems).toEqual([]);

    // The platform redelivers the day-2 event: still handled once.
    expect(await h.handler(command("day-2"))).toBeUndefined();
    expect(await h.db.auditEntry.count()).toBe(record.entries);
    // Running again finds nothing more to delete.
    expect((await h.core.reminders.run("retention")).handled).toBe(0);
  });

  test("a backlog is deleted in batches of batchSize, at most MAX_BATCHES_PER_RUN per run; the next run continues", async () => {
    const h = harness();
    const old = new Date(new Date(START).getTime() - 40 * DAY);
    await claims(h, "slack:event:old", MAX_BATCHES_PER_RUN * 2 + 3, old);
    await claims(h, "slack:event:new", 2, new Date(START));
    const clock = new ManualClock(START);
    const statements: number[] = [];
    const counting = new Proxy(h.db, {
      get(target, key) {
        if (key === "$executeRaw") {
          return (...args: unknown[]) => {
            const result = (target.$executeRaw as (...a: unknown[]) => Promise<number>)(...args);
            return result.then((count) => (statements.push(count), count));
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const job = new RetentionJob(counting, clock, { enabled: true, keepInboundEvents: 30 * DAY, keepSentMessages: 30 * DAY, keepRedCaseText: 365 * DAY, batchSize: 2 });

    const first = await job.prune();
    expect(first.deleted).toEqual({ inboundEvents: MAX_BATCHES_PER_RUN * 2, sentMessages: 0, redCaseKeys: 0 });
    expect(first.more).toEqual(["inboundEvents"]);
    // Every statement deleted at most a batch: 100 full batches of events, then one (empty) for the messages and one for the TLP:RED case keys.
    expect(statements.slice(0, MAX_BATCHES_PER_RUN).every((count) => count === 2)).toBe(true);
    expect(statements).toHaveLength(MAX_BATCHES_PER_RUN + 2);

    const second = await job.prune();
    expect(second.deleted).toEqual({ inboundEvents: 3, sentMessages: 0, redCaseKeys: 0 });
    expect(second.more).toEqual([]);
    expect(await keys(h)).toEqual(["slack:event:new:0", "slack:event:new:1"]);
  }, 60_000);

  test("switched off (reminders.retention.enabled: false), the job is skipped and deletes nothing", async () => {
    const h = harness();
    await claims(h, "slack:event:old", 1, new Date(new Date(START).getTime() - 40 * DAY));
    const reminders = testConfig().config.reminders;
    const jobs = new ReminderJobs({
      db: h.db,
      provider: h.store.provider,
      clock: h.clock,
      keys: TEST_KEYS,
      leaseClock: h.clock,
      logger: silentLogger(),
      config: { ...reminders, retention: { ...reminders.retention, enabled: false } },
      policy: loadEscalationPolicy(resolve(ROOT, reminders.policyFile)),
    });
    expect((await jobs.run("retention")).skipped).toBe("reminders.retention.enabled is false");
    expect(await keys(h)).toEqual(["slack:event:old:0"]);
  });
});

describe("retention settings", () => {
  it("refuse ages too short for redeliveries, naming the key", () => {
    const config = join(tempDir("liaison-retention-config-"), "liaison.yaml");
    writeFileSync(config, "reminders:\n  retention:\n    keepInboundEvents: 2h\n    batchSize: 0\n");
    let problems: string[] = [];
    try {
      loadConfig({ rootDir: ROOT, env: { LIAISON_CONFIG: config } });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    }
    expect(problems).toEqual([
      expect.stringMatching(/^reminders\.retention\.keepInboundEvents: .*at least 1d/),
      expect.stringMatching(/^reminders\.retention\.batchSize: /),
    ]);
  });

  it("defaults to 30 days for both, hourly, in batches of 1000", () => {
    const { config } = loadConfig({ rootDir: ROOT, env: {} });
    expect(config.reminders.retention).toEqual({ enabled: true, keepInboundEvents: 30 * DAY, keepSentMessages: 30 * DAY, keepRedCaseText: 365 * DAY, batchSize: 1000 });
    expect(config.reminders.scheduler.retention).toBe("17 * * * *");
  });
});

describe("liaison reminders run --only retention", () => {
  it("prunes from the command line, as of --now, and says what it deleted", async () => {
    const dir = tempDir("liaison-retention-cli-");
    const dbFile = join(dir, "data", "liaison.db");
    const config = join(dir, "liaison.yaml");
    writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: warn\n`);
    const target = { provider: "sqlite" as const, url: dbFile };
    await applyMigrations(target);
    const store = await openStore(target);
    try {
      const at = (days: number) => new Date(new Date(START).getTime() + days * DAY);
      await store.db.inboundEvent.createMany({ data: [{ key: "slack:event:a", receivedAt: at(0) }, { key: "slack:event:b", receivedAt: at(0) }, { key: "slack:event:c", receivedAt: at(20) }] });
    } finally {
      await store.close();
    }
    const now = new Date(new Date(START).getTime() + 31 * DAY).toISOString();
    const run = await runLiaison(["reminders", "run", "--only", "retention", "--now", now], { LIAISON_CONFIG: config }, "", 90_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Reminders as of ${now}`);
    expect(run.stdout).toContain("retention: 0 message(s) queued, 2 handled");
    expect(run.stdout).toContain("note: deleted 2 inbound event claim(s) received before");
    expect(run.stdout).not.toMatch(/^(sweep|digests|revalidation):/m);
    const db = new Database(dbFile, { readonly: true });
    try {
      expect(db.prepare(`SELECT "key" FROM "InboundEvent"`).all()).toEqual([{ key: "slack:event:c" }]);
    } finally {
      db.close();
    }
  }, 120_000);
});
