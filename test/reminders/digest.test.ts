// Digests: content (counts first, then lists), TLP (a TLP:RED case shows reference and deadline only), skipped when
// empty, each reader's working morning in their time zone, once a day; /digest on demand and subscriptions.
import { expect } from "vitest";
import { describe, it } from "vitest";
import { digestDueAt } from "../../src/digests/service.js";
import { ipText } from "../../src/digests/content.js";
import { describeOnBothDatabases } from "../support/cases.js";
import { openRemovalOrder, queuedLines, runJob } from "../support/reminders.js";

describe("when a digest is due", () => {
  it("is the configured time on a working day, or the start of working hours when later, in the reader's zone", () => {
    expect(digestDueAt(new Date("2026-11-23T12:00:00Z"), "08:00", "Europe/Amsterdam", "mon-fri 08:30-17:30")).toEqual({ date: "2026-11-23", dueAt: new Date("2026-11-23T07:30:00Z") });
    expect(digestDueAt(new Date("2026-11-23T12:00:00Z"), "08:00", "Asia/Tokyo", "24/7")).toEqual({ date: "2026-11-23", dueAt: new Date("2026-11-22T23:00:00Z") });
    expect(digestDueAt(new Date("2026-11-22T12:00:00Z"), "08:00", "Europe/Amsterdam", "mon-fri 08:30-17:30")).toBeUndefined(); // Sunday
  });
});

