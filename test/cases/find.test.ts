// /case find <url|domain|address>: "is this already reported?" The open (with --all, also closed) cases the asker
// may see in full that mention a URL, a domain (with its subdomains) or an address (or a range), through the TLP
// disclosure rule. On both databases.
import { expect } from "vitest";
import { matchCaseQuery, parseCaseQuery, type CaseQuery } from "../../src/cases/find.js";
import { CaseQueries } from "../../src/cases/queries.js";
import type { Tx } from "../../src/store/types.js";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

/** The database with the rows each read of cases and of the case URL index returns counted. */
function countingDb(db: Tx): { db: Tx; rows: { case: number; caseUrl: number } } {
  const rows = { case: 0, caseUrl: 0 };
  const counted = (table: "case" | "caseUrl") => {
    const delegate = db[table] as unknown as Record<string, unknown>;
    return new Proxy(delegate, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (property !== "findMany" || typeof value !== "function") return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        return async (...args: unknown[]) => {
          const found = (await (value as (...args: unknown[]) => Promise<unknown[]>).apply(target, args)) as unknown[];
          rows[table] += found.length;
          return found;
        };
      },
    });
  };
  const wrapped = new Proxy(db as unknown as Record<string, unknown>, {
    get(target, property) {
      if (property === "case" || property === "caseUrl") return counted(property);
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: wrapped as unknown as Tx, rows };
}

/** Copies of a case (new id and reference) to the same recipient, each with its own URLs, written to the URL index too. */
async function copies(h: CaseHarness, reference: string, count: number, urlsOf: (index: number) => string[]): Promise<void> {
  const { id: _id, reference: _reference, ...row } = await h.caseRow(reference);
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, offset) => start + offset);
    await h.db.case.createMany({ data: batch.map((index) => ({ ...row, id: `copy-${String(index).padStart(5, "0")}`, reference: `N-2026-${String(5000 + index).padStart(5, "0")}`, fields: JSON.stringify({ ...(JSON.parse(row.fields) as object), urls: urlsOf(index) }) })) });
    await h.db.caseUrl.createMany({ data: batch.flatMap((index) => [...new Set(urlsOf(index))].map((urlKey) => ({ urlKey, caseId: `copy-${String(index).padStart(5, "0")}`, recipientOrgId: row.recipientOrgId }))) });
  }
}

