// What `/case extend --by` means, in the terms of the case's clock. On a clock that runs around the clock, "2d" is two
// calendar days. On a working-hours clock, "2d" is two working days (the deadline moves to the same local time two
// working days later: weekends and holidays are not counted) and "3h" three working hours; "1w" is five working days.
// The reply and the thread update say which, and an extension is capped.
import { z } from "zod";
import { fail, ok, type Outcome as Result } from "../core/result.js";
import { addWorkingDays, workingTimeBetween, type Calendar } from "../time/calendar.js";

/** The longest extension granted at once: 30 days (calendar days, or working days on a working-hours clock). */
export const MAX_EXTENSION_DAYS = 30;

/** An extension as the person wrote it: a number and a unit. */
export interface ExtensionAmount {
  value: number;
  unit: "m" | "h" | "d" | "w";
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Zod schema of `--by`: "30m", "2h", "3d", "1w" (a number and a unit). */
export const extensionAmountSchema = z
  .string()
  .trim()
  .max(20, 'a duration such as "2h", "3d" or "1w"')
  .regex(/^\d+(\.\d+)?\s*(m|h|d|w)$/, 'a duration such as "2h", "3d" or "1w"')
  .transform((text): ExtensionAmount => {
    const match = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(text) as RegExpExecArray;
    return { value: Number(match[1]), unit: match[2] as ExtensionAmount["unit"] };
  });

/** An extension worked out: the time the clock gains (working time on a working-hours clock) and what it means, in words. */
export interface Extension {
  /** Added to the case's extendedMs (counted like the clock: working milliseconds on a working-hours clock). */
  byMs: number;
  /** "2 working days", "3 working hours", "2 days". */
  inWords: string;
}

function plural(value: number, word: string): string {
  return `${value} ${word}${value === 1 ? "" : "s"}`;
}

/** The calendar-time words of an amount: "2 days", "90 minutes". */
function calendarWords(amount: ExtensionAmount): string {
  return plural(amount.value, { m: "minute", h: "hour", d: "day", w: "week" }[amount.unit]);
}

/**
 * What an extension of the resolve deadline `deadline` by `amount` gives, on the case's clock; refused when it is
 * zero, longer than MAX_EXTENSION_DAYS, or a fraction of a working day.
 */
export function extensionOf(amount: ExtensionAmount, clock: { mode: "continuous" | "working-hours"; calendar: Calendar }, deadline: Date): Result<Extension> {
  const example = `e.g. --by 2h or --by 3d (at most --by ${MAX_EXTENSION_DAYS}d)`;
  if (amount.value <= 0) return fail("bad-arguments", "An extension must be longer than zero.", example);
  const days = amount.unit === "w" ? amount.value * (clock.mode === "working-hours" ? 5 : 7) : amount.unit === "d" ? amount.value : (amount.value * UNIT_MS[amount.unit]) / (clock.mode === "working-hours" ? 8 * UNIT_MS.h : UNIT_MS.d);
  const what = clock.mode === "working-hours" ? "working days" : "days";
  if (days > MAX_EXTENSION_DAYS) {
    return fail("bad-arguments", `An extension is at most ${MAX_EXTENSION_DAYS} ${what} at a time; --by ${amount.value}${amount.unit} is longer.`, `If more time is really needed, agree it with the other party and extend again when this one runs out: ${example}.`);
  }
  if (clock.mode === "continuous") {
    return ok({ byMs: Math.round(amount.value * UNIT_MS[amount.unit]), inWords: calendarWords(amount) });
  }
  if (amount.unit === "m" || amount.unit === "h") {
    return ok({ byMs: Math.round(amount.value * UNIT_MS[amount.unit]), inWords: `${plural(amount.value, amount.unit === "h" ? "working hour" : "working minute")}` });
  }
  if (!Number.isInteger(days)) {
    return fail("bad-arguments", "On this case's clock, days are working days: give a whole number of them, or working hours.", "e.g. --by 2d (two working days) or --by 4h (four working hours)");
  }
  const target = addWorkingDays(deadline, days, clock.calendar);
  return ok({ byMs: workingTimeBetween(deadline, target, clock.calendar), inWords: plural(days, "working day") });
}
