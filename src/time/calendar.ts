/**
 * Pure time functions behind Liaison's legal clocks and reminders: working hours, calendars with holidays,
 * case deadlines (continuous or counted in working hours, with pauses) and readable formatting (quiet hours are in
 * quiet-hours.ts). Nothing here reads the system clock; every instant is passed in.
 */
import { z } from "zod";
import { WEEKDAYS, type TimeRange, type Weekday, type WorkingHours, workingHoursSchema } from "./working-hours.js";
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  epochDayOf,
  instantOfWallTime,
  instantsOfWallRange,
  isoDateOf,
  localTimeOf,
  offsetAt,
  weekdayIndex,
} from "./zoned.js";

export {
  ALWAYS_OPEN,
  WEEKDAYS,
  WORKING_HOURS_FORMAT,
  formatWorkingHours,
  parseWorkingHours,
  workingHoursSchema,
  type TimeRange,
  type Weekday,
  type WorkingHours,
} from "./working-hours.js";

/** A recipient's calendar: its IANA time zone, weekly working hours and holidays (local ISO dates). */
export interface Calendar {
  timeZone: string;
  hours: WorkingHours;
  /** Local dates "YYYY-MM-DD" with no working time at all. */
  holidays?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Time zones

let supportedZonesByLowerCase: Map<string, string> | undefined;

function supportedZones(): Map<string, string> {
  if (!supportedZonesByLowerCase) {
    supportedZonesByLowerCase = new Map(Intl.supportedValuesOf("timeZone").map((zone) => [zone.toLowerCase(), zone]));
    supportedZonesByLowerCase.set("utc", "UTC");
  }
  return supportedZonesByLowerCase;
}

/** Whether a value is an IANA time zone name this runtime knows (offsets such as "+01:00" are not accepted). */
export function isValidTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || !/^[A-Za-z]/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function canonicalZoneSpelling(zone: string): string {
  return supportedZones().get(zone.toLowerCase()) ?? zone;
}

function zoneSuggestion(input: string): string | undefined {
  const city = input.trim().toLowerCase().replace(/\s+/g, "_");
  if (city === "") return undefined;
  for (const [lower, zone] of supportedZones()) {
    if (lower.endsWith(`/${city}`)) return zone;
  }
  return undefined;
}

/** Zod schema: an IANA time zone name such as "Europe/Amsterdam" (spelling of letter case normalised). */
export const timeZoneSchema = z.string().transform((text, ctx): string => {
  const zone = text.trim();
  if (isValidTimeZone(zone)) return canonicalZoneSpelling(zone);
  const suggestion = zoneSuggestion(zone);
  ctx.addIssue({
    code: "custom",
    input: text,
    message:
      `Unknown time zone "${text}".` +
      (suggestion ? ` Did you mean "${suggestion}"?` : "") +
      ' Use an IANA time zone name such as "Europe/Amsterdam", "America/New_York" or "UTC".',
  });
  return z.NEVER;
});

/** Zod schema: a local date "YYYY-MM-DD" that exists in the calendar. */
export const isoDateSchema = z
  .string()
  .refine((text) => epochDayOf(text) !== undefined, { error: 'Expected a real date written as "YYYY-MM-DD".' });

/** Zod schema: a calendar as written in configuration or import files; hours are a working-hours string. */
export const calendarSchema = z.object({
  timeZone: timeZoneSchema,
  hours: workingHoursSchema,
  holidays: z.array(isoDateSchema).optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Working time

interface Interval {
  from: number;
  to: number;
}

/** Days searched for working time before a calendar is declared to have none. */
const MAX_IDLE_DAYS = 3700;

/** The instant in milliseconds; a RangeError naming `what` when it is not a valid date. */
export function checkInstant(at: Date, what: string): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a valid date`);
  return ms;
}

function holidaySet(calendar: Calendar): ReadonlySet<string> {
  return new Set(calendar.holidays ?? []);
}

function rangesOn(calendar: Calendar, holidays: ReadonlySet<string>, epochDay: number): readonly TimeRange[] {
  if (holidays.size > 0 && holidays.has(isoDateOf(epochDay))) return [];
  return calendar.hours.days[WEEKDAYS[weekdayIndex(epochDay)] as Weekday];
}

/** The working intervals (instants) of one local date, sorted and disjoint. */
function workingIntervalsOn(calendar: Calendar, holidays: ReadonlySet<string>, epochDay: number): Interval[] {
  const intervals: Interval[] = [];
  for (const range of rangesOn(calendar, holidays, epochDay)) {
    for (const piece of instantsOfWallRange(calendar.timeZone, epochDay, range.from * MINUTE_MS, range.to * MINUTE_MS)) {
      const last = intervals[intervals.length - 1];
      if (last && last.to >= piece.from) last.to = Math.max(last.to, piece.to);
      else intervals.push(piece);
    }
  }
  return intervals;
}

/** Working intervals that end after `fromMs`, clipped to start no earlier than it, in order. Never ends. */
function* workingIntervalsFrom(calendar: Calendar, fromMs: number): Generator<Interval> {
  const holidays = holidaySet(calendar);
  let cursor = fromMs;
  let idleDays = 0;
  // Start a day early: in zones west of Greenwich the previous local date may still hold `fromMs`.
  for (let day = localTimeOf(calendar.timeZone, fromMs).epochDay - 1; ; day++) {
    let found = false;
    for (const interval of workingIntervalsOn(calendar, holidays, day)) {
      if (interval.to <= cursor) continue;
      found = true;
      const from = Math.max(interval.from, cursor);
      cursor = interval.to;
      yield { from, to: interval.to };
    }
    idleDays = found ? 0 : idleDays + 1;
    if (idleDays > MAX_IDLE_DAYS) {
      throw new RangeError(`the calendar has no working time for ${MAX_IDLE_DAYS} days after ${new Date(fromMs).toISOString()}`);
    }
  }
}

/** Whether an instant falls inside the calendar's working hours (local time, skipping holidays). */
export function isWorkingTime(at: Date, calendar: Calendar): boolean {
  const ms = checkInstant(at, "at");
  const local = localTimeOf(calendar.timeZone, ms);
  const minute = local.msOfDay / MINUTE_MS;
  return rangesOn(calendar, holidaySet(calendar), local.epochDay).some(
    (range) => minute >= range.from && minute < range.to,
  );
}

/** The first working instant at or after `at` (a copy of `at` when it is already working time). */
export function nextWorkingTime(at: Date, calendar: Calendar): Date {
  const ms = checkInstant(at, "at");
  const first = workingIntervalsFrom(calendar, ms).next();
  if (first.done) throw new RangeError("the calendar has no working time");
  return new Date(first.value.from);
}

// ---------------------------------------------------------------------------------------------------------------
// Deadlines

/** A stretch during which a case's clock is stopped; no `to` means it is stopped still. */
export interface Pause {
  from: Date;
  to?: Date;
}

/** What computeDeadline needs: when the clock started, how much time it allows, how that time is counted. */
export type DeadlineInput =
  | {
      start: Date;
      durationMs: number;
      /** Around the clock (legal clocks such as a removal order's hour or a production order's 10 days). */
      mode: "continuous";
      calendar?: Calendar;
      pauses?: readonly Pause[];
    }
  | {
      start: Date;
      durationMs: number;
      /** Only time inside the calendar's working hours counts. */
      mode: "working-hours";
      calendar: Calendar;
      pauses?: readonly Pause[];
    };

function mergedPauses(pauses: readonly Pause[]): Interval[] {
  const intervals = pauses.map((pause, i) => {
    const from = checkInstant(pause.from, `pauses[${i}].from`);
    const to = pause.to === undefined ? Number.POSITIVE_INFINITY : checkInstant(pause.to, `pauses[${i}].to`);
    if (to < from) throw new RangeError(`pauses[${i}] ends before it starts`);
    return { from, to };
  });
  intervals.sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const interval of intervals) {
    if (interval.to === interval.from) continue;
    const last = merged[merged.length - 1];
    if (last && last.to >= interval.from) last.to = Math.max(last.to, interval.to);
    else merged.push({ ...interval });
  }
  return merged;
}

/** The parts of `intervals` outside every pause; stops for good at a pause that has not ended. */
function* outsidePauses(intervals: Iterable<Interval>, pauses: readonly Interval[]): Generator<Interval> {
  let p = 0;
  for (const interval of intervals) {
    let from = interval.from;
    while (from < interval.to) {
      while (p < pauses.length && (pauses[p] as Interval).to <= from) p++;
      const pause = pauses[p];
      if (!pause || pause.from >= interval.to) {
        yield { from, to: interval.to };
        break;
      }
      if (pause.from > from) yield { from, to: pause.from };
      if (pause.to === Number.POSITIVE_INFINITY) return;
      from = pause.to;
    }
  }
}

/**
 * When a case's clock runs out: the earliest instant by which `durationMs` of counted time has passed since
 * `start`, not counting pauses. Returns null while a pause without an end stops the clock before it runs out.
 */
export function computeDeadline(input: DeadlineInput): Date | null {
  const start = checkInstant(input.start, "start");
  const { durationMs } = input;
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite number >= 0, got ${durationMs}`);
  }
  if (durationMs === 0) return new Date(start);
  const counted: Iterable<Interval> =
    input.mode === "continuous"
      ? [{ from: start, to: Number.POSITIVE_INFINITY }]
      : workingIntervalsFrom(input.calendar, start);
  let remaining = durationMs;
  for (const piece of outsidePauses(counted, mergedPauses(input.pauses ?? []))) {
    const available = piece.to - piece.from;
    if (remaining <= available) return new Date(piece.from + remaining);
    remaining -= available;
  }
  return null;
}

