// "How long ago", as a person types it for a time that lies before now ("1d ago", "36 hours ago"): what is read,
// what is refused with a message in words, and the instant it stands for on a given clock (around a DST change too).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_AGO_DAYS, parseAgo, pastInstant, pastInstantSchema } from "../../src/time/ago.js";

const NOW = new Date("2026-11-20T10:00:00.000Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("how long ago", () => {
  it("reads whole minutes, hours, days and weeks, short or in words, in any case", () => {
    for (const [typed, agoMs] of [
      ["1d ago", DAY],
      ["1 day ago", DAY],
      ["2 days ago", 2 * DAY],
      ["36h ago", 36 * HOUR],
      ["36 hours ago", 36 * HOUR],
      ["1 hour ago", HOUR],
      ["90m ago", 90 * MINUTE],
      ["90 min ago", 90 * MINUTE],
      ["5 minutes ago", 5 * MINUTE],
      ["2w ago", 14 * DAY],
      ["1 week ago", 7 * DAY],
      ["  3D   AGO ", 3 * DAY],
    ] as const) expect(parseAgo(typed), typed).toEqual({ agoMs });
  });

  it("refuses what is not a time before now: no 'ago', signs, fractions, other units, junk, the far past", () => {
    for (const typed of ["1d", "ago", "in 1d", "-1d ago", "+1d ago", "1.5d ago", "1y ago", "1 month ago", "1dago", "d ago", "1d ago ago", "1d ago; DROP", "1d\u202e ago", "<@U123> ago", "@everyone 1d ago", `${"9".repeat(100_000)}d ago`, `${MAX_AGO_DAYS + 1}d ago`, ""]) {
      expect(parseAgo(typed), JSON.stringify(typed.slice(0, 40))).toBeUndefined();
    }
    expect(parseAgo(`${MAX_AGO_DAYS}d ago`)).toEqual({ agoMs: MAX_AGO_DAYS * DAY });
  });

  it("stands for the instant that long before the clock's now: elapsed time, also across the end of summer time", () => {
    expect(pastInstant({ agoMs: DAY }, NOW).toISOString()).toBe("2026-11-19T10:00:00.000Z");
    // 2026-10-25 03:00 CEST became 02:00 CET: "1d ago" at 12:00 CET on the 25th is 24 hours earlier, 13:00 CEST on the 24th.
    expect(pastInstant({ agoMs: DAY }, new Date("2026-10-25T11:00:00Z")).toISOString()).toBe("2026-10-24T11:00:00.000Z");
    const instant = new Date("2026-11-19T08:00:00Z");
    expect(pastInstant(instant, NOW)).toBe(instant);
  });

  it("as an option: a time with its offset, or how long ago; anything else is refused in words with an example", () => {
    const schema = z.object({ at: pastInstantSchema });
    expect(schema.parse({ at: "2026-11-19T09:00+01:00" }).at).toEqual(new Date("2026-11-19T08:00:00Z"));
    expect(schema.parse({ at: "1d ago" }).at).toEqual({ agoMs: DAY });
    for (const typed of ["yesterday", "2026-11-19", "2026-11-19T09:00", "2026-02-30T09:00+01:00", "1d", "x".repeat(100_000)]) {
      const parsed = schema.safeParse({ at: typed });
      expect(parsed.success, typed.slice(0, 40)).toBe(false);
      if (!parsed.success) expect(parsed.error.issues[0]?.message).toMatch(/2026-11-20T09:00\+01:00.*"1d ago"/);
    }
    // Nearly right: a date that does not exist, or further back than "ago" reaches, is named as such.
    expect(schema.safeParse({ at: "2026-02-30T09:00+01:00" }).error?.issues[0]?.message).toMatch(/^a real date, time and offset: a time with its offset/);
    expect(schema.safeParse({ at: `${MAX_AGO_DAYS + 1}d ago` }).error?.issues[0]?.message).toMatch(/^at most 3,653 days ago \(ten years\): a time with its offset/);
    expect(schema.safeParse({ at: "1 month ago" }).error?.issues[0]?.message).toMatch(/^a time with its offset/);
  });
});
