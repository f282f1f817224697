// The e-Evidence reminders: each one placed in time from an order's stored state, with the side it goes to. Pure:
// the order in, the reminders out; the sweep (eevidence/sweep.ts) sends the due ones once and stores the next instant
// in EvidenceOrder.nextReminderAt. Which clocks are the law's and which reminder instants are Liaison's policy:
// - ex-post validation within 48 hours of issue (Art. 4(5), law); reminded 12 hours before and at the end (policy);
// - the issuing authority's reaction to a clarification within 5 days (Art. 10(6), law); reminded a day before and at
//   the end (policy);
// - the end of preservation after 60 days, or 30 more after the one extension (Art. 11(1), law); the issuer reminded
//   a week and a day before, the addressee told at the end (policy; preservation.ts).
// A reminder that is overdue also goes to the coordinators: they see the reference and the clock, never the order's
// content (the texts below carry none, see disclosure.ts for Art. 13(4)).
import { epocClocks } from "./clocks.js";
import type { EvidenceOrderRow } from "./store.js";
import { preservationOf, timelineOf } from "./store.js";
import { preservationReminders } from "./preservation.js";

const HOUR_MS = 60 * 60_000;

/** How long before the end of the 48 hours of Art. 4(5) the issuer is first reminded. */
export const VALIDATION_REMINDER_MS = 12 * HOUR_MS;
/** How long before the end of the 5 days of Art. 10(6) the issuer is first reminded. */
export const REACTION_REMINDER_MS = 24 * HOUR_MS;

/** Who a reminder goes to: the issuing authority's or the addressee's case thread, or every coordinator. */
export type EvidenceAudience = "issuer" | "addressee" | "coordinators";

/** One reminder of an order, placed in time. */
export interface EvidenceReminder {
  /** Names the step in records and once-only keys, e.g. "validation-due-soon". */
  step: string;
  /** When it is sent. */
  at: Date;
  /** The instant it is about (the end of the clock). */
  deadline: Date;
  to: readonly EvidenceAudience[];
  /** What is due, without the instant (the sweep adds it in the reader's time zone). */
  text: string;
}

/** The order's reminders at its current state, ordered by when they are sent. */
export function evidenceReminders(row: EvidenceOrderRow): EvidenceReminder[] {
  const reminders: EvidenceReminder[] = [];
  if (row.validation === "ex-post-pending" && row.validationDueAt) {
    const due = row.validationDueAt;
    const what = `the emergency order was issued without prior validation; a judge, court, investigating judge or public prosecutor of ${row.issuerMemberState} validates it within 48 hours of issue (Art. 4(5))`;
    reminders.push(
      { step: "validation-due-soon", at: new Date(due.getTime() - VALIDATION_REMINDER_MS), deadline: due, to: ["issuer"], text: `${what}: due by` },
      { step: "validation-overdue", at: due, deadline: due, to: ["issuer", "coordinators"], text: `${what}: OVERDUE, it was due by` },
    );
  }
  if (row.issuerReactionDueAt) {
    const due = row.issuerReactionDueAt;
    const what = "the addressee asked for clarification on the Annex III form; the issuing authority reacts within 5 days and the addressee's time limits do not run until it does (Art. 10(6))";
    reminders.push(
      { step: "reaction-due-soon", at: new Date(due.getTime() - REACTION_REMINDER_MS), deadline: due, to: ["issuer"], text: `${what}: due by` },
      { step: "reaction-overdue", at: due, deadline: due, to: ["issuer", "coordinators"], text: `${what}: OVERDUE, it was due by` },
    );
  }
  if (row.type === "preservation") {
    const state = preservationOf(row);
    for (const reminder of preservationReminders(state)) {
      const end = state.endsAt ?? reminder.at;
      const before = end.getTime() - reminder.at.getTime();
      const step = before === 0 ? "preservation-ended" : `preservation-ends-in-${Math.round(before / (24 * HOUR_MS))}d`;
      reminders.push({ step, at: reminder.at, deadline: end, to: [reminder.to], text: `${reminder.text} End of the obligation to preserve:` });
    }
  }
  return reminders.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The first reminder sent after `after`, or null when none is left. */
export function nextEvidenceReminderAt(row: EvidenceOrderRow, after: Date): Date | null {
  return evidenceReminders(row).find((reminder) => reminder.at.getTime() > after.getTime())?.at ?? null;
}

/**
 * The reminders due at `now`: per clock (validation, reaction, preservation) and audience only the latest due one, so
 * that after downtime each side gets one message per clock, not every step it missed.
 */
export function dueEvidenceReminders(row: EvidenceOrderRow, now: Date): { reminder: EvidenceReminder; audience: EvidenceAudience }[] {
  const latest = new Map<string, { reminder: EvidenceReminder; audience: EvidenceAudience }>();
  for (const reminder of evidenceReminders(row)) {
    if (reminder.at.getTime() > now.getTime()) continue;
    for (const audience of reminder.to) latest.set(`${reminder.step.split("-")[0] ?? ""} ${audience}`, { reminder, audience });
  }
  return [...latest.values()];
}

/** The once-only key of a reminder to one destination: a new deadline (an extension) is a new key. */
export function evidenceReminderKey(caseId: string, reminder: EvidenceReminder, destination: string): string {
  return `eevidence:${caseId}:${reminder.step}:${reminder.deadline.toISOString()}:${destination}`;
}

/** The largest instant a Date holds: "never". */
const NEVER = new Date(8_640_000_000_000_000);

/**
 * From when the ordinary case reminders may nudge the addressee of a production order to produce (the resolve
 * steps): never before it may transmit. With notification of the enforcing authority that is the end of the 10-day
 * period, or its earlier confirmation (Art. 10(2)); while a clarification is pending or after a ground for refusal,
 * never. Undefined where nothing holds the nudges back (not a production order, not yet received).
 */
export function produceNudgesFrom(row: EvidenceOrderRow, receivedAt: Date | null): Date | undefined {
  if (row.type !== "production") return undefined;
  const timeline = timelineOf(row, receivedAt);
  if (!timeline) return undefined;
  const clocks = epocClocks(timeline);
  if (clocks.stopped) return NEVER;
  return clocks.remindFromAt;
}
