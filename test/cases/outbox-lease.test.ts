// The outbox lease after a crash, on both databases, in real time: a message claimed by a worker that was killed with
// kill -9 is delivered by a new worker on the same host at once (its dead holder is recognised), and by one on another
// host within the short lease; a live worker's lease, renewed while a slow send runs, is never taken by another worker
// (in this process or another one); every message is sent exactly once and each thread keeps its order.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import type { ChatAdapter, Platform } from "../../src/core/adapter.js";
import { systemClock } from "../../src/core/clock.js";
import { holderIsDead, newLeaseHolder } from "../../src/store/lease.js";
import { silentLogger } from "../../src/log.js";
import { DEFAULT_OUTBOX_LEASE_MS } from "../../src/outbox/lease.js";
import { enqueue, OutboxWorker, type OutboxWorkerOptions } from "../../src/outbox/outbox.js";
import { openStore, type Store } from "../../src/store/db.js";
import { describeOnBothDatabases, RecordingAdapter, ROOT, type AdapterCall, type CaseHarness } from "../support/cases.js";

const OPTIONS: OutboxWorkerOptions = { maxAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 8000 };

/** Writes `count` messages to each of the streams "thread-a" and "thread-b", in that order; returns their ids by stream. */
async function writeThreads(h: CaseHarness, count: number): Promise<Record<string, string[]>> {
  const items = ["thread-a", "thread-b"].flatMap((stream) =>
    Array.from({ length: count }, (_, n) => ({
      streamKey: stream,
      destination: { type: "address" as const, destination: { kind: "channel" as const, platform: "console" as const, workspace: "", channelId: stream } },
      message: { text: `${stream} ${n}` },
    })),
  );
  await h.store.transaction((tx) => enqueue(tx, h.clock, items));
  const rows = await h.db.outboxMessage.findMany({ orderBy: { seq: "asc" } });
  return { "thread-a": rows.filter((row) => row.streamKey === "thread-a").map((row) => row.id), "thread-b": rows.filter((row) => row.streamKey === "thread-b").map((row) => row.id) };
}

/** A worker on the real clock (leases are about processes being alive) with its platform. */
function realWorker(store: Store, adapter: ChatAdapter, options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  return new OutboxWorker(store.db, systemClock, silentLogger(), new Map<Platform, ChatAdapter>([[adapter.platform, adapter]]), { ...OPTIONS, ...options });
}

/** The texts sent to a channel, in order. */
function textsTo(calls: readonly AdapterCall[], channelId: string): string[] {
  return calls.filter((call) => call.op === "send" && call.channelId === channelId).map((call) => call.message.text);
}

