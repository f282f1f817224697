import { z } from "zod";

/** The fields of a room event Liaison reads; validated at the edge (the rest is ignored). */
export const roomEventSchema = z.object({
  event_id: z.string().startsWith("$"),
  sender: z.string().startsWith("@"),
  type: z.string(),
  state_key: z.string().optional(),
  origin_server_ts: z.number().optional(),
  content: z.record(z.string(), z.unknown()),
});

/** A room event as Liaison reads it. */
export type RoomEvent = z.infer<typeof roomEventSchema>;

const relatesToSchema = z.object({
  rel_type: z.string().optional(),
  event_id: z.string().optional(),
  key: z.string().optional(),
  is_falling_back: z.boolean().optional(),
  "m.in_reply_to": z.object({ event_id: z.string() }).optional(),
});

/** The content of an m.room.message Liaison reads. */
export const messageContentSchema = z.object({
  msgtype: z.string(),
  body: z.string(),
  format: z.string().optional(),
  formatted_body: z.string().optional(),
  "m.relates_to": relatesToSchema.optional(),
  "m.mentions": z.object({ user_ids: z.array(z.string()).optional() }).optional(),
});

/** The content of an m.reaction (an m.annotation on another event). */
export const reactionContentSchema = z.object({
  "m.relates_to": z.object({ rel_type: z.literal("m.annotation"), event_id: z.string().startsWith("$"), key: z.string().min(1) }),
});

/** The membership event the bot is invited with (from invite_state). */
export const inviteEventSchema = z.object({
  sender: z.string().startsWith("@"),
  content: z.object({ membership: z.literal("invite"), is_direct: z.boolean().optional() }),
});

/** What a message means to Liaison. */
export type MessageMeaning =
  | { kind: "command"; text: string; threadId?: string }
  | { kind: "message"; text: string; threadId: string }
  | { kind: "ignore"; reason: string }
  /** A top-level message that looks meant for a case (a reply to an event, or naming a case reference): not relayed. */
  | { kind: "stray"; replyTo?: string; reference?: string };

/** A case reference as Liaison writes them: prefix letters, year, number (N-2026-0042). */
const CASE_REFERENCE = /\b([A-Z]{1,4}-\d{4}-\d{4,})\b/;

/** What classifyMessage needs to know about the room and the bot. */
export interface MessageContext {
  botUserId: string;
  prefix: string;
  /** A direct room: every message is a command, with or without the prefix. */
  isDirect: boolean;
  /** A room of its own for one case: every message belongs to the case. */
  isCaseRoom: boolean;
}

/** Message types people write; files, images and the like are not relayed. */
const TEXT_MSGTYPES = new Set(["m.text", "m.emote"]);

/** Decides whether a message is a command, a thread (case) message, or neither. Never answers m.notice. */
export function classifyMessage(sender: string, rawContent: unknown, context: MessageContext): MessageMeaning {
  if (sender === context.botUserId) return { kind: "ignore", reason: "own event" };
  const parsed = messageContentSchema.safeParse(rawContent);
  if (!parsed.success) return { kind: "ignore", reason: "unreadable content" };
  const content = parsed.data;
  if (content.msgtype === "m.notice") return { kind: "ignore", reason: "m.notice is never answered" };
  if (!TEXT_MSGTYPES.has(content.msgtype)) return { kind: "ignore", reason: `msgtype ${content.msgtype}` };
  const relation = content["m.relates_to"];
  if (relation?.rel_type === "m.replace") return { kind: "ignore", reason: "edit" };
  // In a room of its own for a case every message belongs to the case (thread address ""), threads or not.
  const threadId = context.isCaseRoom ? "" : relation?.rel_type === "m.thread" && relation.event_id ? relation.event_id : undefined;
  const body = stripReplyFallback(content.body, relation?.["m.in_reply_to"] !== undefined && relation.is_falling_back !== true);
  const commandRest = commandText(body, content.formatted_body, context);
  if (commandRest !== undefined) {
    if (commandRest === "") return { kind: "ignore", reason: "empty command" };
    return threadId === undefined ? { kind: "command", text: `/${commandRest}` } : { kind: "command", text: `/${commandRest}`, threadId };
  }
  if (threadId !== undefined) return { kind: "message", text: body, threadId };
  if (!context.isDirect) {
    const replyTo = relation?.["m.in_reply_to"]?.event_id;
    const reference = CASE_REFERENCE.exec(body.slice(0, 4000))?.[1];
    if (replyTo !== undefined || reference !== undefined) return { kind: "stray", ...(replyTo ? { replyTo } : {}), ...(reference ? { reference } : {}) };
  }
  return { kind: "ignore", reason: "not a command and not in a case" };
}

