import { createHash } from "node:crypto";
import { z } from "zod";
import type { ActionEvent, CommandEvent, ThreadMessageEvent } from "../../src/core/adapter.js";
import { ACTION_ID_PREFIX } from "./render.js";

/** A slash command as Slack posts it (form fields; https://docs.slack.dev/interactivity/implementing-slash-commands). */
export const slashCommandSchema = z.looseObject({
  team_id: z.string().min(1),
  enterprise_id: z.string().optional(),
  channel_id: z.string().min(1),
  channel_name: z.string().optional(),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  command: z.string().startsWith("/"),
  text: z.string().default(""),
  response_url: z.url(),
  trigger_id: z.string().min(1),
  api_app_id: z.string().optional(),
});

/** A validated slash command. */
export type SlashCommand = z.infer<typeof slashCommandSchema>;

/** A `message` event (https://docs.slack.dev/reference/events/message), reduced to what Liaison reads. */
export const messageEventSchema = z.looseObject({
  type: z.literal("message"),
  subtype: z.string().optional(),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().default(""),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  team: z.string().optional(),
  user_team: z.string().optional(),
});

/** An Events API envelope (event_callback) with the fields used for identity and de-duplication. */
export const eventCallbackSchema = z.looseObject({
  type: z.literal("event_callback"),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
  event_id: z.string().min(1),
  event: z.unknown(),
  authorizations: z.array(z.looseObject({ team_id: z.string().nullish() })).optional(),
});

/** A button press (block_actions payload), reduced to what Liaison reads. */
export const blockActionsSchema = z.looseObject({
  type: z.literal("block_actions"),
  trigger_id: z.string().min(1),
  response_url: z.url().optional(),
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional(), username: z.string().optional(), name: z.string().optional() }),
  team: z.looseObject({ id: z.string().min(1) }).nullish(),
  channel: z.looseObject({ id: z.string().min(1) }).optional(),
  container: z
    .looseObject({
      type: z.string(),
      message_ts: z.string().optional(),
      thread_ts: z.string().optional(),
      channel_id: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })).min(1),
});

/** A validated button press. */
export type BlockActions = z.infer<typeof blockActionsSchema>;

/** A modal submission (view_submission payload), reduced to what Liaison reads. */
export const viewSubmissionSchema = z.looseObject({
  type: z.literal("view_submission"),
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional(), username: z.string().optional(), name: z.string().optional() }),
  team: z.looseObject({ id: z.string().min(1) }).nullish(),
  view: z.looseObject({
    id: z.string().min(1),
    callback_id: z.string(),
    private_metadata: z.string().default(""),
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  }),
});

/** A validated modal submission. */
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

/** A short stable hash of the parts, for event ids built from several fields. */
export function stableHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

/**
 * Converts Slack's message markup to plain text: links become their URL, mentions `@U…`, channels `#name`,
 * special mentions `@here`, and the three HTML entities Slack escapes are restored.
 */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<([^<>]+)>/g, (_match, inner: string) => {
      const [target = "", label] = inner.split("|", 2);
      if (target.startsWith("@")) return label ? `@${label}` : target;
      if (target.startsWith("#")) return label ? `#${label}` : target;
      if (target.startsWith("!")) {
        const name = target.slice(1).split("^")[0] ?? "";
        return label ?? `@${name}`;
      }
      return target;
    })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** True for a direct-message channel id or channel type. */
function isDirectChannel(channelId: string, channelType?: string): boolean {
  return channelType === "im" || channelId.startsWith("D");
}

/**
 * Maps a slash command to a CommandEvent: `/<prefix>case ack X` becomes `/case ack X`. The event id is a hash of
 * team, channel, user and trigger id, which a redelivery (Socket Mode) keeps.
 */
export function toCommandEvent(command: SlashCommand, commandPrefix: string): CommandEvent {
  let name = command.command.slice(1);
  if (commandPrefix !== "" && name.startsWith(commandPrefix)) name = name.slice(commandPrefix.length);
  const args = slackTextToPlain(command.text).trim();
  return {
    type: "command",
    eventId: `slack:cmd:${stableHash(command.team_id, command.channel_id, command.user_id, command.trigger_id)}`,
    text: args === "" ? `/${name}` : `/${name} ${args}`,
    identity: {
      platform: "slack",
      workspace: command.team_id,
      userId: command.user_id,
      ...(command.user_name ? { displayName: command.user_name } : {}),
    },
    where: { platform: "slack", workspace: command.team_id, channelId: command.channel_id, isDirect: isDirectChannel(command.channel_id) },
  };
}

