// The durable outbox, on both databases: messages written with the change survive a crash between commit and
// send and are delivered by the next worker once, in order per thread; failures are retried with backoff; a
// platform's rate-limit wait is honoured; permanent failures and exhausted attempts end as "dead"; two workers on
// one database never send the same message twice.
import { expect } from "vitest";
import { createCore } from "../../src/app/app.js";
import type { AdapterCapabilities, ChatAdapter, Platform } from "../../src/core/adapter.js";
import { silentLogger } from "../../src/log.js";
import { enqueue, OutboxWorker, type OutboxWorkerOptions } from "../../src/outbox/outbox.js";
import { openStore, type Store } from "../../src/store/db.js";
import { deliveryError, describeOnBothDatabases, RecordingAdapter, testConfig, threadTitle, type AdapterCall, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

const ACME = threadTitle("N-2026-0001", "acme-hosting");
const IRU = threadTitle("N-2026-0001", "nl-iru");
const OPTIONS: OutboxWorkerOptions = { maxAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 8000 };

/**
 * A notice whose two cards were delivered (people write in threads that exist), then an acknowledgement and three
 * messages: 2 cards sent + 2 updates + 3 relayed = 5 pending, 7 outbox messages in all.
 */
async function busyCase(h: CaseHarness): Promise<void> {
  await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --reason "incites violence"');
  await h.drain();
  await h.ok("jan.jansen", "/case ack N-2026-0001");
  await h.write("jan.jansen", ACME, "one");
  await h.write("sanne.devries", IRU, "two");
  await h.write("jan.jansen", ACME, "three");
}

/** What each thread must show, in order. */
function expectThreads(adapter: RecordingAdapter): void {
  const iru = adapter.threadTexts(IRU);
  const acme = adapter.threadTexts(ACME);
  expect(iru[0]).toMatch(/^Notice N-2026-0001 · TLP:AMBER/);
  expect(acme[0]).toMatch(/^Notice N-2026-0001 · TLP:AMBER/);
  expect(iru.slice(1)).toEqual(["✓ N-2026-0001 acknowledged; Jan Jansen is responsible.\n— Jan Jansen (ACME Hosting B.V.)", "Jan Jansen (ACME Hosting B.V.): one", "Jan Jansen (ACME Hosting B.V.): three"]);
  expect(acme.slice(1)).toEqual(["✓ N-2026-0001 acknowledged; Jan Jansen is responsible.\n— Jan Jansen (ACME Hosting B.V.)", "Sanne de Vries (Netherlands Internet Referral Unit): two"]);
}

function worker(h: CaseHarness, adapter: ChatAdapter, options: OutboxWorkerOptions = OPTIONS, store: Store = h.store): OutboxWorker {
  return new OutboxWorker(store.db, h.clock, silentLogger(), new Map<Platform, ChatAdapter>([[adapter.platform, adapter]]), options);
}

async function states(h: CaseHarness): Promise<Record<string, number>> {
  const rows = await h.db.outboxMessage.groupBy({ by: ["state"], _count: { _all: true } });
  return Object.fromEntries(rows.map((row) => [row.state, row._count._all]));
}

describeOnBothDatabases("outbox", (harness, test) => {
  test("a crash after commit and before send loses nothing: a new process delivers everything once, in order per thread", async () => {
    const h = harness();
    await busyCase(h);
    // Nothing after the cards was delivered: the process "died" with everything committed.
    expect(h.adapter.calls).toHaveLength(2);
    expect(await states(h)).toEqual({ sent: 2, pending: 5 });
    // A new process: its own connection to the same database, its own core and platform.
    const store = await openStore(h.store.target);
    try {
      const core = createCore({ store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() });
      const adapter = new RecordingAdapter("console", h.adapter.calls);
      core.attach(adapter);
      await core.outbox.drain();
      await core.outbox.drain();
      expect(adapter.calls).toHaveLength(7);
      expectThreads(adapter);
      expect(new Set(adapter.calls.map((call) => call.key)).size).toBe(7);
      expect(await states(h)).toEqual({ sent: 7 });
    } finally {
      await store.close();
    }
  });

  test("a worker that dies while sending: after its lease another worker sends the message, once, with the same idempotency key", async () => {
    const h = harness();
    await busyCase(h);
    // The worker's first delivery never returns (the process hangs, then dies); what it sends at the same time to
    // the other thread goes out.
    const hanging = new HangingAdapter(h.adapter.calls);
    // Its own connection, closed below: a process that died renews nothing.
    const dying = await openStore(h.store.target);
    void worker(h, hanging, OPTIONS, dying).runOnce().catch(() => undefined);
    await vi_waitFor(() => hanging.attempted.length === 1);
    // Its delivery to the other thread, sent at the same time, is finished (the hung one keeps its lease).
    await vi_waitFor(async () => (await h.db.outboxMessage.count({ where: { leaseUntil: { not: null } } })) === 1);
    const firstKey = hanging.attempted[0];
    await dying.close();
    const next = new RecordingAdapter("console", h.adapter.calls);
    const survivor = worker(h, next);
    await survivor.drain();
    // The claimed message's thread waits (its order must hold); the other thread goes on.
    expect(next.calls.every((call) => call.op === "openThread" || call.op === "send")).toBe(true);
    const claimed = await h.db.outboxMessage.findFirstOrThrow({ where: { id: firstKey } });
    expect(claimed.state).toBe("pending");
    expect(await h.db.outboxMessage.count({ where: { state: "pending", NOT: { streamKey: claimed.streamKey } } })).toBe(0);
    expect(next.calls.some((call) => call.key === firstKey)).toBe(false);
    // After the lease (5 s by default, no longer renewed) it is taken up again.
    h.clock.advance(4_999);
    await survivor.drain();
    expect(next.calls.some((call) => call.key === firstKey)).toBe(false);
    h.clock.advance(2);
    await survivor.drain();
    await survivor.drain();
    expect(next.calls.filter((call) => call.key === firstKey)).toHaveLength(1);
    expectThreads(next);
    expect(await states(h)).toEqual({ sent: 7 });
  });

  test("a failed delivery is retried with exponential backoff, and the thread's later messages wait for it", async () => {
    const h = harness();
    await busyCase(h);
    let failures = 0;
    h.adapter.failWith = (call) => (call.op === "send" && call.threadId === IRU && failures++ < 3 ? deliveryError("platform unavailable") : undefined);
    const w = worker(h, h.adapter);
    await w.drain();
    // acme's thread is complete; nl-iru's first update failed once and its later messages wait.
    expect(h.adapter.threadTexts(ACME)).toHaveLength(3);
    expect(h.adapter.threadTexts(IRU)).toHaveLength(1);
    const card = await h.db.outboxMessage.findFirstOrThrow({ where: { attempts: 1, state: "pending" } });
    expect(card).toMatchObject({ attempts: 1, lastError: "platform unavailable" });
    expect(card.dueAt.getTime() - h.clock.now().getTime()).toBe(1000);
    // Not before its time.
    h.clock.advance(999);
    await w.drain();
    expect(failures).toBe(1);
    h.clock.advance(1);
    await w.drain();
    expect(failures).toBe(2);
    const again = await h.db.outboxMessage.findUniqueOrThrow({ where: { id: card.id } });
    expect(again.dueAt.getTime() - h.clock.now().getTime()).toBe(2000);
    h.clock.advance(2000);
    await w.drain();
    expect(failures).toBe(3);
    expect((await h.db.outboxMessage.findUniqueOrThrow({ where: { id: card.id } })).dueAt.getTime() - h.clock.now().getTime()).toBe(4000);
    h.clock.advance(4000);
    await w.drain();
    expectThreads(h.adapter);
    expect(await states(h)).toEqual({ sent: 7 });
  });

  test("the backoff is capped at backoffMaxMs", async () => {
    const h = harness();
    await busyCase(h);
    h.adapter.failWith = () => deliveryError("down");
    const w = worker(h, h.adapter, { maxAttempts: 10, backoffBaseMs: 1000, backoffMaxMs: 3000 });
    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await w.runOnce();
      const first = await h.db.outboxMessage.findFirstOrThrow({ where: { state: "pending" }, orderBy: { seq: "asc" } });
      const wait = first.dueAt.getTime() - h.clock.now().getTime();
      waits.push(wait);
      h.clock.advance(wait);
    }
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
  });

  test("a rate limit's wait is honoured when longer than the backoff", async () => {
    const h = harness();
    await busyCase(h);
    let limited = false;
    h.adapter.failWith = () => {
      if (limited) return undefined;
      limited = true;
      return deliveryError("rate limited", { retryAfterMs: 30_000 });
    };
    const w = worker(h, h.adapter);
    await w.drain();
    const sentBefore = h.adapter.calls.length;
    const waiting = await h.db.outboxMessage.findFirstOrThrow({ where: { attempts: 1, state: "pending" } });
    expect(waiting.dueAt.getTime() - h.clock.now().getTime()).toBe(30_000);
    h.clock.advance(29_999);
    await w.drain();
    expect(h.adapter.calls.length).toBe(sentBefore);
    h.clock.advance(1);
    await w.drain();
    expectThreads(h.adapter);
    expect(await states(h)).toEqual({ sent: 7 });
  });

  test("a permanent error ends the message as dead at once; exhausted attempts too; the thread goes on", async () => {
    const h = harness();
    await busyCase(h);
    h.adapter.failWith = (call) => {
      if (call.op === "send" && call.message.text.endsWith(": one")) return deliveryError("message rejected", { permanent: true });
      if (call.op === "send" && call.message.text.endsWith(": two")) return deliveryError("flaky");
      return undefined;
    };
    const w = worker(h, h.adapter, { maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 1000 });
    for (let round = 0; round < 4; round += 1) {
      await w.drain();
      h.clock.advance(1000);
    }
    const dead = await h.db.outboxMessage.findMany({ where: { state: "dead" } });
    expect(dead.map((row) => [JSON.parse(row.message).text, row.attempts, row.lastError]).sort()).toEqual([
      ["Jan Jansen (ACME Hosting B.V.): one", 1, "message rejected"],
      ["Sanne de Vries (Netherlands Internet Referral Unit): two", 3, "flaky"],
    ]);
    expect(h.adapter.threadTexts(IRU).at(-1)).toBe("Jan Jansen (ACME Hosting B.V.): three");
    expect(await states(h)).toEqual({ sent: 5, dead: 2 });
  });

  test("messages for a platform that is not running wait (not lost) until a worker with that platform runs", async () => {
    const h = harness();
    await busyCase(h);
    const elsewhere = new RecordingAdapter("slack");
    await worker(h, elsewhere).drain();
    expect(elsewhere.calls).toEqual([]);
    expect((await h.db.outboxMessage.findFirstOrThrow({ where: { state: "pending" }, orderBy: { seq: "asc" } })).lastError).toMatch(/no console adapter/);
    h.clock.advance(60_000);
    await worker(h, h.adapter).drain();
    expectThreads(h.adapter);
  });

  test("a TLP:RED case's direct messages go out on the platform where the named people have accounts, with no console running", async () => {
    const h = harness();
    for (const [handle, userId] of [["sanne.devries", "U0SANNE"], ["jan.jansen", "U0JAN"]] as const) {
      const contact = await h.db.contact.findUniqueOrThrow({ where: { handle } });
      await h.db.chatIdentity.create({ data: { id: `identity-${handle}`, contactId: contact.id, platform: "slack", workspace: "T0TEST", userId, createdAt: h.clock.now() } });
    }
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video" --tlp RED');
    await h.ok("jan.jansen", "/case ack R-2026-0001");
    const slack = new RecordingAdapter("slack");
    await worker(h, slack).drain();
    expect(slack.calls.map((call) => (call.op === "sendDirect" ? call.userId : call.op)).sort()).toEqual(["U0JAN", "U0JAN", "U0SANNE", "U0SANNE"]);
    expect(await states(h)).toEqual({ sent: 4 });
  });

  test("delivery refuses TLP:RED content addressed to a channel or a channel thread: dead at once, nothing sent", async () => {
    const h = harness();
    await busyCase(h);
    const thread = await h.db.caseThread.findFirstOrThrow({ where: { kind: { not: "direct" } } });
    await worker(h, h.adapter).drain();
    h.adapter.calls.length = 0;
    const red = { text: "R-2026-0009 the secret removal order", tlp: "RED" as const };
    await h.store.transaction((tx) => enqueue(tx, h.clock, [
      { streamKey: "red-channel", destination: { type: "address", destination: { kind: "channel", platform: "console", workspace: "", channelId: "cases" } }, message: red },
      { streamKey: "red-thread", destination: { type: "case-thread", caseThreadId: thread.id }, message: red },
      { streamKey: "amber-channel", destination: { type: "address", destination: { kind: "channel", platform: "console", workspace: "", channelId: "cases" } }, message: { ...red, tlp: "AMBER" } },
    ]));
    await worker(h, h.adapter).drain();
    const rows = await h.db.outboxMessage.findMany({ where: { streamKey: { in: ["red-channel", "red-thread", "amber-channel"] } } });
    expect(rows.map((row) => [row.streamKey, row.state, row.attempts]).sort()).toEqual([["amber-channel", "sent", 1], ["red-channel", "dead", 1], ["red-thread", "dead", 1]]);
    expect(rows.filter((row) => row.state === "dead").every((row) => /direct message only/.test(row.lastError ?? ""))).toBe(true);
    // The platform saw the AMBER message only.
    expect(h.adapter.calls.map((call) => call.message.text)).toEqual(["R-2026-0009 the secret removal order"]);
    expect(h.adapter.calls.map((call) => call.op)).toEqual(["send"]);
  });

  test("a contact with no linked account is reached by handle only on a running platform whose user ids are handles", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video" --tlp RED');
    // A chat platform: its user ids are not handles, and nobody has an account there.
    const chat = new ChatPlatformAdapter("discord");
    await worker(h, chat).drain();
    expect(chat.calls).toEqual([]);
    expect((await h.db.outboxMessage.findFirstOrThrow({ where: { state: "pending" }, orderBy: { seq: "asc" } })).lastError).toMatch(/has no linked account on a running platform/);
    // Any platform that declares its user ids to be directory handles reaches them by handle (not only "console").
    h.clock.advance(60_000);
    const byHandle = new RecordingAdapter("matrix");
    await worker(h, byHandle).drain();
    expect(byHandle.calls.map((call) => (call.op === "sendDirect" ? call.userId : call.op)).sort()).toEqual(["jan.jansen", "sanne.devries"]);
    expect(await states(h)).toEqual({ sent: 2 });
  });

  test("two workers with their own connections, at the same time, with a slow platform: every message sent once, in order per thread", async () => {
    const h = harness();
    for (let n = 0; n < 3; n += 1) {
      await h.ok("sanne.devries", `/notice acme-hosting https://example.test/v/${n} --reason "incites violence"`);
    }
    await h.drain();
    for (let n = 0; n < 3; n += 1) {
      for (let m = 0; m < 6; m += 1) {
        await h.write("jan.jansen", threadTitle(`N-2026-000${n + 1}`, "acme-hosting"), `acme ${n}.${m}`);
        await h.write("sanne.devries", threadTitle(`N-2026-000${n + 1}`, "nl-iru"), `iru ${n}.${m}`);
      }
    }
    const total = await h.db.outboxMessage.count({ where: { state: "pending" } });
    expect(total).toBe(3 * 12);
    const shared: AdapterCall[] = h.adapter.calls;
    const first = new RecordingAdapter("console", shared);
    const second = new RecordingAdapter("console", shared);
    first.delayMs = 5;
    second.delayMs = 5;
    const other = await openStore(h.store.target);
    try {
      const a = worker(h, first);
      const b = worker(h, second, OPTIONS, other);
      const sentBy = { a: 0, b: 0 };
      const before = shared.length;
      await Promise.all([
        (async () => {
          for (let i = 0; i < 50 && shared.length < total; i += 1) sentBy.a += (await a.runOnce()).sent;
        })(),
        (async () => {
          for (let i = 0; i < 50 && shared.length < total; i += 1) sentBy.b += (await b.runOnce()).sent;
        })(),
      ]);
      expect(shared.length - before).toBe(total);
      expect(new Set(shared.slice(before).map((call) => call.key)).size).toBe(total);
      expect(sentBy.a + sentBy.b).toBe(total);
      expect(await states(h)).toEqual({ sent: total + 6 });
      const probe = new RecordingAdapter("console", shared);
      for (let n = 0; n < 3; n += 1) {
        const ref = `N-2026-000${n + 1}`;
        expect(probe.threadTexts(threadTitle(ref, "nl-iru")).slice(1)).toEqual([0, 1, 2, 3, 4, 5].map((m) => `Jan Jansen (ACME Hosting B.V.): acme ${n}.${m}`));
        expect(probe.threadTexts(threadTitle(ref, "acme-hosting")).slice(1)).toEqual([0, 1, 2, 3, 4, 5].map((m) => `Sanne de Vries (Netherlands Internet Referral Unit): iru ${n}.${m}`));
      }
    } finally {
      await other.close();
    }
  }, 60_000);
});

