// Instants as people type them in commands and forms: with their offset from UTC, so that the time zone they meant is
// not lost. Validated at the edge (zod), with a length cap before parsing.
import { z } from "zod";

/**
 * Whether a date and time as written exists: Date.parse rolls 30 February over to 2 March and reads 24:00 as the
 * next day's midnight, so the written day must be a day of its month and the hour below 24.
 */
function isRealInstant(text: string): boolean {
  if (Number.isNaN(Date.parse(text))) return false;
  const [year, month, day, hour] = [text.slice(0, 4), text.slice(5, 7), text.slice(8, 10), text.slice(11, 13)].map(Number) as [number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23;
}

/** An instant with its offset from UTC, kept as written so that the time zone is not lost (DSA recital 56). */
export const instantWithOffsetSchema = z
  .string()
  .trim()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/, "a time with its offset from UTC, e.g. 2026-11-20T14:05+01:00 or 2026-11-20T13:05Z")
  .refine(isRealInstant, "a real date and time, e.g. 2026-11-20T14:05+01:00");

/** The same instant, read as a Date: what commands that take a time (--at, --until) parse it to. */
export const instantDateSchema = instantWithOffsetSchema.transform((text) => new Date(text));
