import type { AddressInfo } from "node:net";
import type { App, RespondFn } from "@slack/bolt";
import type { Logger } from "pino";
import type {
  ActionEvent,
  AdapterCapabilities,
  ChatAdapter,
  InboundEvent,
  InboundHandler,
  OpenThreadRequest,
  PlatformIdentity,
  PostedMessage,
  Reply,
  SendOptions,
  ThreadAddress,
  Destination,
} from "../../src/core/adapter.js";
import { textMessage, type OutboundMessage } from "../../src/core/message.js";
import { conversationKey, createConversationQueue, type ConversationPlace, type ConversationTurn } from "../../src/core/ordering.js";
import type { AdapterEnvironment } from "../../src/core/platform.js";
import { defaultReplyPolicy, type ReplyPolicy } from "../../src/core/reply-policy.js";
import { buildBoltApp } from "./app.js";
import type { SlackConfig, SlackSecrets } from "./config.js";
import { toDeliveryError } from "./errors.js";
import { buildFormView, buttonForm, FORM_CALLBACK_ID, readFormSubmission } from "./forms.js";
import {
  blockActionsSchema,
  displayName,
  eventCallbackSchema,
  slashCommandSchema,
  stableHash,
  toCommandEvent,
  toButtonPress,
  toThreadMessageEvent,
  viewSubmissionSchema,
  type SlackThreadMessage,
} from "./inbound.js";
import { catchUpThread, rememberSeen, slackSeenMarks } from "./catch-up.js";
import type { StateInstallationStore } from "./installation-store.js";
import { RESPONSE_URL_MARGIN_MS, SLACK_LIMITS } from "./limits.js";
import { SlackPoster, type SlackClient } from "./outbound.js";
import { ACTION_ID_PREFIX } from "./render.js";
import { deliverSlackReply, type ReplyContext } from "./replies.js";

/** Options of createSlackAdapter. */
export interface SlackAdapterOptions {
  config: SlackConfig;
  secrets: SlackSecrets;
  env: AdapterEnvironment;
  /** Changes to the reply policy (tests make its waits short). */
  replyPolicy?: Partial<ReplyPolicy>;
}

/** The Slack adapter: a ChatAdapter plus what operators and tests need to see. */
export interface SlackAdapter extends ChatAdapter {
  /** The TCP port Bolt's HTTP receiver listens on, once started in HTTP mode. */
  listeningPort(): number | undefined;
  /** Resolves when every inbound event received so far has been handled and answered. */
  whenIdle(): Promise<void>;
}

/** Slack's capabilities as the core sees them. */
export const SLACK_CAPABILITIES: AdapterCapabilities = {
  ephemeral: true,
  directMessages: true,
  userIdIsHandle: false,
};


const UNEXPECTED_FAILURE = "Liaison could not handle that just now. Please try again in a minute; if it keeps failing, tell your coordinator.";

/** The Slack adapter on Bolt. */
export class SlackChatAdapter implements SlackAdapter {
  readonly platform = "slack" as const;
  readonly capabilities = SLACK_CAPABILITIES;
  private readonly app: App;
  private readonly poster: SlackPoster;
  private readonly installationStore: StateInstallationStore | undefined;
  private readonly logger: Logger;
  private readonly pending = new Set<Promise<void>>();
  /** The newest message handled per thread, read once per thread (src/core/seen-marks.ts). */
  private seen: ReturnType<typeof slackSeenMarks> | undefined;
  private readonly conversations = createConversationQueue();
  private readonly replyPolicy: ReplyPolicy;
  /** Aborted by stop(): replies waiting out a rate limit give up instead of holding the shutdown. */
  private readonly stopping = new AbortController();
  private handler: InboundHandler | undefined;
  /** The bot's own user id (one workspace), so that its posts read back from a thread's history are set aside. */
  private botUserId: string | undefined;
  private port: number | undefined;