/**
 * The instant `days` working days after `start`, at the same local wall time: days without working time (weekends,
 * holidays) are not counted. E.g. Friday 15:00 plus one working day is Monday 15:00.
 */
export function addWorkingDays(start: Date, days: number, calendar: Calendar): Date {
  const ms = checkInstant(start, "start");
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number >= 0, got ${days}`);
  const holidays = holidaySet(calendar);
  const local = localTimeOf(calendar.timeZone, ms);
  let day = local.epochDay;
  for (let left = days, idle = 0; left > 0; ) {
    day += 1;
    if (rangesOn(calendar, holidays, day).length > 0) {
      left -= 1;
      idle = 0;
    } else if (++idle > MAX_IDLE_DAYS) throw new RangeError("the calendar has no working time");
  }
  return new Date(instantOfWallTime(calendar.timeZone, day, local.msOfDay, { overlap: "earlier", gap: "shift" }));
}

/** The working time between two instants, in milliseconds (0 when `to` is not after `from`). */
export function workingTimeBetween(from: Date, to: Date, calendar: Calendar): number {
  const fromMs = checkInstant(from, "from");
  const toMs = checkInstant(to, "to");
  let totalMs = 0;
  if (toMs <= fromMs) return 0;
  for (const interval of workingIntervalsFrom(calendar, fromMs)) {
    if (interval.from >= toMs) break;
    totalMs += Math.min(interval.to, toMs) - interval.from;
  }
  return totalMs;
}

/** Adds calendar days keeping the local wall time (09:00 stays 09:00 across DST); skipped times move forward. */
export function addCalendarDays(start: Date, days: number, timeZone: string): Date {
  const ms = checkInstant(start, "start");
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`);
  if (days === 0) return new Date(ms);
  const local = localTimeOf(timeZone, ms);
  return new Date(instantOfWallTime(timeZone, local.epochDay + days, local.msOfDay, { overlap: "earlier", gap: "shift" }));
}

