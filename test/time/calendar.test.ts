import { describe, expect, it } from "vitest";
import {
  ALWAYS_OPEN,
  WORKING_HOURS_FORMAT,
  addCalendarDays,
  calendarSchema,
  computeDeadline,
  formatDuration,
  formatLocal,
  formatWorkingHours,
  isValidTimeZone,
  isWorkingTime,
  nextWorkingTime,
  parseWorkingHours,
  timeZoneSchema,
  workingHoursSchema,
  type Calendar,
  type Pause,
  type WorkingHours,
} from "../../src/time/calendar.js";
import { quietHoursEnd, quietHoursSchema } from "../../src/time/quiet-hours.js";

// Every expected instant below is written by hand as an ISO string with an explicit offset. DST facts used
// (checked against tzdata with zdump):
//   Europe/Amsterdam  2026-03-29 02:00 CET -> 03:00 CEST (01:00Z);  2026-10-25 03:00 CEST -> 02:00 CET (01:00Z)
//   America/New_York  2026-03-08 02:00 EST -> 03:00 EDT (07:00Z);   2026-11-01 02:00 EDT -> 01:00 EST (06:00Z)
//   Australia/Sydney  2026-04-05 03:00 AEDT -> 02:00 AEST (04-04 16:00Z); 2026-10-04 02:00 AEST -> 03:00 AEDT (10-03 16:00Z)
//   Asia/Tokyo        +09:00 all year
// Weekdays: 2026-03-27, 2026-10-23, 2026-11-27, 2026-12-25, 2027-01-01 are Fridays; 2026-11-23 is a Monday.

const H = 3_600_000;
const MIN = 60_000;

