// Decisions on intake items as commands (/intake open, add, dismiss, forward): who may take them (each lower role
// refused), what each changes and records, the card's de-confliction once an item became a case, repeat-offender
// counts against the organisation's threshold, and the intake figures of the report; on SQLite and PostgreSQL.
import { beforeEach, expect } from "vitest";
import { acceptIntakeReportInStore, DEFAULT_ACCEPT_SETTINGS } from "../../src/intake/accept.js";
import { buildIntakeFigures } from "../../src/intake/figures.js";
import { intakeReportSchema, type IntakeReport } from "../../src/intake/report.js";
import { intakeTable } from "../../src/cli/report.js";
import { createTestCore, describeOnProviders, lazyStore, UNLINKED_IDENTITY, type TestCore } from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";

/** A report about an address in acme-hosting's 192.0.2.0/24. */
function report(overrides: Partial<IntakeReport> & { url?: string; id?: string } = {}): IntakeReport {
  const { url, id, ...rest } = overrides;
  return intakeReportSchema.parse({
    source: "api", format: "xarf-v4", sourceReportId: id ?? crypto.randomUUID(), category: "content", type: "phishing",
    target: { url: url ?? "http://192.0.2.50/login", ip: "192.0.2.50" }, occurredAt: new Date("2026-11-20T09:00:00Z"),
    reporter: { organisation: "Example CERT" }, summary: "credential phishing page",
    evidence: [{ contentType: "image/png", description: "screenshot", sha256: "a".repeat(64) }], ...rest,
  });
}