/** The command after the prefix, a mention of the bot, or anything in a direct room; undefined when not a command. */
function commandText(body: string, formattedBody: string | undefined, context: MessageContext): string | undefined {
  const text = body.trimStart();
  if (text.startsWith(context.prefix)) {
    const rest = text.slice(context.prefix.length);
    // "!!" or "! text" are not commands ("!" followed by nothing or a space).
    if (rest === "" || /^\s/.test(rest) || rest.startsWith(context.prefix)) return undefined;
    return rest.trim();
  }
  const mention = mentionLabel(text, formattedBody, context.botUserId);
  if (mention !== undefined) return text.slice(mention.length).replace(/^[\s:,]+/, "").trim();
  if (context.isDirect) return text.replace(/^\//, "").trim();
  return undefined;
}

/** The text the message starts with when it mentions the bot first: its user id, or a pill's label. */
function mentionLabel(body: string, formattedBody: string | undefined, botUserId: string): string | undefined {
  if (body.startsWith(botUserId) && /^(?:$|[\s:,])/.test(body.slice(botUserId.length))) return botUserId;
  if (!formattedBody) return undefined;
  const pill = /^\s*(?:<p>)?\s*<a\s+href=["']https:\/\/matrix\.to\/#\/([^"'?]+)[^"']*["']\s*>(.*?)<\/a>/i.exec(formattedBody);
  if (!pill?.[1]) return undefined;
  let target: string;
  try {
    target = decodeURIComponent(pill[1]);
  } catch {
    return undefined;
  }
  if (target !== botUserId) return undefined;
  const label = decodeEntities((pill[2] ?? "").replace(/<[^>]*>/g, ""));
  return label !== "" && body.startsWith(label) ? label : undefined;
}

/** Removes the quoted "> " lines of a reply fallback (older clients put the replied-to text in the body). */
export function stripReplyFallback(body: string, isReply: boolean): string {
  if (!isReply || !body.startsWith("> ")) return body;
  const lines = body.split("\n");
  let index = 0;
  while (index < lines.length && lines[index]?.startsWith(">")) index += 1;
  if (lines[index] === "") index += 1;
  return lines.slice(index).join("\n");
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Reaction keys compared without emoji variation selectors ("✅" and "✅\uFE0F" are the same reaction). */
export function sameReaction(a: string, b: string): boolean {
  const normal = (key: string) => key.replace(/[\uFE0E\uFE0F]/g, "").trim();
  return normal(a) === normal(b);
}

/** The server name of a user id ("@ann:example.org:8448" -> "example.org:8448"). */
export function serverNameOf(userId: string): string {
  const colon = userId.indexOf(":");
  return colon < 0 ? "" : userId.slice(colon + 1);
}

/** True when `inviter` matches an allowed homeserver name or user id; an empty list allows the bot's own homeserver. */
export function inviterAllowed(inviter: string, allowed: readonly string[], botUserId: string): boolean {
  const server = serverNameOf(inviter).toLowerCase();
  if (allowed.length === 0) return server === serverNameOf(botUserId).toLowerCase();
  return allowed.some((entry) => (entry.startsWith("@") ? entry === inviter : entry.toLowerCase() === server));
}
