// The case URL index for cases opened before it existed: backfilled once (TLP:RED cases stay out), after which
// `/case find <url>` finds them again; a second run changes nothing. On both databases.
import { expect } from "vitest";
import { backfillCaseUrls, CASE_URL_BACKFILL_COUNTER } from "../../src/cases/url-index.js";
import { describeOnBothDatabases } from "../support/cases.js";

describeOnBothDatabases("case URL index backfill", (harness, test) => {
  test("older cases are indexed once, RED ones not; /case find by URL finds them afterwards", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://old.example/a https://old.example/b --reason "incites violence"');
    await h.ok("sanne.devries", '/notice acme-hosting https://old.example/red --reason "incites violence" --tlp RED');
    await h.ok("sanne.devries", '/notice chirp-social https://chirp.example/p/1 --reason "incites violence"');
    // As on a database from before the index: no rows, no mark.
    await h.db.caseUrl.deleteMany({});
    await h.db.counter.deleteMany({ where: { name: CASE_URL_BACKFILL_COUNTER } });
    expect(await h.ok("sanne.devries", "/case find https://old.example/a")).toContain("No open case you may see mentions");

    expect(await backfillCaseUrls(h.db)).toBe(2);
    const rows = await h.db.caseUrl.findMany({ orderBy: { urlKey: "asc" } });
    expect(rows.map((row) => row.urlKey)).toEqual(["https://chirp.example/p/1", "https://old.example/a", "https://old.example/b"]);
    expect(await h.ok("sanne.devries", "/case find https://old.example/a")).toContain("N-2026-0001");
    // The named people of the RED case still find it (by the scan kept for them), others do not learn of it.
    expect(await h.ok("sanne.devries", "/case find https://old.example/red")).toContain("N-2026-0002");
    expect(await h.ok("lena.schmidt", "/case find https://old.example/red")).toContain("No open case you may see mentions");

    // Done once: a second run, or a case indexed at opening meanwhile, is left alone.
    await h.ok("sanne.devries", '/notice acme-hosting https://new.example/c --reason "incites violence"');
    expect(await backfillCaseUrls(h.db)).toBe(0);
    expect(await h.db.caseUrl.count()).toBe(4);
  });
});
