// Concurrent appends and the leased sealer: appends touch no shared row, the sealer chains them in one unbroken chain
// (never twice, none lost, whatever the commit order and however many sealers run), refuses forged, altered and
// replayed pending rows, and checkpoints; readers see entries before they are sealed.
import { expect } from "vitest";
import { latestCheckpoints, signatureValid } from "../../src/audit/checkpoint.js";
import { appendAuditEntries, type AuditRecord } from "../../src/audit/log.js";
import { recordHas } from "../../src/audit/entries.js";
import { AuditSealer, sealPending, SEALER_LEASE } from "../../src/audit/sealer.js";
import { verifyAudit } from "../../src/audit/verify.js";
import { CaseQueries } from "../../src/cases/queries.js";
import { buildReport } from "../../src/cases/report.js";
import { ManualClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/log.js";
import { openStore, type Store } from "../../src/store/db.js";
import { createTestCore, describeOnProviders, openTestStore, TEST_START, type TestStore } from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";

const record = (n: number, caseId: string | null = null): AuditRecord => ({
  actorId: null, actor: "system", via: "test", action: "test.append", subjectType: "test", subjectId: `s-${n}`, caseId, result: "ok", detail: { n },
});

/** Resolves when `promise` does, or rejects after `ms` (to tell "waits" from "done"). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms))]);
}

/** A transaction that appends and then stays open until `release` is called. */
function heldOpen(store: Store, clock: ManualClock, records: AuditRecord[]): { appended: Promise<void>; release(): void; committed: Promise<void> } {
  let release!: () => void;
  let appended!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const appendedPromise = new Promise<void>((resolve) => (appended = resolve));
  const committed = store.transaction(async (tx) => {
    await appendAuditEntries(tx, clock, TEST_KEYS, records);
    appended();
    await gate;
  });
  return { appended: appendedPromise, release, committed };
}

async function expectWholeChain(store: Store, count: number): Promise<void> {
  const entries = await store.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
  expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: count }, (_, index) => index + 1));
  const subjects = entries.map((entry) => entry.subjectId);
  expect(new Set(subjects).size, "no entry sealed twice").toBe(count);
  expect(new Set(entries.map((entry) => entry.nonce)).size).toBe(count);
  expect(await store.db.auditPending.count()).toBe(0);
  const verified = await verifyAudit(store.db, TEST_KEYS, { full: true });
  expect(verified.problems).toEqual([]);
  expect(verified.last.seq).toBe(count);
}

