import type { OutboundMessage } from "../../src/core/message.js";
import { inertText } from "../../src/core/text.js";

/**
 * A message as console text: its plain text, the TLP label, and the commands its buttons would run. Control and
 * reordering characters (terminal escape sequences written on another platform) are shown as markers, never obeyed.
 */
export function renderForConsole(message: OutboundMessage): string {
  const lines: string[] = [];
  // Cards carry their label in the title; other messages of a case are labelled only when the label restricts them.
  if (message.tlp && !message.text.includes(`TLP:${message.tlp}`) && (message.title !== undefined || message.tlp === "RED")) lines.push(`TLP:${message.tlp}`);
  lines.push(inertText(message.text));
  for (const action of message.actions ?? []) {
    const form = action.form ? ` ${action.form.fields.map((field) => `--${field.name} <${field.label.toLowerCase()}>`).join(" ")}` : "";
    lines.push(`  → ${action.label}: ${action.command}${form}`);
  }
  return lines.join("\n");
}

/** Prefixes every line of a block, e.g. "[N-2026-0042 @ acme-hosting] ". */
export function prefixLines(prefix: string, text: string): string {
  return text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}
