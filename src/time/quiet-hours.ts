// Quiet hours: a daily window in local wall time (e.g. 22:00 to 07:00) during which reminders wait, and when it ends.
import { z } from "zod";
import { checkInstant } from "./calendar.js";
import { instantOfWallTime, localTimeOf, MINUTE_MS } from "./zoned.js";

/** A daily quiet window in local wall time, "HH:MM" to "HH:MM"; it crosses midnight when `from` is later than `to`. */
export interface QuietHours {
  from: string;
  to: string;
}

const clockPattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Zod schema: quiet hours such as { from: "22:00", to: "07:00" }. */
export const quietHoursSchema = z
  .object({
    from: z.string().regex(clockPattern, 'Expected a time written as "HH:MM", e.g. "22:00".'),
    to: z.string().regex(clockPattern, 'Expected a time written as "HH:MM", e.g. "07:00".'),
  })
  .refine((quiet) => quiet.from !== quiet.to, { error: "Quiet hours must start and end at different times." });

function clockMinutes(text: string, what: string): number {
  const match = clockPattern.exec(text);
  if (!match) throw new RangeError(`${what} must be written as HH:MM, got "${text}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** When the quiet window containing `at` ends (local time in `timeZone`), or null if `at` is not in quiet hours. */
export function quietHoursEnd(at: Date, quiet: QuietHours, timeZone: string): Date | null {
  const ms = checkInstant(at, "at");
  const from = clockMinutes(quiet.from, "quiet.from") * MINUTE_MS;
  const to = clockMinutes(quiet.to, "quiet.to") * MINUTE_MS;
  if (from === to) return null;
  const local = localTimeOf(timeZone, ms);
  const now = local.msOfDay;
  let endDay: number;
  if (from < to) {
    if (now < from || now >= to) return null;
    endDay = local.epochDay;
  } else if (now >= from) {
    endDay = local.epochDay + 1;
  } else if (now < to) {
    endDay = local.epochDay;
  } else {
    return null;
  }
  return new Date(instantOfWallTime(timeZone, endDay, to, { overlap: "earlier", gap: "boundary" }));
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

