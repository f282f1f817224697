import { createHash } from "node:crypto";
import type { types } from "@slack/bolt";
import type { MessageAction, MessageSection, OutboundMessage } from "../../src/core/message.js";
import { splitText, truncateVisibly } from "../../src/core/message.js";
import { inertText } from "../../src/core/text.js";
import { RENDER_BUDGET, SLACK_LIMITS } from "./limits.js";

/** One Slack message: Block Kit blocks and the plain-text notification fallback. */
export interface SlackMessagePart {
  text: string;
  blocks: types.KnownBlock[];
}

/** A rendered OutboundMessage: one or more Slack messages, and button forms too big to ride in a button's value. */
export interface RenderedMessage {
  parts: SlackMessagePart[];
  /** State-store entries to write before posting (key -> form JSON), for forms referenced by key from buttons. */
  storedForms: { key: string; value: string }[];
}

/** What a Liaison button's value carries: the command, and its form inline or by state-store key. */
export interface ButtonValue {
  /** Command text in the shared grammar. */
  c: string;
  /** The form, inline. */
  f?: NonNullable<MessageAction["form"]>;
  /** State-store key of the form, when it did not fit in the value. */
  k?: string;
}

/** Prefix of every action_id Liaison renders; the interactivity listener matches it. */
export const ACTION_ID_PREFIX = "liaison:act:";

/** The notice appended when a message had to be cut. */
export const TRUNCATION_NOTE = "… [truncated: the rest of this message was too long for Slack]";

const TONE_EMOJI: Record<NonNullable<OutboundMessage["tone"]>, string> = {
  info: ":information_source:",
  success: ":white_check_mark:",
  warning: ":warning:",
  error: ":x:",
};

