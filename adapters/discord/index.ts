import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { REST } from "discord.js";
import { Client, Events, GatewayIntentBits, Options, Routes } from "discord.js";
import type {
  AdapterCapabilities,
  ChatAdapter,
  Destination,
  InboundEvent,
  InboundHandler,
  OpenThreadRequest,
  PlatformIdentity,
  PostedMessage,
  Reply,
  SendOptions,
  ThreadAddress,
} from "../../src/core/adapter.js";
import type { OutboundMessage } from "../../src/core/message.js";
import { conversationKey, createConversationQueue, type ConversationTurn } from "../../src/core/ordering.js";
import type { AdapterEnvironment } from "../../src/core/platform.js";
import { defaultReplyPolicy, deliverReply, type ReplyPolicy } from "../../src/core/reply-policy.js";
import { CommandResolver, discordCommands, sameCommands } from "./commands.js";
import type { DiscordConfig } from "./config.js";
import { discordSeenMarks, missedMessages, rememberSeen } from "./catch-up.js";
import { DiscordTokenRefused, gatewayFailure } from "./errors.js";
import { awaitGatewayReady, readyWithin, type GatewayWait } from "./gateway-ready.js";
import { identityOf, interactionSchema, isFromBot, isHumanMessage, messageCreateSchema } from "./inbound.js";
import type { MessageCreatePayload } from "./inbound.js";
import { InteractionResponder } from "./interactions.js";
import { DiscordPoster } from "./outbound.js";
import { discordRestOptions, interactionRestClient } from "./rest.js";

export { discordCommands } from "./commands.js";

/** Options of createDiscordAdapter. */
export interface DiscordAdapterOptions {
  config: DiscordConfig;
  secrets: { DISCORD_TOKEN: string };
  env: AdapterEnvironment;
  /** Changes to the reply policy (tests make its waits short). */
  replyPolicy?: Partial<ReplyPolicy>;
}

/** Gateway intents Liaison needs: guilds (channels, threads), guild and DM messages, and message content for threads. */
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
];

/** An open case thread and the turn its catch-up takes in the thread's conversation. */
interface CatchUpTurn {
  thread: ThreadAddress;
  turn: ConversationTurn;
}

/** Channel types that are threads. */
const THREAD_TYPES = new Set([10, 11, 12]);

/** State-store key under which a thread's parent channel is kept. */
function threadKey(threadId: string): string {
  return `discord:thread:${threadId}`;
}

