// End to end: the TCO Art. 4(1) copy of a cross-border removal order reaches the host Member State's competent
// authority through the console adapter of the real `liaison start`: a direct message to that authority's contact that
// carries the order (URLs and Annex I fields), who reads it with /case status, acts on nothing else, is told at once of
// the provider's request for scrutiny and decides on it as its host authority. The provider and the issuer get no copy
// in their direct messages.
import { describe, expect, it } from "vitest";
import { consoleSessions, readDatabase } from "../support/cli.js";

const start = consoleSessions("liaison-e2e-tco-copy-");

const YEAR = new Date().getUTCFullYear();
const R = `R-${YEAR}-0001`;

describe("the TCO copy to the host authority, end to end on the console", () => {
  it("the German authority's contact gets the copy as a direct message and decides on scrutiny as the host authority", async () => {
    const result = await start([
      // de-cert stands in for Germany's competent authority; Chirp Social is established in Germany.
      "demo.coordinator: /contacts edit-org de-cert --designate tco-competent-authority:DE",
      // TCO Art. 3(2): the information on procedures and deadlines was given to Chirp Social a day before.
      `sanne.devries: /tco inform chirp-social --at ${new Date(Date.now() - 24 * 3_600_000).toISOString().slice(0, 16)}Z`,
      'sanne.devries: /notice chirp-social https://chirp.example/p/9 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"',
      // Only the host authority decides on scrutiny, and only once the provider asked for it.
      `jonas.becker: /tco scrutiny-decision ${R} --infringes no --reasons "no scrutiny was asked"`,
      // It reads the order (a reader, not a party): status and history, but no acknowledgement and no message.
      `jonas.becker: /case status ${R}`,
      `jonas.becker: /case history ${R}`,
      `jonas.becker: /case ack ${R}`,
      `jonas.becker: /case say ${R} a word from the host authority`,
      `lena.schmidt: /tco scrutiny ${R} --reasons "news reporting on the attack, not terrorist content"`,
      `jonas.becker: /tco scrutiny-decision ${R} --infringes no --reasons "terrorist content: the video glorifies the attack"`,
    ], 90_000);
    const lines = result.stdout.split("\n");
    const dms = (handle: string) => lines.filter((line) => line.startsWith(`[DM → ${handle}] `));
    const copy = dms("jonas.becker").join("\n");
    expect(copy).toContain(`Copy of removal order ${R} (TCO Art. 4(1)): you are the competent authority of DE`);
    // It carries the order: the URL, the reasons and the Annex I fields, and names the commands the authority may use.
    for (const part of ["https://chirp.example/p/9", "Reason: terrorist video", "Type of terrorist content: incites the commission of terrorist offences", "Issuing Member State: NL", "Redress: Awb-objection-within-6-weeks", "Times in: Europe/Berlin"]) expect(copy, part).toContain(part);
    expect(copy).toContain(`/tco scrutiny-decision ${R}`);
    expect(copy).toContain(`/case status ${R}`);
    // The request for scrutiny reaches it once, with the 72-hour deadline.
    expect(dms("jonas.becker").filter((line) => line.includes("requested your scrutiny"))).toHaveLength(1);
    expect(copy).toMatch(/requested your scrutiny of the removal order \(TCO Art\. 4\(4\)\): news reporting on the attack, not terrorist content\. Decide within 72 hours of the request, by \d{4}-\d\d-\d\d \d\d:\d\d CES?T/);
    for (const other of ["sanne.devries", "lena.schmidt", "felix.wagner", "demo.coordinator"]) expect(dms(other).join("\n"), other).not.toContain("Copy of removal order");
    const jonas = lines.filter((line) => line.startsWith("jonas.becker> ")).join("\n");
    expect(jonas).toContain(R);
    expect(jonas).toContain("✗ No scrutiny was requested."); // the first decision, before any request, is refused
    expect(jonas).toContain("URL: https://chirp.example/p/9"); // /case status shows it the order
    expect(jonas).toMatch(/open: removal-order to chirp-social/); // and /case history its timeline
    expect(jonas).toContain("✗ Only the organisation the case is addressed to or a coordinator may acknowledge this case.");
    expect(jonas).toContain("reads this case but is not a party to it");
    expect(jonas).toContain(`${R}: the host Member State's authority found no infringement (TCO Art. 4)`);
    await readDatabase(result.dbFile, async (db) => {
      const row = await db.case.findUniqueOrThrow({ where: { reference: R } });
      const order = await db.tcoOrder.findUniqueOrThrow({ where: { caseId: row.id } });
      const host = await db.organisation.findUniqueOrThrow({ where: { slug: "de-cert" } });
      expect([order.hostMemberState, order.copyMode, order.copyOrgId]).toEqual(["DE", "sent", host.id]);
      expect(order.scrutinyDecidedAt).not.toBeNull();
      const copies = await db.outboxMessage.findMany({ where: { onceKey: `tco-copy:${row.id}` } });
      expect(copies.map((message) => message.state)).toEqual(["sent"]);
    });
  }, 120_000);
});
