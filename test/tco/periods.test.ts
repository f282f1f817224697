// The TCO periods as instants, table-driven: Art. 3(2)'s 12 hours across the spring-forward night, the Art. 4
// windows one millisecond either side of 48 h and 72 h, Art. 6's six months at month ends (Regulation No 1182/71:
// the period ends with the last hour of the same date, or of the month's last day when that date does not exist),
// and Art. 11's six weeks (+ one extension), each read on the provider's calendar.
import { describe, expect, it } from "vitest";
import { endOfMonthsPeriod, endOfWeeksPeriod, extendByWeeks, mayIssueFrom, SCRUTINY_DECISION_MS, SCRUTINY_REQUEST_MS, withinWindow } from "../../src/cases/tco/periods.js";
import { dueReminders, nextTcoReminderAt, tcoReminders, type TcoTimes } from "../../src/cases/tco/reminders.js";

const AMS = "Europe/Amsterdam";

describe("Art. 3(2): twelve hours of real time before the first order", () => {
  it.each([
    ["an ordinary day", "2026-11-20T09:00:00+01:00", "2026-11-20T20:00:00.000Z"],
    // Saturday 22:00 CET; the clocks go forward at 02:00 on Sunday 28 March 2027: twelve hours later it is 11:00 CEST.
    ["across the spring-forward night (2027-03-28, Amsterdam)", "2027-03-27T22:00:00+01:00", "2027-03-28T09:00:00.000Z"],
    // Saturday 23 October 2027 22:00 CEST; the clocks go back on Sunday: twelve hours later it is 09:00 CET.
    ["across the fall-back night (2027-10-31, Amsterdam)", "2027-10-30T22:00:00+02:00", "2027-10-31T08:00:00.000Z"],
    ["given in UTC", "2026-12-31T23:30:00Z", "2027-01-01T11:30:00.000Z"],
  ])("%s", (_name, informed, from) => {
    expect(mayIssueFrom(new Date(informed)).toISOString()).toBe(from);
  });
});

describe("Art. 4: the 48-hour request and 72-hour decision windows, both ends included", () => {
  const from = new Date("2027-03-26T12:00:00+01:00");
  it.each([
    ["48 h less 1 ms", SCRUTINY_REQUEST_MS, -1, true],
    ["exactly 48 h", SCRUTINY_REQUEST_MS, 0, true],
    ["48 h and 1 ms", SCRUTINY_REQUEST_MS, 1, false],
    ["72 h less 1 ms", SCRUTINY_DECISION_MS, -1, true],
    ["exactly 72 h", SCRUTINY_DECISION_MS, 0, true],
    ["72 h and 1 ms", SCRUTINY_DECISION_MS, 1, false],
    ["1 ms before the start", SCRUTINY_REQUEST_MS, -SCRUTINY_REQUEST_MS - 1, false],
  ])("%s", (_name, length, deltaMs, inside) => {
    expect(withinWindow(from, length, new Date(from.getTime() + length + deltaMs))).toBe(inside);
  });
});

describe("Art. 6(2): six months from the removal, on the provider's calendar", () => {
  it.each([
    // 31 August + 6 months: February has no 31st, so the period ends with the last hour of 28 February 2027.
    ["31 August 2026 (month end)", "2026-08-31T10:00:00+02:00", AMS, "2027-02-28T23:00:00.000Z"],
    ["late on 31 August, local time", "2026-08-31T23:30:00+02:00", AMS, "2027-02-28T23:00:00.000Z"],
    // 22:30 UTC on 31 August is already 1 September in Amsterdam: the provider's date counts.
    ["31 August in UTC, 1 September in Amsterdam", "2026-08-31T22:30:00Z", AMS, "2027-03-01T23:00:00.000Z"],
    ["31 August 2027 into a leap February", "2027-08-31T12:00:00+02:00", AMS, "2028-02-29T23:00:00.000Z"],
    ["30 September into March, across the spring-forward day", "2026-09-28T10:00:00+02:00", AMS, "2027-03-28T22:00:00.000Z"],
    ["31 March in UTC", "2026-03-31T12:00:00Z", "UTC", "2026-10-01T00:00:00.000Z"],
    ["15 January in Tokyo", "2027-01-15T09:00:00+09:00", "Asia/Tokyo", "2027-07-15T15:00:00.000Z"],
  ])("%s", (_name, removed, zone, end) => {
    expect(endOfMonthsPeriod(new Date(removed), 6, zone).toISOString()).toBe(end);
  });
});

describe("Art. 11(3): six weeks from the decision, extended once by six weeks", () => {
  it.each([
    // Tuesday 20 October 2026; the clocks go back on 25 October: the period ends at the end of Tuesday 1 December (CET).
    ["across the fall-back day", "2026-10-20T15:00:00+02:00", "2026-12-01T23:00:00.000Z", "2027-01-12T23:00:00.000Z"],
    // Friday 26 February 2027; spring forward on 28 March: the end of Friday 9 April is 22:00 UTC (CEST).
    ["across the spring-forward day", "2027-02-26T09:00:00+01:00", "2027-04-09T22:00:00.000Z", "2027-05-21T22:00:00.000Z"],
  ])("%s", (_name, decided, end, extended) => {
    const first = endOfWeeksPeriod(new Date(decided), 6, AMS);
    expect(first.toISOString()).toBe(end);
    expect(extendByWeeks(first, 6, AMS).toISOString()).toBe(extended);
  });
});

describe("the reminder plan", () => {
  const none: TcoTimes = { scrutinyDueAt: null, scrutinyDecidedAt: null, preservationEndsAt: null, preservationExpiredAt: null, nondisclosureEndsAt: null, nondisclosureEndedAt: null, nondisclosureExtended: false };
  const end = new Date("2027-03-01T00:00:00Z");

  it("plans a week before and at each end, a day and two hours before the scrutiny decision", () => {
    const plan = tcoReminders({ ...none, preservationEndsAt: end, scrutinyDueAt: new Date("2026-11-23T10:00:00Z") });
    expect(plan.map((entry) => `${entry.kind} ${entry.at.toISOString()} ${entry.to.join("+")}`)).toEqual([
      "scrutiny-due-soon 2026-11-22T10:00:00.000Z host",
      "scrutiny-due-soon 2026-11-23T08:00:00.000Z host",
      "preservation-ends-soon 2027-02-22T00:00:00.000Z issuer+provider",
      "preservation-ended 2027-03-01T00:00:00.000Z issuer+provider",
    ]);
    expect(new Set(plan.map((entry) => entry.key)).size).toBe(plan.length);
  });

  it("after downtime sends what is still true: not 'ends soon' once it has ended", () => {
    const times = { ...none, preservationEndsAt: end };
    expect(dueReminders(times, null, new Date(end.getTime() - 1)).map((entry) => entry.kind)).toEqual(["preservation-ends-soon"]);
    expect(dueReminders(times, null, end).map((entry) => entry.kind)).toEqual(["preservation-ended"]);
    expect(dueReminders(times, end, new Date(end.getTime() + 1))).toEqual([]);
    expect(nextTcoReminderAt(times, end)).toBeNull();
    expect(nextTcoReminderAt({ ...times, preservationExpiredAt: end }, new Date(0))).toBeNull();
  });

  it("a decided scrutiny and an ended non-disclosure plan nothing", () => {
    expect(tcoReminders({ ...none, scrutinyDueAt: end, scrutinyDecidedAt: end, nondisclosureEndsAt: end, nondisclosureEndedAt: end })).toEqual([]);
  });
});
