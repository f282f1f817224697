// End to end: the real `liaison start` with a scripted console session. A notice whose URL is already in an open
// notice of the same organisation to the same recipient is refused before it opens, naming that case and the way on;
// with --again it opens; a removal order to the same URL is never held back. The database is read afterwards: the
// refused attempt left no case.
import { describe, expect, it } from "vitest";
import { consoleSessions, readDatabase } from "../support/cli.js";

const start = consoleSessions("liaison-e2e-duplicates-");

/** The case references the run will hand out (the CLI runs on the real clock). */
const YEAR = new Date().getUTCFullYear();
const ref = (prefix: string, number: number) => `${prefix}-${YEAR}-${String(number).padStart(4, "0")}`;

describe("repeated URLs in the console, end to end", { timeout: 90_000 }, () => {
  it("a repeated notice is refused with the case and the hint; --again opens it; a removal order opens and warns", async () => {
    const result = await start([
      'sanne.devries: /notice acme-hosting https://example.test/video/123 --reason "incites violence" --basis "Art. 131 Sr"',
      'pieter.bakker: /notice acme-hosting https://EXAMPLE.test/video/123#t=5 --reason "incites violence"',
      'pieter.bakker: /notice acme-hosting https://example.test/video/123 --reason "a second account reposted it" --again',
      "sanne.devries: /tco inform acme-hosting --at 2026-01-01T09:00+01:00",
      'sanne.devries: /notice acme-hosting https://example.test/video/123 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Regulation Art. 3" --reason "terrorist content"',
    ]);
    const lines = result.stdout.split("\n");
    const first = ref("N", 1);
    const refusal = lines.findIndex((line) => line.startsWith("pieter.bakker> ✗ Not opened"));
    expect(refusal, result.stdout).toBeGreaterThanOrEqual(0);
    expect(lines[refusal]).toBe("pieter.bakker> ✗ Not opened: a URL of this notice is already in an open case of your organisation to ACME Hosting B.V. [acme-hosting]:");
    const following = lines.slice(refusal + 1, refusal + 4).join("\n");
    expect(following).toMatch(new RegExp(`• ${first}, open since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d CES?T, opened by Sanne de Vries \\(sanne\\.devries\\): holds https://example\\.test/video/123`));
    expect(following).toContain(`To add to it, write in its thread: /case say ${first} <what is new>. To open a second case deliberately, repeat the command with --again added (the record says it was deliberate).`);
    expect(lines).toContain(`pieter.bakker> ✓ Opened ${ref("N", 2)} towards ACME Hosting B.V.; its thread opens on both sides.`);
    expect(result.stdout).toContain(`Opened deliberately beside ${first} (--again); the record says so.`);
    expect(lines).toContain(`sanne.devries> ✓ Opened ${ref("R", 1)} towards ACME Hosting B.V.; its thread opens on both sides.`);
    expect(result.stdout).toContain(`⚠ 1 of these URLs is already in an open case to acme-hosting: ${first}, ${ref("N", 2)}.`);

    // The refused attempt left nothing: two notices and the removal order, and one refused command in the record.
    await readDatabase(result.dbFile, async (db) => {
      expect((await db.case.findMany({ orderBy: { reference: "asc" } })).map((row) => row.reference)).toEqual([first, ref("N", 2), ref("R", 1)]);
      const refused = await db.auditEntry.findMany({ where: { action: "command", result: "refused:duplicate" } });
      expect(refused).toHaveLength(1);
      const again = await db.auditEntry.findFirstOrThrow({ where: { action: "case.open", subjectId: ref("N", 2) } });
      expect(JSON.parse(again.detail)).toMatchObject({ again: true, beside: [first] });
    });
  });
});
