/**
 * A local server that behaves like Slack on the wire for Liaison's adapter tests: the Web API methods Liaison
 * calls, response_url, Socket Mode, and the requests Slack sends to apps (signed slash commands, interactivity,
 * Events API callbacks with retries). It records every call, enforces Block Kit limits and injects faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { validateMessage, validateModal } from "./blockkit.js";
import { findButton, parseParams, problemBody, blockTexts, type Delivery, type FakeMessage, type FakeUser, type FakeWorkspace, type Fault, type Json, type RecordedCall, type ResponseUrl, type SigningOverride } from "./model.js";
import { FakeSocketMode } from "./socket.js";
import { eventCallback, FAKE_APP_ID, messageEvent, payloadUser, slackSignature, slashCommandFields } from "./payloads.js";

export type { Delivery, FakeChannel, FakeMessage, FakeUser, FakeWorkspace, Fault, RecordedCall, SigningOverride } from "./model.js";
export { blockTexts } from "./model.js";

const RESPONSE_URL_MAX_USES = 5;
const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
const TRIGGER_LIFETIME_MS = 3000;

/** The fake Slack. */
export class FakeSlack {
  readonly workspaces = new Map<string, FakeWorkspace>();
  readonly calls: RecordedCall[] = [];
  readonly deliveries: Delivery[] = [];
  readonly messages: FakeMessage[] = [];
  readonly openedViews: { id: string; triggerId: string; team: string; user: string; view: Json }[] = [];
  /** Where HTTP deliveries go (the app's events URL). */
  appUrl = "";
  /** How deliveries reach the app. */
  transport: "http" | "socket" = "http";
  /** Post an Events API message event for each message the bot posts, as Slack does for subscribed channels. */
  echoBotMessages = true;
  readonly signingSecret: string;
  readonly appToken = "xapp-1-FAKE-APP-TOKEN";
  readonly clientId = "1111.2222";
  readonly clientSecret = "fake-client-secret";
  private readonly faults = new Map<string, { fault: Fault; skip: number }[]>();
  private readonly responseUrls = new Map<string, ResponseUrl>();
  private readonly triggers = new Map<string, { issuedMs: number; used: boolean }>();
  private readonly oauthCodes = new Map<string, string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sockets = new Set<Socket>();
  private readonly socketMode = new FakeSocketMode();
  private counter = 0;
  private tsSeconds = 1_760_000_000;

  private constructor(
    private readonly server: Server,
    signingSecret: string,
  ) {
    this.signingSecret = signingSecret;
  }

