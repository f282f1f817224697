import type { Logger } from "pino";
import type {
  AdapterCapabilities,
  ChatAdapter,
  Destination,
  EventLocation,
  InboundEvent,
  InboundHandler,
  OpenThreadRequest,
  PlatformIdentity,
  PostedMessage,
  Reply,
  SendOptions,
  ThreadAddress,
} from "../../src/core/adapter.js";
import { DeliveryError } from "../../src/core/adapter.js";
import type { OutboundMessage } from "../../src/core/message.js";
import { conversationKey, createConversationQueue } from "../../src/core/ordering.js";
import type { AdapterEnvironment } from "../../src/core/platform.js";
import { defaultReplyPolicy, type ReplyPolicy } from "../../src/core/reply-policy.js";
import { describeError, installRetryAfterCapture, routeSdkLogs, SyncingMatrixClient } from "./client.js";
import type { MatrixConfig } from "./config.js";
import { classifyMessage, inviteEventSchema, inviterAllowed, reactionContentSchema, roomEventSchema, sameReaction, type MessageMeaning, type RoomEvent } from "./inbound.js";
import { MatrixPoster, type Placement } from "./outbound.js";
import { PendingWork } from "./pending.js";
import { authenticate, ensureDisplayName, installationStart } from "./session.js";
import { deliverMatrixReply, ReplyJournal, type PendingReply, type ReplyContext } from "./replies.js";
import { StrayHints } from "./hints.js";
import { StateStorageProvider, stateKeys } from "./storage.js";
import { RoomStates, roomStateReader } from "./room-state.js";
import { openAdapterCrypto } from "./crypto-adapter.js";
import { EncryptionNotices } from "./encryption-notices.js";
import { EncryptedRooms } from "./encrypted-rooms.js";
import type { MatrixCrypto } from "./crypto.js";

/** Secrets the Matrix adapter reads from the environment. */
export interface MatrixSecrets {
  MATRIX_ACCESS_TOKEN?: string;
  MATRIX_PASSWORD?: string;
}

/** What createMatrixAdapter needs. */
export interface MatrixAdapterOptions {
  config: MatrixConfig;
  secrets: MatrixSecrets;
  env: AdapterEnvironment;
  /** Test-only: the homeserver's base URL, overriding config.homeserverUrl. */
  homeserverUrl?: string;
  /** Changes to the reply policy (tests make its waits short). */
  replyPolicy?: Partial<ReplyPolicy>;
}

/** What the core must know of Matrix: direct rooms, no ephemeral messages. */
export const MATRIX_CAPABILITIES: AdapterCapabilities = {
  ephemeral: false,
  directMessages: true,
  userIdIsHandle: false,
};

/** An inbound event found in a room, and where its reply goes. */
interface Routed {
  inbound: InboundEvent;
  context: ReplyContext;
}

/** Liaison's Matrix adapter on matrix-bot-sdk (see README.md beside this file). */
export class MatrixAdapter implements ChatAdapter {
  readonly platform = "matrix" as const;
  readonly capabilities = MATRIX_CAPABILITIES;
  private client: SyncingMatrixClient | undefined;
  private poster: MatrixPoster | undefined;
  private handler: InboundHandler | undefined;
  private botUserId = "";
  private inInitialSync = false;
  /** When this installation first started (ms since the epoch); older events are history and never acted on. */
  private installedAtMs = 0;
  private readonly pending = new PendingWork();
  private readonly logger: Logger;
  private readonly roomKinds = new Map<string, { direct: boolean; caseRoom: boolean }>();
  /** Events of one room are read in timeline order here, to find their conversation (a thread, or the room). */
  private readonly rooms = createConversationQueue();
  /** Events of one conversation are handled and answered one at a time, in timeline order. */
  private readonly conversations = createConversationQueue();
  private readonly replyPolicy: ReplyPolicy;
  /** Aborted by stop(): replies waiting out a rate limit give up instead of holding the shutdown. */
  private readonly stopping = new AbortController();
  private readonly journal: ReplyJournal;
  private hints: StrayHints | undefined;
  /** End-to-end encryption; undefined when it is off or could not start (encrypted rooms then get a notice). */
  private crypto: MatrixCrypto | undefined;
  /** What Liaison says about end-to-end encryption (an unreadable room, an undecryptable or a plaintext message). */
  private readonly notices: EncryptionNotices;
  private readonly encryptedRooms: EncryptedRooms;

