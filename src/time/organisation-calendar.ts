// An organisation's calendar from its directory entry, and the first time a message may be delivered in it.
import { isWorkingTime, nextWorkingTime, quietHoursEnd, type Calendar, type QuietHours } from "./calendar.js";
import { ALWAYS_OPEN, parseWorkingHours } from "./working-hours.js";

/** An organisation's (or a person's) calendar from its directory entry (24/7 when its hours cannot be read). */
export function recipientCalendar(timeZone: string, workingHours: string): Calendar {
  const hours = parseWorkingHours(workingHours);
  return { timeZone, hours: hours.ok ? hours.value : ALWAYS_OPEN };
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
