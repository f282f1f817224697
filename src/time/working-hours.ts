import { z } from "zod";
import { fail, ok, type Outcome } from "../core/result.js";

/** Days of the week, Monday first, as written in working-hours strings. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];

/** A stretch of wall-clock time within one day: minutes since local midnight, [from, to), 0 <= from < to <= 1440. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** A weekly schedule: for each day, its sorted, non-overlapping ranges (empty = not a working day). */
export interface WorkingHours {
  readonly days: Readonly<Record<Weekday, readonly TimeRange[]>>;
}

const MINUTES_PER_DAY = 1440;

/** What a working-hours string looks like; appended to every parse error. */
export const WORKING_HOURS_FORMAT =
  'Expected days and times such as "mon-fri 09:00-17:00", "mon-thu 08:30-17:00; fri 08:30-12:00", ' +
  '"mon-fri 09:00-12:30, 13:30-17:00" or "24/7".';

const DAY_NAMES: Readonly<Record<string, Weekday>> = {
  mon: "mon", monday: "mon",
  tue: "tue", tues: "tue", tuesday: "tue",
  wed: "wed", wednesday: "wed",
  thu: "thu", thur: "thu", thurs: "thu", thursday: "thu",
  fri: "fri", friday: "fri",
  sat: "sat", saturday: "sat",
  sun: "sun", sunday: "sun",
};

const FULL_DAY_NAMES: Readonly<Record<Weekday, string>> = {
  mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday",
};

/** Working hours that never close: every day 00:00-24:00. */
export const ALWAYS_OPEN: WorkingHours = {
  days: Object.fromEntries(WEEKDAYS.map((day) => [day, [{ from: 0, to: MINUTES_PER_DAY }]])) as Record<
    Weekday,
    TimeRange[]
  >,
};

class ParseError extends Error {}

function problem(text: string): never {
  throw new ParseError(text);
}

function parseDay(word: string, clause: string): Weekday {
  const day = DAY_NAMES[word];
  if (!day) {
    problem(
      `Unknown day "${word}" in "${clause}". Use mon, tue, wed, thu, fri, sat, sun, or a span such as "mon-fri".`,
    );
  }
  return day;
}

function parseDays(spec: string, clause: string): Weekday[] {
  const days: Weekday[] = [];
  for (const item of spec.split(",")) {
    const word = item.trim();
    if (word === "") problem(`Empty day in "${clause}".`);
    const span = word.split("-").map((part) => part.trim());
    if (span.length === 1) {
      days.push(parseDay(word, clause));
    } else if (span.length === 2) {
      const first = WEEKDAYS.indexOf(parseDay(span[0] ?? "", clause));
      const last = WEEKDAYS.indexOf(parseDay(span[1] ?? "", clause));
      // Spans may wrap around the week: "fri-mon" is Friday, Saturday, Sunday, Monday.
      for (let i = first; ; i = (i + 1) % 7) {
        days.push(WEEKDAYS[i] as Weekday);
        if (i === last) break;
      }
    } else {
      problem(`Cannot read the days "${word}" in "${clause}".`);
    }
  }
  return days;
}

function parseClock(text: string, range: string, clause: string): number {
  // Whole hours ("9-17") are accepted as a shorthand for 09:00-17:00.
  const match = /^(\d{1,2})(?::(\d{2}))?$/.exec(text);
  if (!match) problem(`Cannot read the time "${text}" in "${range}" ("${clause}"): write times as HH:MM, e.g. 09:00.`);
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? "0");
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    problem(`Invalid time "${text}" in "${clause}": use 00:00 to 23:59, or 24:00 for the end of the day.`);
  }
  return hours * 60 + minutes;
}

