// What the parties and the coordinators are told about a case's receipt and about a card that could not be delivered.
import type { OutboundMessage } from "../core/message.js";
import { inertLine } from "../core/text.js";
import { formatLocal } from "../time/calendar.js";
import { dueText } from "./render.js";
import { kindInSentence } from "./kinds.js";
import type { CaseView } from "./view.js";

/** "📬 R-2026-0001 received by ACME Hosting 2026-11-20 11:20 CET; the hour runs from receipt: resolve by …". */
export function renderReceived(view: CaseView, now: Date, source: "delivery" | "entered", clockFromReceipt: boolean): OutboundMessage {
  const receivedAt = view.receivedAt ?? now;
  const how = source === "entered" ? " (time entered by the issuer: served by another channel)" : "";
  const lines = [`📬 ${view.reference} received by ${inertLine(view.recipient.name)} ${formatLocal(receivedAt, view.recipient.timeZone)}${how}.`];
  if (clockFromReceipt && view.resolveDueAt) lines.push(`The deadline runs from receipt: resolve by ${dueText(view.resolveDueAt, now, view.recipient.timeZone)}.`);
  return { text: lines.join("\n"), tlp: view.tlp, tone: "info" };
}

/** The published ways to reach the recipient another way. */
export interface OtherChannels {
  abuseContact: string | null;
  phones: { name: string; phone: string }[];
}

/** "✗ R-2026-0001 could not be delivered to ACME Hosting: it is held …", with the recipient's other channels. */
export function renderUndelivered(view: CaseView, channels: OtherChannels, noRoute = false): OutboundMessage {
  const label = kindInSentence(view.kind);
  const first = noRoute
    ? `✗ ${view.reference} (${label}) reaches nobody at ${inertLine(view.recipient.name)} [${view.recipient.slug}]: it has no cases channel and no contact for ${view.topic} in the directory, so nothing was sent to them. The case is held until it is received.`
    : `✗ ${view.reference} (${label}) could not be delivered to ${inertLine(view.recipient.name)} [${view.recipient.slug}]: Liaison keeps trying, and the case is held until it is received.`;
  const lines = [first, "Reach them another way, then enter the time they received it with /case received " + `${view.reference} --at <time>:`, ...otherChannelLines(channels)];
  return { text: lines.join("\n"), tlp: view.tlp, tone: "error" };
}

/** The recipient's published abuse contact and emergency phones, one line each. */
export function otherChannelLines(channels: OtherChannels): string[] {
  return [
    `Abuse contact: ${channels.abuseContact ? inertLine(channels.abuseContact) : "none published"}`,
    ...(channels.phones.length > 0 ? channels.phones.map((entry) => `Emergency phone: ${inertLine(entry.phone)} (${inertLine(entry.name)})`) : ["Emergency phone: none in the directory"]),
  ];
}

/** The opener's reply when a new case reaches nobody at the recipient. */
export function unreachableReply(view: CaseView, channels: OtherChannels): string {
  return [
    `Opened ${view.reference}, but it reaches nobody at ${inertLine(view.recipient.name)}: they have no cases channel and no contact for ${view.topic} in the directory, so only your side's thread opens.`,
    `The coordinators have been alerted. Reach ${inertLine(view.recipient.name)} another way, then enter when they received it (/case received ${view.reference} --at <time>):`,
    ...otherChannelLines(channels),
  ].join("\n");
}
