import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../../../src/core/adapter.js";
import type { MatrixAdapter } from "../../../adapters/matrix/index.js";
import { RecordingHandler } from "../../contract/harness.js";
import { MAX_EVENT_BYTES, pduBytes } from "../../fakes/matrix/model.js";
import { HOSTILE_TEXT, HUGE_TEXT } from "../hostile.js";
import { ANN, BOT, deliveredToBot, positionOf, makeAdapter, MemoryStateStore, startWorld, type MatrixWorld } from "./harness.js";

describe("matrix adapter: delivery on the wire", () => {
  let world: MatrixWorld;
  let adapter: MatrixAdapter;
  let handler: RecordingHandler;
  let state: MemoryStateStore;

  beforeEach(async () => {
    world = await startWorld();
    handler = new RecordingHandler();
    state = new MemoryStateStore();
    adapter = makeAdapter(world, { state });
    await adapter.start(handler.handle);
  });
  afterEach(async () => {
    await adapter.stop();
    await world.fake.close();
  });

  const channel = () => ({ kind: "channel" as const, platform: "matrix" as const, workspace: "", channelId: world.roomId });
  const botMessages = () => world.fake.roomEvents(world.roomId).filter((event) => event.sender === BOT && event.type === "m.room.message");

  it("retries a send whose answer was lost with the same txnId, so it is posted once", async () => {
    world.fake.loseNextAnswer("/send/");
    const first = adapter.send(channel(), { text: "posted exactly once" }, { idempotencyKey: "outbox-17" });
    await expect(first).rejects.toBeInstanceOf(DeliveryError);
    await first.catch((error: DeliveryError) => expect(error.permanent).toBe(false));
    expect(botMessages().map((event) => event.content.body)).toEqual(["posted exactly once"]);
    const again = await adapter.send(channel(), { text: "posted exactly once" }, { idempotencyKey: "outbox-17" });
    expect(botMessages()).toHaveLength(1);
    expect(again.messageId).toBe(botMessages()[0]?.event_id);
    const puts = world.fake.requestsTo("PUT", "/send/m.room.message/");
    expect(puts).toHaveLength(2);
    expect(puts[0]?.path).toBe(puts[1]?.path);
    // A different outbox message is a different transaction.
    await adapter.send(channel(), { text: "posted exactly once" }, { idempotencyKey: "outbox-18" });
    expect(botMessages()).toHaveLength(2);
  });

  it("turns 429 M_LIMIT_EXCEEDED into a DeliveryError with the wait: retry_after_ms when it agrees with Retry-After (whole seconds, rounded up), else the header", async () => {
    world.fake.rateLimitSends(2200, { header: true, bodyField: true });
    const both = await adapter.send(channel(), { text: "a" }, { idempotencyKey: "rl-1" }).catch((error: unknown) => error);
    expect(both).toBeInstanceOf(DeliveryError);
    expect((both as DeliveryError).retryAfterMs).toBe(2200);
    expect((both as DeliveryError).permanent).toBe(false);

    world.fake.rateLimitSends(3000, { header: true, bodyField: true });
    const whole = await adapter.send(channel(), { text: "a" }, { idempotencyKey: "rl-1" }).catch((error: unknown) => error);
    expect((whole as DeliveryError).retryAfterMs).toBe(3000);

    world.fake.rateLimitSends(1700, { header: false, bodyField: true });
    const bodyOnly = await adapter.send(channel(), { text: "a" }, { idempotencyKey: "rl-1" }).catch((error: unknown) => error);
    expect((bodyOnly as DeliveryError).retryAfterMs).toBe(1700);

    world.fake.rateLimitSends(4000, { header: true, bodyField: false });
    const headerOnly = await adapter.send(channel(), { text: "a" }, { idempotencyKey: "rl-1" }).catch((error: unknown) => error);
    expect((headerOnly as DeliveryError).retryAfterMs).toBe(4000);

    const last = world.fake.requests.filter((request) => request.status === 429).at(-1);
    expect(last?.response).toEqual({ errcode: "M_LIMIT_EXCEEDED", error: "Too Many Requests" });
    await adapter.send(channel(), { text: "a" }, { idempotencyKey: "rl-1" });
    expect(botMessages()).toHaveLength(1);
  });

  it("reports forbidden and unknown rooms as permanent failures, and 5xx as retryable", async () => {
    const foreign = world.fake.createRoom(ANN, { name: "not for the bot" });
    const forbidden = await adapter.send({ ...channel(), channelId: foreign }, { text: "x" }, { idempotencyKey: "p-1" }).catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(DeliveryError);
    expect((forbidden as DeliveryError).permanent).toBe(true);
    const unknown = await adapter.send({ ...channel(), channelId: "!nowhere:fake.test" }, { text: "x" }, { idempotencyKey: "p-2" }).catch((error: unknown) => error);
    expect((unknown as DeliveryError).permanent).toBe(true);
    world.fake.failNext("/send/", 502);
    const bad = await adapter.send(channel(), { text: "x" }, { idempotencyKey: "p-3" }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(DeliveryError);
    expect((bad as DeliveryError).permanent).toBe(false);
  });

  it("hands an event redelivered after a restart to the core with the same event id, and replies once", async () => {
    const command = world.fake.say(ANN, world.roomId, "!case status N-2026-0007");
    await deliveredToBot(world.fake, adapter, command);
    await world.fake.waitUntil(() => botMessages().length === 1);
    await adapter.stop();
    const savedToken = state.values.get("sync.token");
    expect(savedToken).toMatch(/^s\d+$/);

    // The homeserver hands the restarted bot the command's batch again (as when the token was saved before a crash).
    world.fake.rewindNextSync(BOT, positionOf(world.fake, command) - 1);
    const second = new RecordingHandler();
    adapter = makeAdapter(world, { state });
    await adapter.start(second.handle);
    await deliveredToBot(world.fake, adapter, command);
    const syncs = world.fake.requestsTo("GET", "/sync");
    expect(syncs.some((request) => request.query.since === savedToken)).toBe(true);
    expect(handler.events.map((event) => event.eventId)).toEqual([command]);
    expect(second.events.map((event) => event.eventId)).toEqual([command]);
    // The core drops the duplicate by event id; even when it replies again, the same txnId posts nothing new.
    expect(botMessages()).toHaveLength(1);
  });

  it("keeps the sync token only after the batch was handled", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new RecordingHandler();
    await adapter.stop();
    adapter = makeAdapter(world, { state });
    await adapter.start(async (event) => {
      await gate;
      return slow.handle(event);
    });
    const before = state.values.get("sync.token");
    const command = world.fake.say(ANN, world.roomId, "!help");
    const position = world.fake.model.position;
    await world.fake.waitForSyncPast(BOT, position);
    expect(state.values.get("sync.token")).toBe(before);
    release();
    await adapter.settled();
    await world.fake.waitUntil(() => Number(state.values.get("sync.token")?.slice(1)) >= position);
    expect(slow.events.map((event) => event.eventId)).toEqual([command]);
  });

  it("saves the sync token at most once a second, and the newest one when stopping", async () => {
    await adapter.stop();
    const tokenWrites: string[] = [];
    const counting = new MemoryStateStore();
    const set = counting.set.bind(counting);
    counting.set = async (key, value) => {
      if (key === "sync.token") tokenWrites.push(value);
      await set(key, value);
    };
    adapter = makeAdapter(world, { state: counting });
    await adapter.start(handler.handle);
    const writesAtStart = tokenWrites.length;
    const commands: string[] = [];
    for (let index = 0; index < 8; index += 1) {
      const command = world.fake.say(ANN, world.roomId, `!help ${index}`);
      commands.push(command);
      // Each command comes in a batch of its own.
      await deliveredToBot(world.fake, adapter, command);
    }
    expect(handler.events.map((event) => event.eventId)).toEqual(commands);
    expect(tokenWrites.length - writesAtStart).toBeLessThan(commands.length);
    await adapter.stop();
    const last = commands.at(-1) ?? "";
    expect(Number(counting.values.get("sync.token")?.slice(1))).toBeGreaterThanOrEqual(positionOf(world.fake, last));
    adapter = makeAdapter(world, { state: counting });
    await adapter.start(handler.handle);
  });

  it("answers a burst of commands through the homeserver's per-user rate limit (Synapse's rc_message bucket), in order", async () => {
    world.fake.limitMessages({ perSecond: 2, burstCount: 3 });
    handler.answer = (event) => (event.type === "command" ? { message: { text: `answer to ${event.text}` }, delivery: "in-place" } : undefined);
    const commands = Array.from({ length: 6 }, (_, index) => world.fake.say(ANN, world.roomId, `!case status N-2026-010${index}`));
    await deliveredToBot(world.fake, adapter, commands.at(-1) ?? "");
    await adapter.settled();
    const limited = world.fake.requests.filter((request) => request.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.response).toMatchObject({ errcode: "M_LIMIT_EXCEEDED", retry_after_ms: expect.any(Number) });
    const answers = botMessages().map((event) => String(event.content.body));
    expect(answers).toEqual(commands.map((_, index) => expect.stringContaining(`answer to /case status N-2026-010${index}`)));
  });

  it("reconnects the long-poll after the connection drops", async () => {
    await world.fake.waitUntil(() => world.fake.requestsTo("GET", "/sync").length >= 2);
    world.fake.dropSyncConnections(2);
    const command = world.fake.say(ANN, world.roomId, "!whoami");
    await deliveredToBot(world.fake, adapter, command);
    expect(handler.events.map((event) => event.eventId)).toContain(command);
    expect(world.fake.requestsTo("GET", "/sync").filter((request) => request.status === -1).length).toBeGreaterThanOrEqual(1);
  });

  it("stays within the 64 KiB event limit the homeserver enforces, splitting and truncating visibly", async () => {
    const rejected = await adapter.send(channel(), { text: "ok" }, { idempotencyKey: "size-probe" });
    expect(rejected.messageId).not.toBe("");
    // The fake really refuses oversized events.
    const client = world.fake.baseUrl;
    const response = await fetch(`${client}/_matrix/client/v3/rooms/${encodeURIComponent(world.roomId)}/send/m.room.message/raw1`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${world.botToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ msgtype: "m.notice", body: "y".repeat(70_000) }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errcode: string }).errcode).toBe("M_TOO_LARGE");

    const multibyte = "Zeugenaussage 🚨 über ü & <b>nicht fett</b>\n".repeat(5000); // ~225k chars, ~4 bytes for the emoji
    await adapter.send(channel(), { text: multibyte, title: "Long", tlp: "AMBER" }, { idempotencyKey: "size-1" });
    const parts = botMessages().slice(1);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(8);
    for (const part of parts) {
      expect(pduBytes(part, "fake.test")).toBeLessThanOrEqual(MAX_EVENT_BYTES);
      expect(String(part.content.formatted_body)).not.toContain("<b>");
    }
    const shown = parts.map((part) => String(part.content.body)).join("\n");
    expect(shown).toContain(`(1/${parts.length})`);
    expect(shown).toMatch(/truncated/);
    expect(shown).toContain("TLP:AMBER");
  });

  it("escapes everything people wrote in the HTML body", async () => {
    await adapter.send(
      channel(),
      {
        text: "Notice <img src=x onerror=alert(1)>",
        title: "Case <script>alert(1)</script>",
        sections: [{ heading: "From <b>them</b>", text: 'a "quote" & <a href="javascript:x">link</a>', fields: [{ label: "<i>Org</i>", value: "<u>ACME</u>" }] }],
        tlp: "RED",
      },
      { idempotencyKey: "html-1" },
    );
    const content = botMessages().at(-1)?.content ?? {};
    const html = String(content.formatted_body);
    expect(content.format).toBe("org.matrix.custom.html");
    expect(content.msgtype).toBe("m.notice");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/<script|<img|<a |<b>|<i>|<u>|javascript:x"/);
    expect(html).toContain("<table>");
    expect(html).toContain("TLP:RED");
    expect(String(content.body)).toContain("Notice <img src=x onerror=alert(1)>");
  });

  it("sends hostile text that mentions no one, with no pills or @room in its HTML, and opens rooms without URL previews", async () => {
    await adapter.send(channel(), { text: HOSTILE_TEXT }, { idempotencyKey: "hostile-1" });
    await adapter.send(channel(), { text: HUGE_TEXT }, { idempotencyKey: "hostile-2" });
    await adapter.sendDirect({ platform: "matrix", workspace: "", userId: ANN }, { text: HOSTILE_TEXT }, { idempotencyKey: "hostile-3" });
    const sent = world.fake.requestsTo("PUT", "/send/m.room.message/").map((request) => request.body as Record<string, unknown>);
    expect(sent.length).toBeGreaterThan(3);
    for (const content of sent) {
      expect(content["m.mentions"]).toEqual({});
      const html = typeof content.formatted_body === "string" ? content.formatted_body : "";
      expect(html).not.toMatch(/<a[\s>]|href="/);
    }
    const creates = world.fake.requestsTo("POST", "/createRoom");
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({ initial_state: [{ type: "org.matrix.room.preview_urls", state_key: "", content: { disable: true } }] });
  });
});
