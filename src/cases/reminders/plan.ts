// Pure reminder planning: a case's ladder of steps (each with the instant it is due and the instant it may be sent),
// the next time the sweep has work for the case, and which steps are due now. Nothing here reads the clock.
import type { CaseKind, Priority } from "../kinds.js";
import { computeDeadline, type Calendar, type Pause } from "../../time/calendar.js";
import { deliverableTime, recipientCalendar, type CalendarEntry } from "../../time/organisation-calendar.js";
import { stepsFor, type EscalationPolicy, type StepRule } from "./policy.js";

/** What a case's reminders depend on: its clock, deadlines and the recipient's calendar. */
export interface ReminderCase {
  kind: CaseKind;
  priority: Priority;
  clockMode: "continuous" | "working-hours";
  clockStartAt: Date;
  pauses: readonly Pause[];
  ackDurationMs: number;
  resolveDurationMs: number | null;
  extendedMs: number;
  ackDueAt: Date | null;
  resolveDueAt: Date | null;
  /** The recipient organisation's time zone and working hours (directory strings). */
  recipient: CalendarEntry;
  /** When the pending clarification was asked (the clock is stopped meanwhile); null or absent when none is pending. */
  clarificationAskedAt?: Date | null;
}

/** When a pending clarification was asked: the start of the open pause of a case waiting for one, else null. */
export function clarificationAskedAt(state: string, pauses: readonly Pause[]): Date | null {
  if (state !== "clarification-requested") return null;
  return [...pauses].reverse().find((pause) => pause.to === undefined)?.from ?? null;
}

/** One step of a case's ladder, placed in time. */
export interface StepInstance {
  rule: StepRule;
  /** The deadline the step is about (for a clarification: the instant it was asked). */
  of: "acknowledge" | "resolve" | "clarification";
  deadline: Date;
  /** When the step is due by the policy. */
  dueAt: Date;
  /** When it may be sent: dueAt, moved out of quiet hours and into working time unless the clock is continuous. */
  sendAt: Date;
  /** Identifies the step on this deadline: "resolve:<deadline ISO>:<step>"; a new deadline is a new ladder. */
  key: string;
}

/** The reminder columns of a case. */
export interface ReminderState {
  nextReminderAt: Date | null;
  remindedUntil: Date | null;
}

/** What a case change tells the planner: the case after it, and (unless it was just opened) the state before. */
export interface ReminderChange {
  after: ReminderCase;
  before?: { ackDueAt: Date | null; resolveDueAt: Date | null; remindedUntil: Date | null };
  at: Date;
}

/** Maintains a case's reminder columns; CaseService calls it on every change (src/cases/service.ts). */
export interface ReminderPlanner {
  /** The reminder columns after a change. */
  plan(change: ReminderChange): ReminderState;
}

/** The deadline a step is about, by its `of` (auto: resolve when the case has a resolve clock, else acknowledge). */
function deadlineOf(rule: StepRule, subject: ReminderCase): { of: StepInstance["of"]; deadline: Date | null } {
  if (rule.of === "clarification") return { of: "clarification", deadline: subject.clarificationAskedAt ?? null };
  const of = rule.of === "auto" ? (subject.resolveDurationMs !== null ? "resolve" : "acknowledge") : rule.of;
  return { of, deadline: of === "resolve" ? subject.resolveDueAt : subject.ackDueAt };
}

/** When a share of the clock's period has passed, counted like the deadline itself (working time, pauses). */
function shareInstant(subject: ReminderCase, of: "acknowledge" | "resolve", share: number, calendar: Calendar): Date | null {
  const periodMs = of === "resolve" ? (subject.resolveDurationMs ?? 0) + subject.extendedMs : subject.ackDurationMs;
  const pauses = of === "resolve" ? subject.pauses.filter((pause) => !pause.to || pause.to > subject.clockStartAt) : subject.pauses;
  const base = { start: subject.clockStartAt, durationMs: Math.round(periodMs * share), pauses };
  return subject.clockMode === "continuous" ? computeDeadline({ ...base, mode: "continuous" }) : computeDeadline({ ...base, mode: "working-hours", calendar });
}

