// A case to an organisation with no cases channel and no contact for its topic, on both databases: nothing can reach
// the recipient, so the reply says so (not "its thread opens on both sides"), shows the published abuse contact and
// the emergency phones, and the coordinators are alerted; the opener's own thread still opens.
import { expect } from "vitest";
import { describeOnBothDatabases, threadTitle } from "../support/cases.js";

describeOnBothDatabases("a case that reaches nobody at the recipient", (harness, test) => {
  test("says so, shows the abuse contact and emergency phone, alerts the coordinators", async () => {
    const h = harness();
    await h.ok("demo.coordinator", '/contacts add-org quiet-isp --name "Quiet ISP B.V." --kind hosting --country NL --time-zone Europe/Amsterdam --abuse-contact abuse@quiet-isp.example');
    // A contact without a role for notices and without admin rights: not someone a notice may go to.
    await h.ok("demo.coordinator", '/contacts add piet.quiet --org quiet-isp --name "Piet Stil" --phone "+31205550999"');
    try {
      const answer = await h.run("sanne.devries", '/notice quiet-isp https://quiet-isp.example/p/1 --reason "incites violence"');
      expect(answer.failure).toBeUndefined();
      const reply = answer.message.text;
      expect(reply).not.toContain("opens on both sides");
      expect(reply).toContain("Opened N-2026-0001, but it reaches nobody at Quiet ISP B.V.: they have no cases channel and no contact for notices in the directory, so only your side's thread opens.");
      expect(reply).toContain("Abuse contact: abuse@quiet-isp.example");
      expect(reply).toContain("Emergency phone: +31205550999 (Piet Stil)");
      await h.drain();
      const alert = h.adapter.directTexts("demo.coordinator").join("\n");
      expect(alert).toContain("✗ N-2026-0001 (notice) reaches nobody at Quiet ISP B.V. [quiet-isp]: it has no cases channel and no contact for notices in the directory, so nothing was sent to them.");
      expect(alert).toContain("Abuse contact: abuse@quiet-isp.example");
      expect(h.adapter.threadTexts(threadTitle("N-2026-0001", "nl-iru"))).toHaveLength(1);
      const quiet = await h.db.organisation.findFirstOrThrow({ where: { slug: "quiet-isp" } });
      expect(await h.db.caseThread.count({ where: { organisationId: quiet.id } })).toBe(0);
      expect(await h.db.auditEntry.count({ where: { action: "case.undelivered" } })).toBe(1);
    } finally {
      await h.run("demo.coordinator", '/contacts remove-org quiet-isp --reason "test organisation"');
    }
  });

  test("an organisation with a contact for the topic is reached as before", async () => {
    const h = harness();
    const reply = await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/2 --reason "incites violence"');
    expect(reply).toContain("its thread opens on both sides");
    expect(await h.db.auditEntry.count({ where: { action: "case.undelivered" } })).toBe(0);
  });
});
