/** TLP 2.0 labels (FIRST), from least to most restricted. */
export const TLP_LABELS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"] as const;

/** A TLP 2.0 label. */
export type Tlp = (typeof TLP_LABELS)[number];

/** A label and value shown side by side (Slack field, Discord embed field, HTML table row). */
export interface MessageField {
  label: string;
  value: string;
}

/** A block of a message: an optional heading, text, and fields. */
export interface MessageSection {
  heading?: string;
  text?: string;
  fields?: MessageField[];
}

/** One field of a form shown before an action runs (a Slack or Discord modal). */
export interface FormField {
  /** The command flag the value is passed as (`--<name> <value>`). */
  name: string;
  label: string;
  kind: "choice" | "text" | "multiline";
  required: boolean;
  choices?: { value: string; label: string }[];
  maxLength?: number;
}

/** A button. Pressing it runs `command` as the person who pressed it, after `form` when there is one. */
export interface MessageAction {
  /** Stable within the message, e.g. "ack". */
  id: string;
  label: string;
  style?: "primary" | "danger";
  /** Command text in the shared grammar, e.g. "/case ack N-2026-0042". */
  command: string;
  form?: { title: string; submitLabel: string; fields: FormField[] };
  /** The emoji reaction that stands for this action where reactions replace buttons (Matrix). */
  reaction?: string;
}

/**
 * A platform-neutral message. `text` is always a complete plain-text rendering; adapters with rich formatting
 * render title, sections and actions instead and keep `text` as the notification fallback.
 */
export interface OutboundMessage {
  text: string;
  title?: string;
  sections?: MessageSection[];
  actions?: MessageAction[];
  tone?: "info" | "success" | "warning" | "error";
  /** Shown on the message when set. */
  tlp?: Tlp;
}

/** Builds a message that is plain text only. */
export function textMessage(text: string, tone?: OutboundMessage["tone"]): OutboundMessage {
  return tone === undefined ? { text } : { text, tone };
}

/** Cuts text to at most `maxChars`, saying visibly that it was cut. */
export function truncateVisibly(text: string, maxChars: number, note = "… [truncated]"): string {
  if (text.length <= maxChars) return text;
  return text.slice(0, Math.max(0, maxChars - note.length)) + note;
}

/** Splits text into pieces of at most `maxChars`, preferring line breaks, then spaces. */
export function splitText(text: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    let cut = rest.lastIndexOf("\n", maxChars);
    if (cut < maxChars / 2) cut = rest.lastIndexOf(" ", maxChars);
    if (cut < maxChars / 2) cut = maxChars;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}
