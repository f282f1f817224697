// End to end: the TCO Art. 4(1) copy of a cross-border removal order reaches the host Member State's competent
// authority through the console adapter of the real `liaison start`: a direct message to that authority's contact,
// which then decides on scrutiny as its host authority. The provider and the issuer get no copy in their direct messages.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/db.js";
import { runLiaison } from "../support/cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const YEAR = new Date().getUTCFullYear();
const R = `R-${YEAR}-0001`;

describe("the TCO copy to the host authority, end to end on the console", () => {
  it("the German authority's contact gets the copy as a direct message and decides on scrutiny as the host authority", async () => {
    const dir = mkdtempSync(join(tmpdir(), "liaison-e2e-tco-copy-"));
    dirs.push(dir);
    const dbFile = join(dir, "data", "liaison.db");
    const config = join(dir, "liaison.yaml");
    writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: warn\n`);
    const script = [
      // de-cert stands in for Germany's competent authority; Chirp Social is established in Germany.
      "demo.coordinator: /contacts edit-org de-cert --designate tco-competent-authority:DE",
      // TCO Art. 3(2): the information on procedures and deadlines was given to Chirp Social a day before.
      `sanne.devries: /tco inform chirp-social --at ${new Date(Date.now() - 24 * 3_600_000).toISOString().slice(0, 16)}Z`,
      'sanne.devries: /notice chirp-social https://chirp.example/p/9 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"',
      // Only the host authority decides on scrutiny, and only once the provider asked for it.
      `jonas.becker: /tco scrutiny-decision ${R} --infringes no --reasons "no scrutiny was asked"`,
      `lena.schmidt: /tco scrutiny ${R} --reasons "news reporting on the attack, not terrorist content"`,
      `jonas.becker: /tco scrutiny-decision ${R} --infringes no --reasons "terrorist content: the video glorifies the attack"`,
      "",
    ];
    const result = await runLiaison(["start"], { LIAISON_CONFIG: config }, script.join("\n"), 90_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/"level":"(error|fatal|warn)"/);
    const lines = result.stdout.split("\n");
    const dms = (handle: string) => lines.filter((line) => line.startsWith(`[DM → ${handle}] `));
    const copy = dms("jonas.becker").join("\n");
    expect(copy).toContain(`Copy of removal order ${R} (TCO Art. 4(1)): you are the competent authority of DE`);
    // It names the command the authority can use: /case status refuses it (it is not a party to the case).
    expect(copy).toContain(`decide on such a request with /tco scrutiny-decision ${R}`);
    expect(copy).not.toContain("/case status");
    for (const other of ["sanne.devries", "lena.schmidt", "felix.wagner", "demo.coordinator"]) expect(dms(other).join("\n"), other).not.toContain("Copy of removal order");
    const jonas = lines.filter((line) => line.startsWith("jonas.becker> ")).join("\n");
    expect(jonas).toContain(R);
    expect(jonas).toContain("✗ No scrutiny was requested."); // the first decision, before any request, is refused
    expect(jonas).toContain(`${R}: the host Member State's authority found no infringement (TCO Art. 4)`);
    const store = await openStore({ provider: "sqlite", url: dbFile });
    try {
      const row = await store.db.case.findUniqueOrThrow({ where: { reference: R } });
      const order = await store.db.tcoOrder.findUniqueOrThrow({ where: { caseId: row.id } });
      const host = await store.db.organisation.findUniqueOrThrow({ where: { slug: "de-cert" } });
      expect([order.hostMemberState, order.copyMode, order.copyOrgId]).toEqual(["DE", "sent", host.id]);
      expect(order.scrutinyDecidedAt).not.toBeNull();
      const copies = await store.db.outboxMessage.findMany({ where: { onceKey: `tco-copy:${row.id}` } });
      expect(copies.map((message) => message.state)).toEqual(["sent"]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
