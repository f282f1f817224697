// The TCO timers' reminders as a pure plan over a TcoOrder row: before the Art. 4(4) scrutiny decision is due, before
// and at the end of the Art. 6 preservation, before and at the end of the Art. 11 non-disclosure. Each has a key
// that names the deadline it is about, so that a moved deadline (an extension) gives new reminders and an old one is
// never sent twice (the outbox's once-only key is built from it).
import { DAY_MS, HOUR_MS } from "../../time/zoned.js";

/** The columns of a TcoOrder the plan reads. */
export interface TcoTimes {
  scrutinyDueAt: Date | null;
  scrutinyDecidedAt: Date | null;
  preservationEndsAt: Date | null;
  preservationExpiredAt: Date | null;
  nondisclosureEndsAt: Date | null;
  nondisclosureEndedAt: Date | null;
  nondisclosureExtended: boolean;
}

/** Who a reminder goes to: a party's case thread, or the host Member State's authority (a direct message). */
export type TcoAudience = "issuer" | "provider" | "host";

/** What a reminder is about. */
export type TcoReminderKind = "scrutiny-due-soon" | "preservation-ends-soon" | "preservation-ended" | "nondisclosure-ends-soon" | "nondisclosure-ended";

/** One reminder of the plan. */
export interface TcoReminder {
  /** Unique per order and deadline, e.g. "preservation-ends-soon@2027-03-01T00:00:00.000Z". */
  key: string;
  kind: TcoReminderKind;
  at: Date;
  /** The deadline it is about. */
  deadline: Date;
  to: TcoAudience[];
}

/** Before the scrutiny decision is due: a day and two hours before (policy, not law). */
export const SCRUTINY_REMINDERS_MS = [24 * HOUR_MS, 2 * HOUR_MS] as const;
/** Before preservation and non-disclosure end: a week before (policy, not law). */
export const END_REMINDER_MS = 7 * DAY_MS;

function reminder(kind: TcoReminderKind, deadline: Date, beforeMs: number, to: TcoAudience[], tag = ""): TcoReminder {
  return { key: `${kind}${tag}@${deadline.toISOString()}`, kind, at: new Date(deadline.getTime() - beforeMs), deadline, to };
}

/** Every reminder of an order's current deadlines, in time order. */
export function tcoReminders(times: TcoTimes): TcoReminder[] {
  const plan: TcoReminder[] = [];
  if (times.scrutinyDueAt && !times.scrutinyDecidedAt) {
    for (const beforeMs of SCRUTINY_REMINDERS_MS) plan.push(reminder("scrutiny-due-soon", times.scrutinyDueAt, beforeMs, ["host"], `-${beforeMs / HOUR_MS}h`));
  }
  if (times.preservationEndsAt && !times.preservationExpiredAt) {
    plan.push(reminder("preservation-ends-soon", times.preservationEndsAt, END_REMINDER_MS, ["issuer", "provider"]));
    plan.push(reminder("preservation-ended", times.preservationEndsAt, 0, ["issuer", "provider"]));
  }
  if (times.nondisclosureEndsAt && !times.nondisclosureEndedAt) {
    plan.push(reminder("nondisclosure-ends-soon", times.nondisclosureEndsAt, END_REMINDER_MS, ["issuer"]));
    plan.push(reminder("nondisclosure-ended", times.nondisclosureEndsAt, 0, ["issuer", "provider"]));
  }
  return plan.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * The reminders due in (after, now]. A reminder before an end that has itself passed is left out (the end's own
 * message says more), so a sweep after downtime sends what is still true.
 */
export function dueReminders(times: TcoTimes, after: Date | null, now: Date): TcoReminder[] {
  const from = after?.getTime() ?? Number.NEGATIVE_INFINITY;
  return tcoReminders(times).filter((entry) => entry.at.getTime() > from && entry.at.getTime() <= now.getTime() && (entry.at.getTime() === entry.deadline.getTime() || entry.deadline.getTime() > now.getTime()));
}

/** When the sweep next has work: the first reminder after `now`, or null. */
export function nextTcoReminderAt(times: TcoTimes, now: Date): Date | null {
  return tcoReminders(times).find((entry) => entry.at.getTime() > now.getTime())?.at ?? null;
}
