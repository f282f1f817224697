// The Matrix adapter on the fake homeserver: what makes a room direct, what Liaison refuses to post into encrypted
// rooms, where it tells people to write, history older than the installation, and replies that survive a stop.
import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/core/adapter.js";
import { DeliveryError } from "../../../src/core/adapter.js";
import { ENCRYPTED_ROOM_NOTICE, type MatrixAdapter, type MatrixConfig } from "../../../adapters/matrix/index.js";
import { REPLY_OUTSIDE_THREAD_HINT } from "../../../adapters/matrix/hints.js";
import { stateKeys } from "../../../adapters/matrix/storage.js";
import { RecordingHandler } from "../../contract/harness.js";
import { ANN, BOB, BOT, deliveredToBot, makeAdapter, MemoryStateStore, startWorld, type MatrixWorld } from "./harness.js";

describe("matrix adapter: rooms, encryption, hints, history", () => {
  let world: MatrixWorld;
  let adapter: MatrixAdapter | undefined;
  let handler: RecordingHandler;
  let state: MemoryStateStore;

  async function boot(config: Partial<MatrixConfig> = {}): Promise<MatrixAdapter> {
    world ??= await startWorld();
    handler ??= new RecordingHandler();
    state ??= new MemoryStateStore();
    const started = makeAdapter(world, { state, config });
    await started.start(handler.handle);
    adapter = started;
    return started;
  }

  afterEach(async () => {
    await adapter?.stop();
    await world?.fake.close();
    adapter = undefined;
    world = undefined as unknown as MatrixWorld;
    state = undefined as unknown as MemoryStateStore;
    handler = undefined as unknown as RecordingHandler;
  });

  const botEvents = (roomId: string) => world.fake.roomEvents(roomId).filter((event) => event.sender === BOT && event.type === "m.room.message");
  const commands = () => handler.events.filter((event): event is Extract<InboundEvent, { type: "command" }> => event.type === "command");

  async function say(userId: string, body: string, extra: Record<string, unknown> = {}, roomId = world.roomId): Promise<string> {
    const eventId = world.fake.sendAs(userId, roomId, "m.room.message", { msgtype: "m.text", body, ...extra });
    await deliveredToBot(world.fake, adapter as MatrixAdapter, eventId);
    return eventId;
  }

  it("answers privately in a new direct room when the room the inviter marked direct has someone else in it", async () => {
    world = await startWorld();
    await boot();
    const marked = world.fake.createRoom(ANN, { name: "not really direct" });
    world.fake.invite(marked, ANN, BOT, true);
    await world.fake.waitUntil(() => world.fake.model.membership(marked, BOT) === "join");
    world.fake.invite(marked, ANN, BOB);
    world.fake.join(marked, BOB);
    handler.replyText = "TLP:AMBER status of N-2026-0001";
    handler.replyDelivery = "direct";
    await say(ANN, "!case status N-2026-0001", {}, marked);
    await adapter!.settled();
    expect(botEvents(marked).map((event) => event.content.body)).not.toContain("TLP:AMBER status of N-2026-0001");
    const created = world.fake.requestsTo("POST", "/createRoom").at(-1);
    const fresh = String((created?.response as { room_id: string }).room_id);
    expect(created?.body).toMatchObject({ is_direct: true, invite: [ANN] });
    expect(botEvents(fresh).map((event) => event.content.body)).toEqual(["TLP:AMBER status of N-2026-0001"]);
  });

  it("never posts into an encrypted room, tells the room why, and does not execute a plaintext command there", async () => {
    world = await startWorld();
    await boot();
    world.fake.enableEncryption(world.roomId, ANN);
    await say(ANN, "!help");
    expect(commands()).toEqual([]);
    const refused = adapter!.send({ kind: "channel", platform: "matrix", workspace: "", channelId: world.roomId }, { text: "TLP:AMBER case card" }, { idempotencyKey: "card-1" });
    await expect(refused).rejects.toBeInstanceOf(DeliveryError);
    await expect(refused).rejects.toMatchObject({ permanent: true });
    expect(botEvents(world.roomId).map((event) => event.content.body)).toEqual([ENCRYPTED_ROOM_NOTICE]);
  });

  const stateReads = () => world.fake.requestsTo("GET", "/state").length;

  it("reads no room state for posts in a room known from /sync, and refuses at once when /sync shows the room encrypted", async () => {
    world = await startWorld();
    const started = await boot();
    const channel = { kind: "channel" as const, platform: "matrix" as const, workspace: "", channelId: world.roomId };
    const before = stateReads();
    await started.send(channel, { text: "card 1" }, { idempotencyKey: "known-1" });
    await started.send(channel, { text: "card 2" }, { idempotencyKey: "known-2" });
    expect(stateReads()).toBe(before);
    // Encrypted now: the m.room.encryption event from /sync marks the room before anything else is posted.
    world.fake.enableEncryption(world.roomId, ANN);
    await say(ANN, "hello");
    await started.settled();
    const refused = started.send(channel, { text: "TLP:AMBER card 3" }, { idempotencyKey: "known-3" });
    await expect(refused).rejects.toMatchObject({ permanent: true });
    expect(botEvents(world.roomId).map((event) => event.content.body).filter((body) => String(body).includes("card"))).toEqual(["card 1", "card 2"]);
    expect(stateReads()).toBe(before);
  });

  it("answers in a direct room from what /sync said of its members, and follows joins and kicks there", async () => {
    world = await startWorld();
    await boot();
    const direct = world.fake.createRoom(ANN, { name: "Ann and Liaison" });
    world.fake.invite(direct, ANN, BOT, true);
    await world.fake.waitUntil(() => world.fake.model.membership(direct, BOT) === "join");
    handler.replyText = "TLP:AMBER status of N-2026-0001";
    handler.replyDelivery = "direct";
    await say(ANN, "!case status N-2026-0001", {}, direct);
    await adapter!.settled();
    const before = stateReads();
    await say(ANN, "!case status N-2026-0001 again", {}, direct);
    await adapter!.settled();
    expect(botEvents(direct).map((event) => event.content.body)).toEqual(["TLP:AMBER status of N-2026-0001", "TLP:AMBER status of N-2026-0001"]);
    expect(stateReads()).toBe(before);
    // Bob joins: the next private answer goes to a new direct room, not where Bob reads.
    world.fake.invite(direct, ANN, BOB);
    world.fake.join(direct, BOB);
    await say(ANN, "!case status N-2026-0001 with Bob here", {}, direct);
    await adapter!.settled();
    expect(botEvents(direct)).toHaveLength(2);
    const fresh = String((world.fake.requestsTo("POST", "/createRoom").at(-1)?.response as { room_id: string }).room_id);
    expect(botEvents(fresh).map((event) => event.content.body)).toEqual(["TLP:AMBER status of N-2026-0001"]);
    // Bob is kicked: the room is direct again, answered in place.
    world.fake.model.append(direct, ANN, "m.room.member", { membership: "leave", reason: "kicked" }, BOB);
    await say(ANN, "!case status N-2026-0001 after the kick", {}, direct);
    await adapter!.settled();
    expect(botEvents(direct)).toHaveLength(3);
  });

  it("reads a room's state once over HTTP when /sync has not given it (after a restart), never taking it for plain", async () => {
    world = await startWorld();
    let started = await boot();
    // Encrypted before a restart: the restart resumes from its saved token, after the room's m.room.encryption event.
    world.fake.enableEncryption(world.roomId, ANN);
    await say(ANN, "encrypted now");
    await started.settled();
    await started.stop();
    world.fake.sendAs(ANN, world.roomId, "m.room.message", { msgtype: "m.text", body: "meanwhile" });
    adapter = undefined;
    started = await boot();
    const roomReads = (roomId: string) => world.fake.requestsTo("GET", `/rooms/${encodeURIComponent(roomId)}/state`).length;
    const encryptedReads = roomReads(world.roomId);
    const channel = { kind: "channel" as const, platform: "matrix" as const, workspace: "", channelId: world.roomId };
    await expect(started.send(channel, { text: "TLP:AMBER card" }, { idempotencyKey: "after-restart" })).rejects.toMatchObject({ permanent: true });
    await expect(started.send(channel, { text: "TLP:AMBER card" }, { idempotencyKey: "after-restart-2" })).rejects.toMatchObject({ permanent: true });
    expect(roomReads(world.roomId) - encryptedReads).toBeLessThanOrEqual(1);
    expect(botEvents(world.roomId).map((event) => event.content.body).filter((body) => String(body).includes("card"))).toEqual([]);
    // A plain room not known after the restart: one read of its whole state, then memory.
    const plain = world.fake.createRoom(ANN, { name: "Plain", members: [BOT] });
    await deliveredToBot(world.fake, started, world.fake.sendAs(ANN, plain, "m.room.message", { msgtype: "m.text", body: "welcome" }));
    await started.stop();
    adapter = undefined;
    world.fake.sendAs(ANN, plain, "m.room.message", { msgtype: "m.text", body: "meanwhile" });
    started = await boot();
    const before = roomReads(plain);
    const plainChannel = { ...channel, channelId: plain };
    await started.send(plainChannel, { text: "card 1" }, { idempotencyKey: "plain-1" });
    await started.send(plainChannel, { text: "card 2" }, { idempotencyKey: "plain-2" });
    expect(roomReads(plain)).toBe(before + 1);
    expect(botEvents(plain).map((event) => event.content.body)).toEqual(["card 1", "card 2"]);
  });

  it("syncs without lazy-loading members, so that a room's state from /sync holds all of them", async () => {
    world = await startWorld();
    await boot();
    const syncs = world.fake.requestsTo("GET", "/sync");
    expect(syncs.length).toBeGreaterThan(0);
    for (const request of syncs) expect(JSON.stringify(request)).not.toMatch(/lazy_load_members/);
    expect(world.fake.requestsTo("POST", "/filter")).toEqual([]);
  });

  it("tells someone who replies to a card outside its thread, or names a case at the top level, where to write", async () => {
    world = await startWorld();
    const started = await boot();
    const posted = await started.send({ kind: "channel", platform: "matrix", workspace: "", channelId: world.roomId }, { text: "N-2026-0001 card" }, { idempotencyKey: "card-2" });
    const reply = await say(ANN, "we preserved the logs", { "m.relates_to": { "m.in_reply_to": { event_id: posted.messageId } } });
    await started.settled();
    const hints = () => botEvents(world.roomId).filter((event) => String(event.content.body).includes("not relayed"));
    expect(hints().map((event) => event.content.body)).toEqual([REPLY_OUTSIDE_THREAD_HINT]);
    expect(hints()[0]?.content["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: reply } });
    await say(BOB, "about N-2026-0001: done <@room>");
    await started.settled();
    expect(hints().at(-1)?.content.body).toContain("names N-2026-0001 but was not relayed");
    // Once per person and room for a while; an ordinary message gets nothing.
    await say(BOB, "and N-2026-0002 too");
    await say(ANN, "good morning");
    await started.settled();
    expect(hints()).toHaveLength(2);
    expect(handler.events).toEqual([]);
  });

  it("does not act on events older than the installation, in whatever batch they come", async () => {
    world = await startWorld();
    await boot();
    const old = world.fake.model.append(world.roomId, ANN, "m.room.message", { msgtype: "m.text", body: "!help from an earlier installation" }, undefined, Date.now() - 60_000);
    await deliveredToBot(world.fake, adapter!, old.event_id);
    await say(ANN, "!help now");
    expect(commands().map((event) => event.text)).toEqual(["/help now"]);
    expect(Number(await state.get(`${stateKeys.installedAtMs}`))).toBeGreaterThan(Date.now() - 60_000);
  });

  it("keeps a reply cut off by stop and shows it after the next start, before newer answers", async () => {
    world = await startWorld();
    await boot();
    // The reply's first attempt and the one made as the stop cuts the wait short are both refused.
    world.fake.rateLimitSends(60_000, { count: 2 });
    handler.replyText = "the answer that must not be lost";
    world.fake.sendAs(ANN, world.roomId, "m.room.message", { msgtype: "m.text", body: "!help" });
    await world.fake.waitUntil(() => world.fake.requestsTo("PUT", "/send/").some((request) => request.status === 429));
    const stopStartedMs = performance.now();
    await adapter!.stop();
    expect(performance.now() - stopStartedMs).toBeLessThan(2000);
    adapter = undefined;
    expect(botEvents(world.roomId)).toEqual([]);
    expect(await state.get(stateKeys.pendingReplies)).toContain("the answer that must not be lost");
    await boot();
    await world.fake.waitUntil(() => botEvents(world.roomId).length === 1);
    expect(botEvents(world.roomId).map((event) => event.content.body)).toEqual(["the answer that must not be lost"]);
    await adapter!.settled();
    expect(await state.get(stateKeys.pendingReplies)).toBeUndefined();
  });
});
