import type { AddressInfo } from "node:net";
import type { App, RespondArguments, RespondFn } from "@slack/bolt";
import type { Logger } from "pino";
import { z } from "zod";
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
import { DeliveryError } from "../../src/core/adapter.js";
import { textMessage, type OutboundMessage } from "../../src/core/message.js";
import type { AdapterEnvironment } from "../../src/core/platform.js";
import { buildBoltApp } from "./app.js";
import type { SlackConfig, SlackSecrets } from "./config.js";
import { toDeliveryError } from "./errors.js";
import { actionFormSchema, buildFormView, FORM_CALLBACK_ID, readFormSubmission, type ActionForm } from "./forms.js";
import {
  blockActionsSchema,
  eventCallbackSchema,
  slashCommandSchema,
  stableHash,
  toCommandEvent,
  toThreadMessageEvent,
  viewSubmissionSchema,
} from "./inbound.js";
import type { StateInstallationStore } from "./installation-store.js";
import { SLACK_LIMITS } from "./limits.js";
import { SlackPoster, type SlackClient } from "./outbound.js";
import { ACTION_ID_PREFIX } from "./render.js";

/** Options of createSlackAdapter. */
export interface SlackAdapterOptions {
  config: SlackConfig;
  secrets: SlackSecrets;
  env: AdapterEnvironment;
  /** Web API base URL, for tests against a fake Slack (e.g. "http://127.0.0.1:PORT/api/"). */
  slackApiUrl?: string;
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

/** What a reply needs to reach the person who asked. */
interface ReplyContext {
  client: SlackClient;
  workspace: string;
  userId: string;
  eventId: string;
  channel?: string;
  threadTs?: string;
  /** The command's or button's response_url (slash commands and block actions). */
  respond?: RespondFn;
  /** Slash commands answer "in-place" through response_url; buttons answer in the message's thread. */
  source: "command" | "action";
}

const buttonValueSchema = z.looseObject({ c: z.string().min(1), f: z.unknown().optional(), k: z.string().optional() });

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
  private handler: InboundHandler | undefined;
  private port: number | undefined;

