import { randomBytes } from "node:crypto";

/** An event as the fake homeserver stores it (the client-server format). */
export interface StoredEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
  state_key?: string;
}

/** Membership of a user in a room. */
export type Membership = "join" | "invite" | "leave";

/** A room in the fake. */
export interface FakeRoom {
  id: string;
  events: StoredEvent[];
  state: Map<string, StoredEvent>;
  members: Map<string, Membership>;
  isDirect: boolean;
}

/** An item of the event stream /sync pages through. */
export type StreamItem = { pos: number; roomId: string; event: StoredEvent };

/** The largest event a homeserver accepts, in bytes of canonical JSON (spec: "Size limits"). */
export const MAX_EVENT_BYTES = 65_536;

/** Rooms, memberships and the ordered event stream of the fake homeserver. */
export class RoomModel {
  readonly rooms = new Map<string, FakeRoom>();
  readonly stream: StreamItem[] = [];
  private counter = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly serverName: string) {}

  /** The position of the newest stream item. */
  get position(): number {
    return this.stream.length;
  }

  /** Calls `listener` whenever the stream grows; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A fresh opaque id with a sigil. */
  newId(sigil: "$" | "!"): string {
    this.counter += 1;
    const random = randomBytes(9).toString("base64url");
    return sigil === "$" ? `$${this.counter}${random}` : `!${random}${this.counter}:${this.serverName}`;
  }

  /** Creates an empty room (state events follow through append). */
  newRoom(isDirect = false): FakeRoom {
    const room: FakeRoom = { id: this.newId("!"), events: [], state: new Map(), members: new Map(), isDirect };
    this.rooms.set(room.id, room);
    return room;
  }

  /** Appends an event to a room and to the stream; state events update the room's state and memberships. */
  append(roomId: string, sender: string, type: string, content: Record<string, unknown>, stateKey?: string, nowMs = Date.now()): StoredEvent {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    const event: StoredEvent = { event_id: this.newId("$"), room_id: roomId, sender, type, content, origin_server_ts: nowMs };
    if (stateKey !== undefined) event.state_key = stateKey;
    this.record(room, event);
    return event;
  }

  /** Puts an existing event on the stream again (a redelivery). */
  redeliver(eventId: string): void {
    for (const room of this.rooms.values()) {
      const event = room.events.find((candidate) => candidate.event_id === eventId);
      if (event) {
        this.stream.push({ pos: this.stream.length + 1, roomId: room.id, event });
        this.notify();
        return;
      }
    }
    throw new Error(`no event ${eventId}`);
  }

  private record(room: FakeRoom, event: StoredEvent): void {
    room.events.push(event);
    if (event.state_key !== undefined) {
      room.state.set(`${event.type}\u0000${event.state_key}`, event);
      if (event.type === "m.room.member") {
        const membership = event.content.membership;
        if (membership === "join" || membership === "invite" || membership === "leave") room.members.set(event.state_key, membership);
      }
    }
    this.stream.push({ pos: this.stream.length + 1, roomId: room.id, event });
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** A user's membership in a room. */
  membership(roomId: string, userId: string): Membership | undefined {
    return this.rooms.get(roomId)?.members.get(userId);
  }

  /** Rooms the user has joined. */
  joinedRooms(userId: string): string[] {
    return [...this.rooms.values()].filter((room) => room.members.get(userId) === "join").map((room) => room.id);
  }

  /** A state event of a room. */
  stateEvent(roomId: string, type: string, stateKey: string): StoredEvent | undefined {
    return this.rooms.get(roomId)?.state.get(`${type}\u0000${stateKey}`);
  }

  /** Builds a /sync response for `userId` from stream position `since` (undefined: initial sync). */
  syncResponse(userId: string, since: number | undefined, initialTimelineLimit = 10): { body: Record<string, unknown>; empty: boolean } {
    const join: Record<string, unknown> = {};
    const invite: Record<string, unknown> = {};
    const leave: Record<string, unknown> = {};
    let empty = true;
    if (since === undefined) {
      for (const room of this.rooms.values()) {
        const membership = room.members.get(userId);
        if (membership === "join") {
          const timeline = room.events.filter((event) => event.state_key === undefined).slice(-initialTimelineLimit);
          join[room.id] = {
            state: { events: [...room.state.values()].map(stripRoomId) },
            timeline: { events: timeline.map(stripRoomId), limited: true, prev_batch: "p0" },
            account_data: { events: [] },
            ephemeral: { events: [] },
          };
          empty = false;
        } else if (membership === "invite") {
          invite[room.id] = { invite_state: { events: this.inviteState(room, userId) } };
          empty = false;
        }
      }
    } else {
      const byRoom = new Map<string, StoredEvent[]>();
      for (const item of this.stream.slice(since)) {
        const room = this.rooms.get(item.roomId);
        if (!room) continue;
        const list = byRoom.get(room.id) ?? [];
        list.push(item.event);
        byRoom.set(room.id, list);
      }
      for (const [roomId, events] of byRoom) {
        const room = this.rooms.get(roomId) as FakeRoom;
        const membership = room.members.get(userId);
        if (membership === "join") {
          const joinedNow = events.some((event) => event.type === "m.room.member" && event.state_key === userId && event.content.membership === "join");
          const inTimeline = new Set(events.map((event) => event.event_id));
          const state = joinedNow ? [...room.state.values()].filter((event) => !inTimeline.has(event.event_id)) : [];
          join[roomId] = {
            state: { events: state.map(stripRoomId) },
            timeline: { events: events.map(stripRoomId), limited: false, prev_batch: `p${since}` },
            account_data: { events: [] },
            ephemeral: { events: [] },
          };
          empty = false;
        } else if (membership === "invite") {
          if (events.some((event) => event.type === "m.room.member" && event.state_key === userId)) {
            invite[roomId] = { invite_state: { events: this.inviteState(room, userId) } };
            empty = false;
          }
        } else if (membership === "leave") {
          const own = events.filter((event) => event.type === "m.room.member" && event.state_key === userId);
          if (own.length > 0) {
            leave[roomId] = { timeline: { events: own.map(stripRoomId), limited: false }, state: { events: [] } };
            empty = false;
          }
        }
      }
    }
    const rooms: Record<string, unknown> = {};
    if (Object.keys(join).length) rooms.join = join;
    if (Object.keys(invite).length) rooms.invite = invite;
    if (Object.keys(leave).length) rooms.leave = leave;
    return { body: { next_batch: `s${this.position}`, rooms, account_data: { events: [] }, presence: { events: [] } }, empty };
  }

  private inviteState(room: FakeRoom, userId: string): Record<string, unknown>[] {
    const stripped = (event: StoredEvent | undefined): Record<string, unknown> | undefined =>
      event ? { type: event.type, state_key: event.state_key ?? "", sender: event.sender, content: event.content } : undefined;
    return [
      stripped(this.stateEvent(room.id, "m.room.create", "")),
      stripped(this.stateEvent(room.id, "m.room.name", "")),
      stripped(this.stateEvent(room.id, "m.room.join_rules", "")),
      stripped(this.stateEvent(room.id, "m.room.encryption", "")),
      stripped(this.stateEvent(room.id, "m.room.member", userId)),
    ].filter((event): event is Record<string, unknown> => event !== undefined);
  }
}

/** Events in /sync carry no room_id (the room is the key they are listed under). */
function stripRoomId(event: StoredEvent): Omit<StoredEvent, "room_id"> & { unsigned: Record<string, unknown> } {
  const { room_id: _roomId, ...rest } = event;
  return { ...rest, unsigned: { age: 1 } };
}

/** Canonical JSON (sorted keys, no spaces), as homeservers measure event size. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Bytes of the event as a federation PDU (hashes, signatures, auth and prev events added), as Synapse checks it. */
export function pduBytes(event: Omit<StoredEvent, "event_id">, serverName: string): number {
  const pdu = {
    ...event,
    auth_events: ["$" + "a".repeat(43), "$" + "b".repeat(43), "$" + "c".repeat(43)],
    prev_events: ["$" + "d".repeat(43)],
    depth: 1000,
    hashes: { sha256: "h".repeat(43) },
    signatures: { [serverName]: { "ed25519:a_key": "s".repeat(86) } },
    unsigned: { age_ts: event.origin_server_ts },
  };
  return Buffer.byteLength(canonicalJson(pdu), "utf8");
}
