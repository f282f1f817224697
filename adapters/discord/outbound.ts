import { createHash } from "node:crypto";
import type { REST } from "discord.js";
import { Routes } from "discord.js";
import { z } from "zod";
import type { OutboundMessage } from "../../src/core/message.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { encodeActions } from "./components.js";
import { discordCode, THREAD_ALREADY_CREATED, toDeliveryError } from "./errors.js";
import { DISCORD_LIMITS as L } from "./limits.js";
import type { DiscordMessageBody } from "./render.js";
import { renderMessage } from "./render.js";

/** The parts of a created message Liaison reads. */
const createdMessageSchema = z.object({ id: z.string(), channel_id: z.string(), thread: z.object({ id: z.string() }).nullish() });
/** The parts of a channel Liaison reads. */
const channelSchema = z.object({ id: z.string(), type: z.number(), parent_id: z.string().nullish() });

/** A nonce for one part of one outbox message: stable across retries, at most 25 characters. */
export function nonceFor(idempotencyKey: string, part: number): string {
  return createHash("sha256").update(`${idempotencyKey}:${part}`).digest("base64url").slice(0, L.nonceChars);
}

/** Posts messages, threads and DMs through discord.js's REST client (which owns rate-limit buckets). */
export class DiscordPoster {
  private readonly dmChannels = new Map<string, string>();

  constructor(
    private readonly rest: REST,
    private readonly state: AdapterStateStore,
    private readonly maxParts: number,
  ) {}

  /** Renders a message with its buttons' custom_ids. */
  async render(message: OutboundMessage): Promise<DiscordMessageBody[]> {
    const customIds = message.actions?.length ? await encodeActions(message.actions, this.state) : undefined;
    return renderMessage(message, customIds ? { maxParts: this.maxParts, customIds } : { maxParts: this.maxParts });
  }

  /**
   * Posts a message (all its parts) in a channel or thread channel; resolves to the first part's id. Each part carries
   * a nonce with enforce_nonce, so a retry of the same outbox message returns the already-posted parts.
   */
  async post(channelId: string, message: OutboundMessage, idempotencyKey: string): Promise<string> {
    const bodies = await this.render(message);
    let firstId = "";
    for (const [index, body] of bodies.entries()) {
      const raw = await this.rest
        .post(Routes.channelMessages(channelId), { body: { ...body, nonce: nonceFor(idempotencyKey, index), enforce_nonce: true } })
        .catch((error: unknown) => {
          throw toDeliveryError(error, `posting to channel ${channelId}`);
        });
      const created = createdMessageSchema.parse(raw);
      if (index === 0) firstId = created.id;
    }
    return firstId;
  }

  /** Starts a thread on a message; when a retry finds one already there, resolves to that thread. */
  async startThread(channelId: string, messageId: string, name: string): Promise<string> {
    const threadName = name.trim().slice(0, L.threadNameChars) || "case";
    try {
      const raw = await this.rest.post(Routes.threads(channelId, messageId), { body: { name: threadName, auto_archive_duration: 10080 } });
      return channelSchema.parse(raw).id;
    } catch (error) {
      if (discordCode(error) !== THREAD_ALREADY_CREATED) throw toDeliveryError(error, `starting a thread in ${channelId}`);
      const raw = await this.rest.get(Routes.channelMessage(channelId, messageId)).catch((cause: unknown) => {
        throw toDeliveryError(cause, `reading message ${messageId}`);
      });
      const thread = createdMessageSchema.parse(raw).thread;
      if (!thread) throw toDeliveryError(error, `starting a thread in ${channelId}`);
      return thread.id;
    }
  }

  /** The DM channel with a user (created once, then remembered). */
  async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    const raw = await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } }).catch((error: unknown) => {
      throw toDeliveryError(error, `opening a DM with ${userId}`);
    });
    const id = channelSchema.parse(raw).id;
    this.dmChannels.set(userId, id);
    return id;
  }

  /** Looks a channel up (type and parent), for thread messages Liaison did not open itself. */
  async channel(channelId: string): Promise<z.infer<typeof channelSchema> | undefined> {
    try {
      return channelSchema.parse(await this.rest.get(Routes.channel(channelId)));
    } catch {
      return undefined;
    }
  }
}
