import { computeDeadline, type Calendar, type Pause } from "../time/calendar.js";

/** What a case's deadlines depend on. */
export interface CaseClock {
  mode: "continuous" | "working-hours";
  /** When the clocks (re)started: opening, a clarification that restarts them, or reopening. */
  clockStartAt: Date;
  acknowledgedAt: Date | null;
  /** False once resolved, closed or withdrawn: no clock runs. */
  active: boolean;
  acknowledgeMs: number;
  resolveMs: number | null;
  extendedMs: number;
  pauses: Pause[];
  /** The recipient's calendar, for working-hours clocks. */
  calendar: Calendar;
}


/**
 * A case's deadlines: acknowledge (until acknowledged) and resolve (until resolved), counting only working time
 * where the clock is working-hours, and leaving out pauses. null means no deadline now (met, paused, or none set).
 */
export function caseDeadlines(clock: CaseClock): { ackDueAt: Date | null; resolveDueAt: Date | null } {
  if (!clock.active) return { ackDueAt: null, resolveDueAt: null };
  const base = { mode: clock.mode, calendar: clock.calendar } as const;
  const ackDueAt = clock.acknowledgedAt ? null : computeDeadline({ ...base, start: clock.clockStartAt, durationMs: clock.acknowledgeMs, pauses: clock.pauses });
  const resolveDueAt =
    clock.resolveMs === null
      ? null
      : computeDeadline({
          ...base,
          start: clock.clockStartAt,
          durationMs: clock.resolveMs + clock.extendedMs,
          pauses: clock.pauses.filter((pause) => !pause.to || pause.to > clock.clockStartAt),
        });
  return { ackDueAt, resolveDueAt };
}