  constructor(private readonly options: MatrixAdapterOptions) {
    this.logger = options.env.logger.child({ platform: "matrix" });
    this.journal = new ReplyJournal(options.env.state, this.logger);
    this.replyPolicy = defaultReplyPolicy(options.env.clock, { routeWindowMs: options.config.replyWindowMs, signal: this.stopping.signal, ...options.replyPolicy });
    const classify = async (roomId: string, event: RoomEvent): Promise<MessageMeaning> => this.meaningOf(event, await this.roomKind(roomId));
    const notices = (this.notices = new EncryptionNotices({ poster: () => this.requirePoster(), state: options.env.state, logger: this.logger, signal: this.stopping.signal, classify }));
    this.encryptedRooms = new EncryptedRooms({ poster: () => this.poster, crypto: () => this.crypto, notices, logger: this.logger, signal: this.stopping.signal });
  }

  /** The bot's Matrix user id (after start). */
  get userId(): string {
    return this.botUserId;
  }

  async start(handler: InboundHandler): Promise<void> {
    if (this.client) throw new Error("the Matrix adapter is already started");
    this.handler = handler;
    routeSdkLogs(this.logger);
    installRetryAfterCapture();
    const storage = new StateStorageProvider(this.options.env.state);
    await storage.load();
    const session = await authenticate(
      { config: this.options.config, secrets: this.options.secrets, state: this.options.env.state, homeserverUrl: this.options.homeserverUrl ?? this.options.config.homeserverUrl, logger: this.logger },
      storage,
    );
    const client = session.client;
    this.botUserId = session.userId;
    const { config } = this.options;
    if (config.userId && config.userId !== this.botUserId) {
      throw new Error(`Matrix: the access token belongs to ${this.botUserId}, but platforms.matrix.userId is ${config.userId}`);
    }
    const installedAtMs = await installationStart(this.options.env.state, storage, this.options.env.clock);
    this.installedAtMs = installedAtMs;
    const roomStates = new RoomStates(this.botUserId, roomStateReader(client));
    this.crypto = config.encryption.enabled ? await openAdapterCrypto({ client, userId: this.botUserId, deviceId: session.deviceId, records: this.options.env.records, logger: this.logger }) : undefined;
    const crypto = this.crypto;
    client.configureSync({
      installedAtMs,
      syncTimeoutMs: config.syncTimeoutMs,
      retryMinMs: config.syncRetryMinMs,
      retryMaxMs: config.syncRetryMaxMs,
      logger: this.logger,
      batchReceived: (raw) => roomStates.applySync(raw),
      batchStarting: (initial) => {
        this.inInitialSync = initial;
      },
      batchSettled: () => this.pending.takeBatch(),
      ...(crypto ? { syncArrived: (raw: unknown) => crypto.receiveSync(raw) } : {}),
    });
    this.poster = new MatrixPoster(client, this.options.env.state, {
      prefix: config.commandPrefix,
      seedReactions: config.seedReactions,
      botUserId: this.botUserId,
      logger: this.logger,
      roomStates,
      onEncryptedRoom: (roomId) => this.notices.noticeEncryption(roomId),
      ...(crypto ? { encrypt: (roomId: string, eventType: string, content: object) => crypto.encrypt(roomId, eventType, content) } : {}),
    });
    this.hints = new StrayHints(this.poster, this.botUserId, this.options.env.clock, this.logger);
    client.on("room.invite", (roomId: string, event: unknown) => this.pending.track(this.onInvite(roomId, event)));
    client.on("room.join", (roomId: string) => this.pending.track(this.encryptedRooms.onJoin(roomId)));
    client.on("room.event", (roomId: string, event: unknown) => this.pending.track(this.onRoomEvent(roomId, event, this.inInitialSync)));
    this.client = client;
    await ensureDisplayName(client, this.botUserId, config.displayName, this.logger);
    await this.resumeReplies();
    await client.start();
    await client.whenFirstSyncDone();
    this.logger.info({ userId: this.botUserId }, "matrix: connected");
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopping.abort();
    client.stop();
    await this.pending.drain();
    await client.halt();
    await this.pending.drain();
    await this.crypto?.close();
    this.crypto = undefined;
    this.client = undefined;
  }

