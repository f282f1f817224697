import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIEmbedField } from "discord.js";
import type { MessageAction, OutboundMessage, Tlp } from "../../src/core/message.js";
import { splitText, truncateVisibly } from "../../src/core/message.js";
import { inertText } from "../../src/core/text.js";
import { DISCORD_LIMITS as L, SUPPRESS_EMBEDS_FLAG } from "./limits.js";

/** A message body for POST /channels/{id}/messages, interaction callbacks and webhook follow-ups. */
export interface DiscordMessageBody {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  flags?: number;
  allowed_mentions: { parse: [] };
}

/** What is said where a message was cut to fit Discord. */
export const CUT_NOTE = "… [truncated: too long for Discord]";

/** Embed colours by TLP label (FIRST's colours) and by tone. */
const TLP_COLOURS: Record<Tlp, number> = { CLEAR: 0xffffff, GREEN: 0x33ff00, AMBER: 0xffc000, "AMBER+STRICT": 0xffc000, RED: 0xff2b2b };
const TONE_COLOURS = { info: 0x3498db, success: 0x2ecc71, warning: 0xf1c40f, error: 0xe74c3c } as const;

/**
 * Text for Discord markdown, inert: backslash-escaped so that it cannot form masked links ("[text](url)"), mentions
 * or channel links ("<@123>", "<#123>") or angle-bracketed links; control and reordering characters shown as markers.
 */
export function inertMarkdown(text: string): string {
  return inertText(text).replace(/[\\[\]<]/g, "\\$&");
}

/** Characters an embed counts toward the 6000-character total. */
export function embedChars(embed: APIEmbed): number {
  let total = (embed.title ?? "").length + (embed.description ?? "").length + (embed.footer?.text ?? "").length;
  total += (embed.author?.name ?? "").length;
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Appends the cut note to `text`, keeping it within `maxChars`. */
function markCut(text: string, maxChars: number): string {
  return text.slice(0, Math.max(0, maxChars - CUT_NOTE.length)) + CUT_NOTE;
}

/** Renders message buttons as action rows; `customIds` maps each action id to its encoded custom_id. */
export function renderActions(actions: MessageAction[], customIds: ReadonlyMap<string, string>): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: APIButtonComponent[] = [];
  for (const action of actions.slice(0, L.actionRows * L.buttonsPerRow)) {
    const customId = customIds.get(action.id);
    if (customId === undefined) continue;
    buttons.push({
      type: 2,
      style: action.style === "primary" ? 1 : action.style === "danger" ? 4 : 2,
      label: truncateVisibly(action.label || action.id, L.buttonLabelChars, "…"),
      custom_id: customId,
    });
  }
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let index = 0; index < buttons.length; index += L.buttonsPerRow) {
    rows.push({ type: 1, components: buttons.slice(index, index + L.buttonsPerRow) });
  }
  return rows;
}

/** Plain text, split into messages of at most 2000 characters, at most `maxParts` of them, cut visibly beyond. */
function renderPlain(message: OutboundMessage, maxParts: number): DiscordMessageBody[] {
  const label = message.tlp ? `**TLP:${message.tlp}**\n` : "";
  const text = label + (message.text === "" ? "\u200b" : inertMarkdown(message.text));
  let pieces = splitText(text, L.contentChars);
  if (pieces.length > maxParts) {
    pieces = pieces.slice(0, maxParts);
    pieces[maxParts - 1] = markCut(pieces[maxParts - 1] ?? "", L.contentChars);
  }
  // Content with a URL would be previewed (Discord fetches the page): the flag stops that.
  return pieces.map((content) => ({ content, flags: SUPPRESS_EMBEDS_FLAG, allowed_mentions: { parse: [] } }));
}

/** A piece of an embed to pack: a description chunk or one field. */
type Block = { kind: "description"; text: string } | { kind: "field"; field: APIEmbedField };

/** Breaks a rich message into description chunks and fields, each within Discord's per-item limits. */
function richBlocks(message: OutboundMessage): Block[] {
  const blocks: Block[] = [];
  const paragraphs: string[] = [];
  const fields: APIEmbedField[] = [];
  if (message.sections && message.sections.length > 0) {
    for (const section of message.sections) {
      const parts = [section.heading ? `**${inertMarkdown(section.heading)}**` : "", inertMarkdown(section.text ?? "")].filter((part) => part !== "");
      if (parts.length > 0) paragraphs.push(parts.join("\n"));
      for (const field of section.fields ?? []) {
        fields.push({
          name: truncateVisibly(inertText(field.label) || "-", L.embedFieldNameChars, "…"),
          value: truncateVisibly(inertMarkdown(field.value) || "-", L.embedFieldValueChars, "… [truncated]"),
          inline: field.value.length <= 60,
        });
      }
    }
  } else {
    paragraphs.push(inertMarkdown(message.text));
  }
  const description = paragraphs.join("\n\n");
  // Chunks well under the 4096 limit so several fit in one message's 6000-character budget.
  if (description !== "") for (const text of splitText(description, 2000)) blocks.push({ kind: "description", text });
  for (const field of fields) blocks.push({ kind: "field", field });
  return blocks;
}