function parseRanges(spec: string, clause: string): TimeRange[] {
  const ranges: TimeRange[] = [];
  for (const item of spec.split(",")) {
    const range = item.trim();
    if (range === "") problem(`Empty time range in "${clause}".`);
    if (/^[a-z]/.test(range)) {
      problem(
        `Unexpected "${range}" in "${clause}": separate groups of days with ";", ` +
          'e.g. "mon-fri 09:00-17:00; sat 10:00-14:00".',
      );
    }
    const ends = range.split("-").map((part) => part.trim());
    if (ends.length !== 2) problem(`Cannot read the time range "${range}" in "${clause}": write it as 09:00-17:00.`);
    const from = parseClock(ends[0] ?? "", range, clause);
    const to = parseClock(ends[1] ?? "", range, clause);
    if (from === MINUTES_PER_DAY) problem(`The range "${range}" in "${clause}" starts at 24:00; start at 00:00 instead.`);
    if (to <= from) {
      problem(
        `The range "${range}" in "${clause}" ends before it starts. Ranges may not cross midnight: ` +
          'split them, e.g. "mon 22:00-24:00; tue 00:00-06:00".',
      );
    }
    ranges.push({ from, to });
  }
  ranges.sort((a, b) => a.from - b.from);
  for (let i = 1; i < ranges.length; i++) {
    const previous = ranges[i - 1] as TimeRange;
    const current = ranges[i] as TimeRange;
    if (current.from < previous.to) {
      problem(
        `The ranges ${formatRange(previous)} and ${formatRange(current)} in "${clause}" overlap.`,
      );
    }
  }
  return ranges;
}

/** Parses a working-hours string such as "mon-thu 08:30-17:00; fri 08:30-12:00" or "24/7". */
export function parseWorkingHours(input: unknown): Outcome<WorkingHours> {
  if (typeof input !== "string") {
    return fail("invalid-input", `Working hours must be text. ${WORKING_HOURS_FORMAT}`);
  }
  const text = input
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, "-") // dashes pasted from documents
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return fail("invalid-input", `Working hours are empty. ${WORKING_HOURS_FORMAT}`);
  if (text === "24/7" || text === "24x7") return ok(ALWAYS_OPEN);
  try {
    const days: Record<Weekday, TimeRange[]> = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    const seenIn = new Map<Weekday, string>();
    for (const rawClause of text.split(";")) {
      const clause = rawClause.trim();
      if (clause === "") continue;
      if (clause === "24/7") problem('"24/7" must stand alone.');
      const match = /^([a-z][a-z\s,-]*?)\s*(\d.*)?$/.exec(clause);
      if (!match) problem(`"${clause}" does not start with days.`);
      const daySpec = match[1] ?? "";
      const rangeSpec = match[2];
      if (rangeSpec === undefined) problem(`No times given for "${clause}".`);
      const clauseDays = parseDays(daySpec, clause);
      const ranges = parseRanges(rangeSpec, clause);
      for (const day of clauseDays) {
        const earlier = seenIn.get(day);
        if (earlier !== undefined) {
          problem(
            `${FULL_DAY_NAMES[day]} is listed more than once ("${earlier}"` +
              (earlier === clause ? "" : ` and "${clause}"`) +
              "); give each day once, with all its ranges.",
          );
        }
        seenIn.set(day, clause);
        days[day] = [...ranges];
      }
    }
    if (seenIn.size === 0) problem("No days given.");
    return ok({ days });
  } catch (error) {
    if (error instanceof ParseError) {
      return fail("invalid-input", `Invalid working hours "${input.trim()}": ${error.message} ${WORKING_HOURS_FORMAT}`);
    }
    throw error;
  }
}

function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function formatRange(range: TimeRange): string {
  return `${formatClock(range.from)}-${formatClock(range.to)}`;
}

/** Writes working hours back in the canonical form parseWorkingHours reads, e.g. "mon-fri 09:00-17:00". */
export function formatWorkingHours(hours: WorkingHours): string {
  const keys = WEEKDAYS.map((day) => hours.days[day].map(formatRange).join(", "));
  if (keys.every((key) => key === "00:00-24:00")) return "24/7";
  const clauses: string[] = [];
  let i = 0;
  while (i < WEEKDAYS.length) {
    let j = i;
    while (j + 1 < WEEKDAYS.length && keys[j + 1] === keys[i]) j++;
    if (keys[i] !== "") {
      const days = i === j ? WEEKDAYS[i] : `${WEEKDAYS[i]}-${WEEKDAYS[j]}`;
      clauses.push(`${days} ${keys[i]}`);
    }
    i = j + 1;
  }
  return clauses.join("; ");
}

/** Zod schema: a working-hours string, transformed into WorkingHours; the error says what is wrong and the format. */
export const workingHoursSchema = z.string().transform((text, ctx): WorkingHours => {
  const parsed = parseWorkingHours(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message, input: text });
    return z.NEVER;
  }
  return parsed.value;
});
