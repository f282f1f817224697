// The instant schemas commands and forms read times with: an offset from UTC is required, the text is capped before it
// is parsed, and impossible dates are refused.
import { describe, expect, test } from "vitest";
import { instantDateSchema, instantWithOffsetSchema } from "../../src/time/instant.js";

describe("instants with their offset", () => {
  test("a time with an offset or Z reads as that instant; the text is kept as written", () => {
    expect(instantDateSchema.parse("2026-11-20T14:05+01:00").toISOString()).toBe("2026-11-20T13:05:00.000Z");
    expect(instantDateSchema.parse(" 2026-03-29T03:30:00+02:00 ").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(instantDateSchema.parse("2026-10-25T02:30:00.250Z").toISOString()).toBe("2026-10-25T02:30:00.250Z");
    expect(instantWithOffsetSchema.parse("2026-11-20T14:05-05:00")).toBe("2026-11-20T14:05-05:00");
    // A leap day and the last day of a month are real days.
    expect(instantDateSchema.parse("2028-02-29T23:59+01:00").toISOString()).toBe("2028-02-29T22:59:00.000Z");
    expect(instantDateSchema.parse("2026-04-30T00:00Z").toISOString()).toBe("2026-04-30T00:00:00.000Z");
  });

  test("no offset, an impossible date, bidi or control characters, and 100,000 characters are refused", () => {
    for (const text of ["2026-11-20T14:05", "2026-11-20", "2026-02-30T10:00Z", "2026-04-31T10:00Z", "2026-02-29T10:00Z", "2026-11-20T24:00Z", "2026-13-01T10:00Z", "2026-11-20T10:00+25:00", "2026-11-20T14:05+01:00\u202e", "\u00002026-11-20T14:05Z", "2026-11-20T14:05Z\n<!channel>", `2026-11-20T14:05Z${"0".repeat(100_000)}`, "now"]) {
      expect(instantDateSchema.safeParse(text).success, JSON.stringify(text.slice(0, 40))).toBe(false);
    }
  });
});