  /** Resolves once every inbound event handed over so far has been handled (tests and shutdown). */
  async settled(): Promise<void> {
    await this.pending.drain();
  }

  async send(
    destination: Extract<Destination, { kind: "channel" | "thread" }>,
    message: OutboundMessage,
    options: SendOptions,
  ): Promise<PostedMessage> {
    const poster = this.requirePoster();
    // A room of its own for a case is its own thread (thread id = room id): posts go to the room's top level.
    const placement: Placement =
      destination.kind === "thread" && destination.threadId !== "" && destination.threadId !== destination.channelId
        ? { roomId: destination.channelId, threadId: destination.threadId }
        : { roomId: destination.channelId };
    return { messageId: await poster.postMessage(message, placement, options.idempotencyKey) };
  }

  async openThread(request: OpenThreadRequest, options: SendOptions): Promise<ThreadAddress> {
    const poster = this.requirePoster();
    const { config } = this.options;
    const channelId = request.channel.channelId;
    if (!config.roomPerCase && !config.roomPerCaseFor.includes(channelId)) {
      const rootId = await poster.postRoot(request.root, channelId, options.idempotencyKey);
      return { platform: "matrix", workspace: "", channelId, threadId: rootId };
    }
    const roomId = await this.caseRoomFor(request, options.idempotencyKey);
    await poster.postRoot(request.root, roomId, options.idempotencyKey);
    await poster.postMessage(
      { text: `${request.title}: this case has a room of its own, https://matrix.to/#/${encodeURIComponent(roomId)}` },
      { roomId: channelId },
      `${options.idempotencyKey}.pointer`,
    );
    // The core needs a non-empty thread id ("" means "not opened yet"): the room's id names the case's room.
    return { platform: "matrix", workspace: "", channelId: roomId, threadId: roomId };
  }

  async sendDirect(to: PlatformIdentity, message: OutboundMessage, options: SendOptions): Promise<PostedMessage> {
    if (to.platform !== "matrix") throw new DeliveryError(`not a Matrix account: ${to.platform}`, { permanent: true });
    return { messageId: await this.requirePoster().postDirect(to.userId, message, options.idempotencyKey) };
  }

  private requirePoster(): MatrixPoster {
    if (!this.poster) throw new DeliveryError("the Matrix adapter is not started");
    return this.poster;
  }

  private async caseRoomFor(request: OpenThreadRequest, idempotencyKey: string): Promise<string> {
    const state = this.options.env.state;
    const known = await state.get(stateKeys.caseRoomForRequest(idempotencyKey));
    if (known) return known;
    const invite = (request.members ?? []).filter((member) => member.platform === "matrix" && member.userId !== this.botUserId).map((member) => member.userId);
    const roomId = await this.requirePoster().createRoom({ name: request.title, preset: "private_chat", invite }, `a room for ${request.title}`);
    await state.set(stateKeys.caseRoomForRequest(idempotencyKey), roomId);
    await state.set(stateKeys.caseRoom(roomId), "1");
    this.roomKinds.delete(roomId);
    return roomId;
  }

  private async roomKind(roomId: string): Promise<{ direct: boolean; caseRoom: boolean }> {
    const cached = this.roomKinds.get(roomId);
    if (cached) return cached;
    const state = this.options.env.state;
    const kind = {
      direct: (await state.get(stateKeys.directRoom(roomId))) !== undefined,
      caseRoom: (await state.get(stateKeys.caseRoom(roomId))) !== undefined,
    };
    this.roomKinds.set(roomId, kind);
    return kind;
  }

