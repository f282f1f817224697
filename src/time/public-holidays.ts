// Public holidays per country, the default closed days of an organisation's working-hours calendar. The dates come
// from the date-holidays package (its data: CC-BY-3.0), public holidays only (not bank or school holidays, not
// observances), computed once per country for a span of years and kept.
//
// The package is loaded on the first calendar that needs a country's holidays (the first case opened, the first
// digest or reminder planned), not when Liaison starts. publicHolidays is synchronous, so the package is required
// (its CommonJS build, whose data is compact) rather than imported: imported at start it was 7.5 MB of live heap in
// the every-adapter start of bench/idle-rss.ts (after a full collection); required, with three countries computed,
// it is 6 MB, and nothing until a calendar needs it.
import { createRequire } from "node:module";
import type HolidaysClass from "date-holidays";

/** The years whose public holidays a calendar knows. */
const FIRST_YEAR = 2020;
const LAST_YEAR = 2045;

const byCountry = new Map<string, readonly string[]>();
let holidaysClass: typeof HolidaysClass | undefined;

/** The public holidays of a country (ISO 3166-1 alpha-2) as local dates "YYYY-MM-DD"; none for an unknown country. */
export function publicHolidays(country: string): readonly string[] {
  const code = country.toUpperCase();
  let dates = byCountry.get(code);
  if (dates) return dates;
  const found: string[] = [];
  holidaysClass ??= createRequire(import.meta.url)("date-holidays") as typeof HolidaysClass;
  const holidays = new holidaysClass();
  if (/^[A-Z]{2}$/.test(code) && holidays.init(code)) {
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year += 1) {
      for (const holiday of holidays.getHolidays(year)) {
        if (holiday.type === "public") found.push(holiday.date.slice(0, 10));
      }
    }
  }
  dates = [...new Set(found)].sort();
  byCountry.set(code, dates);
  return dates;
}
