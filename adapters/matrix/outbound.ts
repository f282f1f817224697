import { createHash } from "node:crypto";
import type { MatrixClient } from "matrix-bot-sdk";
import type { Logger } from "pino";
import { z } from "zod";
import { DeliveryError } from "../../src/core/adapter.js";
import type { MessageAction, OutboundMessage } from "../../src/core/message.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { matrixErrorInfo, toDeliveryError } from "./errors.js";
import { renderNotices, type NoticeContent } from "./render.js";
import type { RoomStates } from "./room-state.js";
import { safeJson, stateKeys } from "./storage.js";

/** Where a message goes inside a room: top level, a reply to an event, or a thread (optionally replying to one event in it). */
export interface Placement {
  roomId: string;
  /** Root event of the m.thread; "" or undefined for the room's top level. */
  threadId?: string;
  /** The event this answers (a command): m.in_reply_to without the thread fallback. */
  replyTo?: string;
}

/** Actions that reactions stand for on one posted event. */
export interface ReactionRecord {
  threadId?: string;
  actions: { id: string; reaction: string; command: string }[];
}

const reactionRecordSchema = z.object({
  threadId: z.string().optional(),
  actions: z.array(z.object({ id: z.string(), reaction: z.string(), command: z.string() })),
});

const sendResponse = z.object({ event_id: z.string().startsWith("$") });
const createRoomResponse = z.object({ room_id: z.string().startsWith("!") });

/** The room state that asks clients not to preview URLs (Element's setting; case messages carry hostile URLs). */
export const NO_URL_PREVIEWS = { type: "org.matrix.room.preview_urls", state_key: "", content: { disable: true } } as const;

/** A createRoom body whose initial state turns URL previews off. */
function withoutUrlPreviews(body: Record<string, unknown>): Record<string, unknown> {
  const initial = Array.isArray(body.initial_state) ? (body.initial_state as unknown[]) : [];
  return { ...body, initial_state: [...initial, NO_URL_PREVIEWS] };
}

/** Builds a transaction id from an idempotency key: the same key and part always give the same txnId. */
export function transactionId(idempotencyKey: string, part: string): string {
  const base = /^[A-Za-z0-9._~-]{1,80}$/.test(idempotencyKey)
    ? idempotencyKey
    : createHash("sha256").update(idempotencyKey).digest("base64url").slice(0, 32);
  return `liaison.${base}.${part}`;
}

/**
 * Everything Liaison posts to Matrix goes through here: every event is PUT with a transaction id derived from the
 * caller's idempotency key, so a retry returns the first event instead of posting again.
 */
export class MatrixPoster {
  private readonly reactionCache = new Map<string, ReactionRecord | null>();
  private readonly latestInThread = new Map<string, string>();
  private readonly directLocks = new Map<string, Promise<string>>();
  /** Direct rooms known to work, by user id (they change only through this class). */
  private readonly directRooms = new Map<string, string>();

  constructor(
    private readonly client: MatrixClient,
    private readonly state: AdapterStateStore,
    private readonly options: {
      prefix: string;
      seedReactions: boolean;
      botUserId: string;
      logger: Logger;
      /** Rooms' members and encryption, kept from /sync. */
      roomStates: RoomStates;
      /** Told (once per post refused) that a room is encrypted, so the room can be told why nothing comes. */
      onEncryptedRoom?: (roomId: string) => Promise<void>;
      /** Encrypts an event for a room (end-to-end encryption on); resolves to the m.room.encrypted content. */
      encrypt?: (roomId: string, eventType: string, content: object) => Promise<Record<string, unknown>>;
    },
  ) {}

  /** Records that a room is encrypted (its m.room.encryption event was seen). */
  markEncrypted(roomId: string): void {
    this.options.roomStates.markEncrypted(roomId);
  }

  /** True when the room is end-to-end encrypted (from /sync; read from the homeserver while the room is not known). */
  async isEncrypted(roomId: string): Promise<boolean> {
    return this.options.roomStates.isEncrypted(roomId);
  }

