import type { OutboundMessage } from "../core/message.js";
import { inertLine } from "../core/text.js";
import { describe } from "./approvals.js";
import type { PendingItem } from "./designations.js";
import type { PendingLinkView } from "./links.js";

/** An organisation's message with its changes that wait for a coordinator (not in use until approved). */
export function withPendingApprovals(message: OutboundMessage, pending: readonly (PendingItem & { requestedBy?: string })[]): OutboundMessage {
  if (pending.length === 0) return message;
  const text = pending.map((item) => `• ${describe(item)} — ${inertLine(item.reason)}${item.requestedBy ? ` (asked for by ${inertLine(item.requestedBy)})` : ""}`).join("\n");
  const heading = "Waiting for a coordinator's approval (not used until approved)";
  return { ...message, sections: [...(message.sections ?? []), { heading, text }], text: `${message.text}\n${heading}:\n${text}` };
}

/** A contact's message with the accounts waiting to be confirmed from the account itself. */
export function withPendingLinks(message: OutboundMessage, links: readonly PendingLinkView[]): OutboundMessage {
  if (links.length === 0) return message;
  const text = links
    .map((link) => `• ${link.platform}${link.workspace ? ` ${inertLine(link.workspace)}` : ""} ${inertLine(link.user)} — asked for by ${inertLine(link.createdBy)}, until ${link.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC`)
    .join("\n");
  const heading = "Links waiting for confirmation from the account (not in effect)";
  return { ...message, sections: [...(message.sections ?? []), { heading, text }], text: `${message.text}\n${heading}:\n${text}` };
}
