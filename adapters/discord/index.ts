import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { RateLimitData } from "discord.js";
import { Client, Events, GatewayIntentBits, Options, Routes } from "discord.js";
import type {
  AdapterCapabilities,
  ChatAdapter,
  Destination,
  InboundHandler,
  OpenThreadRequest,
  PlatformIdentity,
  PostedMessage,
  SendOptions,
  ThreadAddress,
} from "../../src/core/adapter.js";
import type { OutboundMessage } from "../../src/core/message.js";
import type { AdapterEnvironment } from "../../src/core/platform.js";
import { CommandResolver, discordCommands, sameCommands } from "./commands.js";
import type { DiscordConfig } from "./config.js";
import { rateLimitWaitMs } from "./errors.js";
import { identityOf, interactionSchema, isHumanMessage, messageCreateSchema } from "./inbound.js";
import type { MessageCreatePayload } from "./inbound.js";
import { InteractionResponder } from "./interactions.js";
import { DiscordPoster } from "./outbound.js";

export { discordCommands } from "./commands.js";

/** Options of createDiscordAdapter. */
export interface DiscordAdapterOptions {
  config: DiscordConfig;
  secrets: { DISCORD_TOKEN: string };
  env: AdapterEnvironment;
  /** Test-only: the REST API base (e.g. "http://127.0.0.1:PORT/api"); the gateway URL then comes from its /gateway/bot. */
  apiBaseUrl?: string;
  /** How long start() waits for the gateway to become ready. */
  readyTimeoutMs?: number;
}

/** Gateway intents Liaison needs: guilds (channels, threads), guild and DM messages, and message content for threads. */
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
];

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
  private readonly poster: DiscordPoster;
  private readonly responder: InteractionResponder;
  private handler: InboundHandler | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly channelQueues = new Map<string, Promise<void>>();
  private applicationId: string | undefined;
  private botUserId: string | undefined;
  private stopping = false;
  /** Gateway dispatches seen (handled or ignored), for tests that wait for the adapter to catch up. */
  dispatchesSeen = 0;

  constructor(private readonly options: DiscordAdapterOptions) {
    const { config, env } = options;
    this.applicationId = config.applicationId;
    const rest: { rejectOnRateLimit: (data: RateLimitData) => boolean; offset: number; api?: string } = {
      // Waits longer than maxRateLimitWaitMs fail to the outbox (with the wait) instead of queueing silently.
      rejectOnRateLimit: (data) => rateLimitWaitMs(data) > config.maxRateLimitWaitMs,
      offset: 0,
    };
    if (options.apiBaseUrl) rest.api = options.apiBaseUrl;
    this.client = new Client({
      intents: INTENTS,
      rest,
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    });
    this.poster = new DiscordPoster(this.client.rest, env.state, config.maxMessageParts);
    this.responder = new InteractionResponder({
      rest: this.client.rest,
      poster: this.poster,
      state: env.state,
      clock: env.clock,
      logger: env.logger,
      resolver: new CommandResolver(env.catalog),
      applicationId: () => this.applicationId ?? "",
      deferAfterMs: config.deferAfterMs,
    });
    this.client.on(Events.Raw, (packet: unknown) => this.onDispatch(packet));
    this.client.on(Events.Error, (error) => env.logger.error({ err: error }, "discord: client error"));
    this.client.on(Events.ShardResume, (shardId, replayed) => env.logger.info({ shardId, replayed }, "discord: gateway resumed"));
    this.client.on(Events.ShardReconnecting, (shardId) => {
      if (!this.stopping) env.logger.warn({ shardId }, "discord: gateway reconnecting");
    });
  }

  /** Connects to the gateway, waits until ready, then brings the slash commands in line with the catalog. */
  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    const ready = once(this.client, Events.ClientReady, { signal: AbortSignal.timeout(this.options.readyTimeoutMs ?? 60_000) });
    await this.client.login(this.options.secrets.DISCORD_TOKEN);
    await ready;
    this.botUserId = this.client.user?.id;
    this.applicationId ??= this.client.application?.id;
    await this.syncCommands();
  }

  /** Finishes pending inbound work (at most 10 s), then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.race([Promise.allSettled([...this.pending]), sleep(10_000)]);
    await this.client.destroy();
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
    // Messages are handed over in order per channel (a thread's conversation); interactions run at once.
    const channelId = type === "MESSAGE_CREATE" ? (dispatch.d as { channel_id?: unknown } | null)?.channel_id : undefined;
    const key = typeof channelId === "string" ? channelId : undefined;
    const before = key === undefined ? undefined : this.channelQueues.get(key);
    const work: Promise<void> = (before ?? Promise.resolve())
      .then(() => this.route(type, dispatch.d))
      .catch((error: unknown) => this.options.env.logger.error({ err: error, type }, "discord: inbound event failed"))
      .finally(() => {
        this.pending.delete(work);
        if (key !== undefined && this.channelQueues.get(key) === work) this.channelQueues.delete(key);
      });
    if (key !== undefined) this.channelQueues.set(key, work);
    this.pending.add(work);
    this.dispatchesSeen += 1;
  }

  /** Sends a validated dispatch to the right flow. */
  private async route(type: "INTERACTION_CREATE" | "MESSAGE_CREATE", data: unknown): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    if (type === "INTERACTION_CREATE") {
      const parsed = interactionSchema.safeParse(data);
      if (parsed.success) await this.responder.handle(parsed.data, handler);
      return;
    }
    const parsed = messageCreateSchema.safeParse(data);
    if (!parsed.success) {
      this.options.env.logger.warn({ issues: parsed.error.issues }, "discord: MESSAGE_CREATE not understood");
      return;
    }
    if (!isHumanMessage(parsed.data, this.botUserId)) return;
    await this.onMessage(parsed.data, handler);
  }

  /** A person's message: in a thread, to the core as a thread message; in a DM, as a command when it starts with "/". */
  private async onMessage(message: MessageCreatePayload, handler: InboundHandler): Promise<void> {
    const identity = identityOf(message);
    if (!identity) return;
    if (message.guild_id === undefined) {
      const text = message.content.trim();
      if (!text.startsWith("/")) return;
      const where = { platform: "discord" as const, workspace: "", channelId: message.channel_id, isDirect: true };
      const reply = await handler({ type: "command", eventId: message.id, identity, where, text });
      if (reply) await this.poster.post(message.channel_id, reply.message, `dm-reply:${message.id}`);
      return;
    }
    const parentId = await this.threadParent(message.channel_id);
    if (parentId === undefined) return;
    const where = { platform: "discord" as const, workspace: message.guild_id, channelId: parentId, threadId: message.channel_id, isDirect: false };
    await handler({ type: "message", eventId: message.id, identity, where, text: message.content });
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