  private async onInvite(roomId: string, raw: unknown): Promise<void> {
    const client = this.client;
    const parsed = inviteEventSchema.safeParse(raw);
    if (!client || !parsed.success) return;
    const inviter = parsed.data.sender;
    try {
      if (!inviterAllowed(inviter, this.options.config.allowedInviters, this.botUserId)) {
        this.logger.warn({ roomId, inviter }, "matrix: rejecting an invite from a homeserver or user that is not allowed");
        await client.leaveRoom(roomId, "Liaison only joins rooms when invited from an allowed homeserver");
        return;
      }
      await client.joinRoom(roomId);
      if (parsed.data.content.is_direct === true) {
        await this.requirePoster().rememberDirectRoom(inviter, roomId);
        this.roomKinds.delete(roomId);
      }
      this.logger.info({ roomId, inviter }, "matrix: joined on invite");
    } catch (error) {
      this.logger.warn({ roomId, inviter, err: error }, "matrix: handling an invite failed");
    }
  }

  private async onRoomEvent(roomId: string, raw: unknown, initial: boolean): Promise<void> {
    const parsed = roomEventSchema.safeParse(raw);
    if (!parsed.success) return;
    const envelope = parsed.data;
    if (envelope.sender === this.botUserId) return;
    let event = envelope;
    try {
      if (await this.encryptedRooms.onlyMarks(roomId, envelope)) return;
      // The first sync of a new installation returns old history; it is not acted on, nor is anything older than the
      // installation (batches a homeserver cached for an earlier installation on the same account).
      if (initial || (event.type !== "m.room.message" && event.type !== "m.reaction" && event.type !== "m.room.encrypted")) return;
      if (event.origin_server_ts !== undefined && event.origin_server_ts < this.installedAtMs) {
        this.logger.debug({ roomId, eventId: event.event_id }, "matrix: an event older than this installation is history; not acted on");
        return;
      }
      // Which conversation an event belongs to takes a lookup (case rooms, reaction records): the room's events are
      // looked up in order, and each takes its turn in its conversation before the next one is looked up.
      let stray: { replyTo?: string; reference?: string } | undefined;
      const routed = await this.rooms.run(roomId, async () => {
        // Decrypted in the room's order; a plaintext message in an encrypted room is not acted on.
        const admitted = await this.encryptedRooms.admit(roomId, envelope, raw);
        if (!admitted) return undefined;
        event = admitted;
        const found = event.type === "m.room.message" ? await this.messageEvent(roomId, event, (meaning) => (stray = meaning)) : await this.reactionEvent(roomId, event);
        return found ? { ...found, turn: this.conversations.reserve(conversationKey(found.inbound.where)) } : undefined;
      });
      if (routed) await routed.turn.run(() => this.dispatch(routed.inbound, routed.context));
      else if (stray) await this.hints?.answer(roomId, event, stray);
    } catch (error) {
      this.logger.error({ roomId, eventId: event.event_id, err: error }, "matrix: handling an event failed");
    }
  }

  /** A message as the core's inbound event, with where to reply; undefined when Liaison ignores it. */
  private async messageEvent(roomId: string, event: RoomEvent, onStray: (meaning: { replyTo?: string; reference?: string }) => void): Promise<Routed | undefined> {
    const kind = await this.roomKind(roomId);
    const meaning = this.meaningOf(event, kind);
    if (meaning.kind === "stray") onStray(meaning);
    if (meaning.kind === "ignore" || meaning.kind === "stray") return undefined;
    if (meaning.threadId) this.requirePoster().noteThreadEvent(meaning.threadId, event.event_id);
    const identity: PlatformIdentity = { platform: "matrix", workspace: "", userId: event.sender };
    const where: EventLocation = { platform: "matrix", workspace: "", channelId: roomId, isDirect: kind.direct };
    // In a room of its own for a case the whole room is the thread, named by the room's id (as openThread reports it).
    if (meaning.threadId !== undefined) where.threadId = meaning.threadId === "" ? roomId : meaning.threadId;
    const inbound: InboundEvent =
      meaning.kind === "command"
        ? { type: "command", eventId: event.event_id, identity, where, text: meaning.text }
        : { type: "message", eventId: event.event_id, identity, where, text: meaning.text };
    return { inbound, context: { roomId, threadId: meaning.threadId, eventId: event.event_id, identity } };
  }

