// A person on a real homeserver, as a client would drive the client-server API: a sync loop that records every
// room's timeline and accepts invites, and the calls people make (create rooms, invite, write, reply in threads).

/** A timeline event as a person's client receives it. */
export interface SeenEvent {
  event_id: string;
  sender: string;
  type: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  /** When this client received it (performance.now()). */
  seenAtMs: number;
}

/** A person's client. */
export class MatrixPerson {
  /** Timeline events by room, in the order received. */
  readonly rooms = new Map<string, SeenEvent[]>();
  private since: string | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private txn = 0;
  private readonly waiters = new Set<() => void>();
  /** How often the homeserver answered this client 429. */
  rateLimited = 0;

  constructor(
    readonly baseUrl: string,
    readonly userId: string,
    private readonly token: string,
    private readonly options: { acceptInvites?: boolean } = {},
  ) {}

  /** Calls the client-server API; throws on a non-2xx answer. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    for (;;) {
      const answer = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const parsed = (await answer.json().catch(() => ({}))) as Record<string, unknown>;
      if (answer.status === 429) {
        this.rateLimited += 1;
        await new Promise((resolve) => setTimeout(resolve, Number(parsed.retry_after_ms ?? 1000)));
        continue;
      }
      if (!answer.ok) throw new Error(`${this.userId} ${method} ${path}: ${answer.status} ${JSON.stringify(parsed)}`);
      return parsed as T;
    }
  }

  /** Starts the sync loop (recording timelines, accepting invites when asked to). */
  async start(): Promise<void> {
    this.running = true;
    await this.syncOnce(0);
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.syncOnce(1000);
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    })();
  }

  /** Stops the sync loop. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async syncOnce(timeoutMs: number): Promise<void> {
    const query = new URLSearchParams({ timeout: String(timeoutMs), ...(this.since ? { since: this.since } : {}) });
    const answer = await this.call<{ next_batch: string; rooms?: { join?: Record<string, { timeline?: { events?: Omit<SeenEvent, "seenAtMs">[] } }>; invite?: Record<string, unknown> } }>(
      "GET",
      `/_matrix/client/v3/sync?${query.toString()}`,
    );
    const nowMs = performance.now();
    for (const [roomId, room] of Object.entries(answer.rooms?.join ?? {})) {
      const list = this.rooms.get(roomId) ?? [];
      for (const event of room.timeline?.events ?? []) if (!list.some((seen) => seen.event_id === event.event_id)) list.push({ ...event, seenAtMs: nowMs });
      this.rooms.set(roomId, list);
    }
    if (this.options.acceptInvites !== false) {
      for (const roomId of Object.keys(answer.rooms?.invite ?? {})) await this.call("POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {}).catch(() => undefined);
    }
    this.since = answer.next_batch;
    for (const wake of [...this.waiters]) wake();
  }

  /** Creates a room; resolves to its id. */
  async createRoom(body: Record<string, unknown>): Promise<string> {
    return (await this.call<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", body)).room_id;
  }

  /** Sends an event; resolves to its id. */
  async send(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    this.txn += 1;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/t${Date.now()}.${this.txn}`;
    return (await this.call<{ event_id: string }>("PUT", path, content)).event_id;
  }

  /** Writes a text message, in a thread when `threadRoot` is given. */
  async say(roomId: string, body: string, threadRoot?: string): Promise<string> {
    const content: Record<string, unknown> = { msgtype: "m.text", body };
    if (threadRoot) content["m.relates_to"] = { rel_type: "m.thread", event_id: threadRoot, is_falling_back: true, "m.in_reply_to": { event_id: threadRoot } };
    return this.send(roomId, "m.room.message", content);
  }

  /** Waits until `find` returns something for what this client has received, or throws after `timeoutMs`. */
  async waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined && found !== false) return found;
      const leftMs = deadline - performance.now();
      if (leftMs <= 0) throw new Error(`${this.userId}: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(leftMs, 500));
        this.waiters.add(wake);
      });
    }
  }

  /** m.room.message events a sender posted in a room (all rooms when roomId is undefined). */
  messagesFrom(sender: string, roomId?: string): (SeenEvent & { roomId: string })[] {
    const out: (SeenEvent & { roomId: string })[] = [];
    for (const [id, events] of this.rooms) {
      if (roomId !== undefined && id !== roomId) continue;
      for (const event of events) if (event.sender === sender && event.type === "m.room.message") out.push({ ...event, roomId: id });
    }
    return out;
  }
}

/** The body of an event. */
export const bodyOf = (event: { content: Record<string, unknown> }): string => String(event.content.body ?? "");
