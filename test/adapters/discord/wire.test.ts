import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/core/adapter.js";
import { DeliveryError } from "../../../src/core/adapter.js";
import type { DiscordSetup } from "./harness.js";
import { observedText, slashFromText, startDiscord, TEST_CATALOG, waitFor } from "./harness.js";
import { IDS } from "../../fakes/discord/server.js";
import { pino } from "pino";
import { loggableError } from "../../../adapters/discord/errors.js";
import { HOSTILE_TEXT, HUGE_TEXT } from "../hostile.js";
import { DiscordSpec, SPEC_PATH } from "../../fakes/discord/spec.js";

const channel = { kind: "channel" as const, platform: "discord" as const, workspace: IDS.guild, channelId: IDS.channel };

/** Records events; answers commands ephemerally. */
function recorder() {
  const events: InboundEvent[] = [];
  return {
    events,
    handle: async (event: InboundEvent) => {
      events.push(event);
      return event.type === "message" ? undefined : { message: { text: `ok ${event.eventId}` }, delivery: "ephemeral" as const };
    },
  };
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("discord on the wire", () => {
  let setup: DiscordSetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  it("connects with only the intents it needs and stays on one connection", async () => {
    setup = await startDiscord(recorder().handle);
    const identify = setup.fake.gateway.stats.received.find((frame) => frame.op === 2)?.d as { intents: number };
    // Guilds (1) | GuildMessages (512) | DirectMessages (4096) | MessageContent (32768)
    expect(identify.intents).toBe(1 | 512 | 4096 | 32768);
    expect(setup.fake.gateway.stats).toMatchObject({ connections: 1, identifies: 1, resumes: 0 });
  });

  it("opens a case thread from the card, posts in it, and hands only people's thread messages to the core", async () => {
    const core = recorder();
    setup = await startDiscord(core.handle);
    const { fake, adapter } = setup;
    const title = `N-2026-0100 ${"very long title ".repeat(10)}`;
    const thread = await adapter.openThread(
      { channel, title, root: { text: "card", title: "Notice N-2026-0100", tlp: "AMBER", sections: [{ fields: [{ label: "Kind", value: "notice" }] }], actions: [{ id: "ack", label: "Acknowledge", command: "/case ack N-2026-0100" }] } },
      { idempotencyKey: "thread-1" },
    );
    const card = fake.messagesIn(IDS.channel).at(-1);
    expect(card?.embeds).toHaveLength(1);
    expect(card?.components).toHaveLength(1);
    expect(thread).toEqual({ platform: "discord", workspace: IDS.guild, channelId: IDS.channel, threadId: card?.id });
    const create = fake.requests.find((request) => request.path.endsWith("/threads"));
    expect(create?.path).toBe(`/channels/${IDS.channel}/messages/${card?.id}/threads`);
    expect(((create?.body as { name: string }).name).length).toBeLessThanOrEqual(100);

    await adapter.send({ kind: "thread", ...thread }, { text: "update" }, { idempotencyKey: "thread-2" });
    expect(fake.messagesIn(thread.threadId).map(observedText)).toEqual(["update"]);

    await setup.settle(() => fake.userMessage(IDS.otherBot, thread.threadId, "beep from another bot"));
    await setup.settle(() => fake.userMessage(IDS.ann, thread.threadId, "from a webhook", { webhookId: "1100000000000000099" }));
    await setup.settle(() => fake.userMessage(IDS.ann, IDS.otherChannel, "chatter outside threads"));
    const written = await setup.settle(() => fake.userMessage(IDS.bob, thread.threadId, "bob answers"));
    expect(core.events).toEqual([
      {
        type: "message",
        eventId: written.id,
        text: "bob answers",
        identity: { platform: "discord", workspace: IDS.guild, userId: IDS.bob, displayName: "bob" },
        where: { platform: "discord", workspace: IDS.guild, channelId: IDS.channel, threadId: thread.threadId, isDirect: false },
      },
    ]);

    // A retried openThread (same idempotency key) reuses the card and its thread.
    const again = await adapter.openThread({ channel, title, root: { text: "card", title: "Notice N-2026-0100" } }, { idempotencyKey: "thread-1" });
    expect(again).toEqual(thread);
    expect(fake.messagesIn(IDS.channel).filter((message) => message.threadId)).toHaveLength(1);
  });

  it("sends a slash command used inside a thread with the thread's parent as the channel", async () => {
    const core = recorder();
    setup = await startDiscord(core.handle);
    const thread = await setup.adapter.openThread({ channel, title: "t", root: { text: "card" } }, { idempotencyKey: "t" });
    const { name, options } = slashFromText(TEST_CATALOG, "/case status N-1");
    await setup.settle(() => setup!.fake.slashCommand(IDS.ann, thread.threadId, name, options));
    expect(core.events[0]?.where).toEqual({ platform: "discord", workspace: IDS.guild, channelId: IDS.channel, threadId: thread.threadId, isDirect: false });
  });

  it("reports a 429 as a DeliveryError with Discord's wait, without queueing behind it", async () => {
    setup = await startDiscord(recorder().handle);
    const { fake, adapter } = setup;
    // One ordinary post first: its headers tell discord.js the bucket, as on Discord.
    await adapter.send(channel, { text: "first" }, { idempotencyKey: "rl-0" });
    fake.rateLimitNext({ method: "POST", path: /messages$/, retryAfterMs: 2500 });
    const started = Date.now();
    const error = await failure(adapter.send(channel, { text: "too fast" }, { idempotencyKey: "rl-1" }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.permanent).toBe(false);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(2300);
    expect(error.retryAfterMs).toBeLessThanOrEqual(2600);
    const limited = fake.requests.find((request) => request.status === 429);
    expect(limited).toBeDefined();
    // While the bucket is exhausted discord.js does not even send: the same wait comes back, and nothing is posted.
    const second = await failure(adapter.send(channel, { text: "still too fast" }, { idempotencyKey: "rl-2" }));
    expect(second.retryAfterMs).toBeGreaterThan(1000);
    expect(fake.requests.filter((request) => request.status === 429)).toHaveLength(1);
    expect(fake.messagesIn(IDS.channel).map(observedText)).toEqual(["first"]);

    fake.rateLimitNext({ method: "POST", path: /^\/users\/@me\/channels$/, retryAfterMs: 3000, global: true });
    const global = await failure(adapter.sendDirect({ platform: "discord", workspace: IDS.guild, userId: IDS.bob }, { text: "dm" }, { idempotencyKey: "rl-3" }));
    expect(global.retryAfterMs).toBeGreaterThanOrEqual(2900);
  });

  it("marks unknown and forbidden channels and closed DMs as permanent failures; retries a 5xx once", async () => {
    setup = await startDiscord(recorder().handle);
    const { fake, adapter } = setup;
    const unknown = await failure(adapter.send({ ...channel, channelId: "1100000000000000777" }, { text: "x" }, { idempotencyKey: "p-1" }));
    expect(unknown.permanent).toBe(true);
    fake.channels.set("1100000000000000778", { id: "1100000000000000778", type: 0, name: "secret", guildId: IDS.guild, forbidden: true });
    const forbidden = await failure(adapter.send({ ...channel, channelId: "1100000000000000778" }, { text: "x" }, { idempotencyKey: "p-2" }));
    expect(forbidden.permanent).toBe(true);
    fake.user(IDS.bob).dmsClosed = true;
    const closed = await failure(adapter.sendDirect({ platform: "discord", workspace: IDS.guild, userId: IDS.bob }, { text: "x" }, { idempotencyKey: "p-3" }));
    expect(closed.permanent).toBe(true);
    fake.failNext({ method: "POST", path: /messages$/, status: 502 });
    await adapter.send(channel, { text: "after a 502" }, { idempotencyKey: "p-4" });
    expect(fake.messagesIn(IDS.channel).map(observedText)).toEqual(["after a 502"]);
  });

  it("posts a retried send once (nonce with enforce_nonce)", async () => {
    setup = await startDiscord(recorder().handle);
    const first = await setup.adapter.send(channel, { text: "exactly once" }, { idempotencyKey: "outbox-7" });
    const retry = await setup.adapter.send(channel, { text: "exactly once" }, { idempotencyKey: "outbox-7" });
    expect(retry.messageId).toBe(first.messageId);
    expect(setup.fake.messagesIn(IDS.channel)).toHaveLength(1);
  });

  it("keeps rich and long output within Discord's limits, cutting visibly", async () => {
    setup = await startDiscord(recorder().handle);
    const { fake, adapter } = setup;
    await adapter.send(
      channel,
      {
        text: "fallback",
        title: "T".repeat(300),
        tlp: "RED",
        sections: [
          { heading: "Report", text: "word ".repeat(3000) },
          { fields: Array.from({ length: 60 }, (_, index) => ({ label: `field ${index} ${"n".repeat(300)}`, value: "v".repeat(1500) })) },
        ],
      },
      { idempotencyKey: "rich-1" },
    );
    const posted = fake.messagesIn(IDS.channel);
    expect(posted.length).toBeGreaterThan(1);
    expect(posted.length).toBeLessThanOrEqual(5);
    expect(fake.requests.filter((request) => request.status >= 400)).toEqual([]);
    const text = posted.map(observedText).join("\n");
    expect(text).toContain("TLP:RED");
    expect(text).toMatch(/truncated/);
    // The fake refuses what Discord refuses: an oversized body sent as-is fails with 50035.
    const response = await fetch(`${fake.apiBaseUrl}/v10/channels/${IDS.channel}/messages`, {
      method: "POST",
      headers: { authorization: `Bot ${fake.token}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "x".repeat(2001), embeds: [{ title: "t".repeat(257) }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 50035, errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
  });

  it("resumes after a dropped gateway connection without losing or repeating events", async () => {
    const core = recorder();
    setup = await startDiscord(core.handle);
    const { fake, adapter } = setup;
    const thread = await adapter.openThread({ channel, title: "resume", root: { text: "card" } }, { idempotencyKey: "resume" });
    await setup.settle(() => fake.userMessage(IDS.ann, thread.threadId, "before the drop"));
    fake.gateway.drop(4000);
    // Sent while the bot is away: Discord keeps them for the session and replays them on resume.
    const missedMessage = fake.userMessage(IDS.bob, thread.threadId, "while disconnected");
    const { name, options } = slashFromText(TEST_CATALOG, "/whoami");
    const missedCommand = fake.slashCommand(IDS.ann, IDS.channel, name, options);
    await waitFor(() => core.events.length === 3, 10_000, "the replayed events");
    await adapter.idle();
    expect(fake.gateway.stats).toMatchObject({ identifies: 1, resumes: 1 });
    const resume = fake.gateway.stats.received.find((frame) => frame.op === 6)?.d as { session_id: string; seq: number };
    expect(resume.seq).toBeGreaterThan(0);
    expect(core.events[0]).toMatchObject({ type: "message", text: "before the drop" });
    expect(core.events.slice(1).map((event) => event.eventId).sort()).toEqual([missedMessage.id, missedCommand.id].sort());
    expect(missedCommand.callbacks).toBe(1);
    // A later event arrives on the resumed connection and is handled once.
    const after = await setup.settle(() => fake.userMessage(IDS.ann, thread.threadId, "after the resume"));
    expect(core.events.map((event) => event.eventId).filter((id) => id === after.id)).toHaveLength(1);
    expect(new Set(core.events.map((event) => event.eventId)).size).toBe(core.events.length);
  });

  // CI always has the pinned spec beside the repository and must run this; a clone elsewhere skips it.
  it.skipIf(!existsSync(SPEC_PATH) && !process.env.CI)("sends only requests that the pinned Discord OpenAPI spec describes", async () => {
    const core = recorder();
    setup = await startDiscord(core.handle);
    const { fake, adapter } = setup;
    const thread = await adapter.openThread(
      { channel, title: "spec", root: { text: "card", title: "Card", tlp: "GREEN", sections: [{ text: "body", fields: [{ label: "a", value: "b" }] }], actions: [{ id: "ack", label: "Ack", command: "/case ack X" }, { id: "res", label: "Resolve", command: "/case resolve X", form: { title: "Resolve", submitLabel: "Go", fields: [{ name: "outcome", label: "Outcome", kind: "choice", required: true, choices: [{ value: "removed", label: "Removed" }] }, { name: "reason", label: "Reason", kind: "text", required: false }] } }] } },
      { idempotencyKey: "spec-1" },
    );
    await adapter.send({ kind: "thread", ...thread }, { text: "in thread" }, { idempotencyKey: "spec-2" });
    await adapter.sendDirect({ platform: "discord", workspace: IDS.guild, userId: IDS.ann }, { text: "dm" }, { idempotencyKey: "spec-3" });
    const { name, options } = slashFromText(TEST_CATALOG, "/contacts find hosting --country NL");
    await setup.settle(() => fake.slashCommand(IDS.ann, IDS.channel, name, options));
    const card = fake.message(thread.threadId);
    const ids = ((card?.components ?? []) as { components: { custom_id: string }[] }[])[0]?.components.map((button) => button.custom_id) ?? [];
    await setup.settle(() => fake.pressButton(IDS.ann, thread.threadId, ids[0] ?? ""));
    const shown = await setup.settle(() => fake.pressButton(IDS.bob, thread.threadId, ids[1] ?? ""));
    await setup.settle(() => fake.submitModal(IDS.bob, shown, { outcome: "removed" }));

    const spec = new DiscordSpec();
    const used = new Set(fake.requests.map((request) => `${request.method} ${spec.templateOf(request.method, request.path)}`));
    for (const operation of [
      "PUT /applications/{application_id}/guilds/{guild_id}/commands",
      "POST /channels/{channel_id}/messages",
      "POST /channels/{channel_id}/messages/{message_id}/threads",
      "POST /interactions/{interaction_id}/{interaction_token}/callback",
      "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original",
      "POST /webhooks/{webhook_id}/{webhook_token}",
      "POST /users/@me/channels",
    ]) {
      expect(used).toContain(operation);
    }
    expect(spec.checkAll(fake.requests)).toEqual([]);
    // The checker can fail: a wrong body and an unknown operation are reported.
    expect(spec.check({ method: "POST", path: `/channels/${IDS.channel}/messages`, body: { content: 5 } })).toHaveLength(1);
    expect(spec.check({ method: "POST", path: "/channels/1/nonsense", body: {} })).toHaveLength(1);
  });
});

describe("discord: hostile text is inert", () => {
  let setup: DiscordSetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  it("posts without link previews or mentions, with masked links and mention syntax escaped", async () => {
    setup = await startDiscord(recorder().handle);
    await setup.adapter.send(channel, { text: HOSTILE_TEXT }, { idempotencyKey: "hostile-1" });
    await setup.adapter.send(channel, { text: HUGE_TEXT }, { idempotencyKey: "hostile-2" });
    await setup.adapter.send(channel, { text: HOSTILE_TEXT, title: "Case", sections: [{ text: HOSTILE_TEXT, fields: [{ label: "URL", value: "[x](https://evil.example)" }] }] }, { idempotencyKey: "hostile-3" });
    const posts = setup.fake.requests.filter((request) => request.method === "POST" && /^\/channels\/\d+\/messages$/.test(request.path)).map((request) => request.body as { content?: string; flags?: number; embeds?: unknown[]; allowed_mentions: unknown });
    expect(posts.length).toBeGreaterThan(2);
    for (const post of posts) {
      expect(post.allowed_mentions).toEqual({ parse: [] });
      if (!post.embeds) expect((post.flags ?? 0) & (1 << 2)).toBe(1 << 2);
      const embeds = (post.embeds ?? []) as { title?: string; description?: string; fields?: { value: string }[] }[];
      const texts = [post.content ?? "", ...embeds.flatMap((embed) => [embed.title ?? "", embed.description ?? "", ...(embed.fields ?? []).map((field) => field.value)])];
      for (const text of texts) expect(text).not.toMatch(/(^|[^\\])\[[^\]]*\]\(|[^\\]<@\d|\u202E|\u200B/);
    }
    expect(posts[0]?.content).toContain("\\[https://bank.example\\](https://evil.example)");
  });

  it("logs a Discord API error with its status, code and route, and none of the message text", async () => {
    setup = await startDiscord(recorder().handle);
    const secret = "CASE-CONTENT https://evil.example/csam";
    const error = await failure(setup.adapter.send({ ...channel, channelId: "1999999999999999999" }, { text: secret }, { idempotencyKey: "hostile-4" }));
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    logger.error({ err: error }, "discord: delivery failed");
    logger.error({ err: loggableError(error) }, "discord: delivery failed");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain("CASE-CONTENT");
      expect(line).not.toContain("evil.example");
    }
    expect(lines[1]).toMatch(/"status":404/);
  });
});