/** A person's thread message, with the ts that places it in its thread's history. */
export interface SlackThreadMessage {
  event: ThreadMessageEvent;
  ts: string;
}

/** Message subtypes that are a person writing (others: edits, joins, bot posts... are ignored). */
const HUMAN_SUBTYPES = new Set(["thread_broadcast", "file_share"]);

/**
 * Maps a message event to a ThreadMessageEvent when a person wrote in a thread; undefined for everything else
 * (top-level messages, edits and other subtypes, bots, Liaison itself).
 */
export function toThreadMessageEvent(
  body: z.infer<typeof eventCallbackSchema>,
  rawEvent: unknown,
  botUserId: string | undefined,
): SlackThreadMessage | undefined {
  const workspace = body.authorizations?.[0]?.team_id ?? body.team_id ?? "";
  return threadMessageOf(workspace, rawEvent, botUserId);
}

/**
 * A thread message from a message object, delivered live (an event) or read from a thread's history (catch-up). Its
 * event id is the message's own place (workspace, channel, ts), the same both ways, so that the core's claim handles a
 * message seen live and again in the history once.
 */
export function threadMessageOf(envelopeWorkspace: string, rawEvent: unknown, botUserId: string | undefined): SlackThreadMessage | undefined {
  const parsed = messageEventSchema.safeParse(rawEvent);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  if (event.subtype !== undefined && !HUMAN_SUBTYPES.has(event.subtype)) return undefined;
  if (event.bot_id !== undefined || event.user === undefined) return undefined;
  if (botUserId !== undefined && event.user === botUserId) return undefined;
  if (event.thread_ts === undefined || event.thread_ts === event.ts) return undefined;
  const workspace = envelopeWorkspace || (event.team ?? "");
  const thread: ThreadMessageEvent = {
    type: "message",
    eventId: `slack:msg:${stableHash(workspace, event.channel, event.ts)}`,
    text: slackTextToPlain(event.text),
    identity: { platform: "slack", workspace: event.user_team ?? event.team ?? workspace, userId: event.user },
    where: { platform: "slack", workspace, channelId: event.channel, threadId: event.thread_ts, isDirect: isDirectChannel(event.channel, event.channel_type) },
  };
  return { event: thread, ts: event.ts };
}

/** A JSON text parsed, or undefined when it is not JSON (a button value written by someone else). */
export function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The display name Slack gives a user, when it gives one. */
export function displayName(user: { name?: string | undefined; username?: string | undefined }): { displayName?: string } {
  const name = user.name ?? user.username;
  return name ? { displayName: name } : {};
}

/** What a Liaison button carries in its value: the command, and its form inline (`f`) or under a state key (`k`). */
const buttonValueSchema = z.looseObject({ c: z.string().min(1), f: z.unknown().optional(), k: z.string().optional() });

/** A press of one of Liaison's buttons, as the core sees it, and where it happened. */
export interface ButtonPress {
  event: ActionEvent;
  value: z.infer<typeof buttonValueSchema>;
  workspace: string;
  channel: string | undefined;
  threadTs: string | undefined;
}

/** Reads a block_actions payload's press of a Liaison button; undefined for any other button or an unreadable value. */
export function toButtonPress(body: z.infer<typeof blockActionsSchema>): ButtonPress | undefined {
  const action = body.actions.find((candidate) => candidate.action_id.startsWith(ACTION_ID_PREFIX));
  const value = buttonValueSchema.safeParse(safeJson(action?.value));
  if (!action || !value.success) return undefined;
  const workspace = body.team?.id ?? body.user.team_id ?? "";
  const channel = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  // A button on a case card (or a reply in its thread) belongs to the card's thread; in a DM, to the conversation.
  const isDirect = channel?.startsWith("D") ?? false;
  const threadTs = body.message?.thread_ts ?? body.container?.thread_ts ?? (isDirect ? undefined : messageTs);
  const event: ActionEvent = {
    type: "action",
    eventId: `slack:act:${stableHash(workspace, body.user.id, body.trigger_id, action.action_id)}`,
    command: value.data.c,
    values: {},
    identity: { platform: "slack", workspace: body.user.team_id ?? workspace, userId: body.user.id, ...displayName(body.user) },
    where: { platform: "slack", workspace, channelId: channel ?? "", ...(threadTs ? { threadId: threadTs } : {}), isDirect },
  };
  return { event, value: value.data, workspace, channel, threadTs };
}