  /** Starts a fake Slack on 127.0.0.1 and a free port. */
  static async start(options: { signingSecret?: string } = {}): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => void fake?.route(req, res));
    fake = new FakeSlack(server, options.signingSecret ?? "fake-signing-secret");
    const self = fake;
    server.on("connection", (socket) => {
      self.sockets.add(socket);
      socket.on("close", () => self.sockets.delete(socket));
    });
    server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/socket")) return socket.destroy();
      self.socketMode.upgrade(req, socket, head);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** Base URL of the fake. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Web API base URL for clientOptions.slackApiUrl. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** Adds a workspace with its bot installation, people and channels (the bot is a member of every channel). */
  addWorkspace(input: { teamId: string; users: FakeUser[]; channels: { id: string; name: string; isPrivate?: boolean; botIsMember?: boolean }[] }): FakeWorkspace {
    const suffix = input.teamId.slice(1);
    const workspace: FakeWorkspace = {
      teamId: input.teamId,
      teamName: `Team ${suffix}`,
      domain: `team-${suffix.toLowerCase()}`,
      botToken: `xoxb-${input.teamId}-fake`,
      botUserId: `U0BOT${suffix}`,
      botId: `B0BOT${suffix}`,
      users: new Map(input.users.map((user) => [user.id, user])),
      channels: new Map(),
      dms: new Map(),
    };
    for (const channel of input.channels) {
      const members = new Set(input.users.map((user) => user.id));
      if (channel.botIsMember !== false) members.add(workspace.botUserId);
      workspace.channels.set(channel.id, { id: channel.id, name: channel.name, isPrivate: channel.isPrivate ?? false, members });
    }
    this.workspaces.set(input.teamId, workspace);
    return workspace;
  }

  /** `count` calls of `method` ("*" for any method) meet `fault`, after `afterCalls` calls that go through. */
  failNext(method: string, fault: Fault, count = 1, afterCalls = 0): void {
    const list = this.faults.get(method) ?? [];
    for (let index = 0; index < count; index += 1) list.push({ fault, skip: index === 0 ? afterCalls : 0 });
    this.faults.set(method, list);
  }

  /** Recorded calls of one Web API method. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Waits until every delivery the fake started on its own (echoes of bot messages) is done. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops the server and closes every connection. */
  async close(): Promise<void> {
    this.socketMode.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- what people do in Slack -------------------------------------------------------------------------------

  /** A person runs a slash command; resolves with the delivery (ack status and latency). */
  async slashCommand(input: { team: string; user: string; channel: string; command: string; text: string; signing?: SigningOverride }): Promise<Delivery> {
    return this.deliver("command", this.slashCommandPayload(input), 0, input.signing);
  }

  /** The form fields of a slash command (with a fresh response_url and trigger_id), without sending it. */
  slashCommandPayload(input: { team: string; user: string; channel: string; command: string; text: string }): Record<string, string> {
    const workspace = this.workspace(input.team);
    const user = this.user(workspace, input.user);
    const channel = workspace.channels.get(input.channel);
    const responseUrl = this.newResponseUrl({ team: workspace.teamId, channel: input.channel, user: user.id });
    return slashCommandFields({
      teamId: workspace.teamId,
      teamDomain: workspace.domain,
      channelId: input.channel,
      channelName: channel?.name ?? "directmessage",
      userId: user.id,
      userName: user.name,
      command: input.command,
      text: input.text,
      responseUrl,
      triggerId: this.newTrigger(workspace.teamId),
    });
  }

  /** The body and headers Slack would POST for a payload (signed now, or as `signing` says). */
  signedRequest(kind: Delivery["kind"], payload: Json, signing?: SigningOverride): { body: string; headers: Record<string, string> } {
    const body = kind === "event" ? JSON.stringify(payload) : new URLSearchParams(payload as Record<string, string>).toString();
    const timestampSec = signing?.timestampSec ?? Math.floor(Date.now() / 1000);
    return {
      body,
      headers: {
        "content-type": kind === "event" ? "application/json" : "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(timestampSec),
        "x-slack-signature": slackSignature(signing?.secret ?? this.signingSecret, timestampSec, body),
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      },
    };
  }

  /** A person writes in a thread (or top-level without threadTs); resolves with the Events API delivery. */
  async userMessage(input: { team: string; user: string; channel: string; text: string; threadTs?: string }): Promise<Delivery> {
    const workspace = this.workspace(input.team);
    const ts = this.nextTs();
    this.messages.push({ ts, team: workspace.teamId, channel: input.channel, ...(input.threadTs ? { threadTs: input.threadTs } : {}), text: input.text, user: input.user, via: "user" });
    const event = messageEvent({ teamId: workspace.teamId, channelId: input.channel, channelType: this.channelType(workspace, input.channel), ts, text: input.text, user: input.user, ...(input.threadTs ? { threadTs: input.threadTs } : {}) });
    return this.sendEvent(workspace, event);
  }

  /**
   * A person writes while the app cannot be reached: the message is in the channel's history, and Slack gives up on
   * delivering its event (after its retries), so the app never receives it. Resolves to the message's ts.
   */
  writeUndelivered(input: { team: string; user: string; channel: string; text: string; threadTs?: string }): string {
    const workspace = this.workspace(input.team);
    const ts = this.nextTs();
    this.messages.push({ ts, team: workspace.teamId, channel: input.channel, ...(input.threadTs ? { threadTs: input.threadTs } : {}), text: input.text, user: input.user, via: "user" });
    return ts;
  }

  /** Delivers any event (edits, bot messages...) in an event_callback envelope. */
  async sendEvent(workspace: FakeWorkspace, event: Json): Promise<Delivery> {
    const body = eventCallback({ teamId: workspace.teamId, botUserId: workspace.botUserId, eventId: `Ev${String(++this.counter).padStart(8, "0")}`, eventTimeSec: this.tsSeconds, event });
    return this.deliver("event", body, 0);
  }

  /** Slack delivers a previous request again: HTTP retries carry X-Slack-Retry-Num / -Reason, Socket Mode retry_attempt. */
  async redeliver(delivery: Delivery, reason = "http_timeout"): Promise<Delivery> {
    return this.deliver(delivery.kind, delivery.payload, delivery.retryNum + 1, undefined, reason);
  }

  /** A person presses a button on a message; resolves with the delivery and the trigger id given to the app. */
  async pressButton(input: { team: string; user: string; messageTs: string; actionId: string }): Promise<{ delivery: Delivery; triggerId: string }> {
    const workspace = this.workspace(input.team);
    const user = this.user(workspace, input.user);
    const message = this.messages.find((candidate) => candidate.ts === input.messageTs && candidate.team === workspace.teamId);
    if (!message) throw new Error(`fake Slack: no message ${input.messageTs}`);
    const button = findButton(message.blocks ?? [], input.actionId);
    if (!button) throw new Error(`fake Slack: message ${input.messageTs} has no button ${input.actionId}`);
    const triggerId = this.newTrigger(workspace.teamId);
    const responseUrl = this.newResponseUrl({ team: workspace.teamId, channel: message.channel, user: user.id, ...(message.threadTs ? { threadTs: message.threadTs } : {}) });
    const payload: Json = {
      type: "block_actions",
      user: payloadUser(workspace.teamId, user.id, user.name),
      api_app_id: FAKE_APP_ID,
      token: "fake-verification-token",
      container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: message.ephemeralTo !== undefined, ...(message.threadTs ? { thread_ts: message.threadTs } : {}) },
      trigger_id: triggerId,
      team: { id: workspace.teamId, domain: workspace.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: workspace.channels.get(message.channel)?.name ?? "directmessage" },
      message: { type: "message", user: message.user, ts: message.ts, text: message.text, blocks: message.blocks ?? [], ...(message.threadTs ? { thread_ts: message.threadTs } : {}), ...(message.botId ? { bot_id: message.botId } : {}) },
      state: { values: {} },
      response_url: responseUrl,
      actions: [{ ...button.button, block_id: button.blockId, action_ts: `${this.tsSeconds}.${String(++this.counter).padStart(6, "0")}` }],
    };
    return { delivery: await this.deliver("interactive", { payload: JSON.stringify(payload) }, 0), triggerId };
  }

  /** A person fills in and submits an opened modal; `values` by input block_id or label. */
  async submitView(input: { team: string; user: string; viewId: string; values: Record<string, string> }): Promise<Delivery> {
    const workspace = this.workspace(input.team);
    const user = this.user(workspace, input.user);
    const opened = this.openedViews.find((candidate) => candidate.id === input.viewId);
    if (!opened) throw new Error(`fake Slack: no open view ${input.viewId}`);
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of (opened.view.blocks as Json[] | undefined) ?? []) {
      if (block.type !== "input") continue;
      const blockId = String(block.block_id);
      const label = String((block.label as Json | undefined)?.text ?? "");
      const element = block.element as Json;
      const given = input.values[blockId] ?? input.values[label];
      if (given === undefined && block.optional !== true) throw new Error(`fake Slack: required field ${blockId} left empty (Slack would not submit)`);
      const actionId = String(element.action_id);
      if (element.type === "static_select") {
        const option = ((element.options as Json[] | undefined) ?? []).find((candidate) => candidate.value === given);
        if (given !== undefined && !option) throw new Error(`fake Slack: ${given} is not an option of ${blockId}`);
        state[blockId] = { [actionId]: { type: "static_select", selected_option: option ?? null } };
      } else {
        if (given !== undefined && typeof element.max_length === "number" && given.length > element.max_length) throw new Error(`fake Slack: ${blockId} longer than max_length`);
        state[blockId] = { [actionId]: { type: "plain_text_input", value: given ?? null } };
      }
    }
    const payload: Json = {
      type: "view_submission",
      team: { id: workspace.teamId, domain: workspace.domain },
      user: payloadUser(workspace.teamId, user.id, user.name),
      api_app_id: FAKE_APP_ID,
      token: "fake-verification-token",
      trigger_id: this.newTrigger(workspace.teamId),
      view: { ...opened.view, id: opened.id, team_id: workspace.teamId, app_id: FAKE_APP_ID, bot_id: workspace.botId, state: { values: state }, hash: `${this.tsSeconds}.fakehash`, root_view_id: opened.id, previous_view_id: null },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return this.deliver("interactive", { payload: JSON.stringify(payload) }, 0);
  }

  /** Slack's authorize page: the workspace's admin approves the install; returns the code for the redirect. */
  approveInstall(teamId: string): string {
    const code = `code-${teamId}-${++this.counter}`;
    this.oauthCodes.set(code, teamId);
    return code;
  }

  /**
   * A workspace admin installs the app through "Add to Slack", as a browser would: opens the app's install page
   * (which sets the state cookie), approves on Slack's authorize page, and follows the redirect back to the app.
   */
  async installThroughBrowser(input: { appBaseUrl: string; installPath: string; redirectPath: string; teamId: string }): Promise<{ status: number; body: string }> {
    const page = await fetch(`${input.appBaseUrl}${input.installPath}`);
    const html = await page.text();
    const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const state = /[?&;]state=([^&"]+)/.exec(html.replace(/&amp;/g, "&"))?.[1];
    if (!state) throw new Error(`fake Slack: no state in the install page (${page.status})`);
    const code = this.approveInstall(input.teamId);
    const callback = await fetch(`${input.appBaseUrl}${input.redirectPath}?code=${encodeURIComponent(code)}&state=${state}`, { headers: { cookie } });
    return { status: callback.status, body: await callback.text() };
  }

  // ---- what the harness reads back ----------------------------------------------------------------------------

  /** Top-level messages of a channel everyone there sees (no thread replies, no ephemerals). */
  channelMessages(team: string, channel: string): FakeMessage[] {
    return this.messages.filter((message) => message.team === team && message.channel === channel && !message.threadTs && !message.ephemeralTo);
  }

  /** Replies in a thread, not counting the root. */
  threadMessages(team: string, channel: string, threadTs: string): FakeMessage[] {
    return this.messages.filter((message) => message.team === team && message.channel === channel && message.threadTs === threadTs && message.ts !== threadTs);
  }

  /** Messages in the bot's DM with a person. */
  directMessages(team: string, user: string): FakeMessage[] {
    const channel = this.workspace(team).dms.get(user);
    return channel ? this.messages.filter((message) => message.channel === channel && !message.ephemeralTo) : [];
  }

  /** Messages only this person sees: ephemeral to them, and the bot's messages in their DM, in order. */
  privateMessagesTo(team: string, user: string): FakeMessage[] {
    const dm = this.workspace(team).dms.get(user);
    return this.messages.filter((message) => message.team === team && (message.ephemeralTo === user || (dm !== undefined && message.channel === dm && message.user !== user)));
  }

  /** The last message a person got as an answer: ephemeral to them, in their DM, or posted to their response_url. */
  lastAnswerTo(team: string, user: string): FakeMessage | undefined {
    const dm = this.workspace(team).dms.get(user);
    return [...this.messages].reverse().find((message) => message.team === team && (message.ephemeralTo === user || message.answerTo === user || (dm !== undefined && message.channel === dm && message.user !== user)));
  }

  /** What a person sees of a message: the text of its blocks, or its `text` when it has none. */
  static visibleText(message: FakeMessage): string {
    return message.blocks && message.blocks.length > 0 ? blockTexts(message.blocks).join("\n") : message.text;
  }

  // ---- the wire ---------------------------------------------------------------------------------------------------

  private async deliver(kind: Delivery["kind"], payload: Json, retryNum: number, signing?: SigningOverride, retryReason = "http_timeout"): Promise<Delivery> {
    const id = ++this.counter;
    const started = performance.now();
    let status: number;
    let responseText: string;
    let transport: Delivery["transport"];
    if (this.transport === "socket") {
      transport = "socket";
      const ack = await this.socketMode.send(kind, payload, retryNum, retryReason);
      status = ack === undefined ? 0 : 200;
      responseText = ack === undefined ? "" : JSON.stringify(ack);
    } else {
      transport = "http";
      const { body, headers } = this.signedRequest(kind, payload, signing);
      if (retryNum > 0) {
        headers["x-slack-retry-num"] = String(retryNum);
        headers["x-slack-retry-reason"] = retryReason;
      }
      const response = await fetch(this.appUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      status = response.status;
      responseText = await response.text();
    }
    const delivery: Delivery = { id, kind, transport, payload, retryNum, status, responseText, ackMs: performance.now() - started };
    this.deliveries.push(delivery);
    return delivery;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.baseUrl);
    if (req.method === "POST" && url.pathname.startsWith("/response/")) return this.responseUrl(url.pathname.slice("/response/".length), raw, res);
    if (req.method === "POST" && url.pathname.startsWith("/api/")) return this.api(url.pathname.slice("/api/".length), req, raw, res);
    res.writeHead(404).end();
  }

  private async api(method: string, req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
    const params = parseParams(req.headers["content-type"] ?? "", raw);
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : typeof params.token === "string" ? params.token : undefined;
    const record = (status: number, response: unknown): void => {
      this.calls.push({ method, token, params, status, response });
    };
    const fault = this.takeFault(method);
    if (fault) {
      if (fault.kind === "drop") {
        record(0, "dropped");
        req.socket.destroy();
        return;
      }
      if (fault.kind === "ratelimit") {
        const body = { ok: false, error: "ratelimited" };
        record(429, body);
        res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": String(fault.retryAfterSec) }).end(JSON.stringify(body));
        return;
      }
      if (fault.kind === "http") {
        record(fault.status, "http error");
        res.writeHead(fault.status, { "content-type": "text/html" }).end("<html><body>Slack is having trouble</body></html>");
        return;
      }
      return this.answer(res, record, { ok: false, error: fault.error });
    }
    const result = this.method(method, token, params);
    if (result.echo) this.echo(result.echo);
    this.answer(res, record, result.body);
  }

  private answer(res: ServerResponse, record: (status: number, response: unknown) => void, body: Json): void {
    record(200, body);
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-slack-req-id": `req-${++this.counter}` }).end(JSON.stringify(body));
  }

  private method(method: string, token: string | undefined, params: Json): { body: Json; echo?: FakeMessage } {
    if (method === "apps.connections.open") {
      return token === this.appToken ? { body: { ok: true, url: `${this.baseUrl.replace("http", "ws")}/socket?ticket=fake-${++this.counter}` } } : { body: { ok: false, error: "invalid_auth" } };
    }
    if (method === "oauth.v2.access") return { body: this.oauthAccess(params) };
    const workspace = [...this.workspaces.values()].find((candidate) => candidate.botToken === token);
    if (!workspace) return { body: { ok: false, error: token ? "invalid_auth" : "not_authed" } };
    switch (method) {
      case "auth.test":
        return { body: { ok: true, url: `https://${workspace.domain}.slack.com/`, team: workspace.teamName, user: "liaison", team_id: workspace.teamId, user_id: workspace.botUserId, bot_id: workspace.botId, is_enterprise_install: false } };
      case "chat.postMessage":
        return this.postMessage(workspace, params);
      case "chat.postEphemeral":
        return { body: this.postEphemeral(workspace, params) };
      case "conversations.replies":
        return { body: this.conversationsReplies(workspace, params) };
      case "conversations.open":
        return { body: this.conversationsOpen(workspace, params) };
      case "views.open":
        return { body: this.viewsOpen(workspace, params) };
      default:
        return { body: { ok: false, error: "unknown_method" } };
    }
  }

  /**
   * conversations.replies: the thread's parent first, then its replies after `oldest` (exclusive), `limit` (at most
   * 1000) per page, with a cursor for the next page, as Slack pages them.
   */
  private conversationsReplies(workspace: FakeWorkspace, params: Json): Json {
    const channel = String(params.channel ?? "");
    const problem = this.checkChannel(workspace, channel);
    if (problem) return problemBody(problem);
    const ts = String(params.ts ?? "");
    const inChannel = this.messages.filter((message) => message.team === workspace.teamId && message.channel === channel && message.ephemeralTo === undefined && message.via !== "response_url");
    const parent = inChannel.find((message) => message.ts === ts);
    if (!parent) return { ok: false, error: "thread_not_found" };
    const oldest = Number(params.oldest ?? "0");
    const limit = Math.min(1000, Math.max(1, Number(params.limit ?? "1000")));
    const start = Number(params.cursor ?? "0") || 0;
    const replies = inChannel.filter((message) => message.threadTs === ts && message.ts !== ts && Number(message.ts) > oldest).sort((a, b) => Number(a.ts) - Number(b.ts));
    const page = replies.slice(start, start + limit);
    const more = start + limit < replies.length;
    const json = (message: FakeMessage): Json => ({ type: "message", ts: message.ts, thread_ts: message.threadTs ?? message.ts, user: message.user, text: message.text, team: message.team, ...(message.botId ? { bot_id: message.botId } : {}) });
    return { ok: true, messages: [json(parent), ...page.map(json)], has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : "" } };
  }

  private postMessage(workspace: FakeWorkspace, params: Json): { body: Json; echo?: FakeMessage } {
    const channel = String(params.channel ?? "");
    const problem = this.checkChannel(workspace, channel) ?? validateMessage(params.text, params.blocks);
    if (problem) return { body: problemBody(problem) };
    const threadTs = typeof params.thread_ts === "string" && params.thread_ts !== "" ? params.thread_ts : undefined;
    const message: FakeMessage = { ts: this.nextTs(), team: workspace.teamId, channel, ...(threadTs ? { threadTs } : {}), text: String(params.text ?? ""), ...(Array.isArray(params.blocks) ? { blocks: params.blocks } : {}), user: workspace.botUserId, botId: workspace.botId, via: "chat.postMessage" };
    this.messages.push(message);
    const echoed = { type: "message", text: message.text, user: message.user, bot_id: message.botId, ts: message.ts, app_id: FAKE_APP_ID, team: workspace.teamId, blocks: message.blocks ?? [], ...(threadTs ? { thread_ts: threadTs } : {}) };
    return { body: { ok: true, channel, ts: message.ts, message: echoed }, echo: message };
  }

  private postEphemeral(workspace: FakeWorkspace, params: Json): Json {
    const channel = String(params.channel ?? "");
    const user = String(params.user ?? "");
    const problem = this.checkChannel(workspace, channel) ?? validateMessage(params.text, params.blocks);
    if (problem) return problemBody(problem);
    const known = workspace.channels.get(channel);
    if (known && !known.members.has(user)) return { ok: false, error: "user_not_in_channel" };
    const threadTs = typeof params.thread_ts === "string" && params.thread_ts !== "" ? params.thread_ts : undefined;
    const ts = this.nextTs();
    this.messages.push({ ts, team: workspace.teamId, channel, ...(threadTs ? { threadTs } : {}), text: String(params.text ?? ""), ...(Array.isArray(params.blocks) ? { blocks: params.blocks } : {}), user: workspace.botUserId, botId: workspace.botId, ephemeralTo: user, via: "chat.postEphemeral" });
    return { ok: true, message_ts: ts };
  }

  private conversationsOpen(workspace: FakeWorkspace, params: Json): Json {
    const users = String(params.users ?? "").split(",").filter((user) => user !== "");
    if (users.length !== 1) return { ok: false, error: users.length === 0 ? "users_list_not_supplied" : "not_implemented" };
    const [user = ""] = users;
    if (!workspace.users.has(user)) return { ok: false, error: "user_not_found" };
    let channel = workspace.dms.get(user);
    if (!channel) {
      channel = `D${workspace.teamId.slice(1)}${user.slice(1)}`;
      workspace.dms.set(user, channel);
    }
    return { ok: true, no_op: false, already_open: false, channel: { id: channel } };
  }

  private viewsOpen(workspace: FakeWorkspace, params: Json): Json {
    const triggerId = String(params.trigger_id ?? "");
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return { ok: false, error: "invalid_trigger_id" };
    if (trigger.used || Date.now() - trigger.issuedMs > TRIGGER_LIFETIME_MS) return { ok: false, error: "expired_trigger_id" };
    const view = typeof params.view === "string" ? (JSON.parse(params.view) as unknown) : params.view;
    const problem = validateModal(view);
    if (problem) return problemBody(problem);
    trigger.used = true;
    const id = `V${String(++this.counter).padStart(8, "0")}`;
    this.openedViews.push({ id, triggerId, team: workspace.teamId, user: "", view: view as Json });
    return { ok: true, view: { ...(view as Json), id, team_id: workspace.teamId, state: { values: {} }, hash: `${this.tsSeconds}.fakehash` } };
  }

  private oauthAccess(params: Json): Json {
    if (params.client_id !== this.clientId || params.client_secret !== this.clientSecret) return { ok: false, error: "invalid_client_id" };
    const teamId = this.oauthCodes.get(String(params.code ?? ""));
    if (!teamId) return { ok: false, error: "invalid_code" };
    this.oauthCodes.delete(String(params.code));
    const workspace = this.workspace(teamId);
    return {
      ok: true,
      app_id: FAKE_APP_ID,
      authed_user: { id: [...workspace.users.keys()][0] ?? "U0ADMIN" },
      scope: "commands,chat:write,im:write,users:read,channels:history,groups:history,im:history",
      token_type: "bot",
      access_token: workspace.botToken,
      bot_user_id: workspace.botUserId,
      team: { id: workspace.teamId, name: workspace.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  private responseUrl(id: string, raw: string, res: ServerResponse): void {
    const entry = this.responseUrls.get(id);
    const params = parseParams("application/json", raw);
    const fail = (status: number, text: string): void => {
      this.calls.push({ method: "response_url", token: undefined, params, status, response: text });
      res.writeHead(status, { "content-type": "text/plain" }).end(text);
    };
    const fault = this.takeFault("response_url");
    if (fault?.kind === "http") return fail(fault.status, "error");
    if (fault?.kind === "ratelimit") {
      this.calls.push({ method: "response_url", token: undefined, params, status: 429, response: "rate_limited" });
      res.writeHead(429, { "content-type": "text/plain", "retry-after": String(fault.retryAfterSec) }).end("rate_limited");
      return;
    }
    if (!entry || Date.now() - entry.createdMs > RESPONSE_URL_LIFETIME_MS) return fail(404, "expired_url");
    if (entry.uses >= RESPONSE_URL_MAX_USES) return fail(404, "used_url");
    const problem = validateMessage(params.text, params.blocks);
    if (problem) return fail(400, problem.error);
    entry.uses += 1;
    const workspace = this.workspace(entry.team);
    const ephemeral = params.response_type !== "in_channel";
    this.messages.push({
      ts: this.nextTs(),
      team: entry.team,
      channel: entry.channel,
      ...(entry.threadTs ? { threadTs: entry.threadTs } : {}),
      text: String(params.text ?? ""),
      ...(Array.isArray(params.blocks) ? { blocks: params.blocks } : {}),
      user: workspace.botUserId,
      botId: workspace.botId,
      ...(ephemeral ? { ephemeralTo: entry.user } : {}),
      via: "response_url",
      answerTo: entry.user,
    });
    this.calls.push({ method: "response_url", token: undefined, params, status: 200, response: { ok: true } });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  }

  private echo(message: FakeMessage): void {
    if (!this.echoBotMessages || message.ephemeralTo) return;
    const workspace = this.workspace(message.team);
    const event = messageEvent({ teamId: workspace.teamId, channelId: message.channel, channelType: this.channelType(workspace, message.channel), ts: message.ts, text: message.text, user: workspace.botUserId, botId: workspace.botId, ...(message.threadTs ? { threadTs: message.threadTs } : {}) });
    const work = new Promise((resolve) => setImmediate(resolve)).then(() => this.sendEvent(workspace, event)).catch(() => undefined);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private checkChannel(workspace: FakeWorkspace, channel: string): { error: string; messages: string[] } | undefined {
    if (channel.startsWith("D")) return [...workspace.dms.values()].includes(channel) ? undefined : { error: "channel_not_found", messages: [] };
    const known = workspace.channels.get(channel);
    if (!known) return { error: "channel_not_found", messages: [] };
    if (!known.members.has(workspace.botUserId)) return { error: "not_in_channel", messages: [] };
    return undefined;
  }

  private channelType(workspace: FakeWorkspace, channel: string): string {
    if (channel.startsWith("D")) return "im";
    return workspace.channels.get(channel)?.isPrivate ? "group" : "channel";
  }

  private takeFault(method: string): Fault | undefined {
    for (const key of [method, "*"]) {
      const next = this.faults.get(key)?.[0];
      if (!next) continue;
      if (next.skip > 0) {
        next.skip -= 1;
        return undefined;
      }
      return this.faults.get(key)?.shift()?.fault;
    }
    return undefined;
  }

  private newResponseUrl(entry: Omit<ResponseUrl, "uses" | "createdMs">): string {
    const id = `${entry.team}/${++this.counter}/fake${Math.random().toString(36).slice(2, 10)}`;
    this.responseUrls.set(id, { ...entry, uses: 0, createdMs: Date.now() });
    return `${this.baseUrl}/response/${id}`;
  }

  private newTrigger(teamId: string): string {
    const id = `${++this.counter}.${teamId}.fake${Math.random().toString(36).slice(2, 10)}`;
    this.triggers.set(id, { issuedMs: Date.now(), used: false });
    return id;
  }

  private nextTs(): string {
    this.counter += 1;
    return `${this.tsSeconds}.${String(this.counter).padStart(6, "0")}`;
  }

  private workspace(team: string): FakeWorkspace {
    const workspace = this.workspaces.get(team);
    if (!workspace) throw new Error(`fake Slack: no workspace ${team}`);
    return workspace;
  }

  private user(workspace: FakeWorkspace, id: string): FakeUser {
    const user = workspace.users.get(id);
    if (!user) throw new Error(`fake Slack: no user ${id} in ${workspace.teamId}`);
    return user;
  }
}