/** Escapes text for Slack mrkdwn, so that user content cannot form links or mentions (<!channel>); inert as well. */
export function escapeMrkdwn(text: string): string {
  return inertText(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Splits plain text into mrkdwn-escaped pieces of at most `maxChars` characters after escaping. */
export function splitEscaped(text: string, maxChars: number, splitAtChars = maxChars): string[] {
  const out: string[] = [];
  for (const piece of splitText(text, splitAtChars)) {
    const escaped = escapeMrkdwn(piece);
    if (escaped.length <= maxChars) out.push(escaped);
    else out.push(...splitEscaped(piece, maxChars, Math.max(1, Math.floor((piece.length * maxChars) / escaped.length) - 1)));
  }
  return out;
}

/** Cuts plain text so that its escaped form fits `maxChars`, visibly. */
export function truncateEscaped(text: string, maxChars: number): string {
  let limit = maxChars;
  let escaped = escapeMrkdwn(truncateVisibly(text, limit));
  while (escaped.length > maxChars && limit > 20) {
    limit = Math.floor((limit * maxChars) / escaped.length) - 1;
    escaped = escapeMrkdwn(truncateVisibly(text, limit));
  }
  return escaped;
}

/** The texts of the text objects (plain_text, mrkdwn) in blocks, in order. */
function textObjects(blocks: readonly unknown[]): string[] {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if ((record.type === "plain_text" || record.type === "mrkdwn") && typeof record.text === "string") {
      texts.push(record.text);
      return;
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(blocks);
  return texts;
}

/** Total characters of text objects in blocks: what Slack's undocumented aggregate limit counts. */
export function blocksTextChars(blocks: readonly unknown[]): number {
  return textObjects(blocks).reduce((total, text) => total + text.length, 0);
}

/** A block plus its cost and its plain-text form (for the fallback). */
interface Unit {
  block: types.KnownBlock;
  textChars: number;
  plain: string;
}

function unit(block: types.KnownBlock, plain: string): Unit {
  return { block, textChars: blocksTextChars([block]), plain };
}

function sectionUnits(section: MessageSection): Unit[] {
  const units: Unit[] = [];
  const heading = section.heading ? `*${truncateEscaped(section.heading, SLACK_LIMITS.headerChars)}*\n` : "";
  const text = section.text ?? "";
  if (text.trim() !== "" || (heading !== "" && !section.fields?.length)) {
    const pieces = splitEscaped(text === "" ? " " : text, SLACK_LIMITS.sectionTextChars - heading.length);
    pieces.forEach((piece, index) => {
      const body = index === 0 ? heading + piece : piece;
      units.push(unit({ type: "section", text: { type: "mrkdwn", text: body } }, index === 0 && section.heading ? `${section.heading}\n${piece}` : piece));
    });
  } else if (heading !== "") {
    units.push(unit({ type: "section", text: { type: "mrkdwn", text: heading.trimEnd() } }, section.heading ?? ""));
  }
  // Fields: at most 10 per section, and at most one section's worth of text per section (fields may hold 2000 each).
  let chunk: { type: "mrkdwn"; text: string }[] = [];
  let plain: string[] = [];
  let chunkChars = 0;
  const flush = (): void => {
    if (chunk.length > 0) units.push(unit({ type: "section", fields: chunk }, plain.join("\n")));
    chunk = [];
    plain = [];
    chunkChars = 0;
  };
  for (const field of section.fields ?? []) {
    const label = `*${truncateEscaped(field.label, 200)}*\n`;
    const text = label + truncateEscaped(field.value === "" ? "—" : field.value, SLACK_LIMITS.fieldChars - label.length);
    if (chunk.length >= SLACK_LIMITS.fieldsPerSection || chunkChars + text.length > SLACK_LIMITS.sectionTextChars) flush();
    chunk.push({ type: "mrkdwn", text });
    plain.push(`${field.label}: ${field.value}`);
    chunkChars += text.length;
  }
  flush();
  return units;
}

/** Renders the buttons of a message; forms that do not fit in a button's value are returned for the state store. */
function actionBlocks(actions: readonly MessageAction[], storedForms: RenderedMessage["storedForms"]): types.ActionsBlock[] {
  const seen = new Set<string>();
  const buttons: types.Button[] = actions.map((action, index) => {
    let actionId = `${ACTION_ID_PREFIX}${action.id}`.slice(0, SLACK_LIMITS.idChars - 4);
    if (seen.has(actionId)) actionId = `${actionId}:${index}`;
    seen.add(actionId);
    let value: ButtonValue = action.form ? { c: action.command, f: action.form } : { c: action.command };
    let encoded = JSON.stringify(value);
    if (encoded.length > SLACK_LIMITS.buttonValueChars && action.form) {
      const formJson = JSON.stringify(action.form);
      const key = `form:${createHash("sha256").update(formJson).digest("hex").slice(0, 32)}`;
      storedForms.push({ key, value: formJson });
      value = { c: action.command, k: key };
      encoded = JSON.stringify(value);
    }
    if (encoded.length > SLACK_LIMITS.buttonValueChars) throw new Error(`button ${action.id}: command longer than a Slack button value allows`);
    const button: types.Button = {
      type: "button",
      action_id: actionId,
      text: { type: "plain_text", text: truncateVisibly(action.label, SLACK_LIMITS.buttonTextChars, "…"), emoji: true },
      value: encoded,
    };
    if (action.style) button.style = action.style;
    return button;
  });
  const blocks: types.ActionsBlock[] = [];
  for (let start = 0; start < buttons.length; start += SLACK_LIMITS.actionsElements) {
    blocks.push({ type: "actions", block_id: `liaison:actions:${start}`, elements: buttons.slice(start, start + SLACK_LIMITS.actionsElements) });
  }
  return blocks;
}

function contextBlock(text: string): types.ContextBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

/** The body of a message as units, produced lazily so that content past the cut is never rendered. */
function* bodyUnits(message: OutboundMessage): Generator<Unit> {
  const tone = message.tone ? `${TONE_EMOJI[message.tone]} ` : "";
  if (message.title) {
    const header = truncateVisibly(tone + inertText(message.title), SLACK_LIMITS.headerChars, "…");
    yield unit({ type: "header", text: { type: "plain_text", text: header, emoji: true } }, message.title);
  }
  const sections = message.sections ?? [];
  if (sections.length > 0) {
    for (const section of sections) yield* sectionUnits(section);
  } else {
    const text = message.text.trim() === "" && !message.title ? "(empty message)" : message.text;
    if (text.trim() !== "") {
      const lead = message.title ? "" : tone;
      yield* sectionUnits({ text: lead === "" ? text : `${lead}${text}` });
    }
  }
}

/**
 * Renders a message as Block Kit within Slack's limits. Content that does not fit one message continues in up to
 * `maxParts` messages (each carrying the TLP label); beyond that it is cut with a visible note. Buttons go on the
 * first message, so the message the caller gets back is the one that can be acted on.
 */
export function renderMessage(message: OutboundMessage, options: { maxParts: number }): RenderedMessage {
  const storedForms: RenderedMessage["storedForms"] = [];
  const actions = message.actions?.length ? actionBlocks(message.actions, storedForms) : [];
  const tlpText = message.tlp ? `*TLP:${message.tlp}*` : undefined;
  const units = bodyUnits(message);
  const noteCost = TRUNCATION_NOTE.length + 40;
  const actionCost = blocksTextChars(actions);
  const parts: { units: Unit[]; blocks: types.KnownBlock[]; textChars: number }[] = [];
  let truncated = false;

  const newPart = (): (typeof parts)[number] => {
    const index = parts.length;
    const blocks: types.KnownBlock[] = [];
    const labels = [tlpText, index > 0 ? `(continued, part ${index + 1})` : undefined].filter((label): label is string => label !== undefined);
    if (labels.length > 0) blocks.push(contextBlock(labels.join("  ·  ")));
    const part = { units: [], blocks, textChars: blocksTextChars(blocks) };
    parts.push(part);
    return part;
  };

  let current = newPart();
  for (const item of units) {
    const reserveBlocks = (parts.length === 1 ? actions.length : 0) + 1;
    const reserveChars = (parts.length === 1 ? actionCost : 0) + noteCost;
    const fits =
      current.blocks.length + 1 + reserveBlocks <= RENDER_BUDGET.blocksPerMessage &&
      current.textChars + item.textChars + reserveChars <= RENDER_BUDGET.blocksTextChars;
    if (!fits && current.units.length > 0) {
      if (parts.length >= options.maxParts) {
        truncated = true;
        break;
      }
      current = newPart();
    }
    current.units.push(item);
    current.blocks.push(item.block);
    current.textChars += item.textChars;
  }
  if (truncated) current.blocks.push(contextBlock(escapeMrkdwn(TRUNCATION_NOTE)));
  const first = parts[0];
  if (first) first.blocks.push(...actions);

  return {
    parts: parts.map((part, index) => {
      const plain = index === 0 && !truncated && parts.length === 1 ? message.text : part.units.map((item) => item.plain).join("\n");
      const withLabel = message.tlp ? `[TLP:${message.tlp}] ${plain}` : plain;
      // The fallback is parsed like mrkdwn (notifications, clients without blocks): escaped like the blocks.
      return { text: truncateEscaped(withLabel.trim() === "" ? message.title ?? "Liaison" : withLabel, RENDER_BUDGET.fallbackTextChars), blocks: part.blocks };
    }),
    storedForms,
  };
}

/** Human-readable text of blocks (what a person sees), for logs and tests. */
export function blocksToText(blocks: readonly unknown[]): string {
  return textObjects(blocks).join("\n");
}
