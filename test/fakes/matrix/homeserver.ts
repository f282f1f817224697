import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { MAX_EVENT_BYTES, pduBytes, RoomModel, type StoredEvent } from "./model.js";

/** One request the fake received, as the client sent it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, percent-encoded as sent. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The authenticated user, when a valid token was sent. */
  userId?: string;
  /** HTTP status answered; -1 when the connection was dropped instead. */
  status: number;
  /** The JSON body answered. */
  response?: unknown;
}

/** A canned answer the fake gives to the next matching request instead of handling it. */
interface InjectedFault {
  method?: string;
  pathIncludes: string;
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  remaining: number;
  /** Handle the request normally, then drop the connection before answering (the answer is lost). */
  loseAnswer?: boolean;
}

/** Synapse's rc_message: how fast each user may send events (a token bucket). */
export interface MessageRateLimit {
  /** Events a user may send per second once the burst is spent. */
  perSecond: number;
  /** Events a user may send at once. */
  burstCount: number;
}

/** Synapse's default rc_message (docs: usage/configuration/config_documentation, rc_message). */
export const SYNAPSE_RC_MESSAGE: MessageRateLimit = { perSecond: 0.2, burstCount: 10 };

interface Account {
  userId: string;
  password?: string;
  displayName?: string;
  accountData: Map<string, unknown>;
}

interface Session {
  userId: string;
  deviceId: string;
}

type Handler = (request: ParsedRequest) => Promise<Answer> | Answer;
interface ParsedRequest {
  method: string;
  params: string[];
  query: Record<string, string>;
  body: unknown;
  session?: Session;
  raw: IncomingMessage;
}
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Destroy the connection instead of answering. */
  drop?: boolean;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const error = (status: number, errcode: string, message: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { errcode, error: message, ...extra },
});

/**
 * A local homeserver that speaks enough of the Matrix client-server API (v3) for a bot: login, whoami, joined_rooms,
 * long-poll /sync with since/timeout, join, leave, createRoom, invite, send with transaction-id idempotency, state,
 * account data, filters. It records every request, enforces the 64 KiB event limit, and injects faults
 * (429 M_LIMIT_EXCEEDED with Retry-After, 5xx, dropped connections).
 */
export class FakeHomeserver {
  readonly model: RoomModel;
  readonly requests: RecordedRequest[] = [];
  private readonly accounts = new Map<string, Account>();
  private readonly sessions = new Map<string, Session>();
  private readonly transactions = new Map<string, string>();
  private readonly faults: InjectedFault[] = [];
  private readonly pendingSyncs = new Set<Socket>();
  private readonly syncWaiters = new Set<() => void>();
  private readonly lastSince = new Map<string, number>();
  private readonly lastServed = new Map<string, { since: number | undefined; next: number }>();
  private readonly replayNext = new Set<string>();
  private readonly rewindTo = new Map<string, number>();
  private dropSyncs = 0;
  private messageLimit: MessageRateLimit | undefined;
  private readonly messageBuckets = new Map<string, { actions: number; atMs: number }>();
  private server: Server | undefined;
  private filterCounter = 0;
  /** Base URL, e.g. http://127.0.0.1:PORT (after start). */
  baseUrl = "";

  constructor(readonly serverName = "fake.test") {
    this.model = new RoomModel(serverName);
  }

  /** Listens on 127.0.0.1 on a free port. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Closes the server and every open connection (long polls included). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.pendingSyncs) socket.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- accounts ----------------------------------------------------------------------------------------------

  /** Creates an account; resolves to an access token for it. */
  registerUser(userId: string, options: { password?: string; displayName?: string } = {}): string {
    this.accounts.set(userId, { userId, accountData: new Map(), ...options });
    return this.newSession(userId);
  }

  private newSession(userId: string): string {
    const token = `syt_${randomBytes(12).toString("base64url")}`;
    this.sessions.set(token, { userId, deviceId: `DEV${randomBytes(4).toString("hex").toUpperCase()}` });
    return token;
  }

