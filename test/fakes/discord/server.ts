import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../../src/core/clock.js";
import type { Dispatch } from "./gateway.js";
import { FakeGateway } from "./gateway.js";
import { checkCommands, checkMessageBody, checkModal, FormErrors, isEmptyMessage } from "./limits.js";
import type { FakeChannel, FakeMessage, FakeUser } from "./payloads.js";
import { channelJson, guildCreateJson, interactionBaseJson, messageJson, snowflake, userJson } from "./payloads.js";
import { handleInteractionRoute } from "./interaction-routes.js";
import { FakeRateLimits } from "./ratelimits.js";

export type { FakeChannel, FakeMessage, FakeUser } from "./payloads.js";

/** One HTTP request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path below /api/v10, e.g. "/channels/123/messages". */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
  status: number;
  atMs: number;
}

/** An interaction the fake sent, and how it was answered. */
export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  user: FakeUser;
  channel: FakeChannel;
  createdAtMs: number;
  /** The first response's type, once answered. */
  responseType?: number;
  respondedAtMs?: number;
  /** performance.now() when dispatched and when first answered (for latency measurements). */
  createdAtHr: number;
  respondedAtHr?: number;
  /** Every callback POST received for it (including refused ones). */
  callbacks: number;
  originalMessageId?: string;
  /** Type 5 with the ephemeral flag. */
  ephemeralDefer?: boolean;
  /** The message a button was on. */
  sourceMessageId?: string;
  /** The modal shown (type 9 data). */
  modal?: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** A rule that makes matching requests fail. */
interface Fault {
  method?: string;
  path?: RegExp;
  kind: "429" | "5xx" | "drop";
  retryAfterMs?: number;
  global?: boolean;
  scope?: "user" | "shared";
  status?: number;
}

/** Options of the fake. */
export interface FakeDiscordOptions {
  token?: string;
  /** Requests per bucket per window (channel messages are per channel). */
  bucketLimit?: number;
  bucketWindowMs?: number;
}

/** An error a route answers with. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

/** Ids of the fake's standing cast. */
export const IDS = {
  application: "1100000000000000001",
  bot: "1100000000000000002",
  guild: "1100000000000000003",
  channel: "1100000000000000004",
  otherChannel: "1100000000000000005",
  ann: "1100000000000000011",
  bob: "1100000000000000012",
  otherBot: "1100000000000000013",
} as const;

/**
 * A local Discord: REST under /api/v10 and a gateway under /gateway, with a request log, event injection, fault
 * injection, Discord's limits, the 3-second and answer-once interaction rules and 15-minute tokens.
 */