/** A recording adapter that answers as a chat platform does: its user ids are not directory handles. */
class ChatPlatformAdapter extends RecordingAdapter {
  override readonly capabilities: AdapterCapabilities = {
    ephemeral: true, directMessages: true, userIdIsHandle: false,
  };
}

/** A recording adapter whose first delivery never returns; `attempted` holds that delivery's idempotency key. */
class HangingAdapter extends RecordingAdapter {
  readonly attempted: string[] = [];

  constructor(calls: AdapterCall[]) {
    super("console", calls);
  }

  private hangFirst<T>(key: string, deliver: () => Promise<T>): Promise<T> {
    if (this.attempted.length > 0) return deliver();
    this.attempted.push(key);
    return new Promise<T>(() => undefined);
  }

  override send(...args: Parameters<RecordingAdapter["send"]>): ReturnType<RecordingAdapter["send"]> {
    return this.hangFirst(args[2].idempotencyKey, () => super.send(...args));
  }

  override openThread(...args: Parameters<RecordingAdapter["openThread"]>): ReturnType<RecordingAdapter["openThread"]> {
    return this.hangFirst(args[1].idempotencyKey, () => super.openThread(...args));
  }

  override sendDirect(...args: Parameters<RecordingAdapter["sendDirect"]>): ReturnType<RecordingAdapter["sendDirect"]> {
    return this.hangFirst(args[2].idempotencyKey, () => super.sendDirect(...args));
  }
}

/** Waits until a condition holds (polling), or fails after 5 s. */
async function vi_waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  const until = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