  /** A reaction on a card as the action it stands for; undefined when it stands for none. */
  private async reactionEvent(roomId: string, event: RoomEvent): Promise<Routed | undefined> {
    const parsed = reactionContentSchema.safeParse(event.content);
    if (!parsed.success) return undefined;
    const target = parsed.data["m.relates_to"];
    const record = await this.requirePoster().reactionsFor(target.event_id);
    const action = record?.actions.find((candidate) => sameReaction(candidate.reaction, target.key));
    if (!record || !action) return undefined;
    const kind = await this.roomKind(roomId);
    const identity: PlatformIdentity = { platform: "matrix", workspace: "", userId: event.sender };
    const where: EventLocation = { platform: "matrix", workspace: "", channelId: roomId, isDirect: kind.direct };
    const threadId = kind.caseRoom ? "" : record.threadId;
    if (threadId !== undefined) where.threadId = kind.caseRoom ? roomId : threadId;
    const inbound: InboundEvent = { type: "action", eventId: event.event_id, identity, where, command: action.command, values: {} };
    return { inbound, context: { roomId, threadId, eventId: target.event_id, identity } };
  }

  private async dispatch(event: InboundEvent, context: ReplyContext): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    // Stopping: events not yet handled are left for the next start (the sync token is not saved past them).
    if (this.stopping.signal.aborted) {
      this.client?.abandonUnsettled();
      return;
    }
    const reply = await handler(event);
    if (!reply) return;
    const entry: PendingReply = { eventId: event.eventId, event: { type: event.type, where: { ...event.where, platform: "matrix" } }, context: { ...context, identity: { ...context.identity, platform: "matrix" } }, reply: reply as PendingReply["reply"] };
    await this.journal.add(entry);
    await this.deliverJournaled(entry);
  }

  /** Delivers a reply kept in the journal; forgets it once shown or refused for good (not when cut off by stop). */
  private async deliverJournaled(entry: PendingReply): Promise<void> {
    const event = entry.event as unknown as InboundEvent;
    const delivered = await this.deliverReply(entry.reply as unknown as Reply, event, entry.context as ReplyContext);
    if (delivered || !this.stopping.signal.aborted) await this.journal.remove(entry.eventId, entry.context.identity.userId);
  }

  /** Replies left undelivered by the previous run take their conversation's turn before anything newer. */
  private async resumeReplies(): Promise<void> {
    const leftover = await this.journal.load();
    if (leftover.length > 0) this.logger.info({ replies: leftover.length }, "matrix: delivering the replies left over from before the restart");
    for (const entry of leftover) {
      const turn = this.conversations.reserve(conversationKey(entry.event.where as EventLocation));
      this.pending.track(turn.run(() => this.deliverJournaled(entry)).catch((error: unknown) => this.logger.warn({ err: error }, "matrix: a left-over reply failed")));
    }
  }

  private async deliverReply(reply: Reply, event: InboundEvent, context: ReplyContext): Promise<boolean> {
    return deliverMatrixReply(this.requirePoster(), this.replyPolicy, this.logger, reply, event, context);
  }

  /** What a message means to Liaison in a room of this kind (a command, a case message, ...). */
  private meaningOf(event: RoomEvent, kind: { direct: boolean; caseRoom: boolean }): MessageMeaning {
    return classifyMessage(event.sender, event.content, { botUserId: this.botUserId, prefix: this.options.config.commandPrefix, isDirect: kind.direct, isCaseRoom: kind.caseRoom });
  }
}