describeOnProviders("intake decisions", (provider, test) => {
  const db = lazyStore(provider);
  let t: TestCore;
  const accept = (input: IntakeReport, settings = DEFAULT_ACCEPT_SETTINGS) =>
    acceptIntakeReportInStore(t.store, t.clock, TEST_KEYS, { report: input, reportingOrganisationId: undefined, receivedVia: "test" }, settings);

  beforeEach(async () => {
    const opened = await db.get();
    await opened.reset();
    t = await createTestCore(opened.store);
  });

  test("only the receiving organisation's contacts and coordinators may decide; others are told there is no such item", async () => {
    const item = await accept(report());
    expect(item.routedToId).not.toBeNull();
    const line = `/intake dismiss ${item.reference} --reason "customer removed it"`;
    expect((await t.dispatcher.run(await t.actorOf(UNLINKED_IDENTITY), line)).failure).toBeDefined();
    // A contact of another organisation (the referral unit, a platform) sees nothing of it.
    for (const handle of ["sanne.devries", "lena.schmidt"]) {
      const answer = await t.dispatcher.run(await t.actor(handle), line);
      expect(answer.failure, handle).toBe("not-found");
      expect(answer.message.text).not.toContain("phishing");
    }
    const before = await t.store.db.intakeItem.findUniqueOrThrow({ where: { id: item.itemId } });
    expect(before.state).toBe("open");
    // A plain contact of acme-hosting (not an admin) may.
    const answer = await t.dispatcher.run(await t.actor("eva.mulder"), line);
    expect(answer.failure, answer.message.text).toBeUndefined();
    const after = await t.store.db.intakeItem.findUniqueOrThrow({ where: { id: item.itemId } });
    expect(after).toMatchObject({ state: "dismissed", decidedBy: "eva.mulder", decisionReason: "customer removed it" });
    expect(await t.store.db.auditEntry.count({ where: { action: "intake.decided", subjectId: item.itemId } })).toBe(1);
    // Decided once: a second decision is refused.
    expect((await t.dispatcher.run(await t.actor("jan.jansen"), line)).failure).toBe("invalid-transition");
  });

  test("dismiss needs a reason; hostile text in it is kept as given and capped", async () => {
    const item = await accept(report());
    expect((await t.dispatcher.run(await t.actor("jan.jansen"), `/intake dismiss ${item.reference}`)).failure).toBe("bad-arguments");
    const hostile = `<@U123> @everyone \u202e${"x".repeat(100_000)}`;
    const answer = await t.dispatcher.run(await t.actor("jan.jansen"), `/intake dismiss ${item.reference} --reason "${hostile}"`);
    expect(answer.failure).toBe("bad-arguments");
    expect((await t.store.db.intakeItem.findUniqueOrThrow({ where: { id: item.itemId } })).state).toBe("open");
  });

  test("open as notice: the item's URL and evidence fill the notice; a later report about the URL says it is already open", async () => {
    const item = await accept(report());
    const coordinator = await t.actor("demo.coordinator");
    const answer = await t.dispatcher.run(coordinator, `/intake open ${item.reference}`);
    expect(answer.failure, answer.message.text).toBeUndefined();
    const decided = await t.store.db.intakeItem.findUniqueOrThrow({ where: { id: item.itemId } });
    expect(decided.state).toBe("opened");
    const opened = await t.store.db.case.findUniqueOrThrow({ where: { id: decided.caseId ?? "" } });
    expect(opened.tlp).toBe("AMBER");
    expect(opened.fields).toContain("http://192.0.2.50/login");
    expect(opened.fields).toContain("screenshot");
    expect(answer.message.text).toContain(opened.reference);
    // acme's own contact must say whom a notice goes to (not to itself).
    const second = await accept(report({ url: "http://192.0.2.51/x", target: { url: "http://192.0.2.51/x", ip: "192.0.2.51" } }));
    expect((await t.dispatcher.run(await t.actor("jan.jansen"), `/intake open ${second.reference}`)).failure).toBe("bad-arguments");
    // Malware at the same URL: a new item whose card names the open case.
    t.clock.advance(60_000);
    await accept(report({ type: "malware", url: "HTTP://192.0.2.50:80/login" }));
    const cards = await t.store.db.outboxMessage.findMany({ where: { streamKey: { startsWith: "intake:" } }, orderBy: { seq: "asc" } });
    const last = cards.at(-1)?.message ?? "";
    expect(last).toContain(`Already open as ${opened.reference} (since 2026-11-20 10:00 UTC, by`);
    expect(last).toContain(`/intake add `);
  });

  test("add to a case, and forward to another organisation's intake", async () => {
    const sanne = await t.actor("sanne.devries");
    const noticed = await t.dispatcher.run(sanne, "/notice acme-hosting http://192.0.2.60/a --reason \"phishing page for a bank\"");
    expect(noticed.failure, noticed.message.text).toBeUndefined();
    const reference = (await t.store.db.case.findFirstOrThrow()).reference;
    const item = await accept(report({ url: "http://192.0.2.60/a", target: { url: "http://192.0.2.60/a", ip: "192.0.2.60" } }));
    const jan = await t.actor("jan.jansen");
    const added = await t.dispatcher.run(jan, `/intake add ${item.reference} ${reference}`);
    expect(added.failure, added.message.text).toBeUndefined();
    expect((await t.store.db.intakeItem.findUniqueOrThrow({ where: { id: item.itemId } })).state).toBe("added");
    const other = await accept(report({ url: "http://192.0.2.61/b", target: { url: "http://192.0.2.61/b", ip: "192.0.2.61" } }));
    const forwarded = await t.dispatcher.run(jan, `/intake forward ${other.reference} anchor-registrar --reason "the domain"`);
    expect(forwarded.failure, forwarded.message.text).toBeUndefined();
    const moved = await t.store.db.intakeItem.findUniqueOrThrow({ where: { id: other.itemId } });
    const anchor = await t.store.db.organisation.findFirstOrThrow({ where: { slug: "anchor-registrar" } });
    expect(moved).toMatchObject({ state: "open", routedToId: anchor.id });
    // Now acme may no longer decide it; anchor's contact may.
    expect((await t.dispatcher.run(jan, `/intake dismiss ${other.reference} --reason x`)).failure).toBe("not-found");
    const dismissed = await t.dispatcher.run(await t.actor("sofie.peeters"), `/intake dismiss ${other.reference} --reason x`);
    expect(dismissed.failure, dismissed.message.text).toBeUndefined();
  });

  test("repeat offenders: past the organisation's threshold the card says so; below it, not", async () => {
    const settings = { ...DEFAULT_ACCEPT_SETTINGS, repeatThreshold: 3 };
    const cards = async () => (await t.store.db.outboxMessage.findMany({ where: { streamKey: { startsWith: "intake:" } }, orderBy: { seq: "asc" } })).map((row) => row.message);
    await accept(report({ type: "phishing" }), settings);
    await accept(report({ type: "malware" }), settings);
    expect((await cards()).join("\n")).not.toContain("Repeat offender");
    await accept(report({ type: "fraud" }), settings);
    expect((await cards()).at(-1)).toContain("Repeat offender: 3 reports about this in 30 days (threshold 3)");
    // The organisation's own threshold wins over the installation's.
    await t.store.db.organisation.updateMany({ where: { slug: "acme-hosting" }, data: { repeatThreshold: 10 } });
    await accept(report({ type: "csam" }), settings);
    expect((await cards()).at(-1)).not.toContain("Repeat offender");
  });

  test("the report's intake figures: received by source and type, decided by decision, time to decision", async () => {
    const first = await accept(report());
    await accept(report());
    t.clock.advance(30 * 60_000);
    await t.dispatcher.run(await t.actor("jan.jansen"), `/intake dismiss ${first.reference} --reason "gone"`);
    const figures = await buildIntakeFigures(t.store.db, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"));
    expect(figures.rows).toEqual([{ organisation: "acme-hosting", received: { "api/content/phishing": 2 }, receivedTotal: 2, decided: { dismissed: 1 }, decisionMedianMs: 30 * 60_000 }]);
    expect(intakeTable(figures)).toContain("acme-hosting: received 2 (api/content/phishing 2); decided: dismissed 1; median time to decision 30 min");
  });
});
