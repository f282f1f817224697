// Duplicate URLs in one notice are merged (as intake normalises them), and a notice whose URL is already in an open
// case to the same recipient says so in the reply, naming that case only to someone who may see it. On both databases.
import { expect } from "vitest";
import { mergeUrls } from "../../src/cases/duplicates.js";
import { describeOnBothDatabases } from "../support/cases.js";

describeOnBothDatabases("duplicate URLs", (harness, test) => {
  test("the same URL written three ways is stored once, and the reply says so", async () => {
    const h = harness();
    const reply = await h.ok("sanne.devries", '/notice acme-hosting https://acme-hosting.example/v/1 HTTPS://Acme-Hosting.example/v/1#t=3 https://acme-hosting.example/v/2 https://acme-hosting.example/v/1 --reason "incites violence"');
    expect(reply).toContain("2 repeated URLs were merged: the notice holds 2 URLs.");
    const row = await h.caseRow("N-2026-0001");
    expect((JSON.parse(row.fields) as { urls: string[] }).urls).toEqual(["https://acme-hosting.example/v/1", "https://acme-hosting.example/v/2"]);
    // No repeat, no line.
    expect(await h.ok("sanne.devries", '/notice chirp-social https://chirp.example/p/1 --reason "incites violence"')).not.toContain("merged");
  });

  test("a URL already in an open case to the same recipient is pointed out, naming the case to whom may see it", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://acme-hosting.example/v/1 --reason "incites violence"');
    await h.drain();
    const again = await h.ok("pieter.bakker", '/notice acme-hosting https://Acme-Hosting.example/v/1#again https://acme-hosting.example/v/9 --reason "incites violence"');
    expect(again).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting: N-2026-0001.");
    // Another recipient: nothing to say.
    expect(await h.ok("pieter.bakker", '/notice chirp-social https://acme-hosting.example/v/1 --reason "incites violence"')).not.toContain("already in an open case");
  });

  test("a case the opener may not see is mentioned without its reference; a closed case not at all", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://acme-hosting.example/red --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist content" --tlp RED');
    await h.drain();
    const other = await h.ok("ahmed.elamrani", '/notice acme-hosting https://acme-hosting.example/red --reason "incites violence"');
    expect(other).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting that you may not see; its parties will see both.");
    expect(other).not.toContain("R-2026-0001");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    await h.ok("sanne.devries", "/case close R-2026-0001");
    await h.ok("jan.jansen", "/case resolve N-2026-0001 --outcome removed");
    await h.ok("ahmed.elamrani", "/case close N-2026-0001");
    expect(await h.ok("ahmed.elamrani", '/notice acme-hosting https://acme-hosting.example/red --reason "incites violence"')).not.toContain("already in an open case");
  });

  test("merging is by the normalised form and keeps the first as written; text that is not a URL is left to validation", () => {
    expect(mergeUrls(["https://a.example/x?q=1", "https://A.EXAMPLE/x?q=1#f", "https://a.example/x?q=2", "not a url", "not a url"])).toEqual({
      urls: ["https://a.example/x?q=1", "https://a.example/x?q=2", "not a url"],
      merged: 2,
    });
    const many = Array.from({ length: 10_000 }, (_, index) => `https://a.example/${index % 50}`);
    const started = performance.now();
    expect(mergeUrls(many).urls).toHaveLength(50);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("/order merges repeated URLs and points out open cases the same way, and says so", async () => {
    const h = harness();
    const order = (urls: string) => `/order acme-hosting ${urls} --basis "Art. 54a Sr" --reason "offers counterfeit medicines, Art. 174 Sr" --scope "the Netherlands" --redress "objection within 6 weeks (Awb)" --content-type unsafe-products`;
    const reply = await h.ok("ahmed.elamrani", order("https://example.test/p/7 HTTPS://Example.test/p/7#x https://example.test/p/8"));
    expect(reply).toContain("1 repeated URL was merged: the order holds 2 URLs.");
    expect(reply).not.toContain("already in an open case");
    expect((JSON.parse((await h.caseRow("A-2026-0001")).fields) as { urls: string[] }).urls).toEqual(["https://example.test/p/7", "https://example.test/p/8"]);
    await h.drain();
    const again = await h.ok("ahmed.elamrani", order("https://example.test/p/8#again"));
    expect(again).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting: A-2026-0001.");
    expect(again).not.toContain("merged");
    // A TLP:RED case the issuer is not named on: pointed out without its reference.
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/red --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist content" --tlp RED');
    await h.drain();
    const hidden = await h.ok("ahmed.elamrani", order("https://example.test/red"));
    expect(hidden).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting that you may not see; its parties will see both.");
    expect(hidden).not.toContain("R-2026-0001");
    // An Art. 10 order names no URLs: nothing to merge, nothing to point out.
    const info = await h.ok("ahmed.elamrani", '/order chirp-social --kind dsa-info-order --target "@example_user" --data "the e-mail address registered" --basis "Art. 126nc Sv" --reason "identify the author" --redress "complaint (Art. 552a Sv)"');
    expect(info).not.toMatch(/merged|already in an open case/);
  });
});