// ---------------------------------------------------------------------------------------------------------------
// Quiet hours

const abbreviationLocales = ["en-US", "en-GB", "en-AU", "en-NZ", "en-IN", "en-CA", "en-IE", "en-ZA"];
const abbreviationFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneAbbreviation(timeZone: string, ms: number): string {
  for (const locale of abbreviationLocales) {
    const key = `${locale} ${timeZone}`;
    let formatter = abbreviationFormatters.get(key);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" });
      abbreviationFormatters.set(key, formatter);
    }
    const name = formatter.formatToParts(new Date(ms)).find((part) => part.type === "timeZoneName")?.value;
    if (name && /^[A-Z]{2,5}$/.test(name)) return name;
  }
  const offsetMinutes = Math.round(offsetAt(timeZone, ms) / MINUTE_MS);
  if (offsetMinutes === 0) return "UTC";
  const sign = offsetMinutes < 0 ? "-" : "+";
  const hours = Math.floor(Math.abs(offsetMinutes) / 60);
  const minutes = Math.abs(offsetMinutes) % 60;
  return `UTC${sign}${hours}${minutes === 0 ? "" : `:${String(minutes).padStart(2, "0")}`}`;
}

/** An instant as local time with the zone's abbreviation, e.g. "2026-11-23 14:05 CET" (or "UTC+9" without one). */
export function formatLocal(at: Date, timeZone: string): string {
  const ms = checkInstant(at, "at");
  const local = localTimeOf(timeZone, ms);
  const minuteOfDay = Math.floor(local.msOfDay / MINUTE_MS);
  const clock = `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
  return `${isoDateOf(local.epochDay)} ${clock} ${zoneAbbreviation(timeZone, ms)}`;
}

/** A duration in days, hours and minutes, e.g. "1 h 5 min", "10 d", "45 min"; under a minute in seconds. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a finite duration: ${ms}`);
  const sign = ms < 0 ? "-" : "";
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds === 0) return "0 s";
  if (seconds < 60) return `${sign}${seconds} s`;
  const totalMinutes = Math.round(Math.abs(ms) / MINUTE_MS);
  const days = Math.floor(totalMinutes / (DAY_MS / MINUTE_MS));
  const hours = Math.floor((totalMinutes % (DAY_MS / MINUTE_MS)) / (HOUR_MS / MINUTE_MS));
  const minutes = totalMinutes % (HOUR_MS / MINUTE_MS);
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  return `${sign}${parts.join(" ")}`;
}
