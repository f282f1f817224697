// The texts of a hand-over (handover.ts): the thread update of each case, the coordinators' alert for a case left
// with nobody responsible, and the lines of the removal's reply.
import type { OutboundMessage, Tlp } from "../core/message.js";
import { inertLine } from "../core/text.js";

/** An active case that named a removed contact, and what became of it. */
export interface HandedOverCase {
  reference: string;
  tlp: Tlp;
  /** How the removed contact was named on the case. */
  role: "responsible" | "opener";
  removedName: string;
  /** The new responsible contact (null: nobody could take it); absent when the removed contact was the opener. */
  to?: { handle: string; name: string } | null;
  reason: string;
}

function person(to: { handle: string; name: string }): string {
  return `${inertLine(to.name)} (${to.handle})`;
}

/** The update every party's thread gets. */
export function renderHandedOver(handed: HandedOverCase): OutboundMessage {
  const removed = inertLine(handed.removedName);
  const text =
    handed.role === "opener" ? `→ ${handed.reference}: ${removed}, who opened it, has left the directory; the coordinators follow it up for the opener's side.`
    : handed.to ? `→ ${handed.reference}: ${person(handed.to)} is now responsible; ${removed} has left the directory.`
    : `→ ${handed.reference}: ${removed} has left the directory and nobody else can take it; the coordinators have been asked to assign someone.`;
  return { text: `${text}\n— Liaison`, tone: "info", tlp: handed.tlp };
}

/** The coordinators' alert for a case left with nobody responsible. */
export function renderLeftWithNobody(handed: HandedOverCase): OutboundMessage {
  return {
    text: `⚠ ${handed.reference} has nobody responsible: ${inertLine(handed.removedName)} was removed from the directory and the organisation has no backup, escalation or other contact for it. Assign someone: /case reassign ${handed.reference} --to <handle>.`,
    tone: "warning", tlp: handed.tlp,
  };
}

/** The reply's warning lines: one per case. */
export function handedOverLines(cases: readonly HandedOverCase[]): string[] {
  if (cases.length === 0) return [];
  return [
    `⚠ ${cases.length} open case(s) named them:`,
    ...cases.map((handed) =>
      handed.role === "opener" ? `• ${handed.reference}: they opened it; the coordinators follow it up`
      : handed.to ? `• ${handed.reference}: handed to ${person(handed.to)}`
      : `• ${handed.reference}: nobody could take it; the coordinators are asked to assign someone`),
  ];
}