  constructor(private readonly options: SlackAdapterOptions) {
    const { config, env } = options;
    this.logger = env.logger.child({ adapter: "slack" });
    const bundle = buildBoltApp({ config, secrets: options.secrets, state: env.state, logger: this.logger, ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}) });
    this.app = bundle.app;
    this.installationStore = bundle.installationStore;
    this.poster = new SlackPoster(
      bundle.installationStore ? { kind: "oauth", store: bundle.installationStore, clientOptions: bundle.clientOptions } : { kind: "single", client: this.app.client },
      env.state,
      this.logger,
      config.maxMessagesPerSend,
    );
    this.registerListeners();
  }

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    const { config } = this.options;
    if (config.installation === "single") {
      try {
        const auth = await this.app.client.auth.test();
        this.logger.info({ team: auth.team_id, botUserId: auth.user_id }, "Slack bot token accepted");
      } catch (error) {
        throw new Error(`Slack rejected SLACK_BOT_TOKEN: ${toDeliveryError(error, "auth.test").message}`, { cause: error });
      }
    }
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

  async stop(): Promise<void> {
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

  /** Runs inbound work after the ack, and remembers it until it is done (for whenIdle and stop). */
  private track(work: () => Promise<void>): void {
    const promise = work().catch((error: unknown) => {
      this.logger.error({ err: error }, "Slack inbound handling failed");
    });
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
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

    app.command(/^\/.+/, async ({ ack, body, respond, client }) => {
      await ack();
      this.track(async () => {
        const parsed = slashCommandSchema.safeParse(body as unknown);
        if (!parsed.success) {
          this.logger.warn({ issues: parsed.error.issues }, "ignored a malformed Slack slash command");
          return;
        }
        const event = toCommandEvent(parsed.data, this.options.config.commandPrefix);
        const reply = await this.dispatch(event);
        if (reply) {
          await this.deliverReply(reply, {
            client,
            workspace: parsed.data.team_id,
            userId: parsed.data.user_id,
            eventId: event.eventId,
            channel: parsed.data.channel_id,
            respond,
            source: "command",
          });
        }
      });
    });

    app.event("message", async ({ body, event, context, client }) => {
      this.track(async () => {
        const envelope = eventCallbackSchema.safeParse(body as unknown);
        if (!envelope.success) return;
        const message = toThreadMessageEvent(envelope.data, event as unknown, context.botUserId);
        if (!message) return;
        const reply = await this.dispatch(message);
        if (reply) {
          await this.deliverReply(reply, {
            client,
            workspace: message.where.workspace,
            userId: message.identity.userId,
            eventId: message.eventId,
            channel: message.where.channelId,
            ...(message.where.threadId ? { threadTs: message.where.threadId } : {}),
            source: "action",
          });
        }
      });
    });

    app.action({ action_id: new RegExp(`^${ACTION_ID_PREFIX}`) }, async ({ ack, body, client, respond }) => {
      await ack();
      this.track(() => this.onButton(body as unknown, client, respond));
    });

    app.view(FORM_CALLBACK_ID, async ({ ack, body, client }) => {
      await ack();
      this.track(() => this.onFormSubmitted(body as unknown, client));
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

  private async onButton(raw: unknown, client: SlackClient, respond: RespondFn | undefined): Promise<void> {
    const parsed = blockActionsSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn({ issues: parsed.error.issues }, "ignored a malformed Slack button press");
      return;
    }
    const body = parsed.data;
    const action = body.actions.find((candidate) => candidate.action_id.startsWith(ACTION_ID_PREFIX));
    const value = buttonValueSchema.safeParse(safeJson(action?.value));
    if (!action || !value.success) return;
    const workspace = body.team?.id ?? body.user.team_id ?? "";
    const channel = body.channel?.id ?? body.container?.channel_id;
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    // A button on a case card (or a reply in its thread) belongs to the card's thread; in a DM, to the conversation.
    const isDirect = channel?.startsWith("D") ?? false;
    const threadTs = body.message?.thread_ts ?? body.container?.thread_ts ?? (isDirect ? undefined : messageTs);
    const form = await this.formOf(value.data);
    if (form) {
      const view = buildFormView(form, { c: value.data.c, ...(channel ? { ch: channel } : {}), ...(threadTs ? { th: threadTs } : {}), tm: workspace });
      try {
        await client.views.open({ trigger_id: body.trigger_id, view });
      } catch (error) {
        this.logger.warn({ err: error }, "could not open a Slack modal");
        if (respond) await respond({ response_type: "ephemeral", replace_original: false, text: "Liaison could not open the form. Please try again." }).catch(() => undefined);
      }
      return;
    }
    const event: ActionEvent = {
      type: "action",
      eventId: `slack:act:${stableHash(workspace, body.user.id, body.trigger_id, action.action_id)}`,
      command: value.data.c,
      values: {},
      identity: { platform: "slack", workspace: body.user.team_id ?? workspace, userId: body.user.id, ...displayName(body.user) },
      where: { platform: "slack", workspace, channelId: channel ?? "", ...(threadTs ? { threadId: threadTs } : {}), isDirect },
    };
    const reply = await this.dispatch(event);
    if (!reply) return;
    const ephemeralContainer = body.container?.is_ephemeral === true;
    await this.deliverReply(reply, {
      client,
      workspace,
      userId: body.user.id,
      eventId: event.eventId,
      ...(channel ? { channel } : {}),
      ...(threadTs && !ephemeralContainer ? { threadTs } : {}),
      ...(respond ? { respond } : {}),
      source: ephemeralContainer ? "command" : "action",
    });
  }

  private async onFormSubmitted(raw: unknown, client: SlackClient): Promise<void> {
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
    const reply = await this.dispatch(event);
    if (!reply) return;
    await this.deliverReply(reply, {
      client,
      workspace,
      userId: body.user.id,
      eventId: event.eventId,
      ...(metadata.ch ? { channel: metadata.ch } : {}),
      ...(metadata.th ? { threadTs: metadata.th } : {}),
      source: "action",
    });
  }

  /** The form a button opens, inline in its value or from the state store. */
  private async formOf(value: z.infer<typeof buttonValueSchema>): Promise<ActionForm | undefined> {
    const raw = value.f ?? (value.k ? safeJson(await this.options.env.state.get(value.k)) : undefined);
    if (raw === undefined) return undefined;
    const form = actionFormSchema.safeParse(raw);
    if (!form.success) {
      this.logger.warn({ key: value.k }, "a Slack button's form could not be read");
      return undefined;
    }
    return form.data as ActionForm;
  }

  /** Delivers the core's reply as it asks: ephemeral, by DM, or where the person asked. */
  private async deliverReply(reply: Reply, context: ReplyContext): Promise<void> {
    const { message } = reply;
    try {
      if (reply.delivery === "direct") {
        await this.poster.sendDirect(context.client, context.workspace, context.userId, message, `reply:${context.eventId}`);
        return;
      }
      if (context.respond && (context.source === "command" || reply.delivery === "ephemeral")) {
        if (await this.respondWith(context.respond, reply.delivery === "ephemeral" ? "ephemeral" : "in_channel", message)) return;
      } else if (context.channel && reply.delivery === "ephemeral") {
        if (await this.poster.postEphemeral(context.client, context.channel, context.userId, message, context.threadTs)) return;
      } else if (context.channel) {
        const parts = await this.poster.render(message);
        await this.poster.postParts(context.client, { channel: context.channel, ...(context.threadTs ? { threadTs: context.threadTs } : {}) }, parts, `reply:${context.eventId}`);
        return;
      }
      // Nothing else reached the person: a direct message always can.
      await this.poster.sendDirect(context.client, context.workspace, context.userId, message, `reply:${context.eventId}`);
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : toDeliveryError(error, "reply");
      this.logger.warn({ err: failure, eventId: context.eventId }, "could not deliver a reply on Slack");
    }
  }

  /** Answers through response_url (at most 5 uses); false when Slack refused it (expired, used up). */
  private async respondWith(respond: RespondFn, responseType: "ephemeral" | "in_channel", message: OutboundMessage): Promise<boolean> {
    try {
      const parts = await this.poster.render(message, Math.min(this.options.config.maxMessagesPerSend, SLACK_LIMITS.responseUrlUses));
      for (const part of parts) {
        const payload: RespondArguments = { response_type: responseType, replace_original: false, text: part.text, blocks: part.blocks };
        await respond(payload);
      }
      return true;
    } catch (error) {
      this.logger.warn({ err: error }, "Slack response_url refused the reply; falling back");
      return false;
    }
  }
}

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function displayName(user: { name?: string | undefined; username?: string | undefined }): { displayName?: string } {
  const name = user.name ?? user.username;
  return name ? { displayName: name } : {};
}