/** Embeds for a message with a title or sections, packed into at most `maxParts` messages within Discord's limits. */
function renderRich(message: OutboundMessage, maxParts: number): DiscordMessageBody[] {
  const colour = message.tlp ? TLP_COLOURS[message.tlp] : TONE_COLOURS[message.tone ?? "info"];
  const footer = message.tlp ? { text: `TLP:${message.tlp}` } : undefined;
  const title = message.title ? truncateVisibly(inertMarkdown(message.title), L.embedTitleChars, "…") : undefined;
  const reserve = (footer?.text.length ?? 0) + (title?.length ?? 0) + CUT_NOTE.length;
  const budget = L.embedTotalChars - reserve;
  const messages: APIEmbed[][] = [[]];
  let used = 0;
  let cut = false;
  const newEmbed = (): APIEmbed | undefined => {
    let current = messages[messages.length - 1] ?? [];
    if (current.length >= L.embedsPerMessage) {
      if (messages.length >= maxParts) return undefined;
      current = [];
      messages.push(current);
      used = 0;
    }
    const embed: APIEmbed = { color: colour };
    current.push(embed);
    return embed;
  };
  let embed = newEmbed();
  for (const block of richBlocks(message)) {
    const size = block.kind === "description" ? block.text.length : block.field.name.length + block.field.value.length;
    if (used + size > budget) {
      if (messages.length >= maxParts) {
        cut = true;
        break;
      }
      messages.push([]);
      used = 0;
      embed = newEmbed();
    }
    if (!embed) {
      cut = true;
      break;
    }
    if (block.kind === "description") {
      if (embed.description !== undefined || (embed.fields?.length ?? 0) > 0) embed = newEmbed();
      if (!embed) {
        cut = true;
        break;
      }
      embed.description = block.text;
    } else {
      if ((embed.fields?.length ?? 0) >= L.embedFields) embed = newEmbed();
      if (!embed) {
        cut = true;
        break;
      }
      (embed.fields ??= []).push(block.field);
    }
    used += size;
  }
  const nonEmpty = messages.filter((embeds) => embeds.length > 0);
  const first = nonEmpty[0]?.[0];
  if (first && title) first.title = title;
  const lastMessage = nonEmpty[nonEmpty.length - 1];
  const lastEmbed = lastMessage?.[lastMessage.length - 1];
  if (cut && lastEmbed) lastEmbed.description = markCut(lastEmbed.description ?? "", L.embedDescriptionChars);
  return nonEmpty.map((embeds, index) => {
    const last = embeds[embeds.length - 1];
    if (last && footer) last.footer = footer;
    const body: DiscordMessageBody = { embeds, allowed_mentions: { parse: [] } };
    if (index === 0 && message.tlp) body.content = `**TLP:${message.tlp}**`;
    // Keep embeds free of empty objects (a title-only message with no text gets its text as description).
    for (const item of embeds) if (item.description === undefined && !item.fields && !item.title) item.description = "\u200b";
    return body;
  });
}

/**
 * Renders a platform-neutral message as one or more Discord messages within Discord's limits: rich messages (title or
 * sections) as embeds, plain ones as content; buttons on the first message; long content split, then cut visibly.
 */
export function renderMessage(
  message: OutboundMessage,
  options: { maxParts: number; customIds?: ReadonlyMap<string, string> },
): DiscordMessageBody[] {
  const rich = message.title !== undefined || (message.sections?.length ?? 0) > 0;
  const bodies = rich ? renderRich(message, options.maxParts) : renderPlain(message, options.maxParts);
  const first = bodies[0];
  if (first && message.actions && message.actions.length > 0 && options.customIds) {
    const rows = renderActions(message.actions, options.customIds);
    if (rows.length > 0) first.components = rows;
  }
  return bodies;
}

/** A short one-line body (notes such as "sent you a direct message"), with `flags` besides SUPPRESS_EMBEDS. */
export function noteBody(text: string, flags = 0): DiscordMessageBody {
  return { content: truncateVisibly(inertMarkdown(text), L.contentChars), flags: flags | SUPPRESS_EMBEDS_FLAG, allowed_mentions: { parse: [] } };
}

/** A body with `flags` added to those it carries (SUPPRESS_EMBEDS stays). */
export function withFlags(body: DiscordMessageBody, flags: number): DiscordMessageBody {
  return { ...body, flags: (body.flags ?? 0) | flags };
}
