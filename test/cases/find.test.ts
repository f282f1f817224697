// /case find <url|domain|address>: "is this already reported?" The open (with --all, also closed) cases the asker
// may see in full that mention a URL, a domain (with its subdomains) or an address (or a range), through the TLP
// disclosure rule. On both databases.
import { expect } from "vitest";
import { matchCaseQuery, parseCaseQuery } from "../../src/cases/find.js";
import { describeOnBothDatabases } from "../support/cases.js";

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
});
