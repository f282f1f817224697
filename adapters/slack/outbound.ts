import { webApi } from "@slack/bolt";
import { DeliveryError } from "../../src/core/adapter.js";
import type { OutboundMessage } from "../../src/core/message.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { toDeliveryError } from "./errors.js";
import type { StateInstallationStore } from "./installation-store.js";
import { renderMessage, type SlackMessagePart } from "./render.js";

/** A Web API client, as the SDK defines it. */
export type SlackClient = InstanceType<typeof webApi.WebClient>;

/** One message posted to a response_url (https://docs.slack.dev/interactivity/handling-user-interaction). */
export interface ResponseUrlPayload {
  response_type: "ephemeral" | "in_channel";
  replace_original: false;
  text: string;
  blocks: unknown[];
}

/**
 * Posts one message to a command's or button's response_url; throws a DeliveryError: 429 with Retry-After, 404 once
 * the URL expired (30 minutes) or its five uses are spent (permanent), network failures and 5xx (retryable).
 */
export async function postToResponseUrl(url: string, payload: ResponseUrlPayload, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload), signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new DeliveryError(`response_url: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  await response.body?.cancel();
  if (response.ok) return;
  const status = response.status;
  if (status === 429) {
    const retryAfterSeconds = Number(response.headers.get("retry-after"));
    throw new DeliveryError("response_url: Slack rate limit", Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? { retryAfterMs: retryAfterSeconds * 1000 } : {});
  }
  throw new DeliveryError(`response_url answered HTTP ${status}`, { permanent: status >= 400 && status < 500 && status !== 408 });
}

/** Where a run of message parts goes. */
export interface PostTarget {
  channel: string;
  /** Parent ts when posting into a thread. */
  threadTs?: string;
  /** Posts parts after the first into the first part's thread (a case card that continues below itself). */
  continueInThread?: boolean;
}

/** How outbound messages find a token: one bot token, or the installation of each workspace. */
export type TokenSource = { kind: "single"; client: SlackClient } | { kind: "oauth"; store: StateInstallationStore; clientOptions: webApi.WebClientOptions };

/** Renders and posts messages, with per-workspace clients and resumable multi-part sends. */
export class SlackPoster {
  private readonly clients = new Map<string, SlackClient>();
  private readonly dmChannels = new Map<string, string>();

  constructor(
    private readonly tokens: TokenSource,
    private readonly state: AdapterStateStore,
    private readonly maxParts: number,
  ) {}

  /** The client that acts for the bot in `workspace` (a team id); throws a permanent DeliveryError when not installed. */
  async clientFor(workspace: string): Promise<SlackClient> {
    if (this.tokens.kind === "single") return this.tokens.client;
    const bot = await this.tokens.store.botFor(workspace);
    if (!bot) throw new DeliveryError(`Liaison is not installed in Slack workspace ${workspace}`, { permanent: true });
    let client = this.clients.get(bot.token);
    if (!client) {
      client = new webApi.WebClient(bot.token, { ...this.tokens.clientOptions, ...(bot.teamId ? { teamId: bot.teamId } : {}) });
      this.clients.set(bot.token, client);
    }
    return client;
  }

  /** Renders a message into Slack message parts, saving any button forms too big for a button value. */
  async render(message: OutboundMessage, maxParts = this.maxParts): Promise<SlackMessagePart[]> {
    const rendered = renderMessage(message, { maxParts });
    for (const form of rendered.storedForms) await this.state.set(form.key, form.value);
    return rendered.parts;
  }

  /**
   * Posts parts in order and resolves to the first part's ts. With several parts, progress is saved under the
   * idempotency key, so a retry after a failure (429 on part 2) does not post part 1 again.
   */
  async postParts(client: SlackClient, target: PostTarget, parts: SlackMessagePart[], idempotencyKey: string): Promise<string> {
    const progressKey = `sent:${idempotencyKey}`;
    const multi = parts.length > 1;
    const posted: string[] = multi ? await this.readProgress(progressKey) : [];
    for (let index = posted.length; index < parts.length; index += 1) {
      const part = parts[index];
      if (!part) break;
      const threadTs = target.threadTs ?? (target.continueInThread && index > 0 ? posted[0] : undefined);
      let ts: string;
      try {
        const result = await client.chat.postMessage({
          channel: target.channel,
          text: part.text,
          blocks: part.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        ts = typeof result.ts === "string" ? result.ts : "";
      } catch (error) {
        throw toDeliveryError(error, `chat.postMessage to ${target.channel}`);
      }
      posted.push(ts);
      if (multi && index < parts.length - 1) await this.state.set(progressKey, JSON.stringify(posted));
    }
    if (multi) await this.state.delete(progressKey);
    return posted[0] ?? "";
  }

  /** Opens (or reuses) the direct-message channel with a person. */
  async openDirect(client: SlackClient, workspace: string, userId: string): Promise<string> {
    const cacheKey = `${workspace}:${userId}`;
    const cached = this.dmChannels.get(cacheKey);
    if (cached) return cached;
    try {
      const result = await client.conversations.open({ users: userId, return_im: false });
      const channel = result.channel?.id;
      if (!channel) throw new DeliveryError(`conversations.open for ${userId} returned no channel`, { permanent: true });
      this.dmChannels.set(cacheKey, channel);
      return channel;
    } catch (error) {
      throw toDeliveryError(error, `conversations.open for ${userId}`);
    }
  }

  /** Sends a direct message to a person and resolves to its ts. */
  async sendDirect(client: SlackClient, workspace: string, userId: string, message: OutboundMessage, idempotencyKey: string): Promise<string> {
    const channel = await this.openDirect(client, workspace, userId);
    return this.postParts(client, { channel }, await this.render(message), idempotencyKey);
  }

  /** Posts one rendered part as an ephemeral message (visible to one person) in a channel or thread. */
  async postEphemeralPart(client: SlackClient, channel: string, userId: string, part: SlackMessagePart, threadTs?: string): Promise<void> {
    try {
      await client.chat.postEphemeral({ channel, user: userId, text: part.text, blocks: part.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
    } catch (error) {
      throw toDeliveryError(error, `chat.postEphemeral in ${channel}`);
    }
  }

  private async readProgress(key: string): Promise<string[]> {
    const raw = await this.state.get(key);
    if (raw === undefined) return [];
    try {
      const value = JSON.parse(raw) as unknown;
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
    } catch {
      return [];
    }
  }
}