/** Liaison's Discord adapter: gateway for events, REST for everything sent, through discord.js. */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = "discord" as const;
  readonly capabilities: AdapterCapabilities = {
    ephemeral: true,
    directMessages: true,
    userIdIsHandle: false,
  };

  /** The discord.js client (exposed for tests and diagnostics). */
  readonly client: Client;
  /** REST for the interaction endpoints, outside the bot's global limit (see interactionRestClient). */
  readonly interactionRest: REST;
  private readonly poster: DiscordPoster;
  private readonly responder: InteractionResponder;
  private handler: InboundHandler | undefined;
  private readonly pending = new Set<Promise<void>>();
  /** The newest message handled per thread, read once per thread (src/core/seen-marks.ts). */
  private seen: ReturnType<typeof discordSeenMarks> | undefined;
  /** Inbound events one at a time per conversation (a thread is a channel of its own on Discord). */
  private readonly conversations = createConversationQueue();
  private readonly replyPolicy: ReplyPolicy;
  /** Aborted by stop(): replies waiting out a rate limit give up instead of holding the shutdown. */
  private readonly stopping = new AbortController();
  private applicationId: string | undefined;
  private botUserId: string | undefined;
  private isStopping = false;
  /** Gateway dispatches seen (handled or ignored), for tests that wait for the adapter to catch up. */
  dispatchesSeen = 0;

  constructor(private readonly options: DiscordAdapterOptions) {
    const { config, env } = options;
    this.applicationId = config.applicationId;
    const rest = discordRestOptions(config);
    this.interactionRest = interactionRestClient(rest);
    this.client = new Client({
      intents: INTENTS,
      rest,
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    });
    this.poster = new DiscordPoster(this.client.rest, env.state, config.maxMessageParts);
    this.replyPolicy = defaultReplyPolicy(env.clock, { signal: this.stopping.signal, ...options.replyPolicy });
    this.responder = new InteractionResponder({
      rest: this.interactionRest,
      poster: this.poster,
      state: env.state,
      clock: env.clock,
      logger: env.logger,
      resolver: new CommandResolver(env.catalog),
      applicationId: () => this.applicationId ?? "",
      deferAfterMs: config.deferAfterMs,
      replyPolicy: this.replyPolicy,
    });
    this.client.on(Events.Raw, (packet: unknown) => this.onDispatch(packet));
    this.client.on(Events.Error, (error) => env.logger.error({ err: error }, "discord: client error"));
    this.client.on(Events.ShardResume, (shardId, replayed) => env.logger.info({ shardId, replayed }, "discord: gateway resumed"));
    this.client.on(Events.ShardReconnecting, (shardId) => {
      if (!this.isStopping) env.logger.warn({ shardId }, "discord: gateway reconnecting");
    });
  }

  /**
   * Connects to the gateway. Once ready: brings the slash commands in line with the catalog and catches up on the open
   * case threads. A gateway that is not ready within `readyTimeoutMs` is said so in the log, and start() returns while
   * discord.js goes on reconnecting by itself; the log says it again at doubling intervals (up to five minutes) until
   * the gateway is ready. A token Discord refuses fails the start, since trying again cannot help.
   */
  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    // Each open case thread's turn is taken before any live event can arrive, so what was written while Liaison was
    // down is handled before what is written now.
    const threads = await this.options.env.openCaseThreads();
    const turns = threads.map((thread) => ({ thread, turn: this.conversations.reserve(conversationKey({ platform: "discord", workspace: thread.workspace, channelId: thread.threadId })) }));
    const ready = new Promise<"ready">((resolve) => this.client.once(Events.ClientReady, () => resolve("ready")));
    const login = this.client.login(this.options.secrets.DISCORD_TOKEN);
    // A login that fails ends the wait with its reason; one that succeeds still waits for READY.
    const refused = login.then(
      () => new Promise<never>(() => undefined),
      (error: unknown) => gatewayFailure(error, this.options.config.readyTimeoutMs),
    );
    const wait: GatewayWait = { ready, refused, signal: this.stopping.signal };
    const first = await readyWithin(wait, this.options.config.readyTimeoutMs);
    if (first === "ready") {
      await this.whenReady(turns);
      return;
    }
    if (first instanceof DiscordTokenRefused) {
      for (const { turn } of turns) turn.skip();
      await this.client.destroy();
      throw first;
    }
    this.track(this.awaitReady(wait, turns, first));
  }

  /** Waits on for the gateway in the background (gateway-ready.ts), then finishes the start; or gives the turns up. */
  private async awaitReady(wait: GatewayWait, turns: readonly CatchUpTurn[], first: Error): Promise<void> {
    if (await awaitGatewayReady(wait, first, this.options.config.readyTimeoutMs, this.options.env.logger)) {
      await this.whenReady(turns);
      return;
    }
    for (const { turn } of turns) turn.skip();
  }

  /** After the gateway became ready: who the bot is, the slash commands, and the catch-up. */
  private async whenReady(turns: readonly CatchUpTurn[]): Promise<void> {
    this.botUserId = this.client.user?.id;
    this.applicationId ??= this.client.application?.id;
    await this.syncCommands();
    for (const { thread, turn } of turns) this.track(turn.run(() => this.catchUp(thread)).finally(() => turn.skip()));
  }

  /** Handles, in order, what was written in an open case thread since the last message handled there. */
  private async catchUp(thread: ThreadAddress): Promise<void> {
    const { env } = this.options;
    const handler = this.handler;
    if (!handler) return;
    let missed: MessageCreatePayload[];
    try {
      missed = await missedMessages(this.client.rest, env.state, thread, env.logger);
    } catch (error) {
      env.logger.error({ err: error, threadId: thread.threadId }, "discord: could not read a case thread's history; messages written there while Liaison was down are not relayed");
      return;
    }
    const human = missed.filter((message) => isHumanMessage(message, this.botUserId));
    if (human.length > 0) env.logger.info({ threadId: thread.threadId, messages: human.length }, "discord: catching up on a case thread");
    for (const message of human) {
      await this.onMessage(message, handler).catch((error: unknown) => env.logger.error({ err: error, messageId: message.id }, "discord: a caught-up message failed"));
    }
  }

  /** Keeps `work` among the pending inbound work (stop() and idle() wait for it). */
  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => this.options.env.logger.error({ err: error }, "discord: background work failed"))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Finishes pending inbound work (at most 10 s), then disconnects. */
  async stop(): Promise<void> {
    this.isStopping = true;
    this.stopping.abort();
    await Promise.race([Promise.allSettled([...this.pending]), sleep(10_000)]);
    // discord.js's destroy() can wait on a shard that is still identifying (and that shard may reconnect by itself
    // afterwards): the stop does not wait for it beyond two seconds; `liaison start` ends the process after stopping.
    await Promise.race([this.client.destroy().catch(() => undefined), sleep(2000)]);
    this.interactionRest.clearHashSweeper();
    this.interactionRest.clearHandlerSweeper();
  }

  /** Resolves when no inbound work is pending. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Registers the catalog's commands (per guild or globally) only when Discord's current set differs. */
  async syncCommands(): Promise<void> {
    const { config, env } = this.options;
    if (config.commandScope === "off") return;
    const applicationId = this.applicationId;
    if (!applicationId) {
      env.logger.error("discord: no application id; slash commands not registered");
      return;
    }
    const wanted = discordCommands(env.catalog);
    const routes =
      config.commandScope === "global"
        ? [Routes.applicationCommands(applicationId)]
        : config.guildIds.map((guildId) => Routes.applicationGuildCommands(applicationId, guildId));
    for (const route of routes) {
      try {
        const current = await this.client.rest.get(route);
        if (Array.isArray(current) && sameCommands(current, wanted)) {
          env.logger.debug({ route }, "discord: slash commands up to date");
          continue;
        }
        await this.client.rest.put(route, { body: wanted });
        env.logger.info({ route, count: wanted.length }, "discord: slash commands registered");
      } catch (error) {
        env.logger.error({ err: error, route }, "discord: registering slash commands failed");
      }
    }
  }

  /** Posts into a channel or thread. */
  async send(destination: Extract<Destination, { kind: "channel" | "thread" }>, message: OutboundMessage, options: SendOptions): Promise<PostedMessage> {
    const channelId = destination.kind === "thread" ? destination.threadId : destination.channelId;
    return { messageId: await this.poster.post(channelId, message, options.idempotencyKey) };
  }

  /** Posts the case card in the channel, starts a thread on it, and remembers the thread's parent. */
  async openThread(request: OpenThreadRequest, options: SendOptions): Promise<ThreadAddress> {
    const { channel } = request;
    const rootId = await this.poster.post(channel.channelId, request.root, options.idempotencyKey);
    const threadId = await this.poster.startThread(channel.channelId, rootId, request.title);
    await this.options.env.state.set(threadKey(threadId), channel.channelId);
    return { platform: "discord", workspace: channel.workspace, channelId: channel.channelId, threadId };
  }

  /** Sends a direct message. */
  async sendDirect(to: PlatformIdentity, message: OutboundMessage, options: SendOptions): Promise<PostedMessage> {
    const channelId = await this.poster.dmChannel(to.userId);
    return { messageId: await this.poster.post(channelId, message, options.idempotencyKey) };
  }

  /** Takes a raw gateway dispatch; validates the ones Liaison acts on and tracks the work. */
  private onDispatch(packet: unknown): void {
    const dispatch = packet as { t?: unknown; d?: unknown } | null;
    if (!dispatch || (dispatch.t !== "INTERACTION_CREATE" && dispatch.t !== "MESSAGE_CREATE")) return;
    const type = dispatch.t;
    this.dispatchesSeen += 1;
    // Every event takes its turn in its conversation now, in gateway order: the innermost channel (a thread is a
    // channel) names the conversation for messages and interactions alike.
    const data = (dispatch.d ?? {}) as { channel_id?: unknown; channel?: { id?: unknown } | null; guild_id?: unknown };
    const channelId = typeof data.channel_id === "string" ? data.channel_id : typeof data.channel?.id === "string" ? data.channel.id : "";
    const workspace = typeof data.guild_id === "string" ? data.guild_id : "";
    let turn: ConversationTurn;
    try {
      turn = this.conversations.reserve(conversationKey({ platform: "discord", workspace, channelId }));
    } catch (error) {
      this.options.env.logger.error({ err: error, type, channelId }, "discord: inbound event refused: its conversation has too much waiting");
      return;
    }
    const work: Promise<void> = this.route(type, dispatch.d, turn)
      .catch((error: unknown) => this.options.env.logger.error({ err: error, type }, "discord: inbound event failed"))
      .finally(() => {
        turn.skip();
        this.pending.delete(work);
      });
    this.pending.add(work);
  }

  /** Sends a validated dispatch to the right flow, which runs the core in `turn`. */
  private async route(type: "INTERACTION_CREATE" | "MESSAGE_CREATE", data: unknown, turn: ConversationTurn): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    if (type === "INTERACTION_CREATE") {
      const parsed = interactionSchema.safeParse(data);
      if (parsed.success) await this.responder.handle(parsed.data, handler, turn);
      return;
    }
    // Liaison's own posts and other bots' come back as MESSAGE_CREATE too: set aside before validation, whatever
    // their shape, so that only people's messages can be "not understood".
    if (isFromBot(data, this.botUserId)) return;
    const parsed = messageCreateSchema.safeParse(data);
    if (!parsed.success) {
      this.options.env.logger.warn({ issues: parsed.error.issues }, "discord: MESSAGE_CREATE not understood");
      return;
    }
    if (!isHumanMessage(parsed.data, this.botUserId)) return;
    await turn.run(() => this.onMessage(parsed.data, handler));
  }

  /** A person's message: in a thread, to the core as a thread message; in a DM, as a command when it starts with "/". */
  private async onMessage(message: MessageCreatePayload, handler: InboundHandler): Promise<void> {
    const identity = identityOf(message);
    if (!identity) return;
    if (message.guild_id === undefined || message.guild_id === null) {
      const text = message.content.trim();
      if (!text.startsWith("/")) return;
      const where = { platform: "discord" as const, workspace: "", channelId: message.channel_id, isDirect: true };
      const event: InboundEvent = { type: "command", eventId: message.id, identity, where, text };
      const reply = await handler(event);
      if (reply) await this.deliverMessageReply(reply, event, message.channel_id, message.id);
      return;
    }
    const parentId = await this.threadParent(message.channel_id);
    if (parentId === undefined) return;
    const where = { platform: "discord" as const, workspace: message.guild_id, channelId: parentId, threadId: message.channel_id, isDirect: false };
    const event: InboundEvent = { type: "message", eventId: message.id, identity, where, text: message.content };
    const reply = await handler(event);
    await rememberSeen((this.seen ??= discordSeenMarks(this.options.env.state)), message.channel_id, message.id);
    if (reply) await this.deliverMessageReply(reply, event, message.channel_id, message.id);
  }

  /**
   * Delivers the reply to a message (no interaction, so nothing ephemeral) through the shared reply policy: in its
   * channel when public or in a DM, else (a refused thread message) to its writer by DM.
   */
  private async deliverMessageReply(reply: Reply, event: InboundEvent, channelId: string, messageId: string): Promise<void> {
    const logger = this.options.env.logger;
    const outcome = await deliverReply(
      reply,
      event,
      {
        inPlace: { send: async (message) => void (await this.poster.post(channelId, message, `message-reply:${messageId}`)) },
        direct: {
          send: async (message) => {
            const dm = await this.poster.dmChannel(event.identity.userId);
            await this.poster.post(dm, message, `message-reply-dm:${messageId}`);
          },
        },
      },
      this.replyPolicy,
      (report) => logger.info({ messageId, route: report.route, attempt: report.attempt, next: report.next, waitMs: report.waitMs, err: report.error }, "discord: reply attempt failed"),
    );
    if (!outcome.delivered) logger.warn({ messageId, attempts: outcome.attempts, err: outcome.error }, "discord: could not deliver a reply");
  }

  /** The parent channel of a thread: threads Liaison opened are in the state store, others in discord.js's cache. */
  private async threadParent(channelId: string): Promise<string | undefined> {
    const stored = await this.options.env.state.get(threadKey(channelId));
    if (stored !== undefined) return stored;
    const cached = this.client.channels.cache.get(channelId);
    if (cached) return cached.isThread() ? (cached.parentId ?? undefined) : undefined;
    const fetched = await this.poster.channel(channelId);
    return fetched && THREAD_TYPES.has(fetched.type) ? (fetched.parent_id ?? undefined) : undefined;
  }
}

/** Creates the Discord adapter (no connection until start()). */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  return new DiscordAdapter(options);
}