export class FakeDiscord {
  /** What a person sees of a message: its content, its embeds' title, description, fields and footer, button labels. */
  static visibleText(message: FakeMessage): string {
    const parts: string[] = [message.content];
    for (const raw of message.embeds) {
      const embed = raw as { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };
      parts.push(embed.title ?? "", embed.description ?? "");
      for (const field of embed.fields ?? []) parts.push(field.name, field.value);
      parts.push(embed.footer?.text ?? "");
    }
    for (const row of message.components as { components?: { label?: string }[] }[]) {
      for (const component of row.components ?? []) parts.push(component.label ?? "");
    }
    return parts.filter((part) => part !== "").join("\n");
  }

  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages: FakeMessage[] = [];
  readonly interactions = new Map<string, FakeInteraction>();
  readonly commands = new Map<string, Record<string, unknown>[]>();
  readonly guilds = [{ id: IDS.guild, name: "NGO Hotline" }];
  readonly gateway: FakeGateway;
  /** The fake's time: real time plus whatever tests advance it by. Share it with the adapter as its clock. */
  readonly clock: Clock = { now: () => new Date(this.nowMs()) };
  /** Changes every MESSAGE_CREATE payload before it is sent (to send what Discord may send, e.g. guild_id: null). */
  onMessageDispatch: ((payload: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** Called after every answered request (benchmarks wait on it instead of polling). */
  onAnswered: ((request: RecordedRequest) => void) | undefined;
  /** The last dispatch of an inbound event (for redelivery). */
  lastInbound: { t: string; d: unknown } | undefined;
  private offsetMs = 0;
  private readonly faults: Fault[] = [];
  private readonly limits: FakeRateLimits;
  private readonly server = createServer((request, response) => void this.onRequest(request, response));
  private port = 0;

  constructor(private readonly options: FakeDiscordOptions = {}) {
    this.token = options.token ?? "fake-bot-token";
    this.limits = new FakeRateLimits(() => this.nowMs(), options.bucketLimit ?? 50, options.bucketWindowMs ?? 1000);
    for (const user of [
      { id: IDS.bot, username: "Liaison", bot: true },
      { id: IDS.ann, username: "ann" },
      { id: IDS.bob, username: "bob" },
      { id: IDS.otherBot, username: "otherbot", bot: true },
    ]) {
      this.users.set(user.id, user);
    }
    this.channels.set(IDS.channel, { id: IDS.channel, type: 0, name: "cases", guildId: IDS.guild });
    this.channels.set(IDS.otherChannel, { id: IDS.otherChannel, type: 0, name: "general", guildId: IDS.guild });
    this.gateway = new FakeGateway(
      {
        token: this.token,
        ready: (sessionId, resumeUrl) => ({
          v: 10,
          user: { ...userJson(this.bot), verified: true, mfa_enabled: false, flags: 0 },
          guilds: this.guilds.map((guild) => ({ id: guild.id, unavailable: true })),
          session_id: sessionId,
          session_type: "normal",
          resume_gateway_url: resumeUrl,
          shard: [0, 1],
          application: { id: IDS.application, flags: 0 },
          private_channels: [],
          relationships: [],
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          user_settings: {},
          auth: {},
        }),
        guildCreates: () => this.guilds.map((guild) => guildCreateJson(guild, [...this.channels.values()], IDS.ann, this.nowMs())),
      },
      () => this.gatewayUrl,
    );
    this.server.on("connection", (socket) => socket.setNoDelay(true));
    this.server.on("upgrade", (request, socket, head) => {
      if ((request.url ?? "").startsWith("/gateway")) this.gateway.upgrade(request, socket, head);
      else socket.destroy();
    });
  }

  /** The bot user. */
  get bot(): FakeUser {
    return this.user(IDS.bot);
  }

  /** The REST base to give discord.js (`rest.api`). */
  get apiBaseUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The gateway URL (returned by /gateway/bot and as resume_gateway_url). */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** Starts listening on 127.0.0.1 on a free port. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops the server and closes every socket. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Current fake time in Unix milliseconds. */
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the fake's time forward (interaction tokens age, buckets reset). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** A known user. */
  user(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake discord: no user ${id}`);
    return user;
  }

  /** The next request matching `method`/`path` gets a 429 with Discord's headers and body. */
  rateLimitNext(options: { method?: string; path?: RegExp; retryAfterMs: number; global?: boolean; scope?: "user" | "shared" }): void {
    this.faults.push({ ...options, kind: "429" });
  }

  /** The next matching request gets a 5xx. */
  failNext(options: { method?: string; path?: RegExp; status?: number }): void {
    this.faults.push({ ...options, kind: "5xx" });
  }

  /** The next matching request's connection is destroyed without an answer. */
  dropNext(options: { method?: string; path?: RegExp }): void {
    this.faults.push({ ...options, kind: "drop" });
  }

  /** Messages in a channel (not deleted), in order. */
  messagesIn(channelId: string): FakeMessage[] {
    return this.messages.filter((message) => message.channelId === channelId && !message.deleted);
  }

  /** A message by id. */
  message(id: string): FakeMessage | undefined {
    return this.messages.find((message) => message.id === id && !message.deleted);
  }

  /** Opens (or finds) the DM channel between the bot and a user, as if the bot had asked for it. */
  openDmFor(userId: string): FakeChannel {
    this.openDm(userId);
    const channel = this.dmChannelOf(userId);
    if (!channel) throw new Error(`fake discord: no DM channel with ${userId}`);
    return channel;
  }

  /** The DM channel between the bot and a user, if one was opened. */
  dmChannelOf(userId: string): FakeChannel | undefined {
    return [...this.channels.values()].find((channel) => channel.type === 1 && channel.recipientId === userId);
  }

  /** Dispatches an inbound event (and remembers it for redelivery). */
  dispatchInbound(t: string, d: unknown): Dispatch | undefined {
    this.lastInbound = { t, d };
    return this.gateway.dispatch(t, d);
  }

  /** Delivers the last inbound event again, unchanged. */
  redeliverLast(): void {
    if (this.lastInbound) this.gateway.dispatch(this.lastInbound.t, this.lastInbound.d);
  }

  /** A person uses a slash command. */
  slashCommand(userId: string, channelId: string, name: string, options: unknown[] = []): FakeInteraction {
    return this.interaction(2, userId, channelId, { id: snowflake(this.nowMs()), name, type: 1, options, guild_id: this.channel(channelId).guildId });
  }

  /** A person presses a button on a message. */
  pressButton(userId: string, messageId: string, customId: string): FakeInteraction {
    const message = this.message(messageId);
    if (!message) throw new Error(`fake discord: no message ${messageId}`);
    const interaction = this.interaction(3, userId, message.channelId, { custom_id: customId, component_type: 2 }, (payload) => {
      payload.message = messageJson(message, undefined, this.nowMs());
    });
    interaction.sourceMessageId = messageId;
    return interaction;
  }

  /** A person submits the modal shown in answer to `shownBy`, with values by input custom_id. */
  submitModal(userId: string, shownBy: FakeInteraction, values: Record<string, string>): FakeInteraction {
    const modal = shownBy.modal;
    if (!modal) throw new Error("fake discord: no modal was shown");
    const components = (modal.components as Record<string, unknown>[]).map((label, index) => {
      const inner = label.component as Record<string, unknown>;
      const customId = String(inner.custom_id);
      const value = values[customId] ?? "";
      const submitted = inner.type === 3 ? { type: 3, id: index * 2 + 2, custom_id: customId, values: value ? [value] : [] } : { type: 4, id: index * 2 + 2, custom_id: customId, value };
      return { type: 18, id: index * 2 + 1, component: submitted };
    });
    return this.interaction(5, userId, shownBy.channel.id, { custom_id: modal.custom_id, components });
  }

  /** A person (or another bot, or a webhook) writes a message in a channel or thread. */
  userMessage(userId: string, channelId: string, content: string, options: { webhookId?: string } = {}): FakeMessage {
    const channel = this.channel(channelId);
    const message: FakeMessage = {
      id: snowflake(this.nowMs()),
      channelId,
      author: this.user(userId),
      content,
      embeds: [],
      components: [],
      flags: 0,
      createdAtMs: this.nowMs(),
    };
    if (channel.guildId) message.guildId = channel.guildId;
    if (options.webhookId) message.webhookId = options.webhookId;
    this.messages.push(message);
    this.dispatchInbound("MESSAGE_CREATE", this.messageDispatch(message));
    return message;
  }

  /** Creates and dispatches an interaction. */
  private interaction(type: number, userId: string, channelId: string, data: Record<string, unknown>, extra?: (payload: Record<string, unknown>) => void): FakeInteraction {
    const user = this.user(userId);
    const channel = this.channel(channelId);
    const id = snowflake(this.nowMs());
    const token = `aW50ZXJhY3Rpb246${id}.${randomBytes(24).toString("base64url")}`;
    const payload = { ...interactionBaseJson({ id, applicationId: IDS.application, token, type, user, channel }), data };
    extra?.(payload);
    const interaction: FakeInteraction = { id, token, type, user, channel, createdAtMs: this.nowMs(), createdAtHr: performance.now(), callbacks: 0, payload };
    this.interactions.set(id, interaction);
    this.dispatchInbound("INTERACTION_CREATE", payload);
    return interaction;
  }

  /** A MESSAGE_CREATE payload, with content blanked when the bot lacks the MessageContent intent (as Discord does). */
  messageDispatch(message: FakeMessage): Record<string, unknown> {
    const json = messageJson(message, undefined, this.nowMs());
    const mayRead = (this.gateway.intents & (1 << 15)) !== 0 || message.author.id === IDS.bot || message.guildId === undefined;
    if (!mayRead) json.content = "";
    if (message.guildId) json.member = { roles: [], joined_at: "2024-01-01T00:00:00.000Z", deaf: false, mute: false, flags: 0 };
    return this.onMessageDispatch ? this.onMessageDispatch(json) : json;
  }

  /** A known channel, or Discord's Unknown Channel. */
  channel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new RouteError(404, { message: "Unknown Channel", code: 10003 });
    return channel;
  }

  /** Stores a new bot message in a channel (shared by channel posts, interaction replies and follow-ups). */
  createMessage(channelId: string, body: Record<string, unknown>, extra: Partial<FakeMessage> = {}): FakeMessage {
    const channel = this.channel(channelId);
    const message: FakeMessage = {
      id: snowflake(this.nowMs()),
      channelId,
      author: this.bot,
      content: typeof body.content === "string" ? body.content : "",
      embeds: Array.isArray(body.embeds) ? body.embeds : [],
      components: Array.isArray(body.components) ? body.components : [],
      flags: typeof body.flags === "number" ? body.flags : 0,
      createdAtMs: this.nowMs(),
      ...extra,
    };
    if (channel.guildId) message.guildId = channel.guildId;
    if (typeof body.nonce === "string") message.nonce = body.nonce;
    this.messages.push(message);
    if (message.ephemeralTo === undefined) this.gateway.dispatch("MESSAGE_CREATE", this.messageDispatch(message));
    return message;
  }

  /**
   * GET /channels/{id}/messages: `after` gives the oldest `limit` (1–100, default 50) messages after that id, `before`
   * or nothing the newest; as Discord does, the array is newest first.
   */
  history(channelId: string, query: URLSearchParams): Record<string, unknown>[] {
    this.channel(channelId);
    const limit = Number(query.get("limit") ?? "50");
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new RouteError(400, { message: "Invalid Form Body", code: 50035 });
    const byId = (a: FakeMessage, b: FakeMessage) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);
    const visible = this.messagesIn(channelId).filter((message) => message.ephemeralTo === undefined && message.interactionId === undefined).sort(byId);
    const after = query.get("after");
    const before = query.get("before");
    let page: FakeMessage[];
    if (after !== null) page = visible.filter((message) => BigInt(message.id) > BigInt(after)).slice(0, limit);
    else page = visible.filter((message) => before === null || BigInt(message.id) < BigInt(before)).slice(-limit);
    return page.reverse().map((message) => this.messageJson(message));
  }

  /** JSON of a message, with its thread. */
  messageJson(message: FakeMessage): Record<string, unknown> {
    const thread = message.threadId ? this.channels.get(message.threadId) : undefined;
    return messageJson(message, thread, this.nowMs());
  }

  /** Throws Discord's 50035 when `check` finds problems. */
  validate(check: (errors: FormErrors) => void): void {
    const errors = new FormErrors();
    check(errors);
    if (!errors.empty) throw new RouteError(400, errors.body());
  }

  /** Checks a message body's limits and that it is not empty. */
  validateMessage(body: unknown): void {
    this.validate((errors) => checkMessageBody(body, errors));
    if (isEmptyMessage(body)) throw new RouteError(400, { message: "Cannot send an empty message", code: 50006 });
  }

  /** Handles one HTTP request: faults, rate limits, routing, recording. */
  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text === "" ? undefined : (JSON.parse(text) as unknown);
    } catch {
      body = text;
    }
    const method = request.method ?? "GET";
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ""));
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      body,
      status: 0,
      atMs: this.nowMs(),
    };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      const json = payload === undefined ? "" : JSON.stringify(payload);
      response.writeHead(status, { ...headers, ...(json ? { "content-type": "application/json" } : {}) });
      response.end(json);
      this.onAnswered?.(record);
    };
    const fault = this.takeFault(method, path);
    if (fault?.kind === "drop") {
      record.status = -1;
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "5xx") {
      send(fault.status ?? 502, { message: "Bad Gateway", code: 0 });
      return;
    }
    const isInteraction = path.startsWith("/interactions/") || path.startsWith("/webhooks/");
    if (!isInteraction && record.authorization !== `Bot ${this.token}`) {
      send(401, { message: "401: Unauthorized", code: 0 });
      return;
    }
    const limited = this.limits.check(method, path, fault?.kind === "429" ? fault : undefined);
    if (limited) {
      send(429, limited.body, limited.headers);
      return;
    }
    const headers = isInteraction && path.endsWith("/callback") ? {} : this.limits.headers(method, path);
    try {
      const [status, payload] = this.route(method, path, body, url.searchParams);
      send(status, payload, headers);
    } catch (error) {
      if (error instanceof RouteError) send(error.status, error.body, headers);
      else send(500, { message: String(error), code: 0 });
    }
  }

  /** Removes and returns the first fault matching a request. */
  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex((fault) => (!fault.method || fault.method === method) && (!fault.path || fault.path.test(path)));
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  /** Routes a request; returns [status, body] or throws RouteError. */
  private route(method: string, path: string, body: unknown, query: URLSearchParams): [number, unknown] {
    const input = (body ?? {}) as Record<string, unknown>;
    let match: RegExpExecArray | null;
    if (method === "GET" && path === "/gateway/bot") {
      return [200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } }];
    }
    const interactionAnswer = handleInteractionRoute(this, method, path, body);
    if (interactionAnswer) return interactionAnswer;
    if ((match = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === "POST") return [200, this.postMessage(match[1] ?? "", input)];
    if ((match = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === "GET") return [200, this.history(match[1] ?? "", query)];
    if ((match = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path)) && method === "POST") {
      return [201, this.startThread(match[1] ?? "", match[2] ?? "", input)];
    }
    if ((match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === "GET") {
      const message = this.message(match[2] ?? "");
      if (!message || message.channelId !== match[1]) throw new RouteError(404, { message: "Unknown Message", code: 10008 });
      return [200, this.messageJson(message)];
    }
    if ((match = /^\/channels\/(\d+)$/.exec(path)) && method === "GET") return [200, channelJson(this.channel(match[1] ?? ""), this.nowMs())];
    if (path === "/users/@me/channels" && method === "POST") return [200, this.openDm(String(input.recipient_id ?? ""))];
    if ((match = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      if (match[1] !== IDS.application) throw new RouteError(403, { message: "Missing Access", code: 50001 });
      const scope = match[2] ?? "global";
      if (method === "GET") return [200, this.commands.get(scope) ?? []];
      if (method === "PUT") return [200, this.overwriteCommands(scope, body)];
    }
    throw new RouteError(404, { message: "404: Not Found", code: 0 });
  }

  /** POST /channels/{id}/messages: permissions, limits, nonce de-duplication. */
  private postMessage(channelId: string, body: Record<string, unknown>): Record<string, unknown> {
    const channel = this.channel(channelId);
    if (channel.forbidden) throw new RouteError(403, { message: "Missing Access", code: 50001 });
    if (channel.type === 1 && channel.recipientId && this.users.get(channel.recipientId)?.dmsClosed) {
      throw new RouteError(403, { message: "Cannot send messages to this user", code: 50007 });
    }
    this.validateMessage(body);
    if (body.enforce_nonce === true && typeof body.nonce === "string") {
      const earlier = this.messagesIn(channelId).find((message) => message.author.id === IDS.bot && message.nonce === body.nonce);
      if (earlier) return this.messageJson(earlier);
    }
    return this.messageJson(this.createMessage(channelId, body));
  }

  /** POST /channels/{id}/messages/{id}/threads: a public thread whose id is the message's id. */
  private startThread(channelId: string, messageId: string, body: Record<string, unknown>): Record<string, unknown> {
    const parent = this.channel(channelId);
    this.validate((errors) => {
      if (typeof body.name !== "string" || body.name.length < 1 || body.name.length > 100) {
        errors.add(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
      }
    });
    const message = this.message(messageId);
    if (!message || message.channelId !== channelId) throw new RouteError(404, { message: "Unknown Message", code: 10008 });
    if (message.threadId) throw new RouteError(400, { message: "A thread has already been created for this message", code: 160004 });
    const thread: FakeChannel = { id: message.id, type: 11, name: String(body.name), parentId: channelId };
    if (parent.guildId) thread.guildId = parent.guildId;
    this.channels.set(thread.id, thread);
    message.threadId = thread.id;
    const json = channelJson(thread, this.nowMs());
    this.gateway.dispatch("THREAD_CREATE", { ...json, newly_created: true });
    return json;
  }

  /** POST /users/@me/channels: the DM channel with a user. */
  private openDm(recipientId: string): Record<string, unknown> {
    if (!this.users.has(recipientId)) throw new RouteError(400, { message: "Unknown User", code: 10013 });
    let channel = this.dmChannelOf(recipientId);
    if (!channel) {
      channel = { id: snowflake(this.nowMs()), type: 1, name: "", recipientId };
      this.channels.set(channel.id, channel);
    }
    return channelJson(channel, this.nowMs());
  }

  /** PUT commands: Discord's checks, then the stored set with ids. */
  private overwriteCommands(scope: string, body: unknown): Record<string, unknown>[] {
    this.validate((errors) => checkCommands(body, errors));
    const stored = (body as Record<string, unknown>[]).map((command) => ({
      ...command,
      id: snowflake(this.nowMs()),
      application_id: IDS.application,
      version: snowflake(this.nowMs()),
      default_member_permissions: null,
      nsfw: false,
      ...(scope === "global" ? {} : { guild_id: scope }),
    }));
    this.commands.set(scope, stored);
    return stored;
  }

  /** Checks modal data (used by the interaction routes). */
  validateModal(data: unknown): void {
    this.validate((errors) => checkModal(data, errors));
  }
}