  constructor(private readonly options: SlackAdapterOptions) {
    const { config, env } = options;
    this.logger = env.logger.child({ adapter: "slack" });
    const bundle = buildBoltApp({ config, secrets: options.secrets, state: env.state, logger: this.logger });
    this.app = bundle.app;
    this.installationStore = bundle.installationStore;
    this.poster = new SlackPoster(
      bundle.installationStore ? { kind: "oauth", store: bundle.installationStore, clientOptions: bundle.clientOptions } : { kind: "single", client: this.app.client },
      env.state,
      config.maxMessagesPerSend,
    );
    this.replyPolicy = defaultReplyPolicy(env.clock, { signal: this.stopping.signal, ...options.replyPolicy });
    this.registerListeners();
  }

  /**
   * Checks the bot token (one workspace), starts receiving events, then catches up on the open case threads: what
   * people wrote there while Liaison was down is handled first, in order, before anything written since.
   */
  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    const { config } = this.options;
    if (config.installation === "single") {
      try {
        const auth = await this.app.client.auth.test();
        this.botUserId = auth.user_id;
        this.logger.info({ team: auth.team_id, botUserId: auth.user_id }, "Slack bot token accepted");
      } catch (error) {
        throw new Error(`Slack rejected SLACK_BOT_TOKEN: ${toDeliveryError(error, "auth.test").message}`, { cause: error });
      }
    }
    // Each open case thread's turn is taken before the first live event can arrive.
    const threads = await this.options.env.openCaseThreads();
    const turns = threads.map((thread) => ({ thread, turn: this.conversations.reserve(conversationKey({ ...thread })) }));
    try {
      await this.receive();
    } catch (error) {
      for (const { turn } of turns) turn.skip();
      throw error;
    }
    for (const { thread, turn } of turns) {
      const work = turn.run(() => this.catchUp(thread)).finally(() => turn.skip()).catch((error: unknown) => this.logger.error({ err: error }, "Slack catch-up failed"));
      this.pending.add(work);
      void work.finally(() => this.pending.delete(work));
    }
  }

  /** Starts Bolt's receiver: the HTTP listener, or the Socket Mode connection. */
  private async receive(): Promise<void> {
    const { config } = this.options;
    if (config.mode === "http") {
      const server = await this.app.start({ port: config.http.port, host: config.http.host });
      const address = server.address() as AddressInfo | string | null;
      this.port = typeof address === "object" && address !== null ? address.port : config.http.port;
      this.logger.info({ port: this.port, path: config.http.eventsPath }, "Slack HTTP receiver listening");
    } else {
      await this.app.start();
      this.logger.info("Slack Socket Mode connected");
    }
  }

  /** Handles, in order, what people wrote in an open case thread since the last message handled there. */
  private async catchUp(thread: ThreadAddress): Promise<void> {
    const client = await this.poster.clientFor(thread.workspace);
    await catchUpThread(client, this.options.env.state, thread, this.botUserId, this.logger, (message) => this.onThreadMessage(message, client));
  }

  /** A person's thread message (live or caught up): to the core, its answer back, and the thread's mark moved on. */
  private async onThreadMessage({ event: message, ts }: SlackThreadMessage, client: SlackClient): Promise<void> {
    await this.answer(message, {
      client,
      workspace: message.where.workspace,
      userId: message.identity.userId,
      eventId: message.eventId,
      channel: message.where.channelId,
      ...(message.where.threadId ? { threadTs: message.where.threadId } : {}),
      source: "action",
    });
    if (message.where.threadId) await rememberSeen((this.seen ??= slackSeenMarks(this.options.env.state)), message.where.channelId, message.where.threadId, ts);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.app.stop();
    await this.whenIdle();
  }

  listeningPort(): number | undefined {
    return this.port;
  }

  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async send(destination: Extract<Destination, { kind: "channel" | "thread" }>, message: OutboundMessage, options: SendOptions): Promise<PostedMessage> {
    const client = await this.poster.clientFor(destination.workspace);
    const parts = await this.poster.render(message);
    const threadTs = destination.kind === "thread" ? destination.threadId : undefined;
    const ts = await this.poster.postParts(client, { channel: destination.channelId, ...(threadTs ? { threadTs } : {}) }, parts, options.idempotencyKey);
    return { messageId: ts };
  }

  async openThread(request: OpenThreadRequest, options: SendOptions): Promise<ThreadAddress> {
    const client = await this.poster.clientFor(request.channel.workspace);
    const root = request.root.title ? request.root : { ...request.root, title: request.title };
    const parts = await this.poster.render(root);
    const ts = await this.poster.postParts(client, { channel: request.channel.channelId, continueInThread: true }, parts, options.idempotencyKey);
    return { platform: "slack", workspace: request.channel.workspace, channelId: request.channel.channelId, threadId: ts };
  }

  async sendDirect(to: PlatformIdentity, message: OutboundMessage, options: SendOptions): Promise<PostedMessage> {
    const client = await this.poster.clientFor(to.workspace);
    return { messageId: await this.poster.sendDirect(client, to.workspace, to.userId, message, options.idempotencyKey) };
  }

  /**
   * Takes the event's turn in its conversation at once (arrival order), then runs `work` in that turn after the
   * ack; remembers it until it is done (for whenIdle and stop).
   */
  private enqueue(place: ConversationPlace, work: (turn: ConversationTurn) => Promise<void>): void {
    let turn: ConversationTurn;
    try {
      turn = this.conversations.reserve(conversationKey(place));
    } catch (error) {
      this.logger.error({ err: error, channel: place.channelId }, "Slack inbound event refused: its conversation has too much waiting");
      return;
    }
    const promise = work(turn).catch((error: unknown) => {
      this.logger.error({ err: error }, "Slack inbound handling failed");
    });
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /** The reply policy's clock now, in milliseconds. */
  private nowMs(): number {
    return this.replyPolicy.timing.nowMs();
  }

  private async dispatch(event: InboundEvent): Promise<Reply | undefined> {
    if (!this.handler) throw new Error("Slack adapter received an event before start()");
    try {
      return await this.handler(event);
    } catch (error) {
      this.logger.error({ err: error, eventId: event.eventId }, "core failed on a Slack event");
      return event.type === "message" ? undefined : { message: textMessage(UNEXPECTED_FAILURE, "error"), delivery: "ephemeral" };
    }
  }

  private registerListeners(): void {
    const app = this.app;
    app.error(async (error) => {
      this.logger.error({ err: error }, "Slack app error");
    });

    app.command(/^\/.+/, async ({ ack, body, client }) => {
      await ack();
      const receivedMs = this.nowMs();
      const parsed = slashCommandSchema.safeParse(body as unknown);
      if (!parsed.success) {
        this.logger.warn({ issues: parsed.error.issues }, "ignored a malformed Slack slash command");
        return;
      }
      const event = toCommandEvent(parsed.data, this.options.config.commandPrefix);
      this.enqueue(event.where, (turn) =>
        turn.run(async () => {
          await this.answer(event, {
            client,
            workspace: parsed.data.team_id,
            userId: parsed.data.user_id,
            eventId: event.eventId,
            channel: parsed.data.channel_id,
            responseUrl: parsed.data.response_url,
            responseUrlUntilMs: receivedMs + SLACK_LIMITS.responseUrlLifetimeMs - RESPONSE_URL_MARGIN_MS,
            source: "command",
          });
        }),
      );
    });

    app.event("message", async ({ body, event, context, client }) => {
      const envelope = eventCallbackSchema.safeParse(body as unknown);
      if (!envelope.success) return;
      const message = toThreadMessageEvent(envelope.data, event as unknown, context.botUserId);
      if (!message) return;
      this.enqueue(message.event.where, (turn) => turn.run(() => this.onThreadMessage(message, client)));
    });

    app.action({ action_id: new RegExp(`^${ACTION_ID_PREFIX}`) }, async ({ ack, body, client, respond }) => {
      await ack();
      this.onButton(body as unknown, client, respond);
    });

    app.view(FORM_CALLBACK_ID, async ({ ack, body, client }) => {
      await ack();
      this.onFormSubmitted(body as unknown, client);
    });

    const forget = async (teamId: string | undefined): Promise<void> => {
      if (this.installationStore && teamId) {
        await this.installationStore.deleteInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
        this.logger.info({ team: teamId }, "Slack workspace uninstalled Liaison; installation forgotten");
      }
    };
    app.event("app_uninstalled", async ({ body }) => forget(body.team_id));
    app.event("tokens_revoked", async ({ body, event }) => {
      if ((event.tokens.bot ?? []).length > 0) await forget(body.team_id);
    });
  }

  /**
   * A button press: its turn is taken at once; a form opens without waiting for the conversation (its trigger_id
   * lives 3 seconds), anything else runs in the turn.
   */
  private onButton(raw: unknown, client: SlackClient, respond: RespondFn | undefined): void {
    const receivedMs = this.nowMs();
    const parsed = blockActionsSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn({ issues: parsed.error.issues }, "ignored a malformed Slack button press");
      return;
    }
    const body = parsed.data;
    const press = toButtonPress(body);
    if (!press) return;
    const { event, value, workspace, channel, threadTs } = press;
    this.enqueue(event.where, async (turn) => {
      const form = await buttonForm(this.options.env.state, this.logger, value).catch((error: unknown) => {
        turn.skip();
        throw error;
      });
      if (form) {
        turn.skip();
        const view = buildFormView(form, { c: value.c, ...(channel ? { ch: channel } : {}), ...(threadTs ? { th: threadTs } : {}), tm: workspace });
        try {
          await client.views.open({ trigger_id: body.trigger_id, view });
        } catch (error) {
          this.logger.warn({ err: error }, "could not open a Slack modal");
          if (respond) await respond({ response_type: "ephemeral", replace_original: false, text: "Liaison could not open the form. Please try again." }).catch(() => undefined);
        }
        return;
      }
      await turn.run(async () => {
        const ephemeralContainer = body.container?.is_ephemeral === true;
        await this.answer(event, {
          client,
          workspace,
          userId: body.user.id,
          eventId: event.eventId,
          ...(channel ? { channel } : {}),
          ...(threadTs && !ephemeralContainer ? { threadTs } : {}),
          ...(body.response_url ? { responseUrl: body.response_url, responseUrlUntilMs: receivedMs + SLACK_LIMITS.responseUrlLifetimeMs - RESPONSE_URL_MARGIN_MS } : {}),
          source: ephemeralContainer ? "command" : "action",
        });
      });
    });
  }

  private onFormSubmitted(raw: unknown, client: SlackClient): void {
    const parsed = viewSubmissionSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn({ issues: parsed.error.issues }, "ignored a malformed Slack form submission");
      return;
    }
    const body = parsed.data;
    const submission = readFormSubmission(body.view);
    if (!submission) return;
    const { metadata, values } = submission;
    const workspace = metadata.tm ?? body.team?.id ?? body.user.team_id ?? "";
    const event: ActionEvent = {
      type: "action",
      eventId: `slack:view:${stableHash(workspace, body.user.id, body.view.id)}`,
      command: metadata.c,
      values,
      identity: { platform: "slack", workspace: body.user.team_id ?? workspace, userId: body.user.id, ...displayName(body.user) },
      where: { platform: "slack", workspace, channelId: metadata.ch ?? "", ...(metadata.th ? { threadId: metadata.th } : {}), isDirect: metadata.ch?.startsWith("D") ?? false },
    };
    this.enqueue(event.where, (turn) =>
      turn.run(async () => {
        await this.answer(event, {
          client,
          workspace,
          userId: body.user.id,
          eventId: event.eventId,
          ...(metadata.ch ? { channel: metadata.ch } : {}),
          ...(metadata.th ? { threadTs: metadata.th } : {}),
          source: "action",
        });
      }),
    );
  }

  /** Runs the event through the core and delivers its reply, if any. */
  private async answer(event: InboundEvent, context: ReplyContext): Promise<void> {
    const reply = await this.dispatch(event);
    if (reply) await this.deliverReply(reply, event, context);
  }

  /**
   * Delivers the core's reply through the shared reply policy: response_url (slash commands, buttons) within its
   * 30 minutes, ephemeral or thread posts otherwise, a direct message last.
   */
  private async deliverReply(reply: Reply, event: InboundEvent, context: ReplyContext): Promise<void> {
    await deliverSlackReply(reply, event, context, { poster: this.poster, config: this.options.config, policy: this.replyPolicy, logger: this.logger });
  }
}
