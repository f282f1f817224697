// /case extend in the person's terms: on a working-hours clock "--by 1d" is one working day (the same time of day,
// one working day later), not 24 working hours; on a 24/7 clock it is a calendar day; every extension is capped,
// and the reply and the thread update say what was done. Unit tests of the arithmetic (weekends, holidays, DST,
// time zones), then the command on both databases. acme-hosting: Europe/Amsterdam, mon-fri 09:00-17:00.
import { describe, expect, it } from "vitest";
import { extensionOf, extensionAmountSchema, MAX_EXTENSION_DAYS } from "../../src/cases/extension.js";
import { parseWorkingHours, type Calendar } from "../../src/time/calendar.js";
import { describeOnBothDatabases, HOUR, threadTitle } from "../support/cases.js";

const hours = (text: string) => {
  const parsed = parseWorkingHours(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
};
const AMSTERDAM: Calendar = { timeZone: "Europe/Amsterdam", hours: hours("mon-fri 09:00-17:00") };
const NEW_YORK: Calendar = { timeZone: "America/New_York", hours: hours("mon-fri 09:00-17:00") };
const WORKING = { mode: "working-hours", calendar: AMSTERDAM } as const;
const amount = (text: string) => extensionAmountSchema.parse(text);

describe("extensionOf: what --by means on each clock", () => {
  it("one working day from Friday 15:00 is Monday 15:00: eight working hours, not five calendar days", () => {
    const friday = new Date("2026-11-20T14:00:00Z");
    const result = extensionOf(amount("1d"), WORKING, friday);
    expect(result).toEqual({ ok: true, value: { byMs: 8 * HOUR, inWords: "1 working day" } });
  });

  it("seven working days skip both weekends: 56 working hours", () => {
    const result = extensionOf(amount("7d"), WORKING, new Date("2026-11-25T14:00:00Z"));
    expect(result.ok && result.value).toEqual({ byMs: 56 * HOUR, inWords: "7 working days" });
  });

  it("a week on a working-hours clock is five working days", () => {
    const result = extensionOf(amount("1w"), WORKING, new Date("2026-11-25T14:00:00Z"));
    expect(result.ok && result.value).toEqual({ byMs: 40 * HOUR, inWords: "5 working days" });
  });

  it("a holiday is not a working day: Thursday 24 Dec + 1 working day is Monday 28 Dec when 25 Dec is closed", () => {
    const calendar: Calendar = { ...AMSTERDAM, holidays: ["2026-12-25"] };
    const result = extensionOf(amount("1d"), { mode: "working-hours", calendar }, new Date("2026-12-24T14:00:00Z"));
    // Thu 15:00-17:00 (2 h) + Mon 09:00-15:00 (6 h)
    expect(result.ok && result.value.byMs).toBe(8 * HOUR);
    const withoutHoliday = extensionOf(amount("2d"), WORKING, new Date("2026-12-24T14:00:00Z"));
    expect(withoutHoliday.ok && withoutHoliday.value.byMs).toBe(16 * HOUR);
  });

  it("across the end of summer time the local time is kept: Friday 15:00 CEST to Monday 15:00 CET is 8 working hours", () => {
    const result = extensionOf(amount("1d"), WORKING, new Date("2026-10-23T13:00:00Z"));
    expect(result.ok && result.value.byMs).toBe(8 * HOUR);
  });

  it("in another time zone the working day is that zone's: Friday 16:00 New York + 1 working day", () => {
    const result = extensionOf(amount("1d"), { mode: "working-hours", calendar: NEW_YORK }, new Date("2026-11-20T21:00:00Z"));
    expect(result.ok && result.value).toEqual({ byMs: 8 * HOUR, inWords: "1 working day" });
  });

  it("hours on a working-hours clock are working hours", () => {
    expect(extensionOf(amount("3h"), WORKING, new Date("2026-11-20T14:00:00Z"))).toEqual({ ok: true, value: { byMs: 3 * HOUR, inWords: "3 working hours" } });
  });

  it("on a 24/7 clock days are calendar days", () => {
    expect(extensionOf(amount("2d"), { mode: "continuous", calendar: AMSTERDAM }, new Date("2026-11-20T14:00:00Z"))).toEqual({ ok: true, value: { byMs: 48 * HOUR, inWords: "2 days" } });
  });

  it(`caps an extension at ${MAX_EXTENSION_DAYS} days, on either clock, and says so`, () => {
    for (const mode of ["continuous", "working-hours"] as const) {
      for (const text of ["99999d", "31d", "7w", "1000h", "99999999m"]) {
        const result = extensionOf(amount(text), { mode, calendar: AMSTERDAM }, new Date("2026-11-20T14:00:00Z"));
        expect(result.ok, `${mode} ${text}`).toBe(false);
        if (!result.ok) expect(result.message).toMatch(/at most 30 (working )?days at a time/);
      }
      expect(extensionOf(amount("30d"), { mode, calendar: AMSTERDAM }, new Date("2026-11-20T14:00:00Z")).ok).toBe(true);
    }
  });

  it("refuses zero, and half a working day (say hours instead)", () => {
    expect(extensionOf(amount("0d"), WORKING, new Date("2026-11-20T14:00:00Z")).ok).toBe(false);
    const half = extensionOf(amount("1.5d"), WORKING, new Date("2026-11-20T14:00:00Z"));
    expect(!half.ok && half.message).toMatch(/whole number/);
  });

  it("the amount is read strictly: no negative, no unit-less, no 100,000-character value", () => {
    for (const text of ["-1d", "1", "1y", "d", "1d; drop", "9".repeat(100_000) + "d"]) expect(extensionAmountSchema.safeParse(text).success, text).toBe(false);
  });
});

const NOTICE = '/notice acme-hosting https://example.test/v/2 --reason "incites violence"';

describeOnBothDatabases("/case extend on a working-hours notice", (harness) => {
  it("--by 1d moves the deadline one working day and says so, in the reply and in both threads", async () => {
    const h = harness();
    h.clock.set("2026-11-20T14:00:00Z"); // Fri 15:00 CET: resolve 24 working h -> Wed 25 Nov 15:00 CET
    await h.ok("sanne.devries", NOTICE);
    expect((await h.caseRow("N-2026-0001")).resolveDueAt?.toISOString()).toBe("2026-11-25T14:00:00.000Z");
    const reply = await h.ok("sanne.devries", '/case extend N-2026-0001 --by 1d --reason "needs a lawyer"');
    expect(reply).toContain("Extended N-2026-0001 by 1 working day: resolve by 2026-11-26 15:00 CET.");
    expect((await h.caseRow("N-2026-0001")).resolveDueAt?.toISOString()).toBe("2026-11-26T14:00:00.000Z");
    await h.drain();
    for (const slug of ["acme-hosting", "nl-iru"]) {
      expect(h.adapter.threadTexts(threadTitle("N-2026-0001", slug)).join("\n")).toContain("deadline extended by 1 working day, to 2026-11-26 15:00 CET: needs a lawyer.");
    }
  });

  it("--by 7d is seven working days (Fri 4 Dec), not 29 calendar days", async () => {
    const h = harness();
    h.clock.set("2026-11-20T14:00:00Z");
    await h.ok("sanne.devries", NOTICE);
    await h.ok("sanne.devries", '/case extend N-2026-0001 --by 7d --reason "large data set"');
    expect((await h.caseRow("N-2026-0001")).resolveDueAt?.toISOString()).toBe("2026-12-04T14:00:00.000Z");
  });

  it("--by 99999d is refused with a clear message and recorded; the deadline does not move", async () => {
    const h = harness();
    h.clock.set("2026-11-20T14:00:00Z");
    await h.ok("sanne.devries", NOTICE);
    const answer = await h.run("sanne.devries", '/case extend N-2026-0001 --by 99999d --reason "forever"');
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain("An extension is at most 30 working days at a time; --by 99999d is longer.");
    const row = await h.caseRow("N-2026-0001");
    expect(row.extendedMs).toBe(0);
    expect(row.resolveDueAt?.toISOString()).toBe("2026-11-25T14:00:00.000Z");
    expect(await h.db.auditEntry.count({ where: { action: "case.extend", result: "refused:bad-arguments" } })).toBe(1);
  });

  it("a threat-to-life case runs 24/7: --by 2h is two hours of calendar time, said as such", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting --kind threat-to-life --reason "threat against a school" --priority normal');
    const reply = await h.ok("sanne.devries", '/case extend T-2026-0001 --by 2h --reason "police on site"');
    expect(reply).toContain("Extended T-2026-0001 by 2 hours: resolve by 2026-11-20 14:00 CET.");
  });
});
