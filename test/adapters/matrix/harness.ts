import pino from "pino";
import { systemClock } from "../../../src/core/clock.js";
import type { ChannelAddress, InboundHandler, PlatformIdentity, ThreadAddress } from "../../../src/core/adapter.js";
import type { AdapterEnvironment, AdapterStateStore } from "../../../src/core/platform.js";
import type { ReplyPolicy } from "../../../src/core/reply-policy.js";
import { createMatrixAdapter, matrixConfigSchema, type MatrixAdapter, type MatrixConfig } from "../../../adapters/matrix/index.js";
import type { AdapterHarness, ObservedMessage } from "../../contract/harness.js";
import { FakeHomeserver } from "../../fakes/matrix/homeserver.js";
import type { StoredEvent } from "../../fakes/matrix/model.js";
import { MemoryStateStore } from "../../support/memory-state.js";

export { MemoryStateStore };

/** The bot's account on the fake homeserver. */
export const BOT = "@liaison:fake.test";
/** A person on the bot's homeserver. */
export const ANN = "@ann:fake.test";
/** A person on another homeserver. */
export const BOB = "@bob:partner.test";


/** A fake homeserver with the bot, Ann and Bob, and a cases room all three are in. */
export interface MatrixWorld {
  fake: FakeHomeserver;
  botToken: string;
  roomId: string;
}

/** Starts a fake homeserver with the usual accounts and a cases room. */
export async function startWorld(): Promise<MatrixWorld> {
  const fake = new FakeHomeserver("fake.test");
  await fake.start();
  const botToken = fake.registerUser(BOT, { password: "bot-password", displayName: "Liaison" });
  fake.registerUser(ANN, { displayName: "Ann" });
  fake.registerUser(BOB, { displayName: "Bob" });
  const roomId = fake.createRoom(ANN, { name: "Cases", members: [BOB, BOT] });
  return { fake, botToken, roomId };
}

/** Creates (but does not start) an adapter against the world's homeserver. */
export function makeAdapter(
  world: MatrixWorld,
  options: {
    state?: AdapterStateStore;
    config?: Partial<MatrixConfig>;
    secrets?: { MATRIX_ACCESS_TOKEN?: string; MATRIX_PASSWORD?: string };
    replyPolicy?: Partial<ReplyPolicy>;
  } = {},
): MatrixAdapter {
  const config = matrixConfigSchema.parse({ enabled: true, homeserverUrl: world.fake.baseUrl, syncTimeoutMs: 1000, syncRetryMinMs: 50, syncRetryMaxMs: 200, ...options.config });
  const env: AdapterEnvironment = {
    catalog: [],
    state: options.state ?? new MemoryStateStore(),
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
    clock: systemClock,
    openCaseThreads: async () => [],
  };
  return createMatrixAdapter({
    config,
    secrets: options.secrets ?? { MATRIX_ACCESS_TOKEN: world.botToken },
    env,
    // Transient failures are retried after 50 ms instead of 1 s, so that tests run quickly.
    replyPolicy: { firstBackoffMs: 50, ...options.replyPolicy },
  });
}

/** The stream position of an event's (first) appearance. */
export function positionOf(fake: FakeHomeserver, eventId: string): number {
  return fake.model.stream.findIndex((item) => item.event.event_id === eventId) + 1;
}

/** Resolves once the bot has synced past `eventId` and handled what it got. */
export async function deliveredToBot(fake: FakeHomeserver, adapter: MatrixAdapter, eventId: string): Promise<void> {
  const position = fake.model.stream.map((item) => item.event.event_id).lastIndexOf(eventId) + 1;
  await fake.waitForSyncPast(BOT, position);
  await adapter.settled();
}

function threadOf(event: StoredEvent): string | undefined {
  const relation = event.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
  return relation?.rel_type === "m.thread" ? relation.event_id : undefined;
}

/** A stored event as the contract observes it. */
export function observe(event: StoredEvent): ObservedMessage {
  const threadId = threadOf(event);
  const message: ObservedMessage = { messageId: event.event_id, text: String(event.content.body ?? ""), fromBot: event.sender === BOT };
  if (threadId !== undefined) message.threadId = threadId;
  return message;
}

const isMessage = (event: StoredEvent) => event.type === "m.room.message";

