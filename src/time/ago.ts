/**
 * A time before now, as a person types it for something that happened earlier: an instant with its offset from UTC
 * ("2026-11-19T09:00+01:00"), or how long ago ("1d ago", "36 hours ago"). "How long ago" is elapsed time, resolved
 * against the clock passed in by whoever acts on it; nothing here reads the system clock.
 */
import { z } from "zod";

/** How long before now, in milliseconds. */
export interface TimeAgo {
  agoMs: number;
}

/** The furthest back "ago" reaches: ten years of days. */
export const MAX_AGO_DAYS = 3_653;

/** The longest text read (an instant with seconds and offset is 29 characters). */
const MAX_TYPED_CHARS = 40;

const DAY_MS = 86_400_000;

/** Milliseconds per unit, by the words a person may use. */
const UNIT_MS: Record<string, number> = {
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: DAY_MS, day: DAY_MS, days: DAY_MS,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

const AGO = /^(\d{1,7})\s*([a-z]+)\s+ago$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** What is expected, in words, with examples. */
export const PAST_INSTANT_EXPECTED = 'a time with its offset from UTC, e.g. 2026-11-20T09:00+01:00, or how long ago, e.g. "1d ago" or "36h ago"';

/** "1d ago", "2 days ago", "90m ago" as elapsed time; undefined when it is not a whole amount of a known unit, ago. */
export function parseAgo(typed: string): TimeAgo | undefined {
  if (typed.length > MAX_TYPED_CHARS) return undefined;
  const match = AGO.exec(typed.trim().toLowerCase());
  if (!match) return undefined;
  const unitMs = UNIT_MS[match[2] ?? ""];
  if (unitMs === undefined) return undefined;
  const agoMs = Number(match[1]) * unitMs;
  return agoMs <= MAX_AGO_DAYS * DAY_MS ? { agoMs } : undefined;
}

/** An instant with its offset whose date and time exist (no 30 February, no 24:00); undefined otherwise. */
function parseInstant(typed: string): Date | undefined {
  const match = INSTANT.exec(typed.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part))) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour! > 23 || minute! > 59 || second! > 59 || offsetHours! > 14 || offsetMinutes! > 59) return undefined;
  const instant = new Date(typed.trim());
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** What is expected, in words, for a value that is neither form: nearer to what was typed where it is nearly right. */
function refusalOf(typed: string): string {
  if (INSTANT.test(typed.trim())) return `a real date, time and offset: ${PAST_INSTANT_EXPECTED}`;
  const ago = AGO.exec(typed.trim().toLowerCase());
  if (ago && UNIT_MS[ago[2] ?? ""] !== undefined) return `at most ${MAX_AGO_DAYS.toLocaleString("en")} days ago (ten years): ${PAST_INSTANT_EXPECTED}`;
  return PAST_INSTANT_EXPECTED;
}

/** An option for a time before now: read as a Date (an instant as typed) or a TimeAgo, refused in words otherwise. */
export const pastInstantSchema = z
  .string()
  .max(MAX_TYPED_CHARS, PAST_INSTANT_EXPECTED)
  .transform((typed, context): Date | TimeAgo => {
    const read = parseInstant(typed) ?? parseAgo(typed);
    if (read === undefined) {
      context.addIssue({ code: "custom", message: refusalOf(typed) });
      return z.NEVER;
    }
    return read;
  });

/** The instant a past time stands for, `now` being the acting clock's time. */
export function pastInstant(value: Date | TimeAgo, now: Date): Date {
  return value instanceof Date ? value : new Date(now.getTime() - value.agoMs);
}
