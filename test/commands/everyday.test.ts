// What a person trips over in everyday use: options that did nothing and said nothing, a slug that names nobody,
// validation messages in zod's words. Through the dispatcher, on both databases.
import { expect } from "vitest";
import { describeOnBothDatabases } from "../support/cases.js";

describeOnBothDatabases("everyday answers", (harness, test) => {
  test("--channel-topic without --channel is refused with what to write; an unknown topic lists the topics", async () => {
    const h = harness();
    const alone = await h.run("jan.jansen", "/contacts edit-org acme-hosting --channel-topic removal-orders");
    expect(alone.failure).toBe("bad-arguments");
    expect(alone.message.text).toContain("--channel-topic says which topic a --channel is for, and no --channel was given.");
    expect(alone.message.text).toContain('--channel "slack T0123 C0456" --channel-topic removal-orders');
    const unknown = await h.run("jan.jansen", '/contacts edit-org acme-hosting --channel "console zz-other" --channel-topic removals');
    expect(unknown.message.text).toContain("--channel-topic: must be one of: notices, removal-orders, investigations, data-sharing, general, *");
    expect(unknown.message.text).not.toContain("Invalid input");
    // Nothing changed.
    const shown = await h.run("jan.jansen", "/contacts show acme-hosting");
    expect(shown.message.text).not.toContain("console zz-other");
  });

  test("removing a domain, range, AS number or closed day the organisation does not hold says so and changes nothing", async () => {
    const h = harness();
    const domain = await h.run("jan.jansen", "/contacts edit-org acme-hosting --remove-domain nosuch.example --add-domain new.example");
    expect(domain.failure).toBe("bad-arguments");
    expect(domain.message.text).toContain("--remove-domain: acme-hosting has no domain nosuch.example, so nothing was changed.");
    expect(domain.message.text).toContain("Its domains: acme-cdn.example, acme-hosting.example.");
    expect((await h.run("jan.jansen", "/contacts show acme-hosting")).message.text).not.toContain("new.example");
    expect((await h.run("jan.jansen", "/contacts edit-org acme-hosting --remove-ip 10.0.0.0/8")).message.text).toContain("--remove-ip: acme-hosting has no IP range 10.0.0.0/8");
    expect((await h.run("jan.jansen", "/contacts edit-org acme-hosting --remove-asn AS1")).message.text).toContain("--remove-asn: acme-hosting has no AS number AS1");
    expect((await h.run("jan.jansen", "/contacts edit-org acme-hosting --remove-holiday 2026-12-24")).message.text).toContain("has no closed day 2026-12-24");
    // What it does hold is removed, in any case.
    expect((await h.run("jan.jansen", "/contacts edit-org acme-hosting --remove-domain ACME-CDN.example")).failure).toBeUndefined();
    expect((await h.run("jan.jansen", "/contacts show acme-hosting")).message.text).not.toContain("acme-cdn.example");
  });

  test("--org with a slug that names no organisation says so, with the nearest slug", async () => {
    const h = harness();
    const typo = await h.run("sanne.devries", "/case list --org acme-hostng");
    expect(typo.failure).toBe("not-found");
    expect(typo.message.text).toBe('✗ No such organisation "acme-hostng".\nDid you mean acme-hosting?');
    const none = await h.run("sanne.devries", "/case list --org nosuch");
    expect(none.message.text).toContain('No such organisation "nosuch".');
    expect((await h.run("sanne.devries", "/case list --org acme-hosting")).message.text).toBe("No case matches.");
    // Hostile text is capped and shown inert.
    const hostile = await h.run("sanne.devries", `/case list --org "\u001b[2J${"x".repeat(100)}"`);
    expect(hostile.failure).toBe("bad-arguments");
    expect(hostile.message.text).toContain("--org: is too long: at most 64 characters");
    expect(hostile.message.text).not.toContain("\u001b");
  });

  test("validation messages name the option as typed and say what is expected in words", async () => {
    const h = harness();
    const empty = await h.run("jan.jansen", '/contacts add piet.test --org acme-hosting --name ""');
    expect(empty.message.text).toContain("--name: must not be empty");
    expect(empty.message.text).not.toMatch(/Too small|expected string/);
    const long = await h.run("jan.jansen", `/contacts add piet.test --org acme-hosting --name "${"n".repeat(300)}"`);
    expect(long.message.text).toContain("--name: is too long: at most 200 characters (this one has 300)");
    const languages = await h.run("jan.jansen", "/contacts add piet.test --org acme-hosting --name Piet --languages nl,12345");
    expect(languages.message.text).toContain('--languages "12345": expected a two-letter ISO 639-1 language code such as en, nl or de');
    expect(languages.message.text).not.toContain("languages.1");
    const domain = await h.run("jan.jansen", "/contacts edit-org acme-hosting --add-domain not_a_domain");
    expect(domain.message.text).toMatch(/^✗ --add-domain "not_a_domain": /);
    const limit = await h.run("jan.jansen", "/case list --limit abc");
    expect(limit.message.text).toContain('--limit: must be a number, e.g. 10, not "abc"');
  });

  test("kinds read as words in a sentence: an investigation request, a removal order (TCO)", async () => {
    const h = harness();
    const refused = await h.run("demo.coordinator", "/request acme-hosting --kind investigation-request --target x");
    expect(refused.message.text).not.toContain("a investigation");
    expect(refused.message.text).toMatch(/cannot issue an investigation request\./);
    const outcome = await h.run("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Regulation Art. 3" --reason "terrorist propaganda"');
    expect(outcome.failure, outcome.message.text).toBeUndefined();
    await h.drain();
    const wrong = await h.run("jan.jansen", "/case resolve R-2026-0001 --outcome no-action");
    expect(wrong.message.text).toContain('"no-action" is not an outcome of a removal order (TCO).');
  });
});