/** Runs passes every 20 ms until `done` holds or `timeoutMs` passes; returns the time taken. */
async function pollUntil(worker: OutboxWorker, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const startedMs = Date.now();
  while (!(await done())) {
    if (Date.now() - startedMs > timeoutMs) throw new Error(`not done within ${timeoutMs} ms`);
    await worker.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - startedMs;
}

/** Waits until a condition holds (polling every 5 ms), or fails after 5 s. */
async function pollUntilTrue(condition: () => Promise<boolean>): Promise<void> {
  const untilMs = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > untilMs) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A worker in a process of its own whose first send never returns; resolves once it is sending, with its holder. */
async function stuckWorkerProcess(h: CaseHarness, leaseMs: number): Promise<{ child: ChildProcess; holder: string; sending: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/support/outbox-child.ts")], {
    cwd: ROOT,
    env: { ...process.env, LIAISON_TEST_STORE: JSON.stringify(h.store.target), LIAISON_TEST_LEASE_MS: String(leaseMs) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  let holder = "";
  for await (const line of lines) {
    if (line.startsWith("holder ")) holder = line.slice("holder ".length);
    if (line.startsWith("sending ")) return { child, holder, sending: line.slice("sending ".length) };
  }
  throw new Error("the worker process ended before sending");
}

/** Kills a process with SIGKILL and waits until it is gone (reaped). */
async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describeOnBothDatabases("outbox lease after a crash", (harness, test) => {
  test("kill -9 while sending: the thread is not frozen while the worker lives, and a new worker on the host sends at once, exactly once, in order", async () => {
    const h = harness();
    const ids = await writeThreads(h, 3);
    const stuck = await stuckWorkerProcess(h, 2000);
    try {
      expect(stuck.sending).toBe(ids["thread-a"]![0]);
      expect(stuck.holder.split(":").slice(0, 2)).toEqual([hostname(), String(stuck.child.pid)]);
      const adapter = new RecordingAdapter("console");
      const next = realWorker(h.store, adapter);
      // For two and a half of the live worker's leases (2 s each), the other thread goes on, and the claimed one waits.
      const livedMs = Date.now() + 5000;
      while (Date.now() < livedMs) {
        await next.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(textsTo(adapter.calls, "thread-b")).toEqual(["thread-b 0", "thread-b 1", "thread-b 2"]);
      expect(textsTo(adapter.calls, "thread-a")).toEqual([]);
      const head = await h.db.outboxMessage.findUniqueOrThrow({ where: { id: ids["thread-a"]![0] } });
      expect(head).toMatchObject({ state: "pending", leaseHolder: stuck.holder });
      expect(head.leaseUntil!.getTime()).toBeGreaterThan(Date.now());

      await kill9(stuck.child);
      // A worker that starts now (a restarted Liaison) takes the dead worker's message up in its first pass.
      const restarted = realWorker(h.store, adapter);
      const tookMs = await pollUntil(restarted, () => textsTo(adapter.calls, "thread-a").length === 3, 5000);
      console.info(`kill -9: the dead worker's message was sent ${tookMs} ms after a new worker started`);
      expect(tookMs).toBeLessThan(1000);
      expect(textsTo(adapter.calls, "thread-a")).toEqual(["thread-a 0", "thread-a 1", "thread-a 2"]);
      expect(adapter.calls.filter((call) => call.key === stuck.sending)).toHaveLength(1);
      expect(new Set(adapter.calls.map((call) => call.key)).size).toBe(6);
      expect(await h.db.outboxMessage.count({ where: { state: "sent" } })).toBe(6);
    } finally {
      if (stuck.child.exitCode === null && stuck.child.signalCode === null) await kill9(stuck.child);
    }
  }, 30_000);

  test("a worker that died on another host: its message is sent after the default lease (5 s), not the old minute", async () => {
    const h = harness();
    const ids = await writeThreads(h, 2);
    // As a worker elsewhere left it: claimed just now, never renewed again.
    const claimedAt = Date.now();
    await h.db.outboxMessage.update({
      where: { id: ids["thread-a"]![0] },
      data: { leaseHolder: "liaison-2.example:4242:0badc0de:0123456789abcdef.4026531836", leaseUntil: new Date(claimedAt + DEFAULT_OUTBOX_LEASE_MS) },
    });
    const adapter = new RecordingAdapter("console");
    const worker = realWorker(h.store, adapter);
    await pollUntil(worker, () => textsTo(adapter.calls, "thread-a").length === 2, 10_000);
    const waitedMs = Date.now() - claimedAt;
    console.info(`a dead worker elsewhere: its message was sent ${waitedMs} ms after its claim`);
    expect(DEFAULT_OUTBOX_LEASE_MS).toBe(5000);
    expect(waitedMs).toBeGreaterThanOrEqual(DEFAULT_OUTBOX_LEASE_MS - 50);
    expect(waitedMs).toBeLessThan(DEFAULT_OUTBOX_LEASE_MS + 1500);
    expect(textsTo(adapter.calls, "thread-a")).toEqual(["thread-a 0", "thread-a 1"]);
    expect(textsTo(adapter.calls, "thread-b")).toEqual(["thread-b 0", "thread-b 1"]);
  }, 30_000);

  test("a live worker's lease is renewed through a send five leases long and never taken by a second worker polling all along", async () => {
    const h = harness();
    await writeThreads(h, 3);
    const calls: AdapterCall[] = [];
    const slow = new RecordingAdapter("console", calls);
    const fast = new RecordingAdapter("console", calls);
    const other = await openStore(h.store.target);
    try {
      const leaseMs = 600;
      const a = realWorker(h.store, slow, { leaseMs, concurrency: 1, batchSize: 1 });
      const b = realWorker(other, fast, { leaseMs, concurrency: 1 });
      expect(a.holder).not.toBe(b.holder);
      slow.delayMs = 5 * leaseMs;
      const first = a.runOnce();
      // a's only claim is thread-a's head; b polls from then on, throughout a's send.
      const head = (await h.db.outboxMessage.findFirstOrThrow({ where: { streamKey: "thread-a" }, orderBy: { seq: "asc" } })).id;
      await pollUntilTrue(async () => (await h.db.outboxMessage.findUniqueOrThrow({ where: { id: head } })).leaseHolder === a.holder);
      const polling = (async () => {
        const untilMs = Date.now() + 5 * leaseMs + 200;
        while (Date.now() < untilMs) {
          await b.runOnce();
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      await Promise.all([first, polling]);
      await pollUntil(b, async () => (await h.db.outboxMessage.count({ where: { state: "pending" } })) === 0, 5000);
      expect(textsTo(calls, "thread-a")).toEqual(["thread-a 0", "thread-a 1", "thread-a 2"]);
      expect(textsTo(calls, "thread-b")).toEqual(["thread-b 0", "thread-b 1", "thread-b 2"]);
      expect(new Set(calls.map((call) => call.key)).size).toBe(calls.length);
      expect(calls).toHaveLength(6);
      // The slow worker sent thread-a's head; the other never touched it.
      expect(calls.find((call) => call.message.text === "thread-a 0")).toBeDefined();
      expect(calls.findIndex((call) => call.message.text === "thread-a 0")).toBeGreaterThan(calls.findIndex((call) => call.message.text === "thread-b 2"));
    } finally {
      await other.close();
    }
  }, 30_000);
});

describe("lease holders", () => {
  it("only a holder of this host, boot and PID namespace whose process is gone counts as dead", () => {
    const mine = newLeaseHolder();
    const [host, pid, , place] = mine.split(":");
    expect([host, pid]).toEqual([hostname(), String(process.pid)]);
    expect(holderIsDead(mine)).toBe(false);
    const exited = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const gone = Number(exited.stdout);
    expect(holderIsDead(`${host}:${gone}:00000000:${place}`)).toBe(true);
    // Another host, another boot or namespace, the old format, a live process (our parent), nonsense: alive.
    expect(holderIsDead(`elsewhere:${gone}:00000000:${place}`)).toBe(false);
    expect(holderIsDead(`${host}:${gone}:00000000:0000000000000000.1`)).toBe(false);
    expect(holderIsDead(`${host}:${gone}:00000000`)).toBe(false);
    expect(holderIsDead(`${host}:${process.ppid}:00000000:${place}`)).toBe(false);
    expect(holderIsDead(`${host}:1:00000000:${place}`)).toBe(false);
    expect(holderIsDead(`${host}:-5:00000000:${place}`)).toBe(false);
    expect(holderIsDead(`${host}:${"9".repeat(100_000)}:x:${place}`)).toBe(false);
    expect(holderIsDead("\u0000:\u202e:\n:")).toBe(false);
  });
});
