/**
 * What Liaison knows of each room it is in, kept from /sync: who is in it (joined or invited) and whether it is
 * end-to-end encrypted. The direct-room check before a private answer and the encryption check before every post read
 * this memory instead of the homeserver. A room whose whole state has not come through /sync yet (just joined or
 * created, or every room after a restart, which resumes from a saved token) is read once over HTTP; unknown is never
 * taken for "not encrypted" or for "direct".
 *
 * The sync must not lazy-load members (Liaison's sync uses no filter): a room's state counts as complete only when a
 * batch carries its m.room.create event (the initial sync, a room joined since the last batch), and from then on every
 * state change comes through the batches.
 */

import type { MatrixClient } from "matrix-bot-sdk";
import { DeliveryError } from "../../src/core/adapter.js";
import { toDeliveryError } from "./errors.js";

/** Reads a room's whole current state (GET /rooms/{roomId}/state); rejects when it cannot. */
export type RoomStateReader = (roomId: string) => Promise<unknown>;

/** The reader over a client: GET /rooms/{roomId}/state, failures as DeliveryErrors (403 when not in the room: permanent). */
export function roomStateReader(client: Pick<MatrixClient, "getRoomState">): RoomStateReader {
  return async (roomId) => {
    try {
      return await client.getRoomState(roomId);
    } catch (error) {
      throw toDeliveryError(error, `reading the state of ${roomId}`);
    }
  };
}

/** A room whose whole state Liaison has: members (joined or invited) and encryption. */
interface KnownRoom {
  /** Users whose membership is join or invite. */
  members: Set<string>;
  encrypted: boolean;
}

/** One state event as read from a batch or the state endpoint; undefined for anything else. */
interface StateEvent {
  type: string;
  stateKey: string;
  membership: string | undefined;
}

/** Longest user id or membership value kept (the spec caps user ids at 255 bytes). */
const MAX_ID_CHARS = 255;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function eventsOf(section: unknown): unknown[] {
  const events = asRecord(section)?.events;
  return Array.isArray(events) ? events : [];
}

function stateEvent(raw: unknown): StateEvent | undefined {
  const event = asRecord(raw);
  if (!event || typeof event.type !== "string" || typeof event.state_key !== "string" || event.state_key.length > MAX_ID_CHARS) return undefined;
  const membership = asRecord(event.content)?.membership;
  return { type: event.type, stateKey: event.state_key, membership: typeof membership === "string" && membership.length <= MAX_ID_CHARS ? membership : undefined };
}

