// Working-hours clocks skip the recipient's closed days: its country's public holidays (unless it works on them)
// and days of its own. An organisation's admin may add a normal number of its own closed days; more is for a
// coordinator, as short working hours are. On both databases.
import { expect } from "vitest";
import { exportDirectory, importDirectory } from "../../src/directory/import.js";
import { TEST_KEYS } from "../support/keys.js";
import { describeOnBothDatabases } from "../support/cases.js";

const NOTICE = '/notice acme-hosting https://example.test/n/1 --reason "incites violence"';

describeOnBothDatabases("holidays", (harness, test) => {
  /** The harness keeps the directory between tests: each test starts from ACME's demo calendar. */
  async function fresh() {
    const h = harness();
    await h.db.organisation.update({ where: { slug: "acme-hosting" }, data: { holidays: "", publicHolidays: true } });
    return h;
  }

  test("an organisation's own closed day moves a working-hours deadline; switching public holidays off moves it back", async () => {
    const h = await fresh();
    // Tue 22 Dec 2026 15:00 CET; 4 working hours to acknowledge: 2 h Tuesday, 2 h Wednesday -> Wed 11:00 CET.
    h.clock.set("2026-12-22T14:00:00Z");
    await h.ok("sanne.devries", NOTICE);
    expect((await h.caseRow("N-2026-0001")).ackDueAt?.toISOString()).toBe("2026-12-23T10:00:00.000Z");
    // ACME closes on 23 and 24 Dec as well: then 2 h Tuesday, and Monday 28 (25, 26 are public holidays, 27 a Sunday).
    await h.ok("jan.jansen", "/contacts edit-org acme-hosting --add-holiday 2026-12-23,2026-12-24");
    // Each notice about a URL of its own: a repeat of an open notice of the same organisation would be refused.
    await h.ok("sanne.devries", NOTICE.replace("/n/1", "/n/2"));
    expect((await h.caseRow("N-2026-0002")).ackDueAt?.toISOString()).toBe("2026-12-28T10:00:00.000Z");
    // Working on public holidays: 25 Dec is a Friday again.
    await h.ok("jan.jansen", "/contacts edit-org acme-hosting --public-holidays=false");
    await h.ok("sanne.devries", NOTICE.replace("/n/1", "/n/3"));
    expect((await h.caseRow("N-2026-0003")).ackDueAt?.toISOString()).toBe("2026-12-25T10:00:00.000Z");
    const shown = await h.ok("jan.jansen", "/contacts show acme-hosting");
    expect(shown).toContain("Closed on: 2026-12-23, 2026-12-24");
  });

  test("closed days are real dates; an admin may not close their organisation for months, a coordinator may", async () => {
    const h = await fresh();
    for (const [value, says] of [["2026-02-30", /real date/], ["24-12-2026", /real date/], ["x".repeat(100_000), /./]] as const) {
      const answer = await h.run("jan.jansen", `/contacts edit-org acme-hosting --add-holiday ${value}`);
      expect(answer.failure, value.slice(0, 30)).toBeDefined();
      expect(answer.message.text, value.slice(0, 30)).toMatch(says);
    }
    const many = Array.from({ length: 16 }, (_, index) => `2027-07-${String(index + 1).padStart(2, "0")}`).join(",");
    const refused = await h.run("jan.jansen", `/contacts edit-org acme-hosting --add-holiday ${many}`);
    expect(refused.failure).toBe("not-allowed");
    expect(refused.message.text).toMatch(/More than 15 closed days of its own in 2027: a coordinator must add these/);
    expect((await h.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).holidays).toBe("");
    await h.ok("demo.coordinator", `/contacts edit-org acme-hosting --add-holiday ${many}`);
    expect((await h.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).holidays.split(",")).toHaveLength(16);
  });

  test("closed days and the public-holiday switch survive an export and import, in YAML and CSV", async () => {
    const h = await fresh();
    await h.ok("jan.jansen", "/contacts edit-org acme-hosting --add-holiday 2026-12-24,2026-12-31 --public-holidays=false");
    for (const format of ["yaml", "csv"] as const) {
      const text = await exportDirectory(h.db, format);
      await h.db.organisation.update({ where: { slug: "acme-hosting" }, data: { holidays: "", publicHolidays: true } });
      const result = await importDirectory(h.db, h.clock, TEST_KEYS, text, format, { actor: "operator", via: "test" });
      expect(result.ok, format).toBe(true);
      const row = await h.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } });
      expect([row.holidays, row.publicHolidays], format).toEqual(["2026-12-24,2026-12-31", false]);
    }
  });
});
