// Starting and restarting the Discord adapter as it happens in production: a gateway that does not become ready, a
// token Discord refuses, direct messages whose guild_id is null, and the messages people wrote in case threads while
// Liaison was down (Discord does not replay them after a restart).
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent, ThreadAddress } from "../../../src/core/adapter.js";
import { createDiscordAdapter } from "../../../adapters/discord/index.js";
import { discordConfigSchema } from "../../../adapters/discord/config.js";
import { lastSeenKey } from "../../../adapters/discord/catch-up.js";
import { FakeDiscord, IDS } from "../../fakes/discord/server.js";
import { MemoryStateStore } from "../../support/memory-state.js";
import { startDiscord, TEST_CATALOG, waitFor, type DiscordSetup } from "./harness.js";

/** Records events; answers commands ephemerally, thread messages not at all. */
function recorder() {
  const events: InboundEvent[] = [];
  return {
    events,
    texts: () => events.map((event) => ("text" in event ? event.text : "")),
    handle: async (event: InboundEvent) => {
      events.push(event);
      return event.type === "message" ? undefined : { message: { text: `ok ${event.eventId}` }, delivery: "ephemeral" as const };
    },
  };
}

/** A pino logger whose lines are kept, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: "debug" }, stream) };
}

const channel = { platform: "discord" as const, workspace: IDS.guild, channelId: IDS.channel };

describe("starting the Discord adapter", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  it("keeps trying, with a clear message, while the gateway does not become ready, and works once it does", { timeout: 90_000 }, async () => {
    const fake = await new FakeDiscord().listen();
    cleanups.push(() => fake.close());
    // The first Identify gets no READY; discord.js gives up on it after its own 15 s and identifies again.
    fake.gateway.withholdReady = 1;
    const { lines, logger } = capturingLogger();
    const core = recorder();
    const adapter = createDiscordAdapter({
      config: discordConfigSchema.parse({ enabled: true, applicationId: IDS.application, guildIds: [IDS.guild], apiBaseUrl: fake.apiBaseUrl, readyTimeoutMs: 1000 }),
      secrets: { DISCORD_TOKEN: fake.token },
      env: { catalog: TEST_CATALOG, state: new MemoryStateStore(), logger, clock: fake.clock, openCaseThreads: async () => [] },
    });
    cleanups.push(() => adapter.stop());
    // start() returns once the first wait is over; the rest goes on in the background.
    const started = performance.now();
    await adapter.start(core.handle);
    expect(performance.now() - started).toBeLessThan(5000);
    await waitFor(() => lines.some((line) => line.msg === "discord: gateway ready"), 60_000, "the gateway to become ready");
    await adapter.idle();
    expect(fake.gateway.stats.identifies).toBe(2);
    const failures = lines.filter((line) => line.level === 50 && /the gateway did not become ready within \d+ s/.test(String(line.msg)));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(String(failures[0]?.msg)).toMatch(/within 1 s \(is Discord reachable from here.*still trying/);
    expect(String(failures[1]?.msg)).toMatch(/within 3 s/);
    expect(failures.slice(0, 3).map((line) => line.nextReportInMs)).toEqual([2000, 4000, 8000].slice(0, Math.min(3, failures.length)));
    // Ready now: the slash commands were registered, and a command is answered.
    expect(fake.commands.get(IDS.guild)?.length).toBeGreaterThan(0);
    fake.userMessage(IDS.ann, fake.openDmFor(IDS.ann).id, "/contacts find acme");
    await waitFor(() => core.events.length === 1, 5000, "the DM command");
    expect(core.events[0]).toMatchObject({ type: "command", text: "/contacts find acme", where: { isDirect: true } });
  });

  it("stops retrying at once when stopped while the gateway is not ready", { timeout: 30_000 }, async () => {
    const fake = await new FakeDiscord().listen();
    cleanups.push(() => fake.close());
    fake.gateway.withholdReady = 100;
    const adapter = createDiscordAdapter({
      config: discordConfigSchema.parse({ enabled: true, applicationId: IDS.application, apiBaseUrl: fake.apiBaseUrl, readyTimeoutMs: 1000 }),
      secrets: { DISCORD_TOKEN: fake.token },
      env: { catalog: TEST_CATALOG, state: new MemoryStateStore(), logger: pino({ level: "silent" }), clock: fake.clock, openCaseThreads: async () => [] },
    });
    await adapter.start(recorder().handle);
    const started = performance.now();
    await adapter.stop();
    expect(performance.now() - started).toBeLessThan(3000);
    expect(fake.gateway.stats.identifies).toBe(1);
  });

  it("fails the start in one sentence when Discord refuses the token, without retrying", async () => {
    const fake = await new FakeDiscord().listen();
    cleanups.push(() => fake.close());
    const adapter = createDiscordAdapter({
      config: discordConfigSchema.parse({ enabled: true, applicationId: IDS.application, apiBaseUrl: fake.apiBaseUrl, readyTimeoutMs: 5000 }),
      secrets: { DISCORD_TOKEN: "not-the-token" },
      env: { catalog: TEST_CATALOG, state: new MemoryStateStore(), logger: pino({ level: "silent" }), clock: fake.clock, openCaseThreads: async () => [] },
    });
    cleanups.push(() => adapter.stop());
    await expect(adapter.start(recorder().handle)).rejects.toThrow(/Discord refused the bot token \(DISCORD_TOKEN\)/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(fake.gateway.stats.identifies).toBeLessThanOrEqual(1);
  });
});

describe("direct messages as Discord sends them", () => {
  let setup: DiscordSetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  it("takes a DM whose guild_id is null, and does not call its own reply 'not understood'", async () => {
    const { lines, logger } = capturingLogger();
    const core = recorder();
    setup = await startDiscord(core.handle, { logger });
    const dm = setup.fake.openDmFor(IDS.ann);
    setup.fake.onMessageDispatch = (payload) => ({ ...payload, guild_id: null });
    await setup.settle(() => setup!.fake.userMessage(IDS.ann, dm.id, "/case status N-2026-0001"));
    expect(core.events).toHaveLength(1);
    expect(core.events[0]).toMatchObject({ type: "command", where: { isDirect: true, workspace: "" } });
    // Liaison's own answer in the DM came back as a MESSAGE_CREATE too.
    await waitFor(() => setup!.fake.messagesIn(dm.id).some((message) => message.author.id === IDS.bot), 5000, "the reply");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await setup.adapter.idle();
    expect(lines.filter((line) => String(line.msg).includes("not understood"))).toEqual([]);
  });
});

describe("catching up on case threads after a restart", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  /** A case thread opened by the adapter, people writing in it, and the adapter stopped. */
  async function threadThenDown(core: ReturnType<typeof recorder>): Promise<{ setup: DiscordSetup; thread: ThreadAddress; state: MemoryStateStore }> {
    const setup = await startDiscord(core.handle);
    const thread = await setup.adapter.openThread({ channel, title: "N-2026-0007 @ hotline", root: { text: "card N-2026-0007" } }, { idempotencyKey: "card-7" });
    await setup.settle(() => setup.fake.userMessage(IDS.ann, thread.threadId, "live 1"));
    await setup.settle(() => setup.fake.userMessage(IDS.ann, thread.threadId, "live 2"));
    await setup.adapter.stop();
    return { setup, thread, state: setup.state };
  }

  it("relays every message written while it was down, once and in order, before what is written after the start", async () => {
    const first = recorder();
    const { setup, thread, state } = await threadThenDown(first);
    cleanups.push(() => setup.fake.close());
    expect(first.texts()).toEqual(["live 1", "live 2"]);
    expect(await state.get(lastSeenKey(thread.threadId))).toBe(setup.fake.messagesIn(thread.threadId).at(-1)?.id);
    // While Liaison is down, two people write 150 messages (more than one history page), and a bot writes too.
    for (let index = 1; index <= 150; index += 1) setup.fake.userMessage(index % 2 === 0 ? IDS.ann : IDS.bob, thread.threadId, `down ${index}`);
    setup.fake.userMessage(IDS.otherBot, thread.threadId, "a bot's line");

    const second = recorder();
    const restarted = await startDiscord(second.handle, { running: setup.fake, state, openCaseThreads: async () => [thread] });
    cleanups.push(() => restarted.adapter.stop());
    await restarted.adapter.idle();
    await restarted.settle(() => restarted.fake.userMessage(IDS.ann, thread.threadId, "after the start"));
    expect(second.texts()).toEqual([...Array.from({ length: 150 }, (_, index) => `down ${index + 1}`), "after the start"]);
    expect(second.events.every((event) => event.type === "message" && event.where.threadId === thread.threadId && event.where.channelId === IDS.channel)).toBe(true);
    // Event ids are the message ids, as for live messages: the core's claim keeps a message seen both ways to once.
    expect(new Set(second.events.map((event) => event.eventId)).size).toBe(151);

    // A third start finds nothing new.
    await restarted.adapter.stop();
    const third = recorder();
    const again = await startDiscord(third.handle, { running: setup.fake, state, openCaseThreads: async () => [thread] });
    cleanups.push(() => again.adapter.stop());
    await again.adapter.idle();
    expect(third.events).toEqual([]);
  });

  it("reads a thread it has no mark for from its card, and goes on when one thread cannot be read", async () => {
    const core = recorder();
    const { setup, thread } = await threadThenDown(core);
    cleanups.push(() => setup.fake.close());
    setup.fake.userMessage(IDS.bob, thread.threadId, "written while down");
    const gone: ThreadAddress = { ...thread, threadId: "1199999999999999999" };
    const fresh = recorder();
    // A new state store: no last-seen marks (a restored database, say); the core's claims keep the rest once.
    const restarted = await startDiscord(fresh.handle, { running: setup.fake, openCaseThreads: async () => [gone, thread] });
    cleanups.push(() => restarted.adapter.stop());
    await restarted.adapter.idle();
    expect(fresh.texts()).toEqual(["live 1", "live 2", "written while down"]);
  });
});