describeOnBothDatabases("digests", (harness, test) => {
  test("a coordinator's digest each working morning: counts first, then the lists, once a day", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    h.clock.set("2026-11-21T09:00:00.000Z"); // Saturday: not a working day for demo.coordinator (mon-fri 08:30-17:30)
    expect((await runJob(h, "digests")).queued).toEqual([]);
    h.clock.set("2026-11-23T07:00:00.000Z"); // Monday 08:00 Amsterdam: working hours start at 08:30
    expect((await runJob(h, "digests")).queued).toEqual([]);
    h.clock.set("2026-11-23T07:31:00.000Z");
    const report = await runJob(h, "digests");
    expect(queuedLines(report)).toEqual(["[DM → demo.coordinator] digest"]);
    const text = report.queued[0]?.text ?? "";
    const lines = text.split("\n");
    expect(lines[0]).toBe("Digest for Dana Coordinator · all organisations · 2026-11-23 08:31 CET (Europe/Amsterdam)");
    // Overdue, so listed once (not also under Unacknowledged), with both deadlines it missed.
    expect(lines[1]).toBe("Overdue 1 · Due within 1 d 0 · Unacknowledged 0 · Stale contacts 0");
    expect(text).toMatch(new RegExp(`• ${reference} · Removal order \\(TCO\\) · nl-iru → acme-hosting · open · missed: acknowledge by 2026-11-20 11:15 CET \\(OVERDUE by [^)]+\\), resolve by 2026-11-20 12:00 CET \\(OVERDUE by`));
    expect(text).toContain("https://example.test/v/1");
    h.clock.set("2026-11-23T15:00:00.000Z");
    expect((await runJob(h, "digests")).queued).toEqual([]);
    h.clock.set("2026-11-24T07:45:00.000Z");
    expect(queuedLines(await runJob(h, "digests"))).toEqual(["[DM → demo.coordinator] digest"]);
  });

  test("TLP:RED cases show their reference and deadline only; AMBER+STRICT no content", async () => {
    const h = harness();
    const red = await openRemovalOrder(h, " --tlp RED");
    const strict = await openRemovalOrder(h, ' --tlp "AMBER+STRICT"');
    h.clock.set("2026-11-20T10:05:00.000Z");
    const text = (await h.ok("demo.coordinator", "/digest")).split("\n");
    expect(text).toContain(`• ${red} · TLP:RED · acknowledge by 2026-11-20 11:15 CET (in 10 min)`);
    const strictLine = text.find((line) => line.startsWith(`• ${strict}`)) ?? "";
    expect(strictLine).toContain("TLP:AMBER+STRICT");
    expect(text.join("\n")).not.toContain("example.test");
  });

  test("an empty digest is not sent; stale contacts are listed", async () => {
    const h = harness();
    h.clock.set("2026-11-23T08:00:00.000Z");
    expect((await runJob(h, "digests")).queued).toEqual([]);
    await h.db.contact.updateMany({ where: { handle: "lotte.visser" }, data: { verification: "unverified" } });
    try {
      const report = await runJob(h, "digests");
      expect(report.queued[0]?.text).toContain("Stale contacts (1)\n• Lotte Visser (lotte.visser) · nl-police-cyber · unverified since 2025-08-20");
    } finally {
      await h.db.contact.updateMany({ where: { handle: "lotte.visser" }, data: { verification: "verified" } });
    }
  });

  test("organisation admins subscribe to their organisation's digest; coordinators may unsubscribe", async () => {
    const h = harness();
    await openRemovalOrder(h);
    try {
      expect(await h.ok("jan.jansen", "/digest subscribe")).toContain("ACME Hosting B.V. [acme-hosting]");
      expect((await h.run("eva.mulder", "/digest subscribe")).failure).toBe("not-allowed");
      expect(await h.ok("demo.coordinator", "/digest unsubscribe")).toContain("no longer");
      h.clock.set("2026-11-23T08:30:00.000Z");
      const report = await runJob(h, "digests");
      expect(queuedLines(report)).toEqual(["[DM → jan.jansen] digest"]);
      expect(report.queued[0]?.text.split("\n")[0]).toBe("Digest for Jan Jansen · ACME Hosting B.V. [acme-hosting] · 2026-11-23 09:30 CET (Europe/Amsterdam)");
      expect(await h.ok("jan.jansen", "/digest")).toContain("Overdue 1 · Due within 1 d 0 · Unacknowledged 0");
      expect((await h.run("jan.jansen", "/digest --org chirp-social")).failure).toBe("not-allowed");
      expect(await h.ok("demo.coordinator", "/digest --org chirp-social")).toContain("Overdue 0 · Due within 1 d 0 · Unacknowledged 0");
    } finally {
      await h.db.digestSubscription.deleteMany();
    }
  });

  test("a case not yet overdue and not acknowledged is listed under Unacknowledged with its running deadline; once overdue, under Overdue only", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    h.clock.set("2026-11-20T10:05:00.000Z");
    const before = await h.ok("demo.coordinator", "/digest");
    expect(before).toContain("Overdue 0 · Due within 1 d 1 · Unacknowledged 1");
    expect(before).toContain(`• ${reference} · Removal order (TCO) · nl-iru → acme-hosting · open · acknowledge by 2026-11-20 11:15 CET (in 10 min)`);
    h.clock.set("2026-11-20T10:20:00.000Z"); // acknowledgement missed, resolve still running
    const after = await h.ok("demo.coordinator", "/digest");
    expect(after).toContain("Overdue 1 · Due within 1 d 0 · Unacknowledged 0");
    expect(after.split("\n").filter((line) => line.includes(reference))).toEqual([`• ${reference} · Removal order (TCO) · nl-iru → acme-hosting · open · missed: acknowledge by 2026-11-20 11:15 CET (OVERDUE by 5 min) · TLP:AMBER · https://example.test/v/1`]);
  });

  test("a contact who is neither admin nor coordinator sees the digest of their own cases, and no other organisation's", async () => {
    const h = harness();
    const mine = await openRemovalOrder(h);
    await openRemovalOrder(h);
    await h.ok("jan.jansen", `/case reassign ${mine} --to eva.mulder`);
    h.clock.set("2026-11-20T10:20:00.000Z");
    const digest = await h.ok("eva.mulder", "/digest");
    expect(digest.split("\n")[0]).toBe("Digest for Eva Mulder · your cases · 2026-11-20 11:20 CET (Europe/Amsterdam)");
    expect(digest).toContain("Overdue 1 · Due within 1 d 0 · Unacknowledged 0");
    expect(digest).toContain(`• ${mine} ·`);
    expect(digest).not.toContain("R-2026-0002");
    expect((await h.run("eva.mulder", "/digest --org acme-hosting")).failure).toBe("not-allowed");
    expect((await h.run("eva.mulder", "/digest --org chirp-social")).failure).toBe("not-allowed");
    // Subscribing to the morning digest stays for admins and coordinators.
    expect((await h.run("eva.mulder", "/digest subscribe")).failure).toBe("not-allowed");
    // An unlinked identity has none.
    expect((await h.run({ platform: "console", workspace: "", userId: "stranger" }, "/digest")).failure).toBeDefined();
  });

  test("repeat offenders: an organisation's domains and addresses past its threshold in the window, through the TLP rule", async () => {
    const h = harness();
    const organisations = new Map((await h.db.organisation.findMany({ select: { id: true, slug: true } })).map((row) => [row.slug, row.id]));
    const acme = organisations.get("acme-hosting") ?? "-";
    const chirp = organisations.get("chirp-social") ?? "-";
    await h.db.organisation.update({ where: { id: chirp }, data: { repeatThreshold: 2 } });
    let serial = 0;
    const item = async (routedToId: string | null, about: { domainKey?: string; ipKey?: string }, reportCount: number, lastReportedAt: string, tlp = "AMBER") => {
      serial += 1;
      const at = new Date(lastReportedAt);
      await h.db.intakeItem.create({
        data: {
          id: `item-${serial}`, reference: `I-2026-${String(serial).padStart(6, "0")}`, routedToId, routeReason: "test", category: "abuse", type: "spam",
          groupKey: `abuse:spam:${serial}`, domainKey: about.domainKey ?? null, ipKey: about.ipKey ?? null, target: "{}", summary: "spam", tlp, state: "open",
          reportCount, firstReportedAt: at, lastReportedAt: at, createdAt: at, updatedAt: at,
        },
      });
    };
    // acme-hosting, default threshold 5: 3 + 2 reports about one domain in the window (counted), 9 before it (not).
    await item(acme, { domainKey: "spam.example" }, 3, "2026-11-19T10:00:00Z");
    await item(acme, { domainKey: "spam.example" }, 2, "2026-11-20T09:00:00Z");
    await item(acme, { domainKey: "old.example" }, 9, "2026-10-01T10:00:00Z");
    await item(acme, { domainKey: "quiet.example" }, 4, "2026-11-20T09:00:00Z");
    // An address, and a TLP:RED report about a domain: counted, the domain withheld.
    await item(acme, { ipKey: "00000000000000000000ffffc000022c" }, 6, "2026-11-20T09:30:00Z");
    await item(acme, { domainKey: "secret.example" }, 4, "2026-11-20T09:30:00Z");
    await item(acme, { domainKey: "secret.example" }, 1, "2026-11-20T09:31:00Z", "RED");
    // chirp-social's own threshold of 2; the coordinators' intake (routed nowhere) is no organisation's.
    await item(chirp, { domainKey: "chirp-spam.example" }, 2, "2026-11-20T08:00:00Z", "CLEAR");
    await item(null, { domainKey: "nowhere.example" }, 50, "2026-11-20T08:00:00Z");
    const text = await h.ok("demo.coordinator", "/digest");
    const section = text.slice(text.indexOf("Repeat offenders"));
    expect(section.split("\n")).toEqual([
      "Repeat offenders, last 30 d (4)",
      "• acme-hosting · 192.0.2.44 · 6 reports (threshold 5)",
      "• acme-hosting · a target withheld (TLP:RED) · 5 reports (threshold 5)",
      "• acme-hosting · spam.example · 5 reports (threshold 5)",
      "• chirp-social · chirp-spam.example · 2 reports (threshold 2)",
    ]);
    expect(text).not.toMatch(/secret\.example|old\.example|quiet\.example|nowhere\.example/);
    // An organisation admin's digest and a contact's own digest have no such section.
    expect(await h.ok("jan.jansen", "/digest")).not.toContain("Repeat offenders");
    expect(await h.ok("eva.mulder", "/digest")).not.toContain("Repeat offenders");
    // Past the window, nothing.
    h.clock.set("2026-12-25T10:00:00.000Z");
    expect(await h.ok("demo.coordinator", "/digest")).not.toContain("Repeat offenders");
    expect(ipText("20010db8000000000000000000000001")).toBe("2001:db8::1");
  });
});