/** The contract harness for Matrix: the real adapter and matrix-bot-sdk against the fake homeserver. */
export async function makeMatrixHarness(handler: { handle: InboundHandler }, config: Partial<MatrixConfig> = {}): Promise<AdapterHarness & { world: MatrixWorld; state: MemoryStateStore; matrix: MatrixAdapter }> {
  const world = await startWorld();
  const { fake, roomId } = world;
  const state = new MemoryStateStore();
  const adapter = makeAdapter(world, { state, config });
  await adapter.start(handler.handle);
  const channel: ChannelAddress = { platform: "matrix", workspace: "", channelId: roomId };
  const users: [PlatformIdentity, PlatformIdentity] = [
    { platform: "matrix", workspace: "", userId: ANN },
    { platform: "matrix", workspace: "", userId: BOB },
  ];
  let lastInbound = "";
  const lastCommandPosition = new Map<string, number>();

  const roomOfEvent = (eventId: string) => fake.model.stream.find((item) => item.event.event_id === eventId)?.roomId ?? roomId;

  return {
    world,
    state,
    matrix: adapter,
    adapter,
    channel,
    users,
    async typeCommand(user, text, thread) {
      const typed = text.startsWith("/") ? `!${text.slice(1)}` : text;
      const room = thread?.channelId ?? roomId;
      const eventId = fake.say(user.userId, room, typed, thread?.threadId || undefined);
      lastInbound = eventId;
      const position = positionOf(fake, eventId);
      lastCommandPosition.set(user.userId, position);
      await fake.waitUntil(() => fake.model.stream.slice(position).some((item) => item.event.sender === BOT && isMessage(item.event)), 5000, "the bot's reply");
      await adapter.settled();
    },
    async sendCommand(user, text) {
      const eventId = fake.say(user.userId, roomId, text.startsWith("/") ? `!${text.slice(1)}` : text);
      lastInbound = eventId;
      lastCommandPosition.set(user.userId, positionOf(fake, eventId));
    },
    async sendInThread(user, thread, text) {
      lastInbound = fake.say(user.userId, thread.channelId, text, thread.threadId || undefined);
    },
    async settled() {
      await fake.waitForSyncPast(BOT, fake.model.position);
      await adapter.settled();
    },
    async writeInThread(user, thread: ThreadAddress, text) {
      const eventId = fake.say(user.userId, thread.channelId, text, thread.threadId || undefined);
      lastInbound = eventId;
      await deliveredToBot(fake, adapter, eventId);
    },
    async redeliverLast() {
      fake.redeliver(lastInbound);
      await deliveredToBot(fake, adapter, lastInbound);
    },
    async pressButton(user, messageId, actionId) {
      const record = JSON.parse((await state.get(`reactions.${messageId}`)) ?? '{"actions":[]}') as { actions: { id: string; reaction: string }[] };
      const action = record.actions.find((candidate) => candidate.id === actionId);
      if (!action) throw new Error(`no reaction for action ${actionId} on ${messageId}`);
      const eventId = fake.sendAs(user.userId, roomOfEvent(messageId), "m.reaction", {
        "m.relates_to": { rel_type: "m.annotation", event_id: messageId, key: action.reaction },
      });
      lastInbound = eventId;
      await deliveredToBot(fake, adapter, eventId);
    },
    async channelMessages(address) {
      return fake.roomEvents(address?.channelId ?? roomId).filter((event) => isMessage(event) && threadOf(event) === undefined).map(observe);
    },
    async threadMessages(thread) {
      const events = fake.roomEvents(thread.channelId).filter(isMessage);
      if (thread.threadId === "" || thread.threadId === thread.channelId) return events.slice(1).map(observe);
      return events.filter((event) => threadOf(event) === thread.threadId).map(observe);
    },
    async directMessages(user) {
      const rooms = [...fake.model.rooms.values()].filter((room) => room.isDirect && room.members.has(user.userId) && room.members.get(BOT) === "join");
      return rooms.flatMap((room) => room.events.filter((event) => isMessage(event) && event.sender === BOT).map(observe));
    },
    async privateMessagesTo(user) {
      const rooms = [...fake.model.rooms.values()].filter((room) => room.isDirect && room.members.has(user.userId));
      return rooms.flatMap((room) => room.events.filter((event) => isMessage(event) && event.sender === BOT).map(observe));
    },
    async lastReplySeenBy(user) {
      const since = lastCommandPosition.get(user.userId);
      if (since === undefined) return undefined;
      const visible = fake.model.stream
        .slice(since)
        .filter((item) => item.event.sender === BOT && isMessage(item.event))
        .filter((item) => {
          const membership = fake.model.membership(item.roomId, user.userId);
          return membership === "join" || membership === "invite";
        });
      const last = visible.at(-1);
      return last ? observe(last.event) : undefined;
    },
    rateLimitNextSend(retryAfterMs) {
      fake.rateLimitSends(retryAfterMs);
    },
    rateLimitReplies(count, retryAfterMs) {
      fake.rateLimitSends(retryAfterMs, { count });
    },
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}
