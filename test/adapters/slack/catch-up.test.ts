// Messages people wrote in Slack case threads while Liaison was down: Slack never delivers them once its retries are
// over, so at start the adapter reads each open case thread's replies since the last one it handled (through the real
// Web API client against the fake Slack's conversations.replies), handles them in order, and then what comes live.
import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent, ThreadAddress } from "../../../src/core/adapter.js";
import { lastSeenKey } from "../../../adapters/slack/catch-up.js";
import { MemoryStateStore } from "../../support/memory-state.js";
import { ANN, BOB, CASES_CHANNEL, startRig, TEAM, testEnvironment, type SlackRig } from "./support.js";

/** A state store that counts reads and writes per key. */
class CountingState extends MemoryStateStore {
  readonly reads: string[] = [];
  readonly writes: string[] = [];

  override async get(key: string): Promise<string | undefined> {
    this.reads.push(key);
    return super.get(key);
  }

  override async set(key: string, value: string): Promise<void> {
    this.writes.push(key);
    return super.set(key, value);
  }
}

/** Records events; thread messages get no answer. */
function recorder() {
  const events: InboundEvent[] = [];
  return {
    events,
    texts: () => events.map((event) => ("text" in event ? event.text : "")),
    handle: async (event: InboundEvent) => {
      events.push(event);
      return undefined;
    },
  };
}

describe("Slack catch-up after a restart", () => {
  const rigs: SlackRig[] = [];
  afterEach(async () => {
    for (const rig of rigs.splice(0).reverse()) await rig.close().catch(() => undefined);
  });

  it("relays what was written while it was down, once and in order, before what is written after the start", async () => {
    const state = new MemoryStateStore();
    const first = recorder();
    const rig = await startRig(first.handle, { env: testEnvironment(state) });
    const thread: ThreadAddress = await rig.adapter.openThread({ channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL }, title: "N-2026-0009 @ acme", root: { text: "card" } }, { idempotencyKey: "card-9" });
    await rig.fake.userMessage({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "live 1" });
    await rig.adapter.whenIdle();
    expect(first.texts()).toEqual(["live 1"]);
    const mark = await state.get(lastSeenKey(CASES_CHANNEL, thread.threadId));
    expect(mark).toBeDefined();
    await rig.adapter.stop();

    // Down: 250 replies (more than one page of 200), a bot's post, and a top-level message outside the thread.
    for (let index = 1; index <= 250; index += 1) rig.fake.writeUndelivered({ team: TEAM, user: index % 2 === 0 ? ANN.id : BOB.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: `down ${index}` });
    rig.fake.writeUndelivered({ team: TEAM, user: rig.workspace.botUserId, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "Liaison's own relay" });
    rig.fake.writeUndelivered({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, text: "not in the thread" });

    const second = recorder();
    const restarted = await startRig(second.handle, { env: testEnvironment(state, async () => [thread]), running: { fake: rig.fake, workspace: rig.workspace } });
    rigs.push(restarted);
    await restarted.adapter.whenIdle();
    await restarted.fake.userMessage({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "after the start" });
    await restarted.adapter.whenIdle();
    expect(second.texts()).toEqual([...Array.from({ length: 250 }, (_, index) => `down ${index + 1}`), "after the start"]);
    expect(second.events.every((event) => event.type === "message" && event.where.threadId === thread.threadId)).toBe(true);
    expect(new Set(second.events.map((event) => event.eventId)).size).toBe(251);
    const pages = restarted.fake.calls.filter((call) => call.method === "conversations.replies");
    expect(pages.length).toBe(2);
  });

  it("moving a thread's mark costs one write per message and no read after the first", async () => {
    const state = new CountingState();
    const rig = await startRig(recorder().handle, { env: testEnvironment(state) });
    rigs.push(rig);
    const thread: ThreadAddress = await rig.adapter.openThread({ channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL }, title: "N-2026-0010 @ acme", root: { text: "card" } }, { idempotencyKey: "card-10" });
    const key = lastSeenKey(CASES_CHANNEL, thread.threadId);
    for (let index = 1; index <= 20; index += 1) await rig.fake.userMessage({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: `live ${index}` });
    await rig.adapter.whenIdle();
    expect(state.writes.filter((written) => written === key)).toHaveLength(20);
    expect(state.reads.filter((read) => read === key)).toHaveLength(1);
  });

  it("gives a message the same event id live and read back, so the core's claim counts it once", async () => {
    const state = new MemoryStateStore();
    const live = recorder();
    const rig = await startRig(live.handle, { env: testEnvironment(state) });
    const thread: ThreadAddress = await rig.adapter.openThread({ channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL }, title: "N-2026-0010 @ acme", root: { text: "card" } }, { idempotencyKey: "card-10" });
    await rig.fake.userMessage({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "seen live" });
    await rig.adapter.whenIdle();
    await rig.adapter.stop();
    // A restored state store knows no marks: the history is read from the card.
    const again = recorder();
    const restarted = await startRig(again.handle, { env: testEnvironment(new MemoryStateStore(), async () => [thread]), running: { fake: rig.fake, workspace: rig.workspace } });
    rigs.push(restarted);
    await restarted.adapter.whenIdle();
    expect(again.texts()).toEqual(["seen live"]);
    expect(again.events[0]?.eventId).toBe(live.events[0]?.eventId);
  });

  it("goes on with the other threads when one cannot be read", async () => {
    const state = new MemoryStateStore();
    const rig = await startRig(recorder().handle, { env: testEnvironment(state) });
    const thread: ThreadAddress = await rig.adapter.openThread({ channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL }, title: "N-2026-0011 @ acme", root: { text: "card" } }, { idempotencyKey: "card-11" });
    await rig.adapter.stop();
    rig.fake.writeUndelivered({ team: TEAM, user: BOB.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "while down" });
    const gone: ThreadAddress = { ...thread, threadId: "1111111111.000001" };
    const core = recorder();
    const restarted = await startRig(core.handle, { env: testEnvironment(state, async () => [gone, thread]), running: { fake: rig.fake, workspace: rig.workspace } });
    rigs.push(restarted);
    await restarted.adapter.whenIdle();
    expect(core.texts()).toEqual(["while down"]);
  });
});
