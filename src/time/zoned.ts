/**
 * Low-level wall-clock arithmetic on IANA time zones, built on Intl only (no date library).
 *
 * A "local day" is a civil date in some zone, numbered as days since 1970-01-01 (`epochDay`); a wall time is
 * the milliseconds since that local midnight (`msOfDay`). Converting between instants and wall times is done by
 * finding the zone's UTC offset, which Intl gives to the second.
 */

/** Milliseconds in one minute. */
export const MINUTE_MS = 60_000;
/** Milliseconds in one hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in one (24-hour) day. */
export const DAY_MS = 86_400_000;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC, in milliseconds, at an instant (positive east of Greenwich). */
export function offsetAt(timeZone: string, instantMs: number): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of partsFormatter(timeZone).formatToParts(new Date(wholeSecond))) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value);
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        second = Number(part.value);
        break;
      case "era":
        bc = part.value.startsWith("B");
        break;
      default:
        break;
    }
  }
  const wall = new Date(0);
  wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  return wall.getTime() - wholeSecond;
}

/** A civil date and wall time in some zone. */
export interface LocalTime {
  /** Days since 1970-01-01 of the local (civil) date. */
  epochDay: number;
  /** Milliseconds since local midnight. */
  msOfDay: number;
}

/** The local date and wall time of an instant in a zone. */
export function localTimeOf(timeZone: string, instantMs: number): LocalTime {
  const local = instantMs + offsetAt(timeZone, instantMs);
  const epochDay = Math.floor(local / DAY_MS);
  return { epochDay, msOfDay: local - epochDay * DAY_MS };
}

/** Day of the week of a local date: 0 = Monday ... 6 = Sunday. */
export function weekdayIndex(epochDay: number): number {
  // 1970-01-01 was a Thursday (index 3).
  return (((epochDay + 3) % 7) + 7) % 7;
}

/** The ISO date "YYYY-MM-DD" of a local date. */
export function isoDateOf(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** The local date of an ISO "YYYY-MM-DD" string, or undefined if it is not a real calendar date. */
export function epochDayOf(isoDate: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(ms) || isoDateOf(ms / DAY_MS) !== isoDate) return undefined;
  return ms / DAY_MS;
}

/** A stretch of instants [from, to) during which the zone keeps one offset. */
export interface OffsetSegment {
  from: number;
  to: number;
  offset: number;
}

/**
 * The offsets in force around a local date: one segment, or two when the offset changes within a day of it.
 * Covers at least every instant whose wall time falls on the date (offsets never exceed a day).
 */
export function segmentsAround(timeZone: string, epochDay: number): OffsetSegment[] {
  const windowFrom = (epochDay - 1) * DAY_MS;
  const windowTo = (epochDay + 2) * DAY_MS;
  const before = offsetAt(timeZone, windowFrom);
  const after = offsetAt(timeZone, windowTo);
  if (before === after) return [{ from: windowFrom, to: windowTo, offset: before }];
  // Transitions fall on whole seconds: find the first second with the new offset.
  let lo = windowFrom / 1000; // offset `before`
  let hi = windowTo / 1000; // offset `after`
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid * 1000) === before) lo = mid;
    else hi = mid;
  }
  const transition = hi * 1000;
  return [
    { from: windowFrom, to: transition, offset: before },
    { from: transition, to: windowTo, offset: offsetAt(timeZone, transition) },
  ];
}

/** How to resolve a wall time that occurs twice (fall back) or never (spring forward). */
export interface WallResolution {
  /** Which occurrence of a repeated wall time. */
  overlap: "earlier" | "later";
  /**
   * A skipped wall time: "shift" moves it forward by the length of the gap (02:30 becomes 03:30, as Temporal's
   * "compatible" does); "boundary" gives the first instant after the gap (02:30 becomes 03:00).
   */
  gap: "shift" | "boundary";
}

/** The instant at which a zone's clocks show a wall time on a local date (msOfDay may be 0..86 400 000). */
export function instantOfWallTime(
  timeZone: string,
  epochDay: number,
  msOfDay: number,
  resolution: WallResolution,
): number {
  const wall = epochDay * DAY_MS + msOfDay;
  const segments = segmentsAround(timeZone, Math.floor(wall / DAY_MS));
  const candidates: number[] = [];
  for (const segment of segments) {
    const instant = wall - segment.offset;
    if (instant >= segment.from && instant < segment.to) candidates.push(instant);
  }
  if (candidates.length > 0) {
    return resolution.overlap === "earlier" ? Math.min(...candidates) : Math.max(...candidates);
  }
  // A gap: the wall time is skipped. There are exactly two segments here.
  const [first, second] = segments as [OffsetSegment, OffsetSegment];
  return resolution.gap === "boundary" ? second.from : wall - first.offset;
}

/**
 * The instants of a local date whose wall time lies in [fromMs, toMs) (ms since local midnight, toMs <= one day),
 * as sorted, disjoint intervals. Exact across offset changes: a range that spans a skipped hour is an hour shorter,
 * one that spans a repeated hour is an hour longer.
 */
export function instantsOfWallRange(
  timeZone: string,
  epochDay: number,
  fromMs: number,
  toMs: number,
): Array<{ from: number; to: number }> {
  const wallFrom = epochDay * DAY_MS + fromMs;
  const wallTo = epochDay * DAY_MS + toMs;
  const pieces: Array<{ from: number; to: number }> = [];
  for (const segment of segmentsAround(timeZone, epochDay)) {
    const from = Math.max(segment.from, wallFrom - segment.offset);
    const to = Math.min(segment.to, wallTo - segment.offset);
    if (to <= from) continue;
    const last = pieces[pieces.length - 1];
    if (last && last.to >= from) last.to = Math.max(last.to, to);
    else pieces.push({ from, to });
  }
  return pieces;
}