  // ---- what people do (no HTTP; the bot is the only HTTP client) -----------------------------------------------

  /** Creates a room with `creator` joined and `members` joined too; optionally encrypted. */
  createRoom(creator: string, options: { name?: string; members?: string[]; encrypted?: boolean } = {}): string {
    const room = this.model.newRoom();
    this.initRoom(room.id, creator, { name: options.name, preset: "private_chat" });
    for (const member of options.members ?? []) this.model.append(room.id, member, "m.room.member", { membership: "join" }, member);
    if (options.encrypted) this.enableEncryption(room.id, creator);
    return room.id;
  }

  /** `inviter` invites `invitee` into a room. */
  invite(roomId: string, inviter: string, invitee: string, isDirect = false): void {
    const content: Record<string, unknown> = { membership: "invite" };
    if (isDirect) content.is_direct = true;
    this.model.append(roomId, inviter, "m.room.member", content, invitee);
  }

  /** A user joins a room. */
  join(roomId: string, userId: string): void {
    this.model.append(roomId, userId, "m.room.member", { membership: "join" }, userId);
  }

  /** Turns on end-to-end encryption in a room (m.room.encryption state). */
  enableEncryption(roomId: string, by: string): void {
    this.model.append(roomId, by, "m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" }, "");
  }

  /** A person sends an event; resolves to its event id. */
  sendAs(userId: string, roomId: string, type: string, content: Record<string, unknown>): string {
    if (this.model.membership(roomId, userId) !== "join") throw new Error(`${userId} is not in ${roomId}`);
    return this.model.append(roomId, userId, type, content).event_id;
  }

  /** A person writes an m.text message (optionally in a thread); resolves to its event id. */
  say(userId: string, roomId: string, body: string, threadRoot?: string): string {
    const content: Record<string, unknown> = { msgtype: "m.text", body };
    if (threadRoot) content["m.relates_to"] = { rel_type: "m.thread", event_id: threadRoot, is_falling_back: true, "m.in_reply_to": { event_id: threadRoot } };
    return this.sendAs(userId, roomId, "m.room.message", content);
  }

  /** Puts an existing event on the stream again (as a redelivery). */
  redeliver(eventId: string): void {
    this.model.redeliver(eventId);
  }

  // ---- fault injection ---------------------------------------------------------------------------------------

  /**
   * Limits every user's sends as Synapse's rc_message does: a token bucket of `burstCount` events refilled at
   * `perSecond`; a send beyond it answers 429 M_LIMIT_EXCEEDED with retry_after_ms (and Retry-After, in seconds).
   * Repeats of a transaction already sent are answered from the transaction, unlimited, as Synapse does.
   */
  limitMessages(limit: MessageRateLimit = SYNAPSE_RC_MESSAGE): void {
    this.messageLimit = limit;
    this.messageBuckets.clear();
  }

  /** Wait before the user may send, in milliseconds, taking a token when there is one (synapse/api/ratelimiting.py). */
  private messageWaitMs(userId: string): number {
    const limit = this.messageLimit;
    if (!limit) return 0;
    const nowMs = Date.now();
    const bucket = this.messageBuckets.get(userId) ?? { actions: 0, atMs: nowMs };
    const performed = Math.max(0, bucket.actions - ((nowMs - bucket.atMs) / 1000) * limit.perSecond);
    if (performed + 1 > limit.burstCount) {
      const allowedAtMs = nowMs + ((performed - limit.burstCount + 1) / limit.perSecond) * 1000;
      return Math.max(1, Math.ceil(allowedAtMs - nowMs));
    }
    this.messageBuckets.set(userId, { actions: performed + 1, atMs: nowMs });
    return 0;
  }

  /** The next `count` sends answer 429 M_LIMIT_EXCEEDED with Retry-After (seconds) and/or retry_after_ms. */
  rateLimitSends(retryAfterMs: number, options: { count?: number; header?: boolean; bodyField?: boolean; pathIncludes?: string } = {}): void {
    const body: Record<string, unknown> = { errcode: "M_LIMIT_EXCEEDED", error: "Too Many Requests" };
    if (options.bodyField ?? true) body.retry_after_ms = retryAfterMs;
    const headers: Record<string, string> = {};
    if (options.header ?? true) headers["Retry-After"] = String(Math.ceil(retryAfterMs / 1000));
    this.faults.push({ method: "PUT", pathIncludes: options.pathIncludes ?? "/send/", status: 429, body, headers, remaining: options.count ?? 1 });
  }

  /** The next `count` requests whose path contains `pathIncludes` fail with `status`. */
  failNext(pathIncludes: string, status: number, errcode = "M_UNKNOWN", count = 1, method?: string): void {
    this.faults.push({ method, pathIncludes, status, body: { errcode, error: `injected ${status}` }, headers: {}, remaining: count });
  }

  /** The next `count` requests whose path contains `pathIncludes` are carried out, but the answer is lost (connection dropped). */
  loseNextAnswer(pathIncludes: string, count = 1): void {
    this.faults.push({ pathIncludes, status: 0, body: {}, headers: {}, remaining: count, loseAnswer: true });
  }

  /** Destroys the connections of the long-polls waiting now, and of the next `count` /sync requests. */
  dropSyncConnections(count = 1): void {
    this.dropSyncs += count;
    for (const socket of this.pendingSyncs) socket.destroy();
    this.pendingSyncs.clear();
  }

  /** The user's next /sync from the token it last received is answered from the token before (the batch again). */
  replayLastBatch(userId: string): void {
    this.replayNext.add(userId);
  }

  /** The user's next /sync (whatever its since) is answered from stream position `position`: events after it come again. */
  rewindNextSync(userId: string, position: number): void {
    this.rewindTo.set(userId, position);
  }

  // ---- observation -------------------------------------------------------------------------------------------

  /** Events of a room (state and messages) in order. */
  roomEvents(roomId: string): StoredEvent[] {
    return this.model.rooms.get(roomId)?.events ?? [];
  }

  /** Every event `userId` sent, in every room, in order. */
  eventsBy(userId: string): StoredEvent[] {
    return this.model.stream.filter((item) => item.event.sender === userId).map((item) => item.event).filter((event, index, all) => all.indexOf(event) === index);
  }

  /** Requests of the given method whose path contains `pathIncludes`. */
  requestsTo(method: string, pathIncludes: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path.includes(pathIncludes));
  }

  /** Resolves once `userId` has synced past stream position `position` (it has received everything up to it). */
  async waitForSyncPast(userId: string, position: number, timeoutMs = 5000): Promise<void> {
    await this.waitUntil(() => (this.lastSince.get(userId) ?? -1) >= position, timeoutMs, `sync of ${userId} past ${position}`);
  }

  /** Resolves when `predicate` holds (checked on every stream append and sync), or rejects after `timeoutMs`. */
  async waitUntil(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const unsubscribe = this.model.onAppend(check);
      this.syncWaiters.add(check);
      const interval = setInterval(check, 20);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        unsubscribe();
        this.syncWaiters.delete(check);
        clearInterval(interval);
        clearTimeout(timer);
      };
    });
  }

  // ---- HTTP --------------------------------------------------------------------------------------------------

  private readonly routes: [string, RegExp, Handler][] = [
    ["GET", /^\/_matrix\/client\/versions$/, () => ok({ versions: ["v1.1", "v1.5", "v1.10", "v1.11"], unstable_features: {} })],
    ["GET", /^\/_matrix\/client\/v3\/login$/, () => ok({ flows: [{ type: "m.login.password" }] })],
    ["POST", /^\/_matrix\/client\/v3\/login$/, (request) => this.login(request)],
    ["GET", /^\/_matrix\/client\/v3\/account\/whoami$/, (request) => ok({ user_id: request.session?.userId, device_id: request.session?.deviceId, is_guest: false })],
    ["GET", /^\/_matrix\/client\/v3\/joined_rooms$/, (request) => ok({ joined_rooms: this.model.joinedRooms(this.user(request)) })],
    ["GET", /^\/_matrix\/client\/v3\/sync$/, (request) => this.sync(request)],
    ["POST", /^\/_matrix\/client\/v3\/user\/([^/]+)\/filter$/, (request) => this.createFilter(request)],
    ["GET", /^\/_matrix\/client\/v3\/user\/([^/]+)\/account_data\/([^/]+)$/, (request) => this.getAccountData(request)],
    ["PUT", /^\/_matrix\/client\/v3\/user\/([^/]+)\/account_data\/([^/]+)$/, (request) => this.putAccountData(request)],
    ["GET", /^\/_matrix\/client\/v3\/profile\/([^/]+)$/, (request) => this.profile(request)],
    ["POST", /^\/_matrix\/client\/v3\/createRoom$/, (request) => this.createRoomRequest(request)],
    ["POST", /^\/_matrix\/client\/v3\/join\/([^/]+)$/, (request) => this.joinRequest(request)],
    ["POST", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/join$/, (request) => this.joinRequest(request)],
    ["POST", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/leave$/, (request) => this.leaveRequest(request)],
    ["POST", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/invite$/, (request) => this.inviteRequest(request)],
    ["PUT", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/, (request) => this.sendRequest(request)],
    ["GET", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/state\/([^/]+)(?:\/([^/]*))?$/, (request) => this.getState(request)],
    ["PUT", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/state\/([^/]+)(?:\/([^/]*))?$/, (request) => this.putState(request)],
    ["GET", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/state$/, (request) => this.allState(request)],
    ["GET", /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/event\/([^/]+)$/, (request) => this.getEvent(request)],
  ];

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const query = Object.fromEntries(url.searchParams.entries());
    const record: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, query, body: undefined, status: 0 };
    this.requests.push(record);
    let answer: Answer;
    try {
      answer = await this.answer(req, url, query, text, record);
    } catch (caught) {
      answer = error(500, "M_UNKNOWN", `fake homeserver error: ${String(caught)}`);
    }
    record.status = answer.drop ? -1 : answer.status;
    if (!answer.drop) record.response = answer.body;
    if (answer.drop || res.destroyed) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private async answer(req: IncomingMessage, url: URL, query: Record<string, string>, text: string, record: RecordedRequest): Promise<Answer> {
    let body: unknown;
    if (text !== "") {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        return error(400, "M_NOT_JSON", "Content not JSON.");
      }
    }
    record.body = body;
    const route = this.routes.find(([method, pattern]) => method === req.method && pattern.test(url.pathname));
    if (!route) return error(404, "M_UNRECOGNIZED", "Unrecognized request");
    const params = (route[1].exec(url.pathname) ?? []).slice(1).map((param) => decodeURIComponent(param ?? ""));
    const isLogin = route[1].source.includes("login") || route[1].source.includes("versions");
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? query.access_token;
    const session = token ? this.sessions.get(token) : undefined;
    if (!isLogin) {
      if (!token) return error(401, "M_MISSING_TOKEN", "Missing access token");
      if (!session) return error(401, "M_UNKNOWN_TOKEN", "Unknown access token", { soft_logout: false });
      record.userId = session.userId;
    }
    const fault = this.faults.find((candidate) => candidate.pathIncludes !== "" && url.pathname.includes(candidate.pathIncludes) && (!candidate.method || candidate.method === req.method));
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.loseAnswer) {
        const handled = await route[2]({ method: req.method ?? "GET", params, query, body, session, raw: req });
        record.response = handled.body;
        return { ...handled, drop: true };
      }
      return { status: fault.status, body: fault.body, headers: fault.headers };
    }
    return route[2]({ method: req.method ?? "GET", params, query, body, session, raw: req });
  }

  private user(request: ParsedRequest): string {
    return request.session?.userId ?? "";
  }

  private login(request: ParsedRequest): Answer {
    const body = request.body as { type?: string; identifier?: { type?: string; user?: string }; password?: string } | undefined;
    if (body?.type !== "m.login.password" || body.identifier?.type !== "m.id.user") return error(400, "M_UNKNOWN", "Unsupported login");
    const name = body.identifier.user ?? "";
    const userId = name.startsWith("@") ? name : `@${name}:${this.serverName}`;
    const account = this.accounts.get(userId);
    if (!account || account.password === undefined || account.password !== body.password) return error(403, "M_FORBIDDEN", "Invalid username or password");
    const token = this.newSession(userId);
    const session = this.sessions.get(token) as Session;
    return ok({ user_id: userId, access_token: token, device_id: session.deviceId, home_server: this.serverName, well_known: { "m.homeserver": { base_url: this.baseUrl } } });
  }

  private async sync(request: ParsedRequest): Promise<Answer> {
    const userId = this.user(request);
    const sinceText = request.query.since;
    let since = sinceText && /^s\d+$/.test(sinceText) ? Number(sinceText.slice(1)) : undefined;
    if (sinceText !== undefined && since === undefined) return error(400, "M_INVALID_PARAM", "Invalid since token");
    const served = this.lastServed.get(userId);
    if (since !== undefined && this.replayNext.has(userId) && served && served.next === since) {
      this.replayNext.delete(userId);
      since = served.since;
    }
    const rewind = this.rewindTo.get(userId);
    if (since !== undefined && rewind !== undefined) {
      this.rewindTo.delete(userId);
      since = rewind;
    }
    if (since !== undefined) this.lastSince.set(userId, Math.max(this.lastSince.get(userId) ?? -1, since));
    for (const waiter of [...this.syncWaiters]) waiter();
    if (this.dropSyncs > 0 && since !== undefined) {
      this.dropSyncs -= 1;
      return { status: 0, body: null, drop: true };
    }
    const timeoutMs = Math.min(Number(request.query.timeout ?? 0) || 0, 60_000);
    let response = this.model.syncResponse(userId, since);
    if (response.empty && since !== undefined && timeoutMs > 0) {
      const socket = request.raw.socket;
      this.pendingSyncs.add(socket);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          unsubscribe();
          socket.off("close", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        const unsubscribe = this.model.onAppend(done);
        socket.on("close", done);
      });
      this.pendingSyncs.delete(socket);
      if (socket.destroyed) return { status: 0, body: null, drop: true };
      response = this.model.syncResponse(userId, since);
    }
    this.lastServed.set(userId, { since, next: this.model.position });
    return ok(response.body);
  }

  private createFilter(request: ParsedRequest): Answer {
    if (request.params[0] !== this.user(request)) return error(403, "M_FORBIDDEN", "Cannot create filters for other users");
    this.filterCounter += 1;
    return ok({ filter_id: String(this.filterCounter) });
  }

  private getAccountData(request: ParsedRequest): Answer {
    if (request.params[0] !== this.user(request)) return error(403, "M_FORBIDDEN", "Cannot read another user's account data");
    const value = this.accounts.get(this.user(request))?.accountData.get(request.params[1] ?? "");
    return value === undefined ? error(404, "M_NOT_FOUND", "Account data not found") : ok(value);
  }

  private putAccountData(request: ParsedRequest): Answer {
    if (request.params[0] !== this.user(request)) return error(403, "M_FORBIDDEN", "Cannot add account data for other users");
    this.accounts.get(this.user(request))?.accountData.set(request.params[1] ?? "", request.body);
    return ok({});
  }

  private profile(request: ParsedRequest): Answer {
    const account = this.accounts.get(request.params[0] ?? "");
    return account ? ok({ displayname: account.displayName ?? account.userId }) : error(404, "M_NOT_FOUND", "Profile not found");
  }

  private initRoom(roomId: string, creator: string, options: { name?: string; preset?: string; isDirect?: boolean }): void {
    this.model.append(roomId, creator, "m.room.create", { room_version: "10", creator }, "");
    this.model.append(roomId, creator, "m.room.member", { membership: "join" }, creator);
    this.model.append(roomId, creator, "m.room.power_levels", { users: { [creator]: 100 }, users_default: 0, events_default: 0, invite: 0, state_default: 50 }, "");
    this.model.append(roomId, creator, "m.room.join_rules", { join_rule: options.preset === "public_chat" ? "public" : "invite" }, "");
    if (options.name) this.model.append(roomId, creator, "m.room.name", { name: options.name }, "");
  }

  private createRoomRequest(request: ParsedRequest): Answer {
    const userId = this.user(request);
    const body = (request.body ?? {}) as { name?: unknown; invite?: unknown; is_direct?: unknown; preset?: unknown; initial_state?: unknown };
    if (body.invite !== undefined && (!Array.isArray(body.invite) || body.invite.some((entry) => typeof entry !== "string" || !entry.startsWith("@")))) {
      return error(400, "M_INVALID_PARAM", "invite must be a list of user ids");
    }
    const room = this.model.newRoom(body.is_direct === true);
    this.initRoom(room.id, userId, { name: typeof body.name === "string" ? body.name : undefined, preset: typeof body.preset === "string" ? body.preset : undefined });
    for (const state of Array.isArray(body.initial_state) ? (body.initial_state as { type: string; state_key?: string; content: Record<string, unknown> }[]) : []) {
      this.model.append(room.id, userId, state.type, state.content, state.state_key ?? "");
    }
    for (const invitee of (body.invite as string[] | undefined) ?? []) this.invite(room.id, userId, invitee, body.is_direct === true);
    return ok({ room_id: room.id });
  }

  private joinRequest(request: ParsedRequest): Answer {
    const userId = this.user(request);
    const roomId = request.params[0] ?? "";
    const room = this.model.rooms.get(roomId);
    if (!room) return error(404, "M_NOT_FOUND", "No known servers");
    const membership = room.members.get(userId);
    const joinRule = this.model.stateEvent(roomId, "m.room.join_rules", "")?.content.join_rule;
    if (membership !== "join" && membership !== "invite" && joinRule !== "public") return error(403, "M_FORBIDDEN", "You are not invited to this room.");
    if (membership !== "join") this.join(roomId, userId);
    return ok({ room_id: roomId });
  }

  private leaveRequest(request: ParsedRequest): Answer {
    const userId = this.user(request);
    const roomId = request.params[0] ?? "";
    if (!this.model.rooms.has(roomId)) return error(404, "M_NOT_FOUND", "Unknown room");
    const content: Record<string, unknown> = { membership: "leave" };
    const reason = (request.body as { reason?: unknown } | undefined)?.reason;
    if (typeof reason === "string") content.reason = reason;
    this.model.append(roomId, userId, "m.room.member", content, userId);
    return ok({});
  }

  private inviteRequest(request: ParsedRequest): Answer {
    const userId = this.user(request);
    const roomId = request.params[0] ?? "";
    const invitee = (request.body as { user_id?: unknown } | undefined)?.user_id;
    if (typeof invitee !== "string" || !invitee.startsWith("@")) return error(400, "M_MISSING_PARAM", "user_id required");
    if (this.model.membership(roomId, userId) !== "join") return error(403, "M_FORBIDDEN", "You are not in this room.");
    this.invite(roomId, userId, invitee);
    return ok({});
  }

  private sendRequest(request: ParsedRequest): Answer {
    const session = request.session as Session;
    const [roomId = "", eventType = "", txnId = ""] = request.params;
    const txnKey = `${session.deviceId}\u0000${roomId}\u0000${eventType}\u0000${txnId}`;
    const known = this.transactions.get(txnKey);
    if (known) return ok({ event_id: known });
    if (!this.model.rooms.has(roomId)) return error(404, "M_NOT_FOUND", "Unknown room");
    if (this.model.membership(roomId, session.userId) !== "join") return error(403, "M_FORBIDDEN", `User ${session.userId} not in room ${roomId}`);
    const content = request.body;
    if (typeof content !== "object" || content === null || Array.isArray(content)) return error(400, "M_BAD_JSON", "Content must be a JSON object");
    const waitMs = this.messageWaitMs(session.userId);
    if (waitMs > 0) {
      return { ...error(429, "M_LIMIT_EXCEEDED", "Too Many Requests", { retry_after_ms: waitMs }), headers: { "Retry-After": String(Math.ceil(waitMs / 1000)) } };
    }
    const tooBig = this.checkSize(roomId, session.userId, eventType, content as Record<string, unknown>);
    if (tooBig) return tooBig;
    const event = this.model.append(roomId, session.userId, eventType, content as Record<string, unknown>);
    this.transactions.set(txnKey, event.event_id);
    return ok({ event_id: event.event_id });
  }

  private checkSize(roomId: string, sender: string, type: string, content: Record<string, unknown>, stateKey?: string): Answer | undefined {
    const bytes = pduBytes({ room_id: roomId, sender, type, content, origin_server_ts: Date.now(), ...(stateKey === undefined ? {} : { state_key: stateKey }) }, this.serverName);
    return bytes > MAX_EVENT_BYTES ? error(413, "M_TOO_LARGE", `event too large: ${bytes} > ${MAX_EVENT_BYTES} bytes`) : undefined;
  }

  private getEvent(request: ParsedRequest): Answer {
    const [roomId = "", eventId = ""] = request.params;
    if (this.model.membership(roomId, this.user(request)) !== "join") return error(403, "M_FORBIDDEN", "You aren't a member of the room");
    const event = this.model.rooms.get(roomId)?.events.find((candidate) => candidate.event_id === eventId);
    return event ? ok({ event_id: event.event_id, room_id: roomId, sender: event.sender, type: event.type, content: event.content, origin_server_ts: event.origin_server_ts }) : error(404, "M_NOT_FOUND", "Event not found.");
  }

  private getState(request: ParsedRequest): Answer {
    const [roomId = "", type = "", stateKey = ""] = request.params;
    const membership = this.model.membership(roomId, this.user(request));
    if (membership !== "join") return error(403, "M_FORBIDDEN", "You aren't a member of the room");
    const event = this.model.stateEvent(roomId, type, stateKey);
    return event ? ok(event.content) : error(404, "M_NOT_FOUND", "Event not found.");
  }

  private putState(request: ParsedRequest): Answer {
    const [roomId = "", type = "", stateKey = ""] = request.params;
    const userId = this.user(request);
    if (this.model.membership(roomId, userId) !== "join") return error(403, "M_FORBIDDEN", "You aren't a member of the room");
    const content = request.body as Record<string, unknown>;
    const tooBig = this.checkSize(roomId, userId, type, content, stateKey);
    if (tooBig) return tooBig;
    return ok({ event_id: this.model.append(roomId, userId, type, content, stateKey).event_id });
  }

  private allState(request: ParsedRequest): Answer {
    const roomId = request.params[0] ?? "";
    if (this.model.membership(roomId, this.user(request)) !== "join") return error(403, "M_FORBIDDEN", "You aren't a member of the room");
    return ok([...(this.model.rooms.get(roomId)?.state.values() ?? [])]);
  }
}
