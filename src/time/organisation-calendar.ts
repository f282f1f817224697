// An organisation's calendar from its directory entry, and the first time a message may be delivered in it.
import { isWorkingTime, nextWorkingTime, type Calendar } from "./calendar.js";
import { quietHoursEnd, type QuietHours } from "./quiet-hours.js";
import { publicHolidays } from "./public-holidays.js";
import { ALWAYS_OPEN, parseWorkingHours } from "./working-hours.js";

/** What a calendar is made from: an organisation's directory entry, with a person's own time zone where they have one. */
export interface CalendarEntry {
  timeZone: string;
  workingHours: string;
  /** ISO country: its public holidays are closed days unless `publicHolidays` is false. */
  country?: string;
  /** Extra closed days, comma-separated "YYYY-MM-DD". */
  holidays?: string;
  publicHolidays?: boolean;
}

/**
 * An organisation's (or a person's) calendar from its directory entry (24/7 when its hours cannot be read): its
 * working hours, less its country's public holidays and its own closed days.
 */
export function recipientCalendar(entry: CalendarEntry): Calendar {
  const hours = parseWorkingHours(entry.workingHours);
  const own = entry.holidays ? entry.holidays.split(",").filter(Boolean) : [];
  const national = entry.country && entry.publicHolidays !== false ? publicHolidays(entry.country) : [];
  const holidays = own.length === 0 ? national : [...national, ...own];
  return { timeZone: entry.timeZone, hours: hours.ok ? hours.value : ALWAYS_OPEN, ...(holidays.length > 0 ? { holidays } : {}) };
}

/**
 * The first instant at or after `at` that is inside the calendar's working time and outside the quiet hours (both
 * in the calendar's time zone). A calendar whose working time lies wholly in quiet hours gets its next working time.
 */
export function deliverableTime(at: Date, calendar: Calendar, quiet: QuietHours | null): Date {
  let candidate = at;
  for (let attempt = 0; attempt < 14; attempt += 1) {
    const working = isWorkingTime(candidate, calendar) ? candidate : nextWorkingTime(candidate, calendar);
    const quietEnd = quiet ? quietHoursEnd(working, quiet, calendar.timeZone) : null;
    if (!quietEnd) return working;
    candidate = quietEnd;
  }
  return nextWorkingTime(at, calendar);
}
