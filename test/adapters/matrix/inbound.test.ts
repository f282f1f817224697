import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/core/adapter.js";
import { ENCRYPTED_ROOM_NOTICE, type MatrixAdapter, type MatrixConfig } from "../../../adapters/matrix/index.js";
import { RecordingHandler } from "../../contract/harness.js";
import { ANN, BOB, BOT, deliveredToBot, makeAdapter, MemoryStateStore, startWorld, type MatrixWorld } from "./harness.js";

describe("matrix adapter: what people do", () => {
  let world: MatrixWorld;
  let adapter: MatrixAdapter | undefined;
  let handler: RecordingHandler;
  let state: MemoryStateStore;

  async function boot(config: Partial<MatrixConfig> = {}, secrets?: { MATRIX_ACCESS_TOKEN?: string; MATRIX_PASSWORD?: string }): Promise<MatrixAdapter> {
    world ??= await startWorld();
    handler = new RecordingHandler();
    state ??= new MemoryStateStore();
    const started = makeAdapter(world, { state, config, ...(secrets ? { secrets } : {}) });
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
  });

  const botEvents = (roomId: string, type = "m.room.message") => world.fake.roomEvents(roomId).filter((event) => event.sender === BOT && event.type === type);
  const commands = () => handler.events.filter((event): event is Extract<InboundEvent, { type: "command" }> => event.type === "command");

  async function say(userId: string, body: string, extra: Record<string, unknown> = {}, roomId = world.roomId): Promise<string> {
    const eventId = world.fake.sendAs(userId, roomId, "m.room.message", { msgtype: "m.text", body, ...extra });
    await deliveredToBot(world.fake, adapter as MatrixAdapter, eventId);
    return eventId;
  }

  it("reads prefix commands and mentions of the bot as commands in the shared grammar", async () => {
    await boot();
    await say(ANN, "!contacts find x");
    await say(ANN, "@liaison:fake.test notice hosting --tlp AMBER");
    await say(ANN, "Liaison: case ack N-2026-0001", {
      format: "org.matrix.custom.html",
      formatted_body: '<a href="https://matrix.to/#/%40liaison%3Afake.test">Liaison</a>: case ack N-2026-0001',
      "m.mentions": { user_ids: [BOT] },
    });
    await say(ANN, "!! not a command");
    await say(ANN, "! also not");
    await say(ANN, "just chatting about !help");
    expect(commands().map((event) => event.text)).toEqual(["/contacts find x", "/notice hosting --tlp AMBER", "/case ack N-2026-0001"]);
    const [first] = commands();
    expect(first?.identity).toEqual({ platform: "matrix", workspace: "", userId: ANN });
    expect(first?.where).toEqual({ platform: "matrix", workspace: "", channelId: world.roomId, isDirect: false });
    // Replies are m.notice, answering the command (rich reply), never re-answered.
    const replies = botEvents(world.roomId);
    expect(replies).toHaveLength(3);
    expect(replies[0]?.content.msgtype).toBe("m.notice");
    expect(replies[0]?.content["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: first?.eventId } });
  });

  it("never answers an m.notice, and ignores its own events", async () => {
    await boot();
    await say(BOB, "!help", {}, world.roomId);
    const before = handler.events.length;
    world.fake.sendAs(ANN, world.roomId, "m.room.message", { msgtype: "m.notice", body: "!help" });
    const own = world.fake.sendAs(BOT, world.roomId, "m.room.message", { msgtype: "m.text", body: "!help" });
    await deliveredToBot(world.fake, adapter as MatrixAdapter, own);
    expect(handler.events.length).toBe(before);
    expect(botEvents(world.roomId).filter((event) => event.content.msgtype === "m.notice")).toHaveLength(1);
  });

  it("answers a command typed in a thread inside the thread, replying to it", async () => {
    const started = await boot();
    const thread = await started.openThread({ channel: { platform: "matrix", workspace: "", channelId: world.roomId }, title: "N-1", root: { text: "card" } }, { idempotencyKey: "t-1" });
    const command = await say(ANN, "!case ack N-1", { "m.relates_to": { rel_type: "m.thread", event_id: thread.threadId, is_falling_back: true, "m.in_reply_to": { event_id: thread.threadId } } });
    await world.fake.waitUntil(() => botEvents(world.roomId).length === 2);
    expect(commands()[0]?.where.threadId).toBe(thread.threadId);
    expect(botEvents(world.roomId)[1]?.content["m.relates_to"]).toEqual({
      rel_type: "m.thread",
      event_id: thread.threadId,
      is_falling_back: false,
      "m.in_reply_to": { event_id: command },
    });
    // Bot posts in the thread reply to the latest event in it, as thread-unaware clients expect.
    await started.send({ kind: "thread", ...thread }, { text: "update" }, { idempotencyKey: "t-2" });
    const update = botEvents(world.roomId).at(-1);
    expect(update?.content["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: thread.threadId, is_falling_back: true });
  });

  it("joins on invites from allowed homeservers and users, and rejects the others", async () => {
    await boot({ allowedInviters: ["fake.test", "@carol:ngo.test"] });
    for (const userId of ["@eve:evil.test", "@carol:ngo.test", "@dave:ngo.test"]) world.fake.registerUser(userId);
    const evil = world.fake.createRoom("@eve:evil.test", { name: "evil" });
    const fromCarol = world.fake.createRoom("@carol:ngo.test", { name: "ngo" });
    const fromDave = world.fake.createRoom("@dave:ngo.test", { name: "ngo 2" });
    const fromAnn = world.fake.createRoom(ANN, { name: "ann's" });
    world.fake.invite(evil, "@eve:evil.test", BOT);
    world.fake.invite(fromCarol, "@carol:ngo.test", BOT);
    world.fake.invite(fromDave, "@dave:ngo.test", BOT);
    world.fake.invite(fromAnn, ANN, BOT);
    await world.fake.waitUntil(() => [evil, fromCarol, fromDave, fromAnn].every((room) => world.fake.model.membership(room, BOT) !== "invite"));
    expect(world.fake.model.membership(evil, BOT)).toBe("leave");
    expect(world.fake.model.membership(fromDave, BOT)).toBe("leave");
    expect(world.fake.model.membership(fromCarol, BOT)).toBe("join");
    expect(world.fake.model.membership(fromAnn, BOT)).toBe("join");
    expect(world.fake.requestsTo("POST", "/join/").map((request) => decodeURIComponent(request.path.split("/").at(-1) ?? "")).sort()).toEqual([fromAnn, fromCarol].sort());
  });

  it("says once, plainly, that it cannot read an encrypted room, and keeps working", async () => {
    await boot();
    world.fake.enableEncryption(world.roomId, ANN);
    world.fake.sendAs(ANN, world.roomId, "m.room.encrypted", { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "AwgAEn...", sender_key: "k", device_id: "D", session_id: "s" });
    const last = world.fake.sendAs(BOB, world.roomId, "m.room.encrypted", { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "AwgAEo...", sender_key: "k", device_id: "E", session_id: "s" });
    await deliveredToBot(world.fake, adapter as MatrixAdapter, last);
    const notices = botEvents(world.roomId);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.content).toEqual({ msgtype: "m.notice", body: ENCRYPTED_ROOM_NOTICE, "m.mentions": {} });
    // Invited into an already encrypted room: the same notice there, once.
    const secret = world.fake.createRoom(ANN, { name: "secret", encrypted: true });
    world.fake.invite(secret, ANN, BOT);
    await world.fake.waitUntil(() => botEvents(secret).length === 1);
    // Still alive: a command in another room works.
    const plain = world.fake.createRoom(ANN, { name: "plain", members: [BOT] });
    await say(ANN, "!help", {}, plain);
    expect(commands().map((event) => event.text)).toEqual(["/help"]);
    expect(botEvents(world.roomId)).toHaveLength(1);
  });

  it("turns a reaction on a card into the action's command, and seeds the reaction itself", async () => {
    const started = await boot();
    const posted = await started.send(
      { kind: "channel", platform: "matrix", workspace: "", channelId: world.roomId },
      { text: "Notice N-3", actions: [{ id: "ack", label: "Acknowledge", command: "/case ack N-3", reaction: "✅" }] },
      { idempotencyKey: "card-3" },
    );
    const card = botEvents(world.roomId).at(-1);
    expect(String(card?.content.body)).toContain("React ✅ to acknowledge (or type: !case ack N-3)");
    expect(botEvents(world.roomId, "m.reaction").map((event) => event.content["m.relates_to"])).toEqual([
      { rel_type: "m.annotation", event_id: posted.messageId, key: "✅" },
    ]);
    const react = (userId: string, key: string) =>
      world.fake.sendAs(userId, world.roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: posted.messageId, key } });
    react(BOB, "👍");
    const annReaction = react(ANN, "✅\uFE0F");
    await deliveredToBot(world.fake, started, annReaction);
    const actions = handler.events.filter((event) => event.type === "action");
    expect(actions).toEqual([
      { type: "action", eventId: annReaction, command: "/case ack N-3", values: {}, identity: { platform: "matrix", workspace: "", userId: ANN }, where: { platform: "matrix", workspace: "", channelId: world.roomId, isDirect: false } },
    ]);
  });

  it("sends direct messages in one direct room per person, and treats messages there as commands", async () => {
    const started = await boot();
    await started.sendDirect({ platform: "matrix", workspace: "", userId: BOB }, { text: "first" }, { idempotencyKey: "dm-1" });
    await started.sendDirect({ platform: "matrix", workspace: "", userId: BOB }, { text: "second" }, { idempotencyKey: "dm-2" });
    const creates = world.fake.requestsTo("POST", "/createRoom");
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({ is_direct: true, invite: [BOB], preset: "trusted_private_chat" });
    const dm = String((creates[0]?.response as { room_id: string }).room_id);
    expect(botEvents(dm).map((event) => event.content.body)).toEqual(["first", "second"]);
    world.fake.join(dm, BOB);
    await say(BOB, "help", {}, dm);
    expect(commands().at(-1)).toMatchObject({ text: "/help", where: { channelId: dm, isDirect: true } });
  });

  it("opens a room per case when configured: named, parties invited, every message belongs to the case", async () => {
    const started = await boot({ roomPerCase: true });
    const request = {
      channel: { platform: "matrix" as const, workspace: "", channelId: world.roomId },
      title: "N-2026-0009 takedown",
      root: { text: "card N-2026-0009" },
      members: [{ platform: "matrix" as const, workspace: "", userId: BOB }],
    };
    const thread = await started.openThread(request, { idempotencyKey: "room-9" });
    const again = await started.openThread(request, { idempotencyKey: "room-9" });
    expect(again).toEqual(thread);
    expect(thread.threadId).toBe(thread.channelId);
    expect(world.fake.requestsTo("POST", "/createRoom")).toHaveLength(1);
    expect(world.fake.requestsTo("POST", "/createRoom")[0]?.body).toMatchObject({ name: "N-2026-0009 takedown", invite: [BOB] });
    expect(botEvents(thread.channelId).map((event) => event.content.body)).toEqual(["card N-2026-0009"]);
    expect(String(botEvents(world.roomId).at(-1)?.content.body)).toContain(encodeURIComponent(thread.channelId));
    world.fake.join(thread.channelId, BOB);
    await say(BOB, "we took it down", {}, thread.channelId);
    expect(handler.events.filter((event) => event.type === "message")).toMatchObject([{ text: "we took it down", where: { channelId: thread.channelId, threadId: thread.channelId } }]);
    await say(BOB, "!case ack", {}, thread.channelId);
    expect(commands().at(-1)).toMatchObject({ text: "/case ack", where: { channelId: thread.channelId, threadId: thread.channelId } });
  });

  it("logs in with the password once and keeps the token", async () => {
    world = await startWorld();
    await boot({ userId: BOT }, { MATRIX_PASSWORD: "bot-password" });
    expect(world.fake.requestsTo("POST", "/login")).toHaveLength(1);
    expect(state.values.get("auth.accessToken")).toMatch(/^syt_/);
    await adapter?.stop();
    await boot({ userId: BOT }, {});
    expect(world.fake.requestsTo("POST", "/login")).toHaveLength(1);
    await say(ANN, "!whoami");
    expect(commands().map((event) => event.text)).toEqual(["/whoami"]);
  });

  it("does not act on old history the first time it syncs", async () => {
    world = await startWorld();
    world.fake.say(ANN, world.roomId, "!help from before Liaison was installed");
    await boot();
    await say(ANN, "!help");
    expect(commands().map((event) => event.text)).toEqual(["/help"]);
  });
});