describeOnBothDatabases("/case find", (harness, test) => {
  const open = async (h: ReturnType<typeof harness>, line: string) => {
    const text = await h.ok("sanne.devries", line);
    await h.drain();
    return /([A-Z]-\d{4}-\d{4})/.exec(text)?.[1] ?? "";
  };

  test("finds by URL (normalised), by domain with its subdomains, and by address or range", async () => {
    const h = harness();
    const first = await open(h, '/notice acme-hosting https://Video.Acme-Hosting.example/v/1#t=10 https://other.example/x --reason "incites violence"');
    const second = await open(h, '/notice acme-hosting http://192.0.2.44/p/2 --reason "incites violence"');
    const third = await open(h, '/notice chirp-social https://chirp.example/p/9 --reason "incites violence"');
    const byUrl = await h.ok("sanne.devries", "/case find https://video.acme-hosting.example/v/1");
    expect(byUrl).toContain(first);
    expect(byUrl).not.toContain(second);
    expect(byUrl).toContain("https://video.acme-hosting.example/v/1");
    const byDomain = await h.ok("sanne.devries", "/case find acme-hosting.example.");
    expect(byDomain).toContain(first);
    expect(byDomain).not.toContain(third);
    // A domain does not match another that merely ends in the same letters.
    expect(await h.ok("sanne.devries", "/case find hosting.example")).toContain("No open case you may see mentions hosting.example.");
    expect(await h.ok("sanne.devries", "/case find 192.0.2.44")).toContain(second);
    expect(await h.ok("sanne.devries", "/case find 192.0.2.0/25")).toContain(second);
    expect(await h.ok("sanne.devries", "/case find 192.0.2.128/25")).toContain("No open case you may see mentions 192.0.2.128/25.");
    // The other party sees the same cases; an organisation that is not a party sees none of them.
    expect(await h.ok("jan.jansen", "/case find acme-hosting.example")).toContain(first);
    expect(await h.ok("lena.schmidt", "/case find acme-hosting.example")).toContain("No open case you may see mentions acme-hosting.example.");
  });

  test("closed cases only with --all", async () => {
    const h = harness();
    const reference = await open(h, '/notice acme-hosting https://acme-hosting.example/gone --reason "incites violence"');
    await h.ok("jan.jansen", `/case resolve ${reference} --outcome removed`);
    await h.ok("sanne.devries", `/case close ${reference}`);
    expect(await h.ok("sanne.devries", "/case find https://acme-hosting.example/gone")).toContain("No open case you may see mentions https://acme-hosting.example/gone. Add --all to look at closed cases too.");
    const all = await h.ok("sanne.devries", "/case find https://acme-hosting.example/gone --all");
    expect(all).toContain(reference);
    expect(all).toMatch(/closed/);
  });

  test("a TLP:RED case is found only by the people named on it; AMBER+STRICT only by its parties", async () => {
    const h = harness();
    const red = await open(h, '/notice acme-hosting https://acme-hosting.example/red --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist content" --tlp RED');
    const strict = await open(h, '/notice acme-hosting https://acme-hosting.example/strict --reason "incites violence" --tlp AMBER+STRICT');
    expect(await h.ok("sanne.devries", "/case find acme-hosting.example")).toContain(red);
    expect(await h.ok("jan.jansen", "/case find acme-hosting.example")).toContain(red);
    // Of the recipient, but not named: not even that the URL is in a case.
    const eva = await h.ok("eva.mulder", "/case find https://acme-hosting.example/red");
    expect(eva).not.toContain(red);
    expect(eva).toContain("No open case you may see mentions https://acme-hosting.example/red.");
    expect(await h.ok("eva.mulder", "/case find acme-hosting.example")).toContain(strict);
    // A coordinator of a third organisation: neither.
    const coordinator = await h.ok("demo.coordinator", "/case find acme-hosting.example");
    expect(coordinator).not.toContain(red);
    expect(coordinator).not.toContain(strict);
  });

  test("what is not a URL, domain or address is refused without being echoed; each lower role refused", async () => {
    const h = harness();
    for (const hostile of ["<@U123>", "@room", "@everyone", "\u202eexample.org", "exa\u0007mple.org", "x".repeat(3000)]) {
      const answer = await h.run("sanne.devries", `/case find "${hostile}"`);
      expect(answer.failure, hostile.slice(0, 20)).toBe("bad-arguments");
      expect(answer.message.text).not.toMatch(/<@U123>|@room|@everyone|\u202e|\u0007|x{100}/);
    }
    const long = await h.run("sanne.devries", `/case find ${"a".repeat(100_000)}.example`);
    expect(long.failure).toBe("bad-arguments");
    const unlinked = await h.run({ platform: "slack", workspace: "T0NOBODY", userId: "U0NOBODY" }, "/case find acme-hosting.example");
    expect(unlinked.failure).toBe("not-linked");
  });

  test("matching is linear: 100 URLs of 2,000 characters against a long query", () => {
    const query = parseCaseQuery(`https://acme-hosting.example/${"a".repeat(1900)}`);
    if (!("kind" in query)) throw new Error("query refused");
    const fields = { urls: Array.from({ length: 100 }, (_, index) => `https://acme-hosting.example/${"a".repeat(1900)}${index}`), reason: "x".repeat(4000) };
    const started = performance.now();
    for (let round = 0; round < 20; round += 1) expect(matchCaseQuery(fields, query)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
    const domain = parseCaseQuery("acme-hosting.example");
    if (!("kind" in domain)) throw new Error("query refused");
    expect(matchCaseQuery(fields, domain)).toHaveLength(5);
  });

  test("a URL finds a TLP:RED case for the people named on it only, and an investigation request by its target", async () => {
    const h = harness();
    const red = await open(h, '/notice acme-hosting https://acme-hosting.example/red --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist content" --tlp RED');
    // The index leaves TLP:RED cases out: they are found all the same by their named people.
    expect(await h.db.caseUrl.count({ where: { urlKey: "https://acme-hosting.example/red" } })).toBe(0);
    expect(await h.ok("sanne.devries", "/case find https://ACME-hosting.example/red#top")).toContain(red);
    expect(await h.ok("jan.jansen", "/case find https://acme-hosting.example/red")).toContain(red);
    expect(await h.ok("eva.mulder", "/case find https://acme-hosting.example/red")).not.toContain(red);
    expect(await h.ok("demo.coordinator", "/case find https://acme-hosting.example/red")).not.toContain(red);
    const text = await h.ok("ahmed.elamrani", '/request acme-hosting --target "https://acme-hosting.example/u/42" --data "subscriber data" --basis "Art. 126na Sv"');
    await h.drain();
    const request = /([A-Z]-\d{4}-\d{4})/.exec(text)?.[1] ?? "-";
    expect(await h.ok("ahmed.elamrani", "/case find https://acme-hosting.example/u/42")).toContain(request);
    expect(await h.ok("lena.schmidt", "/case find https://acme-hosting.example/u/42")).not.toContain(request);
  });

  test("with 2,000 cases a URL reads only the cases that hold it; a domain still reads them all", async () => {
    const h = harness();
    const first = await open(h, '/notice acme-hosting https://acme-hosting.example/seed --reason "incites violence"');
    await copies(h, first, 2_000, (index) => (index % 700 === 3 ? ["https://acme-hosting.example/wanted", `https://acme-hosting.example/p/${index}`] : [`https://acme-hosting.example/p/${index}`]));
    const actor = await h.actor("sanne.devries");
    const run = async (raw: string) => {
      const query = parseCaseQuery(raw) as CaseQuery;
      const counting = countingDb(h.db as unknown as Tx);
      const result = await new CaseQueries(counting.db, h.clock, TEST_KEYS).find(actor, query, { all: false, limit: 20 });
      return { result, rows: counting.rows };
    };
    const byUrl = await run("https://acme-hosting.example/wanted");
    expect(byUrl.result.items.map((item) => item.view.reference).sort()).toEqual(["N-2026-05003", "N-2026-05703", "N-2026-06403"]);
    expect(byUrl.result.items.every((item) => item.matches.includes("https://acme-hosting.example/wanted"))).toBe(true);
    expect(byUrl.rows).toEqual({ case: 3, caseUrl: 3 });
    // The same through the command, and nothing for a URL no case holds.
    const answer = await h.ok("sanne.devries", "/case find https://acme-hosting.example/wanted");
    expect(answer).toContain("3 open cases mention https://acme-hosting.example/wanted");
    expect((await run("https://acme-hosting.example/none")).rows).toEqual({ case: 0, caseUrl: 0 });
    // A non-party's coordinator reads the indexed rows but is shown none (the one disclosure rule).
    const outsider = await new CaseQueries(h.db as unknown as Tx, h.clock, TEST_KEYS).find(await h.actor("lena.schmidt"), parseCaseQuery("https://acme-hosting.example/wanted") as CaseQuery, { all: false, limit: 20 });
    expect(outsider.items).toEqual([]);
    const byDomain = await run("acme-hosting.example");
    expect(byDomain.rows.case).toBe(2_001);
    expect(byDomain.result.more).toBe(true);
  }, 60_000);
});
