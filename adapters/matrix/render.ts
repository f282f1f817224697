import type { MessageAction, OutboundMessage, Tlp } from "../../src/core/message.js";
import { splitText, truncateVisibly } from "../../src/core/message.js";

/** Matrix events are at most 65,536 bytes as the homeserver stores them; content stays below this to leave room for the envelope and relations. */
export const MAX_CONTENT_BYTES = 60_000;

/** Most events one message is split into; beyond this the text is truncated visibly. */
export const MAX_PARTS = 8;

/** Plain text that fits one event together with its HTML rendering; longer text is split into several events. */
export const MAX_TEXT_CHARS = 24_000;

/** The content of an m.notice with HTML and plain-text bodies. */
export interface NoticeContent {
  msgtype: "m.notice";
  body: string;
  format: "org.matrix.custom.html";
  formatted_body: string;
}

/** TLP 2.0 colours (FIRST). */
const TLP_COLOURS: Record<Tlp, string> = {
  CLEAR: "#FFFFFF",
  GREEN: "#33FF00",
  AMBER: "#FFC000",
  "AMBER+STRICT": "#FFC000",
  RED: "#FF2B2B",
};

const TONE_MARKS: Record<NonNullable<OutboundMessage["tone"]>, string> = { info: "", success: "✅ ", warning: "⚠️ ", error: "❌ " };

/** Escapes text for HTML: no user-provided markup ever reaches formatted_body. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);
}

/** Escaped text with line breaks as <br>. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, "<br>");
}

/** A command in the shared grammar ("/case ack X") as typed on Matrix ("!case ack X"). */
export function asTypedCommand(command: string, prefix: string): string {
  return command.startsWith("/") ? prefix + command.slice(1) : command;
}

/** One line per action: which reaction to use, or which command to type. */
export function actionHintLines(actions: MessageAction[], prefix: string): string[] {
  return actions.map((action) => {
    const typed = asTypedCommand(action.command, prefix);
    return action.reaction ? `React ${action.reaction} to ${action.label.toLowerCase()} (or type: ${typed})` : `${action.label}: type ${typed}`;
  });
}

function tlpLine(tlp: Tlp | undefined): string | undefined {
  return tlp === undefined ? undefined : `TLP:${tlp}`;
}

/** The complete plain-text body: TLP label, the message's text, and how to act on it. */
export function renderPlain(message: OutboundMessage, prefix: string): string {
  const lines: string[] = [];
  const tlp = tlpLine(message.tlp);
  if (tlp && !message.text.startsWith(tlp)) lines.push(tlp);
  lines.push(message.text);
  if (message.actions?.length) lines.push("", ...actionHintLines(message.actions, prefix));
  return lines.join("\n");
}

/** The HTML rendering: title, sections with fields as tables, actions, TLP label; every string escaped. */
export function renderHtml(message: OutboundMessage, prefix: string): string {
  const parts: string[] = [];
  if (message.tlp) {
    parts.push(`<p><strong><font data-mx-color="${TLP_COLOURS[message.tlp]}" color="${TLP_COLOURS[message.tlp]}">TLP:${escapeHtml(message.tlp)}</font></strong></p>`);
  }
  const mark = message.tone ? TONE_MARKS[message.tone] : "";
  const rich = message.title !== undefined || (message.sections?.length ?? 0) > 0;
  if (!rich) {
    parts.push(`<p>${escapeHtml(mark)}${textToHtml(message.text)}</p>`);
  } else {
    if (message.title !== undefined) parts.push(`<h4>${escapeHtml(mark)}${escapeHtml(message.title)}</h4>`);
    for (const section of message.sections ?? []) {
      if (section.heading) parts.push(`<h5>${escapeHtml(section.heading)}</h5>`);
      if (section.text) parts.push(`<p>${textToHtml(section.text)}</p>`);
      if (section.fields?.length) {
        const rows = section.fields.map((field) => `<tr><th>${escapeHtml(field.label)}</th><td>${textToHtml(field.value)}</td></tr>`);
        parts.push(`<table><tbody>${rows.join("")}</tbody></table>`);
      }
    }
    if (!message.sections?.length) parts.push(`<p>${textToHtml(message.text)}</p>`);
  }
  if (message.actions?.length) {
    parts.push(`<p><em>${actionHintLines(message.actions, prefix).map(escapeHtml).join("<br>")}</em></p>`);
  }
  return parts.join("");
}

/** Bytes of a content object as JSON (what counts towards the event size). */
export function contentBytes(content: object): number {
  return Buffer.byteLength(JSON.stringify(content), "utf8");
}

function notice(body: string, html: string): NoticeContent {
  return { msgtype: "m.notice", body, format: "org.matrix.custom.html", formatted_body: html };
}

/**
 * Renders a message as one m.notice, or several when it would exceed the event size limit: then the plain text is
 * split into labelled parts "(1/3)" (formatting kept to line breaks), and text beyond MAX_PARTS is truncated visibly.
 */
export function renderNotices(message: OutboundMessage, prefix: string, maxContentBytes = MAX_CONTENT_BYTES): NoticeContent[] {
  const whole = notice(renderPlain(message, prefix), renderHtml(message, prefix));
  if (contentBytes(whole) <= maxContentBytes) return [whole];
  let text = whole.body;
  let chunkChars = MAX_TEXT_CHARS;
  for (let attempt = 0; attempt < 40; attempt += 1) {
    let pieces = splitText(text, chunkChars);
    if (pieces.length > MAX_PARTS) {
      text = truncateVisibly(text, chunkChars * MAX_PARTS - 100, "\n… [truncated: the message was too long for Matrix]");
      pieces = splitText(text, chunkChars);
    }
    const contents = pieces.map((piece, index) => {
      const label = pieces.length > 1 ? `(${index + 1}/${pieces.length}) ` : "";
      return notice(label + piece, `<p>${escapeHtml(label)}${textToHtml(piece)}</p>`);
    });
    const largest = Math.max(...contents.map(contentBytes));
    if (largest <= maxContentBytes && pieces.length <= MAX_PARTS) return contents;
    chunkChars = Math.max(100, Math.floor((chunkChars * maxContentBytes * 0.95) / Math.max(largest, 1)));
  }
  return [notice(truncateVisibly(whole.body, 1000), `<p>${textToHtml(truncateVisibly(whole.body, 1000))}</p>`)];
}

/** A plain m.notice (no HTML), for short system notices. */
export function plainNotice(body: string): { msgtype: "m.notice"; body: string } {
  return { msgtype: "m.notice", body };
}