describeOnProviders("the record's sealer", (provider, test) => {
  let opened: TestStore | undefined;
  const fresh = async (): Promise<Store> => {
    opened ??= await openTestStore(provider, { sealOnCommit: false });
    await opened.reset();
    return opened.store;
  };
  const clock = new ManualClock(TEST_START);

  test("an append touches no shared row: the head is not moved and the entry waits, with its own mac, to be sealed", async () => {
    const store = await fresh();
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(1), record(2)]));
    expect(await store.db.auditHead.findUnique({ where: { id: 1 } })).toBeNull();
    expect(await store.db.auditEntry.count()).toBe(0);
    const pending = await store.db.auditPending.findMany({ orderBy: { id: "asc" } });
    expect(pending.map((row) => row.subjectId)).toEqual(["s-1", "s-2"]);
    expect(pending[0]?.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(pending[0]?.nonce).not.toBe(pending[1]?.nonce);
    const outcome = await sealPending(store, TEST_KEYS);
    expect(outcome.sealed).toBe(2);
    expect(outcome.refused).toEqual([]);
    await expectWholeChain(store, 2);
    const head = await store.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(head).toMatchObject({ seq: 2, hash: outcome.last?.hash });
    // Nothing pending: a pass does nothing and makes no head of its own.
    expect((await sealPending(store, TEST_KEYS)).sealed).toBe(0);
  });

  if (provider === "postgresql") {
    test("two connections append at once: one transaction held open does not hold up the other's commit", async () => {
      const store = await fresh();
      const first = heldOpen(store, clock, [record(1)]);
      await within(first.appended, 10_000, "the first append");
      // The second transaction appends and commits while the first is still open (with one head row, it waited).
      await within(store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(2)])), 5000, "the second append");
      // The sealer seals what has committed, and is not held up by the open transaction either.
      const early = await within(sealPending(store, TEST_KEYS), 5000, "sealing beside an open append");
      expect(early.sealed).toBe(1);
      first.release();
      await first.committed;
      // Committed after a later id was sealed: sealed now, after it. The sequence is the order of sealing.
      expect((await sealPending(store, TEST_KEYS)).sealed).toBe(1);
      await expectWholeChain(store, 2);
      const entries = await store.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
      expect(entries.map((entry) => entry.subjectId)).toEqual(["s-2", "s-1"]);
    });
  }

  test("many writers and two sealers racing, batch by batch: one unbroken chain, none lost, none sealed twice", async () => {
    const store = await fresh();
    // Two clients on PostgreSQL (two pools of connections). One SQLite file takes one writer at a time, and two
    // synchronous SQLite connections in one process would wait on each other: there one client runs everything.
    const other = provider === "postgresql" ? await openStore(store.target) : store;
    const [writerCount, rounds] = provider === "sqlite" ? [4, 5] : [8, 10];
    try {
      const writers = Array.from({ length: writerCount }, (_, writer) =>
        (async () => {
          for (let round = 0; round < rounds; round += 1) {
            await (writer % 2 === 0 ? store : other).transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(writer * 100 + round * 2), record(writer * 100 + round * 2 + 1)]));
          }
        })(),
      );
      const sealers = Array.from({ length: provider === "sqlite" ? 2 : 4 }, (_, index) =>
        (async () => {
          let sealed = 0;
          for (let pass = 0; pass < 6; pass += 1) sealed += (await sealPending(index % 2 === 0 ? store : other, TEST_KEYS, 7)).sealed;
          return sealed;
        })(),
      );
      await Promise.all(writers);
      const racing = await Promise.all(sealers);
      const [a, b] = await Promise.all([sealPending(store, TEST_KEYS, 5), sealPending(other, TEST_KEYS, 5)]);
      expect(racing.reduce((sum, n) => sum + n, 0) + a.sealed + b.sealed).toBe(writerCount * rounds * 2);
      await expectWholeChain(store, writerCount * rounds * 2);
    } finally {
      if (other !== store) await other.close();
    }
  }, 120_000);

  test("of two sealers only the lease holder seals; the other's run is a no-op that says who holds it", async () => {
    const store = await fresh();
    const leaseClock = new ManualClock(TEST_START);
    const settings = { intervalMs: 1000, checkpointIntervalMs: 5000, leaseMs: 10_000 };
    const one = new AuditSealer({ store, keys: TEST_KEYS, clock, leaseClock, logger: silentLogger(), settings });
    const two = new AuditSealer({ store, keys: TEST_KEYS, clock, leaseClock, logger: silentLogger(), settings });
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(1), record(2), record(3)]));
    const first = await one.runOnce();
    expect(first.sealed).toBe(3);
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(4)]));
    const second = await two.runOnce();
    expect(second.sealed).toBe(0);
    expect(second.skipped).toContain(one.holder);
    expect(await store.db.auditPending.count()).toBe(1);
    // Its holder stops: it seals what is left and gives the lease back; the other may take over at once.
    await one.stop();
    expect(await store.db.lease.findUnique({ where: { name: SEALER_LEASE } })).toBeNull();
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(5)]));
    expect((await two.runOnce()).sealed).toBe(1);
    await expectWholeChain(store, 5);
  });

  test("a pending row written without the key, one altered, and one copied back after sealing are refused, left in place and reported by verify", async () => {
    const store = await fresh();
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(1), record(2)]));
    expect((await sealPending(store, TEST_KEYS)).sealed).toBe(2);
    const sealed = await store.db.auditEntry.findUniqueOrThrow({ where: { seq: 1 } });
    const copied = { nonce: sealed.nonce ?? "", at: sealed.at, actorId: null, actor: sealed.actor, via: sealed.via, action: sealed.action, subjectType: sealed.subjectType, subjectId: sealed.subjectId, caseId: null, result: sealed.result, detail: sealed.detail };
    // Its mac, as the original pending row had it, recomputed here with the key: a replay needs no key.
    const { pendingMac } = await import("../../src/audit/log.js");
    const replayed = await store.db.auditPending.create({ data: { ...copied, mac: pendingMac(TEST_KEYS, copied) } });
    const forged = await store.db.auditPending.create({
      data: { nonce: "f".repeat(32), at: clock.now(), actorId: null, actor: "operator", via: "cli", action: "case.resolve", subjectType: "case", subjectId: "R-2026-0001", caseId: null, result: "ok", detail: "{}", mac: "0".repeat(64) },
    });
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(3), record(4)]));
    const altered = await store.db.auditPending.findFirstOrThrow({ where: { subjectId: "s-3" } });
    await store.db.auditPending.update({ where: { id: altered.id }, data: { result: "refused:not-allowed" } });
    const outcome = await sealPending(store, TEST_KEYS);
    expect(outcome.sealed).toBe(1);
    expect(outcome.refused.map((refused) => refused.id).sort((x, y) => x - y)).toEqual([replayed.id, forged.id, altered.id].sort((x, y) => x - y));
    expect(outcome.refused.find((refused) => refused.id === replayed.id)?.problem).toContain("replayed");
    expect(outcome.refused.find((refused) => refused.id === forged.id)?.problem).toContain("without the record key");
    expect(await store.db.auditPending.count()).toBe(3);
    const entries = await store.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
    expect(entries.map((entry) => entry.subjectId)).toEqual(["s-1", "s-2", "s-4"]);
    const verified = await verifyAudit(store.db, TEST_KEYS, { full: true });
    expect(verified.problems.map((problem) => problem.problem)).toEqual(
      expect.arrayContaining([expect.stringContaining(`pending entry ${forged.id} `), expect.stringContaining(`pending entry ${altered.id} `), expect.stringContaining(`pending entry ${replayed.id} `)]),
    );
    expect(verified.problems).toHaveLength(3);
    expect(verified.last.seq).toBe(3);
    // A row refused once is refused again, and rows behind it are still sealed (no batch is stuck on it).
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(5)]));
    const again = await sealPending(store, TEST_KEYS, 2);
    expect(again.sealed).toBe(1);
    expect(again.refused).toHaveLength(3);
  });

  test("a checkpoint is signed after sealing, at most every checkpointIntervalMs, of the last entry it sealed", async () => {
    const store = await fresh();
    const leaseClock = new ManualClock(TEST_START);
    const sealer = new AuditSealer({ store, keys: TEST_KEYS, clock, leaseClock, logger: silentLogger(), settings: { intervalMs: 1000, checkpointIntervalMs: 5000, leaseMs: 10_000 } });
    expect((await sealer.runOnce()).checkpoint).toBeUndefined();
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(1), record(2)]));
    const first = await sealer.runOnce();
    expect(first.checkpoint).toMatchObject({ seq: 2, hash: first.last?.hash });
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(3)]));
    leaseClock.advance(1000);
    const second = await sealer.runOnce();
    expect(second.sealed).toBe(1);
    expect(second.checkpoint).toBeUndefined();
    leaseClock.advance(4000);
    // Nothing new sealed in this pass, but entry 3 is not signed yet and the interval is over.
    const third = await sealer.runOnce();
    expect(third.sealed).toBe(0);
    expect(third.checkpoint).toMatchObject({ seq: 3 });
    leaseClock.advance(60_000);
    expect((await sealer.runOnce()).checkpoint).toBeUndefined();
    const stored = await latestCheckpoints(store.db, 10);
    expect(stored.map((checkpoint) => checkpoint.seq)).toEqual([3, 2]);
    for (const checkpoint of stored) expect(signatureValid(TEST_KEYS, checkpoint)).toBe(true);
    expect((await verifyAudit(store.db, TEST_KEYS)).problems).toEqual([]);
    await sealer.stop();
  });

  test("history and the report see a command's entries right after it, before they are sealed", async () => {
    const store = await fresh();
    const core = await createTestCore(store, { clock: new ManualClock("2026-11-23T09:00:00Z") });
    const sanne = await core.actor("sanne.devries");
    const jan = await core.actor("jan.jansen");
    const run = async (actor: typeof jan, line: string) => expect((await core.dispatcher.run(actor, line)).failure, line).toBeUndefined();
    await run(sanne, '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "a video"');
    core.clock.advance(90 * 60_000);
    await run(jan, "/case ack R-2026-0001");
    expect(await store.db.auditEntry.count({ where: { action: "case.acknowledge" } })).toBe(0);
    const found = await store.db.case.findUniqueOrThrow({ where: { reference: "R-2026-0001" } });
    const history = await new CaseQueries(store.db, core.clock, TEST_KEYS).history(found.id);
    expect(history.map((entry) => entry.action)).toContain("case.acknowledge");
    const shown = await core.dispatcher.run(jan, "/case history R-2026-0001");
    expect(shown.message.text).toMatch(/ack/i);
    const report = await buildReport(store.db, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), core.clock.now(), undefined, TEST_KEYS);
    expect(report.rows[0]?.acknowledgedLate).toBe(1);
    // Sealed, the same; and a forged pending row is not shown.
    await sealPending(store, TEST_KEYS);
    await store.db.auditPending.create({
      data: { nonce: "e".repeat(32), at: core.clock.now(), actorId: null, actor: "jan.jansen", via: "cli", action: "case.resolve", subjectType: "case", subjectId: "R-2026-0001", caseId: found.id, result: "ok", detail: "{}", mac: "0".repeat(64) },
    });
    const after = await new CaseQueries(store.db, core.clock, TEST_KEYS).history(found.id);
    expect(after.map((entry) => entry.action)).toEqual(history.map((entry) => entry.action));
  });

  test("started, the sealer seals every interval by itself; the once-only checks see pending entries (and not forged ones)", async () => {
    const store = await fresh();
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(1, "case-1")]));
    await store.db.auditPending.create({
      data: { nonce: "d".repeat(32), at: clock.now(), actorId: null, actor: "x", via: "x", action: "case.undelivered", subjectType: "case", subjectId: "c", caseId: "case-2", result: "ok", detail: "{}", mac: "0".repeat(64) },
    });
    expect(await recordHas(store.db, TEST_KEYS, { caseId: "case-1", action: "test.append" })).toBe(true);
    expect(await recordHas(store.db, TEST_KEYS, { caseId: "case-2", action: "case.undelivered" })).toBe(false);
    const sealer = new AuditSealer({ store, keys: TEST_KEYS, clock, leaseClock: clock, logger: silentLogger(), settings: { intervalMs: 50, checkpointIntervalMs: 1000, leaseMs: 10_000 } });
    sealer.start();
    try {
      await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, [record(2)]));
      const deadline = Date.now() + 10_000;
      while ((await store.db.auditEntry.count()) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await sealer.stop();
    }
    expect(await store.db.auditEntry.count()).toBe(2);
    expect(await recordHas(store.db, TEST_KEYS, { caseId: "case-1", action: "test.append" })).toBe(true);
    expect(await store.db.auditCheckpoint.count()).toBeGreaterThan(0);
  });

  test("verify while a sealer seals reports nothing: it walks on to the head the sealer moved, and a row sealed under it is no replay", async () => {
    const store = await fresh();
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, Array.from({ length: 100 }, (_, index) => record(index))));
    await sealPending(store, TEST_KEYS);
    await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, Array.from({ length: 30 }, (_, index) => record(100 + index))));
    // The sealer runs at the worst moments: after verify walked the chain and before it reads the head; and after
    // it read pending rows and before it looks their nonces up among the sealed entries.
    const race = { head: true, nonces: true };
    const db = new Proxy(store.db, {
      get(target, property) {
        if (property === "auditHead") {
          return { findUnique: async (args: Parameters<typeof target.auditHead.findUnique>[0]) => {
            if (race.head) {
              race.head = false;
              expect((await sealPending(store, TEST_KEYS)).sealed).toBe(30);
              await store.transaction((tx) => appendAuditEntries(tx, clock, TEST_KEYS, Array.from({ length: 70 }, (_, index) => record(130 + index))));
            }
            return target.auditHead.findUnique(args);
          } };
        }
        if (property === "auditEntry") {
          return { ...target.auditEntry, findMany: async (args: Parameters<typeof target.auditEntry.findMany>[0]) => {
            if (race.nonces && args?.where && "nonce" in args.where) {
              race.nonces = false;
              expect((await sealPending(store, TEST_KEYS)).sealed).toBe(70);
            }
            return target.auditEntry.findMany(args);
          } };
        }
        return Reflect.get(target, property) as unknown;
      },
    });
    const checked = await verifyAudit(db, TEST_KEYS, { full: true });
    expect(race).toEqual({ head: false, nonces: false });
    expect(checked.problems).toEqual([]);
    expect(checked.last.seq).toBe(130);
    expect((await verifyAudit(store.db, TEST_KEYS, { full: true })).problems).toEqual([]);
  });
});