/** Calendars already read, by time zone and working hours (a sweep meets the same organisations again and again). */
const calendars = new Map<string, Calendar>();

/** The recipient's calendar, read once per distinct time zone and working hours. */
function calendarOf(recipient: ReminderCase["recipient"]): Calendar {
  const key = `${recipient.timeZone} ${recipient.workingHours} ${recipient.country ?? ""} ${recipient.holidays ?? ""} ${String(recipient.publicHolidays ?? true)}`;
  let calendar = calendars.get(key);
  if (!calendar) {
    if (calendars.size > 10_000) calendars.clear();
    calendars.set(key, (calendar = recipientCalendar(recipient)));
  }
  return calendar;
}

/** A case's ladder under the policy: every step whose deadline is running, ordered by when it may be sent. */
export function ladderOf(policy: EscalationPolicy, subject: ReminderCase): StepInstance[] {
  const calendar = calendarOf(subject.recipient);
  const instances: StepInstance[] = [];
  const isoOf = new Map<Date, string>();
  stepsFor(policy, subject.kind, subject.priority).forEach((rule) => {
    const { of, deadline } = deadlineOf(rule, subject);
    if (!deadline) return;
    const dueAt = rule.at.type === "share" ? (of === "clarification" ? null : shareInstant(subject, of, rule.at.share, calendar)) : new Date(deadline.getTime() + rule.at.offsetMs);
    if (!dueAt) return;
    const sendAt = subject.clockMode === "continuous" ? dueAt : deliverableTime(dueAt, calendar, policy.quietHours);
    let iso = isoOf.get(deadline);
    if (iso === undefined) isoOf.set(deadline, (iso = deadline.toISOString()));
    instances.push({ rule, of, deadline, dueAt, sendAt, key: `${of}:${iso}:${rule.step}` });
  });
  // Stable: steps sent at the same instant keep the policy's order, so the later one is the more escalated.
  return instances.map((instance, index) => ({ instance, index })).sort((a, b) => a.instance.sendAt.getTime() - b.instance.sendAt.getTime() || a.index - b.index).map(({ instance }) => instance);
}

/** When the sweep next has work: the first step sent after `handledUntil`, or null when none is left. */
export function nextReminderAt(ladder: readonly StepInstance[], handledUntil: Date): Date | null {
  return ladder.find((instance) => instance.sendAt > handledUntil)?.sendAt ?? null;
}

/** The steps not yet handled that are due at `now`, oldest first (the sweep catches up with them in one message per person). */
export function dueSteps(ladder: readonly StepInstance[], handledUntil: Date, now: Date): StepInstance[] {
  return ladder.filter((instance) => instance.sendAt > handledUntil && instance.sendAt <= now);
}

/** Whether a change moved a running deadline (then the steps already due on the new deadline are passed over). */
function movedDeadline(change: ReminderChange): boolean {
  const before = change.before;
  if (!before) return true;
  const moved = (now: Date | null, then: Date | null) => now !== null && now.getTime() !== then?.getTime();
  return moved(change.after.ackDueAt, before.ackDueAt) || moved(change.after.resolveDueAt, before.resolveDueAt);
}

/** Plans reminders with the escalation policy. */
export class PolicyReminderPlanner implements ReminderPlanner {
  constructor(private readonly policy: EscalationPolicy) {}

  /**
   * A new or moved deadline starts a fresh ladder from the time of the change (steps already due on it are passed
   * over: the change is news to everyone); otherwise the steps handled so far stay handled.
   */
  plan(change: ReminderChange): ReminderState {
    const handledUntil = movedDeadline(change) || !change.before?.remindedUntil ? change.at : change.before.remindedUntil;
    const ladder = ladderOf(this.policy, change.after);
    return { nextReminderAt: nextReminderAt(ladder, handledUntil), remindedUntil: handledUntil };
  }

  /** The ladder of a case (for the sweep and for tests). */
  ladder(subject: ReminderCase): StepInstance[] {
    return ladderOf(this.policy, subject);
  }
}