function hours(text: string): WorkingHours {
  const parsed = parseWorkingHours(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function expected(text: string | null): string | null {
  return text === null ? null : new Date(text).toISOString();
}

const officeHours = hours("mon-fri 09:00-17:00");
const amsterdam: Calendar = { timeZone: "Europe/Amsterdam", hours: officeHours };
const amsterdamHolidays: Calendar = {
  timeZone: "Europe/Amsterdam",
  hours: officeHours,
  holidays: ["2026-12-25", "2026-12-26", "2027-01-01"],
};
const amsterdamSplit: Calendar = { timeZone: "Europe/Amsterdam", hours: hours("mon-fri 09:00-12:30, 13:30-17:00") };
const amsterdamShortFriday: Calendar = {
  timeZone: "Europe/Amsterdam",
  hours: hours("mon-thu 08:30-17:00; fri 08:30-12:00"),
};
const amsterdamNights: Calendar = { timeZone: "Europe/Amsterdam", hours: hours("mon-sun 00:00-06:00") };
const amsterdam247: Calendar = { timeZone: "Europe/Amsterdam", hours: ALWAYS_OPEN };
const newYork: Calendar = { timeZone: "America/New_York", hours: officeHours };
const newYorkSundayNight: Calendar = { timeZone: "America/New_York", hours: hours("sun 00:00-03:00") };
const newYorkSundayEarly: Calendar = { timeZone: "America/New_York", hours: hours("sun 01:00-04:00") };
const tokyo: Calendar = {
  timeZone: "Asia/Tokyo",
  hours: hours("mon-fri 09:00-18:00"),
  holidays: ["2026-04-29", "2026-05-04", "2026-05-05", "2026-05-06"],
};
const tokyoLunch: Calendar = { timeZone: "Asia/Tokyo", hours: hours("mon-fri 09:00-12:00, 13:00-18:00") };
const sydney: Calendar = { timeZone: "Australia/Sydney", hours: officeHours };
const sydney247: Calendar = { timeZone: "Australia/Sydney", hours: ALWAYS_OPEN };

describe("parseWorkingHours", () => {
  it.each([
    ["mon-fri 09:00-17:00", "mon-fri 09:00-17:00"],
    ["mon-thu 08:30-17:00; fri 08:30-12:00", "mon-thu 08:30-17:00; fri 08:30-12:00"],
    ["mon-fri 09:00-12:30, 13:30-17:00", "mon-fri 09:00-12:30, 13:30-17:00"],
    ["24/7", "24/7"],
    ["  Mon - Fri  9:00 - 17:00 ", "mon-fri 09:00-17:00"],
    ["Monday-Friday 09:00–17:00", "mon-fri 09:00-17:00"],
    ["mon-fri 9-17", "mon-fri 09:00-17:00"],
    ["sat,sun 10:00-14:00; mon-fri 09:00-17:00", "mon-fri 09:00-17:00; sat-sun 10:00-14:00"],
    ["fri-mon 10:00-14:00", "mon 10:00-14:00; fri-sun 10:00-14:00"],
    ["mon-sun 00:00-24:00", "24/7"],
    ["mon-fri 13:30-17:00, 09:00-12:30", "mon-fri 09:00-12:30, 13:30-17:00"],
    ["wed 22:00-24:00", "wed 22:00-24:00"],
  ])("reads %j as %j", (input, canonical) => {
    const parsed = parseWorkingHours(input);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(formatWorkingHours(parsed.value)).toBe(canonical);
  });

  it("gives minutes since midnight per day", () => {
    const parsed = parseWorkingHours("mon-thu 08:30-17:00; fri 08:30-12:00");
    expect(parsed).toEqual({
      ok: true,
      value: {
        days: {
          mon: [{ from: 510, to: 1020 }],
          tue: [{ from: 510, to: 1020 }],
          wed: [{ from: 510, to: 1020 }],
          thu: [{ from: 510, to: 1020 }],
          fri: [{ from: 510, to: 720 }],
          sat: [],
          sun: [],
        },
      },
    });
  });

  it.each([
    ["", "Working hours are empty."],
    ["   ", "Working hours are empty."],
    ["mnday 09:00-17:00", 'Unknown day "mnday"'],
    ["mon-fry 09:00-17:00", 'Unknown day "fry"'],
    ["mon-fri", 'No times given for "mon-fri"'],
    ["09:00-17:00", '"09:00-17:00" does not start with days'],
    ["mon-fri 9am-5pm", 'Cannot read the time "9am"'],
    ["mon-fri 09:00", 'Cannot read the time range "09:00"'],
    ["mon-fri 25:00-26:00", 'Invalid time "25:00"'],
    ["mon-fri 09:60-17:00", 'Invalid time "09:60"'],
    ["mon-fri 24:30-24:45", 'Invalid time "24:30"'],
    ["mon-fri 17:00-09:00", "ends before it starts. Ranges may not cross midnight"],
    ["mon-fri 09:00-09:00", "ends before it starts"],
    ["mon-fri 09:00-13:00, 12:00-17:00", "The ranges 09:00-13:00 and 12:00-17:00"],
    ["mon-fri 09:00-17:00; fri 09:00-12:00", "Friday is listed more than once"],
    ["mon-fri 09:00-17:00, sat 10:00-12:00", 'separate groups of days with ";"'],
    ["24/7; sat 10:00-12:00", '"24/7" must stand alone'],
  ])("rejects %j with a message containing %j and the expected format", (input, fragment) => {
    const parsed = parseWorkingHours(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.code).toBe("invalid-input");
      expect(parsed.message).toContain(fragment);
      expect(parsed.message).toContain(WORKING_HOURS_FORMAT);
    }
  });

  it.each([[undefined], [42], [{ days: {} }]])("rejects non-text input %j", (input) => {
    const parsed = parseWorkingHours(input);
    expect(parsed).toEqual({
      ok: false,
      code: "invalid-input",
      message: `Working hours must be text. ${WORKING_HOURS_FORMAT}`,
    });
  });
});

describe("zod schemas", () => {
  it("workingHoursSchema transforms a string", () => {
    const result = workingHoursSchema.safeParse("sat 10:00-12:00");
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.days.sat).toEqual([{ from: 600, to: 720 }]);
  });

  it("workingHoursSchema explains a bad string", () => {
    const result = workingHoursSchema.safeParse("mon-fri 17:00-09:00");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'Invalid working hours "mon-fri 17:00-09:00": The range "17:00-09:00" in "mon-fri 17:00-09:00" ends before ' +
        'it starts. Ranges may not cross midnight: split them, e.g. "mon 22:00-24:00; tue 00:00-06:00". ' +
        WORKING_HOURS_FORMAT,
    );
  });

  it.each([
    ["Europe/Amsterdam", "Europe/Amsterdam"],
    ["america/new_york", "America/New_York"],
    ["Asia/Tokyo", "Asia/Tokyo"],
    ["Australia/Sydney", "Australia/Sydney"],
    ["UTC", "UTC"],
    [" Europe/Amsterdam ", "Europe/Amsterdam"],
  ])("timeZoneSchema accepts %j as %j", (input, output) => {
    expect(timeZoneSchema.parse(input)).toBe(output);
  });

  it.each([
    ["Europe/Amsterdm", 'Unknown time zone "Europe/Amsterdm". Use an IANA time zone name'],
    ["Amsterdam", 'Unknown time zone "Amsterdam". Did you mean "Europe/Amsterdam"?'],
    ["new york", 'Did you mean "America/New_York"?'],
    ["+01:00", 'Unknown time zone "+01:00".'],
    ["", 'Unknown time zone "".'],
  ])("timeZoneSchema rejects %j", (input, fragment) => {
    const result = timeZoneSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(fragment);
  });

  it.each([
    ["Europe/Amsterdam", true],
    ["Mars/Olympus_Mons", false],
    ["+01:00", false],
    [7, false],
  ])("isValidTimeZone(%j) is %j", (input, valid) => {
    expect(isValidTimeZone(input)).toBe(valid);
  });

  it("calendarSchema reads a calendar from configuration", () => {
    const parsed = calendarSchema.parse({
      timeZone: "Europe/Amsterdam",
      hours: "mon-fri 09:00-17:00",
      holidays: ["2026-12-25"],
    });
    expect(parsed.timeZone).toBe("Europe/Amsterdam");
    expect(parsed.hours.days.mon).toEqual([{ from: 540, to: 1020 }]);
    expect(parsed.holidays).toEqual(["2026-12-25"]);
  });

  it.each([["2026-02-30"], ["25-12-2026"], ["2026-12-25T00:00"]])("calendarSchema rejects holiday %j", (day) => {
    const result = calendarSchema.safeParse({ timeZone: "UTC", hours: "24/7", holidays: [day] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Expected a real date written as "YYYY-MM-DD".');
  });

  it("quietHoursSchema checks HH:MM", () => {
    expect(quietHoursSchema.safeParse({ from: "22:00", to: "07:00" }).success).toBe(true);
    expect(quietHoursSchema.safeParse({ from: "22", to: "07:00" }).success).toBe(false);
    expect(quietHoursSchema.safeParse({ from: "07:00", to: "07:00" }).success).toBe(false);
  });
});

describe("computeDeadline, working hours", () => {
  it.each<[string, Calendar, string, number, string]>([
    // Europe/Amsterdam, mon-fri 09:00-17:00
    ["within one day", amsterdam, "2026-03-23T10:00:00+01:00", 3 * H, "2026-03-23T13:00:00+01:00"],
    ["across midnight to the next morning", amsterdam, "2026-03-23T15:00:00+01:00", 4 * H, "2026-03-24T11:00:00+01:00"],
    ["ending exactly at closing time", amsterdam, "2026-03-23T09:00:00+01:00", 8 * H, "2026-03-23T17:00:00+01:00"],
    ["start before opening", amsterdam, "2026-03-24T07:30:00+01:00", 1 * H, "2026-03-24T10:00:00+01:00"],
    ["start after closing", amsterdam, "2026-03-23T18:00:00+01:00", 8 * H, "2026-03-24T17:00:00+01:00"],
    ["over the weekend and spring DST", amsterdam, "2026-03-27T15:00:00+01:00", 4 * H, "2026-03-30T11:00:00+02:00"],
    ["start on Saturday, before spring DST", amsterdam, "2026-03-28T12:00:00+01:00", 2 * H, "2026-03-30T11:00:00+02:00"],
    ["over the weekend and autumn DST", amsterdam, "2026-10-23T16:00:00+02:00", 2 * H, "2026-10-26T10:00:00+01:00"],
    ["five working days", amsterdam, "2026-03-23T09:00:00+01:00", 40 * H, "2026-03-27T17:00:00+01:00"],
    ["ten working days across autumn DST", amsterdam, "2026-10-21T13:00:00+02:00", 80 * H, "2026-11-04T13:00:00+01:00"],
    ["minutes", amsterdam, "2026-11-23T16:50:00+01:00", 25 * MIN, "2026-11-24T09:15:00+01:00"],
    // holidays
    ["over Christmas", amsterdamHolidays, "2026-12-24T16:00:00+01:00", 3 * H, "2026-12-28T11:00:00+01:00"],
    ["over New Year", amsterdamHolidays, "2026-12-31T16:30:00+01:00", 1 * H, "2027-01-04T09:30:00+01:00"],
    ["start on a holiday", amsterdamHolidays, "2026-12-25T10:00:00+01:00", 1 * H, "2026-12-28T10:00:00+01:00"],
    // multi-range days and per-day hours
    ["over lunch", amsterdamSplit, "2026-11-23T11:00:00+01:00", 3 * H, "2026-11-23T15:00:00+01:00"],
    ["a whole split day", amsterdamSplit, "2026-11-23T09:00:00+01:00", 7 * H, "2026-11-23T17:00:00+01:00"],
    ["a split day and one hour", amsterdamSplit, "2026-11-23T09:00:00+01:00", 8 * H, "2026-11-24T10:00:00+01:00"],
    ["start in the lunch break", amsterdamSplit, "2026-11-23T12:45:00+01:00", 30 * MIN, "2026-11-23T14:00:00+01:00"],
    ["short Friday", amsterdamShortFriday, "2026-11-27T11:00:00+01:00", 2 * H, "2026-11-30T09:30:00+01:00"],
    // hours that contain the DST change itself
    ["night hours, spring day has 5 h", amsterdamNights, "2026-03-29T00:00:00+01:00", 5 * H, "2026-03-29T06:00:00+02:00"],
    ["night hours, spring day then next", amsterdamNights, "2026-03-29T00:00:00+01:00", 6 * H, "2026-03-30T01:00:00+02:00"],
    ["night hours, autumn day has 7 h", amsterdamNights, "2026-10-25T00:00:00+02:00", 6 * H, "2026-10-25T05:00:00+01:00"],
    ["24/7 across spring DST", amsterdam247, "2026-03-28T12:00:00+01:00", 24 * H, "2026-03-29T13:00:00+02:00"],
    ["24/7 across autumn DST", amsterdam247, "2026-10-24T12:00:00+02:00", 24 * H, "2026-10-25T11:00:00+01:00"],
    // America/New_York
    ["NY over the weekend and spring DST", newYork, "2026-03-06T15:00:00-05:00", 4 * H, "2026-03-09T11:00:00-04:00"],
    ["NY over the weekend and autumn DST", newYork, "2026-10-30T16:30:00-04:00", 1 * H, "2026-11-02T09:30:00-05:00"],
    ["NY start before opening", newYork, "2026-11-23T06:00:00-05:00", 30 * MIN, "2026-11-23T09:30:00-05:00"],
    ["NY evening start (next UTC day)", newYork, "2026-11-23T20:00:00-05:00", 1 * H, "2026-11-24T10:00:00-05:00"],
    ["NY Sunday 01-04 on spring day has 2 h", newYorkSundayEarly, "2026-03-08T01:00:00-05:00", 2 * H, "2026-03-08T04:00:00-04:00"],
    ["NY Sunday 01-04 spills to next Sunday", newYorkSundayEarly, "2026-03-08T01:00:00-05:00", 150 * MIN, "2026-03-15T01:30:00-04:00"],
    ["NY Sunday 00-03 on autumn day has 4 h", newYorkSundayNight, "2026-11-01T00:00:00-04:00", 4 * H, "2026-11-01T03:00:00-05:00"],
    ["NY Sunday 00-03 spills to next Sunday", newYorkSundayNight, "2026-11-01T00:00:00-04:00", 270 * MIN, "2026-11-08T00:30:00-05:00"],
    // Asia/Tokyo
    ["Tokyo over Golden Week", tokyo, "2026-05-01T17:00:00+09:00", 2 * H, "2026-05-07T10:00:00+09:00"],
    ["Tokyo start before opening (previous UTC day)", tokyo, "2026-06-01T07:00:00+09:00", 1 * H, "2026-06-01T10:00:00+09:00"],
    ["Tokyo over lunch", tokyoLunch, "2026-06-01T11:00:00+09:00", 2 * H, "2026-06-01T14:00:00+09:00"],
    // Australia/Sydney: DST ends in April and starts in October
    ["Sydney over the weekend and DST end", sydney, "2026-04-03T16:00:00+11:00", 2 * H, "2026-04-06T10:00:00+10:00"],
    ["Sydney over the weekend and DST start", sydney, "2026-10-02T16:00:00+10:00", 2 * H, "2026-10-05T10:00:00+11:00"],
    ["Sydney Monday morning is Sunday in UTC", sydney, "2026-11-22T22:00:00Z", 1 * H, "2026-11-23T10:00:00+11:00"],
    ["Sydney 24/7 across DST end", sydney247, "2026-04-05T00:00:00+11:00", 24 * H, "2026-04-05T23:00:00+10:00"],
    ["Sydney 24/7 across DST start", sydney247, "2026-10-04T00:00:00+10:00", 24 * H, "2026-10-05T01:00:00+11:00"],
  ])("%s", (_name, calendar, start, durationMs, deadline) => {
    const result = computeDeadline({ start: new Date(start), durationMs, mode: "working-hours", calendar });
    expect(iso(result)).toBe(expected(deadline));
  });
});

describe("computeDeadline, continuous", () => {
  const start = "2026-11-23T10:00:00Z";
  it.each<[string, string, number, Pause[], string | null]>([
    ["one hour (removal order)", start, 1 * H, [], "2026-11-23T11:00:00Z"],
    ["one hour across spring DST", "2026-03-29T01:30:00+01:00", 1 * H, [], "2026-03-29T03:30:00+02:00"],
    ["one hour across autumn DST", "2026-10-25T02:30:00+02:00", 1 * H, [], "2026-10-25T02:30:00+01:00"],
    ["ten days across autumn DST (240 h)", "2026-10-20T09:00:00+02:00", 240 * H, [], "2026-10-30T08:00:00+01:00"],
    ["24 hours over a weekend", "2026-11-27T18:00:00+01:00", 24 * H, [], "2026-11-28T18:00:00+01:00"],
    ["zero duration", start, 0, [], start],
    [
      "a closed pause",
      start,
      1 * H,
      [{ from: new Date("2026-11-23T10:20:00Z"), to: new Date("2026-11-23T10:50:00Z") }],
      "2026-11-23T11:30:00Z",
    ],
    [
      "two closed pauses",
      start,
      1 * H,
      [
        { from: new Date("2026-11-23T10:10:00Z"), to: new Date("2026-11-23T10:20:00Z") },
        { from: new Date("2026-11-23T10:40:00Z"), to: new Date("2026-11-23T10:45:00Z") },
      ],
      "2026-11-23T11:15:00Z",
    ],
    [
      "overlapping pauses count once",
      start,
      1 * H,
      [
        { from: new Date("2026-11-23T10:40:00Z"), to: new Date("2026-11-23T11:00:00Z") },
        { from: new Date("2026-11-23T10:20:00Z"), to: new Date("2026-11-23T10:50:00Z") },
      ],
      "2026-11-23T11:40:00Z",
    ],
    [
      "a pause that began before the start counts from the start",
      start,
      1 * H,
      [{ from: new Date("2026-11-23T09:30:00Z"), to: new Date("2026-11-23T10:10:00Z") }],
      "2026-11-23T11:10:00Z",
    ],
    [
      "a pause after the clock ran out changes nothing",
      start,
      1 * H,
      [{ from: new Date("2026-11-23T12:00:00Z"), to: new Date("2026-11-23T13:00:00Z") }],
      "2026-11-23T11:00:00Z",
    ],
    [
      "a pause starting at the deadline changes nothing",
      start,
      1 * H,
      [{ from: new Date("2026-11-23T11:00:00Z"), to: new Date("2026-11-23T13:00:00Z") }],
      "2026-11-23T11:00:00Z",
    ],
    [
      "a zero-length pause changes nothing",
      start,
      1 * H,
      [{ from: new Date("2026-11-23T10:30:00Z"), to: new Date("2026-11-23T10:30:00Z") }],
      "2026-11-23T11:00:00Z",
    ],
    ["an open pause stops the clock", start, 1 * H, [{ from: new Date("2026-11-23T10:30:00Z") }], null],
    ["an open pause from the start", start, 1 * H, [{ from: new Date(start) }], null],
    [
      "an open pause after a closed one",
      start,
      1 * H,
      [
        { from: new Date("2026-11-23T10:10:00Z"), to: new Date("2026-11-23T10:20:00Z") },
        { from: new Date("2026-11-23T10:30:00Z") },
      ],
      null,
    ],
    [
      "an open pause after the clock ran out",
      start,
      1 * H,
      [{ from: new Date("2026-11-23T11:30:00Z") }],
      "2026-11-23T11:00:00Z",
    ],
  ])("%s", (_name, startAt, durationMs, pauses, deadline) => {
    const result = computeDeadline({ start: new Date(startAt), durationMs, mode: "continuous", pauses });
    expect(iso(result)).toBe(expected(deadline));
  });

  it("ignores the calendar in continuous mode", () => {
    const result = computeDeadline({
      start: new Date("2026-11-28T12:00:00+01:00"),
      durationMs: 1 * H,
      mode: "continuous",
      calendar: amsterdam,
    });
    expect(iso(result)).toBe(expected("2026-11-28T13:00:00+01:00"));
  });
});

describe("computeDeadline, working hours with pauses", () => {
  it.each<[string, string, number, Pause[], string | null]>([
    [
      "a pause across the evening",
      "2026-11-23T16:00:00+01:00",
      2 * H,
      [{ from: new Date("2026-11-23T16:30:00+01:00"), to: new Date("2026-11-24T09:30:00+01:00") }],
      "2026-11-24T11:00:00+01:00",
    ],
    [
      "a pause outside working hours changes nothing",
      "2026-11-23T16:00:00+01:00",
      2 * H,
      [{ from: new Date("2026-11-23T18:00:00+01:00"), to: new Date("2026-11-24T08:00:00+01:00") }],
      "2026-11-24T10:00:00+01:00",
    ],
    [
      "a pause of a whole working day",
      "2026-11-23T09:00:00+01:00",
      8 * H,
      [{ from: new Date("2026-11-23T09:00:00+01:00"), to: new Date("2026-11-24T09:00:00+01:00") }],
      "2026-11-24T17:00:00+01:00",
    ],
    [
      "an open pause",
      "2026-11-23T16:00:00+01:00",
      2 * H,
      [{ from: new Date("2026-11-24T09:15:00+01:00") }],
      null,
    ],
    [
      "an open pause that begins outside hours, before the clock runs out",
      "2026-11-23T16:00:00+01:00",
      2 * H,
      [{ from: new Date("2026-11-23T20:00:00+01:00") }],
      null,
    ],
    [
      "an open pause after the clock ran out",
      "2026-11-23T16:00:00+01:00",
      2 * H,
      [{ from: new Date("2026-11-24T12:00:00+01:00") }],
      "2026-11-24T10:00:00+01:00",
    ],
  ])("%s", (_name, start, durationMs, pauses, deadline) => {
    const result = computeDeadline({
      start: new Date(start),
      durationMs,
      mode: "working-hours",
      calendar: amsterdam,
      pauses,
    });
    expect(iso(result)).toBe(expected(deadline));
  });
});

describe("computeDeadline, bad input", () => {
  it.each<[string, () => unknown, string]>([
    [
      "a negative duration",
      () => computeDeadline({ start: new Date(), durationMs: -1, mode: "continuous" }),
      "durationMs must be a finite number >= 0, got -1",
    ],
    [
      "an infinite duration",
      () => computeDeadline({ start: new Date(), durationMs: Number.POSITIVE_INFINITY, mode: "continuous" }),
      "durationMs must be a finite number >= 0",
    ],
    [
      "an invalid start",
      () => computeDeadline({ start: new Date("nope"), durationMs: 1, mode: "continuous" }),
      "start is not a valid date",
    ],
    [
      "a pause that ends before it starts",
      () =>
        computeDeadline({
          start: new Date("2026-11-23T10:00:00Z"),
          durationMs: H,
          mode: "continuous",
          pauses: [{ from: new Date("2026-11-23T10:30:00Z"), to: new Date("2026-11-23T10:20:00Z") }],
        }),
      "pauses[0] ends before it starts",
    ],
    [
      "a calendar without working time",
      () =>
        computeDeadline({
          start: new Date("2026-11-23T10:00:00Z"),
          durationMs: H,
          mode: "working-hours",
          calendar: { timeZone: "UTC", hours: { days: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } } },
        }),
      "the calendar has no working time",
    ],
  ])("throws on %s", (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe("addCalendarDays", () => {
  it.each<[string, number, string, string]>([
    ["2026-03-25T09:00:00+01:00", 10, "Europe/Amsterdam", "2026-04-04T09:00:00+02:00"],
    ["2026-10-20T09:00:00+02:00", 10, "Europe/Amsterdam", "2026-10-30T09:00:00+01:00"],
    ["2026-03-30T09:00:00+02:00", -2, "Europe/Amsterdam", "2026-03-28T09:00:00+01:00"],
    ["2026-03-28T02:30:00+01:00", 1, "Europe/Amsterdam", "2026-03-29T03:30:00+02:00"], // 02:30 is skipped
    ["2026-10-24T02:30:00+02:00", 1, "Europe/Amsterdam", "2026-10-25T02:30:00+02:00"], // 02:30 twice: the first
    ["2026-10-25T02:30:00+01:00", 0, "Europe/Amsterdam", "2026-10-25T02:30:00+01:00"],
    ["2026-03-01T09:00:00-05:00", 10, "America/New_York", "2026-03-11T09:00:00-04:00"],
    ["2026-11-23T22:00:00-05:00", 1, "America/New_York", "2026-11-24T22:00:00-05:00"],
    ["2026-05-01T09:00:00+09:00", 60, "Asia/Tokyo", "2026-06-30T09:00:00+09:00"],
    ["2026-04-01T09:00:00+11:00", 10, "Australia/Sydney", "2026-04-11T09:00:00+10:00"],
    ["2026-09-28T09:00:00+10:00", 10, "Australia/Sydney", "2026-10-08T09:00:00+11:00"],
    ["2026-02-27T12:34:56.789+01:00", 2, "Europe/Amsterdam", "2026-03-01T12:34:56.789+01:00"],
  ])("%s + %i days in %s is %s", (start, days, zone, result) => {
    expect(iso(addCalendarDays(new Date(start), days, zone))).toBe(expected(result));
  });

  it("refuses fractional days", () => {
    expect(() => addCalendarDays(new Date("2026-11-23T10:00:00Z"), 1.5, "UTC")).toThrow("days must be a whole number");
  });
});

describe("isWorkingTime", () => {
  it.each<[string, Calendar, string, boolean]>([
    ["opening is inside", amsterdamHolidays, "2026-11-23T09:00:00+01:00", true],
    ["just before closing", amsterdamHolidays, "2026-11-23T16:59:59+01:00", true],
    ["closing is outside", amsterdamHolidays, "2026-11-23T17:00:00+01:00", false],
    ["just before opening", amsterdamHolidays, "2026-11-23T08:59:00+01:00", false],
    ["Saturday", amsterdamHolidays, "2026-11-21T12:00:00+01:00", false],
    ["a holiday", amsterdamHolidays, "2026-12-25T12:00:00+01:00", false],
    ["UTC 08:30 is 09:30 in Amsterdam", amsterdamHolidays, "2026-11-23T08:30:00Z", true],
    ["UTC 16:30 is 17:30 in Amsterdam", amsterdamHolidays, "2026-11-23T16:30:00Z", false],
    ["summer time: UTC 07:30 is 09:30 CEST", amsterdamHolidays, "2026-07-01T07:30:00Z", true],
    ["lunch break", amsterdamSplit, "2026-11-23T13:00:00+01:00", false],
    ["after lunch", amsterdamSplit, "2026-11-23T13:30:00+01:00", true],
    ["NY 09:00 EST", newYork, "2026-11-23T14:00:00Z", true],
    ["NY 08:59 EST", newYork, "2026-11-23T13:59:00Z", false],
    ["NY 09:00 EDT", newYork, "2026-07-01T13:00:00Z", true],
    ["Tokyo 09:00 Monday", tokyo, "2026-11-23T00:00:00Z", true],
    ["Tokyo 17:59 Friday", tokyo, "2026-11-27T08:59:00Z", true],
    ["Tokyo 18:00 Friday", tokyo, "2026-11-27T09:00:00Z", false],
    ["Tokyo holiday", tokyo, "2026-05-05T03:00:00Z", false],
    ["Sydney Monday 09:00 is Sunday in UTC", sydney, "2026-11-22T22:00:00Z", true],
    ["Sydney Monday 08:59", sydney, "2026-11-22T21:59:00Z", false],
    ["Sydney Saturday 10:00 is Friday in UTC", sydney, "2026-11-27T23:00:00Z", false],
    ["24/7", amsterdam247, "2026-03-29T01:30:00Z", true],
  ])("%s", (_name, calendar, at, working) => {
    expect(isWorkingTime(new Date(at), calendar)).toBe(working);
  });
});

describe("nextWorkingTime", () => {
  const gapHours: Calendar = { timeZone: "Europe/Amsterdam", hours: hours("mon-sun 02:30-04:00") };
  it.each<[string, Calendar, string, string]>([
    ["already inside", amsterdam, "2026-11-23T10:17:23.456+01:00", "2026-11-23T10:17:23.456+01:00"],
    ["Friday after closing", amsterdam, "2026-11-27T17:00:00+01:00", "2026-11-30T09:00:00+01:00"],
    ["Saturday before spring DST", amsterdam, "2026-03-28T10:00:00+01:00", "2026-03-30T09:00:00+02:00"],
    ["before a holiday", amsterdamHolidays, "2026-12-24T18:00:00+01:00", "2026-12-28T09:00:00+01:00"],
    ["lunch break", amsterdamSplit, "2026-11-23T12:45:00+01:00", "2026-11-23T13:30:00+01:00"],
    ["short Friday afternoon", amsterdamShortFriday, "2026-11-27T12:00:00+01:00", "2026-11-30T08:30:00+01:00"],
    ["opening inside the skipped hour", gapHours, "2026-03-29T01:59:00+01:00", "2026-03-29T03:00:00+02:00"],
    ["NY Saturday before autumn DST", newYork, "2026-10-31T12:00:00-04:00", "2026-11-02T09:00:00-05:00"],
    ["NY late evening", newYork, "2026-11-23T23:30:00-05:00", "2026-11-24T09:00:00-05:00"],
    ["Tokyo early morning", tokyo, "2026-05-01T07:00:00+09:00", "2026-05-01T09:00:00+09:00"],
    ["Tokyo Golden Week", tokyo, "2026-05-02T12:00:00+09:00", "2026-05-07T09:00:00+09:00"],
    ["Sydney Saturday before DST start", sydney, "2026-10-03T12:00:00+10:00", "2026-10-05T09:00:00+11:00"],
    ["Sydney Saturday before DST end", sydney, "2026-04-04T12:00:00+11:00", "2026-04-06T09:00:00+10:00"],
  ])("%s", (_name, calendar, at, next) => {
    expect(iso(nextWorkingTime(new Date(at), calendar))).toBe(expected(next));
  });
});

describe("quietHoursEnd", () => {
  const night = { from: "22:00", to: "07:00" };
  const noon = { from: "12:00", to: "14:00" };
  it.each<[string, { from: string; to: string }, string, string, string | null]>([
    ["late evening", night, "Europe/Amsterdam", "2026-11-23T23:00:00+01:00", "2026-11-24T07:00:00+01:00"],
    ["start is inside", night, "Europe/Amsterdam", "2026-11-23T22:00:00+01:00", "2026-11-24T07:00:00+01:00"],
    ["after midnight", night, "Europe/Amsterdam", "2026-11-24T03:00:00+01:00", "2026-11-24T07:00:00+01:00"],
    ["end is outside", night, "Europe/Amsterdam", "2026-11-24T07:00:00+01:00", null],
    ["daytime", night, "Europe/Amsterdam", "2026-11-23T12:00:00+01:00", null],
    ["night of spring DST", night, "Europe/Amsterdam", "2026-03-28T23:00:00+01:00", "2026-03-29T07:00:00+02:00"],
    ["night of autumn DST", night, "Europe/Amsterdam", "2026-10-24T23:00:00+02:00", "2026-10-25T07:00:00+01:00"],
    ["NY 21:00 EST is outside", night, "America/New_York", "2026-11-24T02:00:00Z", null],
    ["NY 22:30 EST", night, "America/New_York", "2026-11-24T03:30:00Z", "2026-11-24T07:00:00-05:00"],
    ["Tokyo 23:00", night, "Asia/Tokyo", "2026-11-23T14:00:00Z", "2026-11-24T07:00:00+09:00"],
    ["Sydney 05:00 on DST start day", night, "Australia/Sydney", "2026-10-03T19:00:00Z", "2026-10-04T07:00:00+11:00"],
    ["a daytime window", noon, "Europe/Amsterdam", "2026-11-23T13:00:00+01:00", "2026-11-23T14:00:00+01:00"],
    ["after a daytime window", noon, "Europe/Amsterdam", "2026-11-23T14:00:00+01:00", null],
    // an end inside the skipped hour is the first instant after it; an end in the repeated hour is its first pass
    ["end skipped by spring DST", { from: "01:00", to: "02:30" }, "Europe/Amsterdam", "2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00"],
    ["end repeated by autumn DST", { from: "00:00", to: "02:30" }, "Europe/Amsterdam", "2026-10-25T01:00:00+02:00", "2026-10-25T02:30:00+02:00"],
  ])("%s", (_name, quiet, zone, at, end) => {
    expect(iso(quietHoursEnd(new Date(at), quiet, zone))).toBe(expected(end));
  });

  it("refuses malformed times", () => {
    expect(() => quietHoursEnd(new Date("2026-11-23T23:00:00Z"), { from: "10pm", to: "07:00" }, "UTC")).toThrow(
      'quiet.from must be written as HH:MM, got "10pm"',
    );
  });
});

describe("formatLocal", () => {
  it.each([
    ["2026-11-23T13:05:00Z", "Europe/Amsterdam", "2026-11-23 14:05 CET"],
    ["2026-07-01T12:00:00Z", "Europe/Amsterdam", "2026-07-01 14:00 CEST"],
    ["2026-11-23T13:05:59.999Z", "Europe/Amsterdam", "2026-11-23 14:05 CET"],
    ["2026-11-23T13:05:00Z", "America/New_York", "2026-11-23 08:05 EST"],
    ["2026-07-01T12:00:00Z", "America/New_York", "2026-07-01 08:00 EDT"],
    ["2026-11-24T03:00:00Z", "America/New_York", "2026-11-23 22:00 EST"],
    ["2026-11-23T20:00:00Z", "Asia/Tokyo", "2026-11-24 05:00 UTC+9"],
    ["2026-11-23T13:05:00Z", "Australia/Sydney", "2026-11-24 00:05 AEDT"],
    ["2026-07-01T12:00:00Z", "Australia/Sydney", "2026-07-01 22:00 AEST"],
    ["2026-11-23T13:05:00Z", "UTC", "2026-11-23 13:05 UTC"],
    ["2026-11-23T13:05:00Z", "Asia/Kolkata", "2026-11-23 18:35 IST"],
    ["2026-11-23T13:05:00Z", "Europe/London", "2026-11-23 13:05 GMT"],
    ["2026-07-01T12:00:00Z", "Europe/London", "2026-07-01 13:00 BST"],
    ["2026-11-23T13:05:00Z", "Asia/Kathmandu", "2026-11-23 18:50 UTC+5:45"],
    ["2026-11-23T13:05:00Z", "America/Sao_Paulo", "2026-11-23 10:05 UTC-3"],
  ])("%s in %s is %s", (at, zone, text) => {
    expect(formatLocal(new Date(at), zone)).toBe(text);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [400, "0 s"],
    [45_000, "45 s"],
    [29_999, "30 s"],
    [59_600, "1 min"],
    [45 * MIN, "45 min"],
    [H, "1 h"],
    [65 * MIN, "1 h 5 min"],
    [8 * H, "8 h"],
    [10 * 24 * H, "10 d"],
    [24 * H + H + MIN + 1000, "1 d 1 h 1 min"],
    [60 * 24 * H + 30 * MIN, "60 d 30 min"],
    [-5 * MIN, "-5 min"],
  ])("%i ms is %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
