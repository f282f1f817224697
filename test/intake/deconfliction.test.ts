// De-confliction against cases opened with a plain /notice: a reported URL already in an open case towards the same
// recipient is named on the item's card (matched by the normalised URL in the CaseUrl index); the same URL in a case
// towards another organisation, in a closed case or in a TLP:RED case, is not; on SQLite and PostgreSQL.
import { beforeEach, expect } from "vitest";
import { acceptIntakeReportInStore } from "../../src/intake/accept.js";
import { intakeReportSchema } from "../../src/intake/report.js";
import { caseUrlKeys } from "../../src/cases/repository.js";
import { createTestCore, describeOnProviders, lazyStore, type TestCore } from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";

const report = (url: string) =>
  intakeReportSchema.parse({ source: "api", format: "xarf-v4", sourceReportId: crypto.randomUUID(), category: "content", type: "phishing", target: { url }, occurredAt: new Date("2026-11-20T09:00:00Z"), summary: "phishing" });

describeOnProviders("de-confliction with cases opened by /notice", (provider, test) => {
  const db = lazyStore(provider);
  let t: TestCore;
  const lastCard = async () => (await t.store.db.outboxMessage.findMany({ where: { streamKey: { startsWith: "intake:" } }, orderBy: { seq: "asc" } })).at(-1)?.message ?? "";
  const accept = (url: string) => acceptIntakeReportInStore(t.store, t.clock, TEST_KEYS, { report: report(url), receivedVia: "test" });

  beforeEach(async () => {
    const opened = await db.get();
    await opened.reset();
    t = await createTestCore(opened.store);
  });

  test("a URL in an open /notice towards the same recipient is matched, written differently; another recipient's or a closed case is not", async () => {
    const sanne = await t.actor("sanne.devries");
    const noticed = await t.dispatcher.run(sanne, '/notice acme-hosting https://shop.acme-hosting.example/fake?id=1 https://chirp.example/p/9 --reason "phishing page for a bank"');
    expect(noticed.failure, noticed.message.text).toBeUndefined();
    const opened = await t.store.db.case.findFirstOrThrow();
    const acme = await t.store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
    expect((await t.store.db.caseUrl.findMany({ orderBy: { urlKey: "asc" } })).map((row) => [row.urlKey, row.caseId, row.recipientOrgId])).toEqual([
      ["https://chirp.example/p/9", opened.id, acme.id],
      ["https://shop.acme-hosting.example/fake?id=1", opened.id, acme.id],
    ]);
    t.clock.advance(60_000);
    const same = await accept("HTTPS://Shop.Acme-Hosting.example:443/fake?id=1");
    expect(same.routedToId).toBe(acme.id);
    expect(await lastCard()).toContain(`Already open as ${opened.reference} (since 2026-11-20 10:00 UTC, by`);
    // chirp.example routes to Chirp: the case about that URL went to Acme, so it is not Chirp's conflict.
    const elsewhere = await accept("https://chirp.example/p/9");
    expect(elsewhere.routedToId).not.toBe(acme.id);
    expect(await lastCard()).not.toContain("Already open");
    // Closed: no longer matched.
    await t.store.db.case.update({ where: { id: opened.id }, data: { state: "closed" } });
    await accept("https://shop.acme-hosting.example/fake?id=1&x=2");
    await accept("https://shop.acme-hosting.example/fake?id=1#frag");
    expect(await lastCard()).not.toContain("Already open");
    // A TLP:RED case's URLs are not indexed: no card names it.
    const red = await t.dispatcher.run(sanne, '/notice acme-hosting https://red.acme-hosting.example/x --tlp RED --reason "phishing page for a bank"');
    expect(red.failure, red.message.text).toBeUndefined();
    expect(await t.store.db.caseUrl.count({ where: { urlKey: "https://red.acme-hosting.example/x" } })).toBe(0);
    await accept("https://red.acme-hosting.example/x");
    expect(await lastCard()).not.toContain("Already open");
  });

  test("the index takes a case's URLs normalised, each once, and nothing from fields that are not JSON", () => {
    expect(caseUrlKeys(JSON.stringify({ urls: ["https://A.example/x", "https://a.example:443/x", "not a url", 7], url: "http://b.example/" }))).toEqual(["https://a.example/x", "http://b.example"]);
    expect(caseUrlKeys("{")).toEqual([]);
    expect(caseUrlKeys(JSON.stringify({ urls: Array.from({ length: 500 }, (_, index) => `https://x.example/${index}`) }))).toHaveLength(100);
  });
});