function memberCount(summary: Record<string, unknown> | undefined, field: string): number | undefined {
  const value = summary?.[field];
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Rooms' members and encryption from /sync, with one HTTP read for a room not known yet. */
export class RoomStates {
  private readonly rooms = new Map<string, KnownRoom>();
  /** Rooms seen encrypted, known or not: encryption cannot be turned off in a room. */
  private readonly encryptedRooms = new Set<string>();
  /** HTTP reads in flight; `changed` when a batch touched the room meanwhile (the read may be older than the batch). */
  private readonly reads = new Map<string, { promise: Promise<KnownRoom>; changed: boolean }>();

  constructor(
    private readonly botUserId: string,
    private readonly readState: RoomStateReader,
  ) {}

  /**
   * Applies a /sync batch, before its events are handled: joined rooms' state and timeline state events in order
   * (a room whose m.room.create is in the batch starts afresh from it), and rooms left (the bot left, was kicked or
   * banned) are forgotten. Invites carry only part of a room's state and are not read.
   */
  applySync(raw: unknown): void {
    const rooms = asRecord(asRecord(raw)?.rooms);
    if (!rooms) return;
    for (const [roomId, value] of Object.entries(asRecord(rooms.join) ?? {})) {
      const room = asRecord(value);
      const events = [...eventsOf(room?.state), ...eventsOf(room?.timeline)].map(stateEvent).filter((event): event is StateEvent => event !== undefined);
      if (events.length === 0) continue;
      this.touched(roomId);
      if (events.some((event) => event.type === "m.room.create" && event.stateKey === "")) this.rooms.set(roomId, { members: new Set(), encrypted: false });
      const known = this.rooms.get(roomId);
      for (const event of events) this.apply(roomId, known, event);
      this.checkSummary(roomId, asRecord(room?.summary));
    }
    for (const roomId of Object.keys(asRecord(rooms.leave) ?? {})) {
      this.touched(roomId);
      this.rooms.delete(roomId);
    }
  }

  /** Records that a room is encrypted (an m.room.encryption event, or an encrypted message, was seen). */
  markEncrypted(roomId: string): void {
    this.encryptedRooms.add(roomId);
    const known = this.rooms.get(roomId);
    if (known) known.encrypted = true;
  }

  /** True when the room is end-to-end encrypted: from memory, or read once when the room is not known yet. */
  async isEncrypted(roomId: string): Promise<boolean> {
    if (this.encryptedRooms.has(roomId)) return true;
    const room = this.rooms.get(roomId) ?? (await this.read(roomId));
    return room.encrypted || this.encryptedRooms.has(roomId);
  }

  /** True when the room's members (joined or invited) are exactly the bot and `userId`, whatever `is_direct` says. */
  async isOnlyWith(roomId: string, userId: string): Promise<boolean> {
    const room = this.rooms.get(roomId) ?? (await this.read(roomId));
    return userId !== this.botUserId && room.members.size === 2 && room.members.has(userId) && room.members.has(this.botUserId);
  }

  /** What is known of a room without asking the homeserver; undefined when its state has not come yet. */
  known(roomId: string): { members: string[]; encrypted: boolean } | undefined {
    const room = this.rooms.get(roomId);
    return room ? { members: [...room.members].sort(), encrypted: room.encrypted || this.encryptedRooms.has(roomId) } : undefined;
  }

  private apply(roomId: string, known: KnownRoom | undefined, event: StateEvent): void {
    if (event.type === "m.room.encryption" && event.stateKey === "") this.markEncrypted(roomId);
    if (event.type !== "m.room.member" || !known) return;
    if (event.membership === "join" || event.membership === "invite") known.members.add(event.stateKey);
    else known.members.delete(event.stateKey);
  }

  /** A batch's member counts that disagree with what is kept make the room unknown again (read afresh when needed). */
  private checkSummary(roomId: string, summary: Record<string, unknown> | undefined): void {
    const known = this.rooms.get(roomId);
    const joined = memberCount(summary, "m.joined_member_count");
    const invited = memberCount(summary, "m.invited_member_count");
    if (!known || joined === undefined || invited === undefined) return;
    if (joined + invited !== known.members.size) this.rooms.delete(roomId);
  }

  private touched(roomId: string): void {
    const reading = this.reads.get(roomId);
    if (reading) reading.changed = true;
  }

  /**
   * Reads a room's whole state once (concurrent callers share the read). It is kept only when no batch touched the
   * room while it was read: otherwise it answers this call and the room stays unknown.
   */
  private read(roomId: string): Promise<KnownRoom> {
    const inFlight = this.reads.get(roomId);
    if (inFlight) return inFlight.promise;
    const entry: { promise: Promise<KnownRoom>; changed: boolean } = { promise: Promise.resolve({ members: new Set(), encrypted: false }), changed: false };
    entry.promise = this.readOnce(roomId, entry).finally(() => this.reads.delete(roomId));
    this.reads.set(roomId, entry);
    return entry.promise;
  }

  private async readOnce(roomId: string, entry: { changed: boolean }): Promise<KnownRoom> {
    const raw = await this.readState(roomId);
    const events = (Array.isArray(raw) ? raw : []).map(stateEvent).filter((event): event is StateEvent => event !== undefined);
    // A room's state always holds its m.room.create: without it the answer is not the whole state, and says nothing.
    if (!events.some((event) => event.type === "m.room.create" && event.stateKey === "")) {
      throw new DeliveryError(`reading the state of ${roomId}: the homeserver's answer is not the room's whole state`);
    }
    const room: KnownRoom = { members: new Set(), encrypted: false };
    for (const event of events) {
      if (event.type === "m.room.encryption" && event.stateKey === "") room.encrypted = true;
      else if (event.type === "m.room.member" && (event.membership === "join" || event.membership === "invite")) room.members.add(event.stateKey);
    }
    if (room.encrypted) this.encryptedRooms.add(roomId);
    const known = this.rooms.get(roomId);
    if (known) return known;
    if (!entry.changed) this.rooms.set(roomId, room);
    return room;
  }
}