  /** Who sent an event; undefined when it cannot be read. */
  async senderOf(roomId: string, eventId: string): Promise<string | undefined> {
    try {
      const raw: unknown = await this.client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`);
      const parsed = z.object({ sender: z.string() }).loose().safeParse(raw);
      return parsed.success ? parsed.data.sender : undefined;
    } catch {
      return undefined;
    }
  }

  /** True when the room's members (joined or invited) are exactly the bot and `userId` (from /sync, as isEncrypted). */
  async isOnlyWith(roomId: string, userId: string): Promise<boolean> {
    return this.options.roomStates.isOnlyWith(roomId, userId);
  }

  /**
   * PUTs one event with a fixed transaction id; resolves to its event id. Into an end-to-end encrypted room the event
   * is encrypted; with encryption off nothing is posted there in plaintext (only `plaintextNotice`, the notice saying
   * so, is): the post is refused for good.
   */
  async putEvent(roomId: string, eventType: string, content: object, txnId: string, plaintextNotice = false): Promise<string> {
    // Every message says it mentions no one, so that no text in it (@room, a name) notifies anybody.
    let sent: object = eventType === "m.room.message" ? { ...content, "m.mentions": {} } : content;
    let sentType = eventType;
    const encrypt = this.options.encrypt;
    if ((encrypt || !plaintextNotice) && (await this.isEncrypted(roomId))) {
      if (!encrypt) {
        await this.options.onEncryptedRoom?.(roomId);
        throw new DeliveryError(`not posting to ${roomId}: the room is end-to-end encrypted and encryption is off`, { permanent: true });
      }
      // Encrypted under the same transaction id: a resend returns the first event, whatever its ciphertext.
      try {
        sent = await encrypt(roomId, eventType, sent);
      } catch (error) {
        throw toDeliveryError(error, `encrypting ${eventType} for ${roomId}`);
      }
      sentType = "m.room.encrypted";
    }
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(sentType)}/${encodeURIComponent(txnId)}`;
    let raw: unknown;
    try {
      raw = await this.client.doRequest("PUT", path, null, sent);
    } catch (error) {
      throw toDeliveryError(error, `sending ${eventType} to ${roomId}`);
    }
    const parsed = sendResponse.safeParse(raw);
    if (!parsed.success) throw new DeliveryError(`sending ${eventType} to ${roomId}: no event_id in the answer`);
    return parsed.data.event_id;
  }

  /** Renders and posts a message (several events when it is too long); resolves to the first event's id. */
  async postMessage(message: OutboundMessage, placement: Placement, idempotencyKey: string): Promise<string> {
    const notices = renderNotices(message, this.options.prefix);
    const ids: string[] = [];
    for (const [index, notice] of notices.entries()) {
      const content = this.withRelation(notice, placement);
      const eventId = await this.putEvent(placement.roomId, "m.room.message", content, transactionId(idempotencyKey, String(index)));
      ids.push(eventId);
      if (placement.threadId) this.latestInThread.set(placement.threadId, eventId);
    }
    const first = ids[0] ?? "";
    await this.attachActions(placement.roomId, first, message.actions, placement.threadId, idempotencyKey);
    return first;
  }

  /** Posts a thread root (a case card) at the top level; parts beyond the first go into its thread. */
  async postRoot(message: OutboundMessage, roomId: string, idempotencyKey: string): Promise<string> {
    const [first, ...rest] = renderNotices(message, this.options.prefix);
    if (!first) throw new DeliveryError("nothing to post");
    const rootId = await this.putEvent(roomId, "m.room.message", first, transactionId(idempotencyKey, "0"));
    for (const [index, notice] of rest.entries()) {
      const content = this.withRelation(notice, { roomId, threadId: rootId });
      const eventId = await this.putEvent(roomId, "m.room.message", content, transactionId(idempotencyKey, String(index + 1)));
      this.latestInThread.set(rootId, eventId);
    }
    await this.attachActions(roomId, rootId, message.actions, rootId, idempotencyKey);
    return rootId;
  }

  /** Posts a plain m.notice (no HTML) once per key. */
  async postPlain(roomId: string, body: string, idempotencyKey: string): Promise<string> {
    return this.putEvent(roomId, "m.room.message", { msgtype: "m.notice", body }, transactionId(idempotencyKey, "0"), true);
  }

  /** Remembers the newest event seen in a thread, so thread posts can reply to it. */
  noteThreadEvent(threadId: string, eventId: string): void {
    this.latestInThread.set(threadId, eventId);
  }

  /** The actions reactions stand for on an event Liaison posted, if any. */
  async reactionsFor(eventId: string): Promise<ReactionRecord | undefined> {
    const cached = this.reactionCache.get(eventId);
    if (cached !== undefined) return cached ?? undefined;
    const text = await this.state.get(stateKeys.reactions(eventId));
    const parsed = text === undefined ? undefined : reactionRecordSchema.safeParse(safeJson(text));
    const record = parsed?.success ? parsed.data : undefined;
    this.reactionCache.set(eventId, record ?? null);
    return record;
  }

  /** The direct room with a person, created (and remembered) the first time. */
  async directRoomFor(userId: string): Promise<string> {
    const pending = this.directLocks.get(userId);
    if (pending) return pending;
    const lookup = (async () => {
      const known = this.directRooms.get(userId) ?? (await this.state.get(stateKeys.directRoomOf(userId)));
      // A room is direct only while its members are exactly the bot and the person: checked before each answer.
      if (known && (await this.isOnlyWith(known, userId))) {
        this.directRooms.set(userId, known);
        return known;
      }
      if (known) {
        this.options.logger.warn({ roomId: known }, "matrix: the direct room has other members now; opening a new one");
        await this.forgetDirectRoom(userId);
        await this.state.delete(stateKeys.directRoom(known));
      }
      const roomId = await this.createRoom({ is_direct: true, preset: "trusted_private_chat", invite: [userId] }, `direct room with ${userId}`);
      await this.rememberDirectRoom(userId, roomId);
      return roomId;
    })();
    this.directLocks.set(userId, lookup);
    try {
      return await lookup;
    } finally {
      this.directLocks.delete(userId);
    }
  }

  /** Records a direct room (created by Liaison, or one a person opened by inviting it). */
  async rememberDirectRoom(userId: string, roomId: string): Promise<void> {
    await this.state.set(stateKeys.directRoomOf(userId), roomId);
    await this.state.set(stateKeys.directRoom(roomId), userId);
    this.directRooms.set(userId, roomId);
  }

  /** Forgets a direct room that no longer works (Liaison was removed from it). */
  async forgetDirectRoom(userId: string): Promise<void> {
    this.directRooms.delete(userId);
    await this.state.delete(stateKeys.directRoomOf(userId));
  }

  /** Posts to a person's direct room; if Liaison can no longer post there, opens a new one once. */
  async postDirect(userId: string, message: OutboundMessage, idempotencyKey: string): Promise<string> {
    const roomId = await this.directRoomFor(userId);
    try {
      return await this.postMessage(message, { roomId }, idempotencyKey);
    } catch (error) {
      if (!(error instanceof DeliveryError) || !error.permanent || matrixErrorInfo(error.cause).errcode !== "M_FORBIDDEN") throw error;
      this.options.logger.warn({ userId, roomId }, "matrix: direct room unusable, opening a new one");
      await this.forgetDirectRoom(userId);
      const fresh = await this.directRoomFor(userId);
      return this.postMessage(message, { roomId: fresh }, `${idempotencyKey}.again`);
    }
  }

  /** Creates a room; resolves to its id. */
  async createRoom(body: Record<string, unknown>, what: string): Promise<string> {
    let raw: unknown;
    try {
      raw = await this.client.doRequest("POST", "/_matrix/client/v3/createRoom", null, withoutUrlPreviews(body));
    } catch (error) {
      throw toDeliveryError(error, `creating ${what}`);
    }
    const parsed = createRoomResponse.safeParse(raw);
    if (!parsed.success) throw new DeliveryError(`creating ${what}: no room_id in the answer`);
    return parsed.data.room_id;
  }

  private withRelation(notice: NoticeContent, placement: Placement): object {
    if (placement.threadId) {
      const replyTo = placement.replyTo ?? this.latestInThread.get(placement.threadId) ?? placement.threadId;
      return {
        ...notice,
        "m.relates_to": {
          rel_type: "m.thread",
          event_id: placement.threadId,
          // A real reply when answering a command in the thread; otherwise the fallback for thread-unaware clients.
          is_falling_back: placement.replyTo === undefined,
          "m.in_reply_to": { event_id: replyTo },
        },
      };
    }
    if (placement.replyTo) return { ...notice, "m.relates_to": { "m.in_reply_to": { event_id: placement.replyTo } } };
    return notice;
  }

  private async attachActions(
    roomId: string,
    eventId: string,
    actions: MessageAction[] | undefined,
    threadId: string | undefined,
    idempotencyKey: string,
  ): Promise<void> {
    const withReactions = (actions ?? []).filter((action): action is MessageAction & { reaction: string } => Boolean(action.reaction));
    if (withReactions.length === 0 || eventId === "") return;
    const record: ReactionRecord = {
      ...(threadId ? { threadId } : {}),
      actions: withReactions.map((action) => ({ id: action.id, reaction: action.reaction, command: action.command })),
    };
    this.reactionCache.set(eventId, record);
    await this.state.set(stateKeys.reactions(eventId), JSON.stringify(record));
    if (!this.options.seedReactions) return;
    for (const action of withReactions) {
      const content = { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key: action.reaction } };
      try {
        await this.putEvent(roomId, "m.reaction", content, transactionId(idempotencyKey, `react.${action.id}`));
      } catch (error) {
        // A retry re-sends the same transaction ids, so only transient failures are worth the outbox's retry.
        if (error instanceof DeliveryError && !error.permanent) throw error;
        this.options.logger.warn({ err: error, eventId }, "matrix: could not add the action reaction");
      }
    }
  }
}
