// The scheduler's and the record sealer's leases after a crash, on both databases, with a real process: while the
// process that holds them lives, neither the sweep nor the sealer of another core runs (however long it polls); once it
// is killed with kill -9, a core on the same host takes both leases at once, without waiting for them to run out. A
// holder on another host is never judged dead by its process id.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect } from "vitest";
import { appendAuditEntries } from "../../src/audit/log.js";
import { AuditSealer, SEALER_LEASE } from "../../src/audit/sealer.js";
import { systemClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/log.js";
import { openStore, type Store } from "../../src/store/db.js";
import { acquireLease, newLeaseHolder } from "../../src/store/lease.js";
import { describeOnBothDatabases, ROOT, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

/** A process of its own holding the sweep and sealer leases for ten minutes; resolves once it holds them. */
async function holdingProcess(h: CaseHarness): Promise<{ child: ChildProcess; holder: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/support/lease-child.ts")], {
    cwd: ROOT,
    env: { ...process.env, LIAISON_TEST_STORE: JSON.stringify(h.store.target), LIAISON_TEST_LEASE_MS: "600000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  let holder = "";
  for await (const line of lines) {
    if (line.startsWith("holder ")) holder = line.slice("holder ".length);
    if (line === "held") return { child, holder };
  }
  throw new Error("the lease process ended before it held its leases");
}

/** Kills a process with SIGKILL and waits until it is gone (reaped). */
async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/** Appends one record entry to be sealed (on a store that does not seal on commit, as in `liaison start`). */
async function pendingEntry(store: Store, h: CaseHarness, n: number): Promise<void> {
  await store.transaction((tx) => appendAuditEntries(tx, h.clock, TEST_KEYS, [{ actorId: null, actor: "system", via: "test", action: "test.entry", subjectType: "test", subjectId: `entry-${n}`, result: "ok", detail: {} }]));
}

describeOnBothDatabases("job leases after a crash", (harness, test) => {
  test("a live holder keeps the sweep and sealer leases; after kill -9 a core on the host takes both at once", async () => {
    const h = harness();
    const held = await holdingProcess(h);
    // The sealer of `liaison start`: its own store (the harness's seals on commit), on the real clock.
    const store = await openStore(h.store.target);
    const sealer = new AuditSealer({ store, keys: TEST_KEYS, clock: h.clock, leaseClock: systemClock, logger: silentLogger(), settings: { intervalMs: 1000, checkpointIntervalMs: 600_000, leaseMs: 10_000 } });
    try {
      expect(held.holder.split(":").slice(0, 2)).toEqual([hostname(), String(held.child.pid)]);
      await pendingEntry(store, h, 1);
      // For two seconds of polling, the live holder keeps both: every run is a no-op that names it.
      const untilMs = Date.now() + 2000;
      let runs = 0;
      while (Date.now() < untilMs) {
        const sweep = await h.core.reminders.run("sweep");
        const sealed = await sealer.runOnce();
        expect(sweep.skipped).toContain(held.holder);
        expect(sealed.skipped).toContain(held.holder);
        expect(sealed.sealed).toBe(0);
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(runs).toBeGreaterThan(5);
      expect((await h.db.lease.findUniqueOrThrow({ where: { name: "job:sweep" } })).holder).toBe(held.holder);
      expect(await h.db.auditPending.count()).toBe(1);

      await kill9(held.child);
      const startedMs = Date.now();
      const sweep = await h.core.reminders.run("sweep");
      const sealed = await sealer.runOnce();
      const tookMs = Date.now() - startedMs;
      console.info(`kill -9: the sweep and the sealer ran ${tookMs} ms after the holder died (its leases had ten minutes left)`);
      expect(sweep.skipped).toBeUndefined();
      expect(sealed.skipped).toBeUndefined();
      expect(sealed.sealed).toBe(1);
      expect(await h.db.auditPending.count()).toBe(0);
      // The sweep gave its lease back after its run; the sealer keeps its own, now in its name.
      expect(await h.db.lease.findUnique({ where: { name: "job:sweep" } })).toBeNull();
      expect((await h.db.lease.findUniqueOrThrow({ where: { name: SEALER_LEASE } })).holder).toBe(sealer.holder);
    } finally {
      if (held.child.exitCode === null && held.child.signalCode === null) await kill9(held.child);
      await sealer.stop();
      await store.close();
    }
  }, 60_000);

  test("a holder on another host, or of an older name, is not taken however dead its process id looks", async () => {
    const h = harness();
    const exited = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const gone = Number(exited.stdout);
    const place = newLeaseHolder().split(":")[3];
    const expiresAt = new Date(Date.now() + 600_000);
    for (const holder of [`liaison-2.example:${gone}:0badc0de:${place}`, `${hostname()}:${gone}:0badc0de`, `${hostname()}:${gone}:0badc0de:0000000000000000.1`]) {
      await h.db.lease.deleteMany({});
      await h.db.lease.create({ data: { name: "job:sweep", holder, expiresAt } });
      expect((await h.core.reminders.run("sweep")).skipped).toContain(holder);
      const mine = await acquireLease(h.db, systemClock, "job:sweep", newLeaseHolder(), 1000);
      expect(mine.acquired).toBe(false);
    }
    // The same holder of this host and place with a process that is gone is dead: taken, and said so.
    await h.db.lease.deleteMany({});
    const dead = `${hostname()}:${gone}:0badc0de:${place}`;
    await h.db.lease.create({ data: { name: "job:sweep", holder: dead, expiresAt } });
    const taker = newLeaseHolder();
    expect(await acquireLease(h.db, systemClock, "job:sweep", taker, 1000)).toEqual({ acquired: true, fromDeadHolder: dead });
    expect((await h.db.lease.findUniqueOrThrow({ where: { name: "job:sweep" } })).holder).toBe(taker);
  }, 30_000);
});
