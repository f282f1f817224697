import { z } from "zod";
import type { EventLocation, PlatformIdentity } from "../../src/core/adapter.js";
import { submittedComponentsSchema } from "./components.js";

/** A Discord user object (the fields Liaison reads). */
const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  global_name: z.string().nullish(),
  bot: z.boolean().optional(),
});

/** A guild member as sent with interactions and messages. */
const memberSchema = z.object({ user: userSchema.optional(), nick: z.string().nullish() });

/** An application command option, recursively (subcommands carry options). */
export interface OptionPayload {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  options?: OptionPayload[] | undefined;
}
const optionSchema: z.ZodType<OptionPayload> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(optionSchema).optional(),
  }),
);

/** The partial channel sent with an interaction. */
const interactionChannelSchema = z.object({ id: z.string(), type: z.number(), parent_id: z.string().nullish() });

/** Fields common to the interactions Liaison handles. */
const interactionBase = {
  id: z.string(),
  application_id: z.string(),
  token: z.string(),
  guild_id: z.string().nullish(),
  channel_id: z.string().optional(),
  channel: interactionChannelSchema.optional(),
  member: memberSchema.optional(),
  user: userSchema.optional(),
};

/** INTERACTION_CREATE payloads Liaison acts on: slash commands, buttons, modal submits. */
export const interactionSchema = z.discriminatedUnion("type", [
  z.object({
    ...interactionBase,
    type: z.literal(2),
    data: z.object({ id: z.string(), name: z.string(), type: z.number(), options: z.array(optionSchema).optional() }),
  }),
  z.object({
    ...interactionBase,
    type: z.literal(3),
    data: z.object({ custom_id: z.string(), component_type: z.number() }),
    message: z.object({ id: z.string(), channel_id: z.string() }),
  }),
  z.object({
    ...interactionBase,
    type: z.literal(5),
    data: z.object({ custom_id: z.string(), components: submittedComponentsSchema }),
  }),
]);

/** A validated interaction. */
export type InteractionPayload = z.infer<typeof interactionSchema>;

/** MESSAGE_CREATE payloads (the fields Liaison reads). */
export const messageCreateSchema = z.object({
  id: z.string(),
  channel_id: z.string(),
  guild_id: z.string().nullish(),
  author: userSchema,
  member: memberSchema.optional(),
  content: z.string(),
  type: z.number(),
  webhook_id: z.string().nullish(),
});

/** A validated MESSAGE_CREATE. */
export type MessageCreatePayload = z.infer<typeof messageCreateSchema>;

/** Discord channel types that are threads (announcement, public, private). */
const THREAD_TYPES = new Set([10, 11, 12]);

/** The person behind an interaction or message: Discord user id within the guild ("" outside a guild). */
export function identityOf(payload: {
  guild_id?: string | null | undefined;
  member?: z.infer<typeof memberSchema> | undefined;
  user?: z.infer<typeof userSchema> | undefined;
  author?: z.infer<typeof userSchema> | undefined;
}): PlatformIdentity | undefined {
  const user = payload.member?.user ?? payload.user ?? payload.author;
  if (!user) return undefined;
  const displayName = payload.member?.nick ?? user.global_name ?? user.username;
  return { platform: "discord", workspace: payload.guild_id ?? "", userId: user.id, displayName };
}

/** Where an interaction happened; in a thread, channelId is the parent channel and threadId the thread. */
export function interactionLocation(interaction: InteractionPayload): EventLocation {
  const channelId = interaction.channel_id ?? interaction.channel?.id ?? "";
  const workspace = interaction.guild_id ?? "";
  const channel = interaction.channel;
  if (channel && THREAD_TYPES.has(channel.type) && channel.parent_id) {
    return { platform: "discord", workspace, channelId: channel.parent_id, threadId: channel.id, isDirect: false };
  }
  return { platform: "discord", workspace, channelId, isDirect: interaction.guild_id === undefined || interaction.guild_id === null };
}

/**
 * True for a MESSAGE_CREATE written by a bot, a webhook or Liaison itself, read from the raw payload before any
 * validation: Liaison's own direct replies come back this way and are not "not understood".
 */
export function isFromBot(data: unknown, botUserId: string | undefined): boolean {
  if (typeof data !== "object" || data === null) return false;
  const { author, webhook_id: webhookId } = data as { author?: unknown; webhook_id?: unknown };
  if (typeof webhookId === "string") return true;
  if (typeof author !== "object" || author === null) return false;
  const { bot, id } = author as { bot?: unknown; id?: unknown };
  return bot === true || (botUserId !== undefined && id === botUserId);
}

/** True for messages a person wrote (not bots, not webhooks, not Liaison itself, not system messages). */
export function isHumanMessage(message: MessageCreatePayload, botUserId: string | undefined): boolean {
  if (message.author.bot === true || (message.webhook_id !== undefined && message.webhook_id !== null)) return false;
  if (botUserId !== undefined && message.author.id === botUserId) return false;
  return message.type === 0 || message.type === 19;
}
