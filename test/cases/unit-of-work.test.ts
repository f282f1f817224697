// One inbound event, one unit of work: the claim of the event, whoever it acts as, the change, the messages the change
// causes and the record entries commit together or not at all. A crash is injected before each database call an
// event makes (a thrown fault rolls the transaction back, as a dead process does): after each, nothing of the event
// is stored, not even its claim, so the platform's redelivery runs it; the redelivery without a fault stores all of
// it, once. On both databases, for a case opened, acknowledged, a thread message relayed, a button and a read-only
// command.
import { expect } from "vitest";
import { createCore } from "../../src/app/app.js";
import type { InboundEvent } from "../../src/core/adapter.js";
import { silentLogger } from "../../src/log.js";
import type { Store } from "../../src/store/db.js";
import type { Tx } from "../../src/store/types.js";
import { describeOnBothDatabases, RecordingAdapter, testConfig, threadTitle, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

/** The fault a test injects. */
class InjectedCrash extends Error {}

/** A store whose transactions fail at their `failAt`-th database call (1-based); counts the calls of each. */
class FaultyStore {
  /** Fail at this call of the next transaction; 0: never. */
  failAt = 0;
  /** Database calls the last transaction made. */
  calls = 0;

  constructor(readonly inner: Store) {}

  /** The store the core under test uses. */
  store(): Store {
    return {
      ...this.inner,
      transaction: (work, options) =>
        this.inner.transaction((tx) => {
          this.calls = 0;
          return work(this.wrap(tx));
        }, options),
    };
  }

  private count(): void {
    this.calls += 1;
    if (this.calls === this.failAt) throw new InjectedCrash(`crash injected before database call ${this.calls}`);
  }

  /** The transaction client with every model method and raw query counted (and failing where asked). */
  private wrap(tx: Tx): Tx {
    const count = () => this.count();
    return new Proxy(tx, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof key === "string" && key.startsWith("$") && typeof value === "function") {
          return (...args: unknown[]) => {
            count();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        if (typeof key === "string" && !key.startsWith("$") && value !== null && typeof value === "object") {
          return new Proxy(value as object, {
            get(delegate, method) {
              const fn: unknown = Reflect.get(delegate, method, delegate);
              if (typeof fn !== "function") return fn;
              return (...args: unknown[]) => {
                count();
                return (fn as (...a: unknown[]) => unknown).apply(delegate, args);
              };
            },
          });
        }
        return value;
      },
    }) as Tx;
  }
}

/** Everything an event can leave behind, as one comparable value. */
async function footprint(h: CaseHarness): Promise<string> {
  const db = h.db;
  const [events, cases, threads, messages, outbox, audit, counters, head] = await Promise.all([
    db.inboundEvent.findMany({ orderBy: { key: "asc" }, select: { key: true } }),
    db.case.findMany({ orderBy: { reference: "asc" }, select: { reference: true, state: true, updatedAt: true, responsibleContactId: true } }),
    db.caseThread.count(),
    db.caseMessage.count(),
    db.outboxMessage.count(),
    db.auditEntry.count(),
    db.counter.findMany({ orderBy: { name: "asc" } }),
    db.auditHead.findMany(),
  ]);
  return JSON.stringify({ events, cases, threads, messages, outbox, audit, counters, head });
}

/** Delivers `event` with a crash before each of its database calls in turn, then once without; checks each outcome. */
async function crashAtEveryStep(h: CaseHarness, faulty: FaultyStore, handler: (event: InboundEvent) => Promise<unknown>, event: InboundEvent): Promise<number> {
  const before = await footprint(h);
  let steps = 0;
  for (let failAt = 1; ; failAt += 1) {
    faulty.failAt = failAt;
    let crashed = false;
    try {
      await handler(event);
    } catch (error) {
      if (!(error instanceof InjectedCrash)) throw error;
      crashed = true;
    }
    if (!crashed) {
      steps = failAt - 1;
      break;
    }
    // Nothing of the event was kept: not its claim, not the change, not its messages, not its record.
    expect(await footprint(h), `after a crash before database call ${failAt}`).toBe(before);
    if (failAt > 200) throw new Error("the event never completed");
  }
  faulty.failAt = 0;
  // The run without a fault stored everything; a redelivery now is a duplicate and changes nothing.
  const after = await footprint(h);
  expect(after).not.toBe(before);
  await handler(event);
  expect(await footprint(h)).toBe(after);
  return steps;
}

describeOnBothDatabases("one unit of work per inbound event", (harness, test) => {
  test("a crash before any database call of an event leaves nothing of it; its redelivery then stores all of it, once", async () => {
    const h = harness();
    const faulty = new FaultyStore(h.store);
    const core = createCore({ store: faulty.store(), clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() });
    const adapter = new RecordingAdapter();
    const handler = core.attach(adapter);
    const person = (userId: string) => ({ platform: "console" as const, workspace: "", userId });
    const where = { platform: "console" as const, workspace: "", channelId: "console", isDirect: false };

    const opened = await crashAtEveryStep(h, faulty, handler, {
      type: "command", eventId: "open-1", identity: person("sanne.devries"), where,
      text: '/notice acme-hosting https://example.test/v/1 --reason "incites violence"',
    });
    const row = await h.caseRow("N-2026-0001");
    expect(row.state).toBe("open");
    expect(await h.db.outboxMessage.count()).toBe(2);
    expect((await h.db.auditEntry.findMany({ orderBy: { seq: "asc" } })).map((entry) => entry.action)).toEqual(["case.open", "command"]);

    // The cards are delivered, so that the parties' threads exist.
    await core.outbox.drain();
    const acme = await h.db.caseThread.findFirstOrThrow({ where: { title: threadTitle("N-2026-0001", "acme-hosting") } });

    const acknowledged = await crashAtEveryStep(h, faulty, handler, { type: "action", eventId: "ack-1", identity: person("jan.jansen"), where, command: "/case ack N-2026-0001", values: {} });
    expect((await h.caseRow("N-2026-0001")).state).toBe("acknowledged");

    const relayed = await crashAtEveryStep(h, faulty, handler, {
      type: "message", eventId: "message-1", identity: person("jan.jansen"), text: "we are looking",
      where: { platform: "console", workspace: acme.workspace, channelId: acme.channelId, threadId: acme.threadId, isDirect: false },
    });
    expect(await h.db.caseMessage.count()).toBe(1);

    const resolved = await crashAtEveryStep(h, faulty, handler, { type: "command", eventId: "resolve-1", identity: person("jan.jansen"), where, text: "/case resolve N-2026-0001 --outcome removed" });
    expect((await h.caseRow("N-2026-0001")).state).toBe("resolved");

    const whoami = await crashAtEveryStep(h, faulty, handler, { type: "command", eventId: "whoami-1", identity: person("sanne.devries"), where, text: "/whoami" });

    // Every event made several database calls, so every boundary between them was tried.
    for (const steps of [opened, acknowledged, relayed, resolved, whoami]) expect(steps).toBeGreaterThan(3);
    // Each event was handled once: one claim each, one command record per command.
    expect(await h.db.inboundEvent.count()).toBe(5);
    expect(await h.db.auditEntry.count({ where: { action: "command" } })).toBe(4);
  }, 120_000);
});
