// /contacts find on the real databases, against the demo directory (expectations computed from the demo file).
import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import type { FindCriteria, FindResult } from "../../src/directory/queries.js";
import type { Topic } from "../../src/directory/model.js";
import { importDirectory } from "../../src/directory/import.js";
import { createTestCore, demoDirectoryText, describeOnProviders, lazyStore, type TestCore } from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";

interface DemoContact {
  handle: string;
  name: string;
  languages?: string[];
  roles?: Partial<Record<Topic, string>>;
  lastVerifiedAt?: unknown;
}
interface DemoOrganisation {
  slug: string;
  name: string;
  kind: string;
  country: string;
  languages: string[];
  contacts: DemoContact[];
}

const demo = (parseYaml(demoDirectoryText()) as { organisations: DemoOrganisation[] }).organisations;
const slugsWhere = (test: (organisation: DemoOrganisation) => boolean) => demo.filter(test).map((organisation) => organisation.slug).sort();
const slugsOf = (result: FindResult) => result.organisations.map((organisation) => organisation.slug).sort();

/** A directory addition with overlapping ranges, a removed organisation and a removed contact to look for. */
const EXTRA = `
organisations:
  - slug: zz-removed-isp
    name: Vanished Access Provider
    kind: access-provider
    country: FR
    languages: [fr]
    timeZone: Europe/Paris
    responsibilities:
      domains: [vanished.example]
      ipRanges: [203.0.113.0/24, "2001:db8:dead::/48"]
      asns: [AS64999]
    contacts:
      - handle: remy.gone
        name: Remy Vanished
        roles: { notices: primary }
  - slug: big-transit
    name: Big Transit Backbone
    kind: access-provider
    country: BE
    languages: [fr, nl]
    timeZone: Europe/Brussels
    responsibilities:
      ipRanges: [198.18.0.0/15]
    contacts:
      - handle: stays.here
        name: Stays Here
        roles: { general: primary }
        lastVerifiedAt: 2026-01-05
      - handle: leaves.soon
        name: Leaves Zzyzx
        roles: { general: backup, notices: primary }
`;

describeOnProviders("contacts find", (provider, test) => {
  const database = lazyStore(provider);
  let ready: Promise<TestCore> | undefined;
  /** The demo directory plus EXTRA, with one organisation and one contact removed; built once. */
  const setup = () =>
    (ready ??= (async () => {
      const { store } = await database.get();
      const core = await createTestCore(store, { findLimit: 3 });
      const extra = await importDirectory(store.db, core.clock, TEST_KEYS, EXTRA, "yaml", { actor: "test", via: "test" });
      expect(extra.ok).toBe(true);
      const coordinator = await core.actor("demo.coordinator");
      for (const line of ['/contacts remove-org zz-removed-isp --reason "went out of business"', '/contacts remove leaves.soon --reason "left the company"']) {
        expect((await core.dispatcher.run(coordinator, line)).failure).toBeUndefined();
      }
      return core;
    })());
  const find = async (criteria: Omit<FindCriteria, "limit"> & { limit?: number }) =>
    (await setup()).directory.find({ limit: 100, ...criteria });
  const live = (test: (organisation: DemoOrganisation) => boolean) => slugsWhere(test);

  test("finds organisations by a fragment of their name, in any case", async () => {
    expect(slugsOf(await find({ query: "acm" }))).toEqual(["acme-hosting"]);
    expect(slugsOf(await find({ query: "ACME Hosting" }))).toEqual(["acme-hosting"]);
    expect(slugsOf(await find({ query: "chirp social" }))).toEqual(["chirp-social"]);
    const result = await find({ query: "hotline" });
    expect(result.matchedBy).toBe("name");
    expect(slugsOf(result)).toEqual(["safeweb-hotline"]);
  });

  test("finds organisations by slug, the exact slug first", async () => {
    expect(slugsOf(await find({ query: "de-cert" }))).toEqual(["de-cert"]);
    const result = await find({ query: "nl-iru" });
    expect(result.organisations[0]?.slug).toBe("nl-iru");
  });

  test("finds an organisation by its contacts' names and handles", async () => {
    expect(slugsOf(await find({ query: "Mulder" }))).toEqual(["acme-hosting"]);
    expect(slugsOf(await find({ query: "felix" }))).toEqual(["chirp-social"]);
    expect(slugsOf(await find({ query: "lotte.visser" }))).toEqual(["nl-police-cyber"]);
    expect(slugsOf(await find({ query: "no-such-person-anywhere" }))).toEqual([]);
  });

  test("finds who is responsible for a domain and its subdomains", async () => {
    for (const query of ["acme-hosting.example", "www.acme-hosting.example", "a.b.acme-cdn.example", "ACME-HOSTING.EXAMPLE"]) {
      const result = await find({ query });
      expect(result.matchedBy, query).toBe("domain");
      expect(slugsOf(result), query).toEqual(["acme-hosting"]);
    }
    expect(slugsOf(await find({ query: "mail.chirp.example" }))).toEqual(["chirp-social"]);
    // A pasted URL is looked up by its host.
    for (const query of ["https://www.acme-hosting.example/bad/page.html?x=1", "http://acme-cdn.example:8080", "HTTPS://ACME-HOSTING.EXAMPLE/"]) {
      const result = await find({ query });
      expect(result.matchedBy, query).toBe("domain");
      expect(slugsOf(result), query).toEqual(["acme-hosting"]);
    }
    // A domain nobody is responsible for is not matched by its last label.
    expect(slugsOf(await find({ query: "nobody-here.example" }))).toEqual([]);
  });

  test("finds who is responsible for an IPv4 address inside a range, edges included", async () => {
    for (const query of ["192.0.2.77", "192.0.2.0", "192.0.2.255"]) {
      const result = await find({ query });
      expect(result.matchedBy, query).toBe("ip");
      expect(slugsOf(result), query).toEqual(["acme-hosting"]);
    }
    for (const query of ["192.0.1.255", "192.0.3.0", "10.0.0.1"]) expect(slugsOf(await find({ query })), query).toEqual([]);
    // A wide range (a /15) contains addresses far from where it starts.
    expect(slugsOf(await find({ query: "198.19.254.1" }))).toEqual(["big-transit"]);
  });

  test("reads a fully qualified domain name's trailing dot as the same domain", async () => {
    for (const query of ["acme-hosting.example.", "www.acme-hosting.example.", "https://acme-hosting.example./page"]) {
      const result = await find({ query });
      expect(result.matchedBy, query).toBe("domain");
      expect(slugsOf(result), query).toEqual(["acme-hosting"]);
    }
    expect(slugsOf(await find({ query: "nobody-here.example." }))).toEqual([]);
  });

  test("finds who is responsible for a range: ranges containing it and ranges inside it", async () => {
    for (const query of ["192.0.2.0/25", "192.0.2.128/25", "192.0.2.0/24", "192.0.2.44/32"]) {
      const result = await find({ query });
      expect(result.matchedBy, query).toBe("ip");
      expect(slugsOf(result), query).toEqual(["acme-hosting"]);
    }
    // A wider range than any held finds the ranges inside it, and only those.
    expect(slugsOf(await find({ query: "192.0.0.0/16" }))).toEqual(["acme-hosting"]);
    expect(slugsOf(await find({ query: "198.0.0.0/8" }))).toEqual(["big-transit"]);
    expect(slugsOf(await find({ query: "2001:db8:ac3e:1::/64" }))).toEqual(["acme-hosting"]);
    for (const query of ["192.0.3.0/24", "10.0.0.0/8", "2001:db8:ac3f::/48"]) expect(slugsOf(await find({ query })), query).toEqual([]);
    // A removed organisation's range is not found.
    expect(slugsOf(await find({ query: "203.0.113.0/25" }))).toEqual([]);
  });

  test("finds who is responsible for an IPv6 address", async () => {
    for (const query of ["2001:db8:ac3e::1", "2001:db8:ac3e:ffff:ffff:ffff:ffff:ffff", "2001:DB8:AC3E:0:0:0:0:10"]) {
      const result = await find({ query });
      expect(result.matchedBy, query).toBe("ip");
      expect(slugsOf(result), query).toEqual(["acme-hosting"]);
    }
    expect(slugsOf(await find({ query: "2001:db8:ac3f::1" }))).toEqual([]);
    // An IPv4 address is not inside an IPv6 range, nor the other way round.
    expect(slugsOf(await find({ query: "::1" }))).toEqual([]);
  });

  test("finds who is responsible for an AS number", async () => {
    for (const query of ["AS64500", "as64500"]) {
      const result = await find({ query });
      expect(result.matchedBy, query).toBe("asn");
      expect(slugsOf(result), query).toEqual(["acme-hosting"]);
    }
    expect(slugsOf(await find({ query: "AS64501" }))).toEqual(["chirp-social"]);
    expect(slugsOf(await find({ query: "AS64502" }))).toEqual([]);
  });

  test("filters by country, kind and language", async () => {
    expect(slugsOf(await find({ country: "DE" }))).toEqual(live((organisation) => organisation.country === "DE"));
    expect(slugsOf(await find({ kind: "hosting" }))).toEqual(live((organisation) => organisation.kind === "hosting"));
    expect(slugsOf(await find({ kind: "access-provider" }))).toEqual(["big-transit"]);
    expect(slugsOf(await find({ language: "fr" }))).toEqual([...live((organisation) => organisation.languages.includes("fr")), "big-transit"].sort());
    expect(slugsOf(await find({ language: "de", country: "DE" }))).toEqual(
      live((organisation) => organisation.languages.includes("de") && organisation.country === "DE"),
    );
    expect(slugsOf(await find({ query: "acme", country: "NL", kind: "hosting" }))).toEqual(["acme-hosting"]);
    expect(slugsOf(await find({ query: "acme", country: "DE" }))).toEqual([]);
  });

  test("filters by topic: only organisations with a contact for it, and only those contacts", async () => {
    for (const topic of ["removal-orders", "data-sharing", "investigations"] as const) {
      const result = await find({ topic });
      expect(slugsOf(result), topic).toEqual(live((organisation) => organisation.contacts.some((contact) => contact.roles?.[topic] !== undefined)));
      for (const organisation of result.organisations) {
        const expected = demo.find((candidate) => candidate.slug === organisation.slug)?.contacts.filter((contact) => contact.roles?.[topic]);
        expect(organisation.contacts.map((contact) => contact.handle).sort()).toEqual(expected?.map((contact) => contact.handle).sort());
      }
    }
    // A removed contact does not count for its topic.
    expect(slugsOf(await find({ topic: "notices", kind: "access-provider" }))).toEqual([]);
  });

  test("lists verified contacts before unverified and pending ones", async () => {
    const core = await setup();
    // Mark one verified contact as unverified (what the verification job will do).
    await core.store.db.contact.update({ where: { handle: "eva.mulder" }, data: { verification: "unverified" } });
    try {
      const result = await find({});
      let checked = 0;
      for (const organisation of result.organisations) {
        const states = organisation.contacts.map((contact) => contact.verification);
        const firstOther = states.findIndex((state) => state !== "verified");
        const lastVerified = states.lastIndexOf("verified");
        if (firstOther >= 0 && lastVerified >= 0) {
          expect(lastVerified, `${organisation.slug}: ${states.join(", ")}`).toBeLessThan(firstOther);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(0);
      const acme = result.organisations.find((organisation) => organisation.slug === "acme-hosting");
      expect(acme?.contacts.map((contact) => contact.handle)).toEqual(["jan.jansen", "tom.hendriks", "eva.mulder"]);
      const text = (await core.dispatcher.run(await core.actor("eva.mulder"), "/contacts find acme-hosting")).message.text;
      expect(text.indexOf("jan.jansen")).toBeLessThan(text.indexOf("tom.hendriks"));
      expect(text.indexOf("tom.hendriks")).toBeLessThan(text.indexOf("eva.mulder"));
    } finally {
      await core.store.db.contact.update({ where: { handle: "eva.mulder" }, data: { verification: "verified" } });
    }
  });

  test("stops at the limit and says that more matched", async () => {
    const all = await find({});
    const liveCount = demo.length + 1;
    expect(all.organisations).toHaveLength(liveCount);
    expect(all.more).toBe(false);
    const limited = await find({ limit: 3 });
    expect(limited.organisations).toHaveLength(3);
    expect(limited.more).toBe(true);
    const exact = await find({ limit: liveCount });
    expect(exact.more).toBe(false);
    const core = await setup();
    const text = (await core.dispatcher.run(await core.actor("demo.coordinator"), "/contacts find")).message.text;
    expect(core.loaded.config.directory.findLimit).toBe(3);
    expect(text).toContain("3+ organisations");
    expect(text).toContain("More match");
  });

  test("hides removed organisations and contacts, which stay in the database", async () => {
    const core = await setup();
    for (const query of ["vanished", "zz-removed-isp", "vanished.example", "203.0.113.9", "2001:db8:dead::1", "AS64999", "Remy"]) {
      expect(slugsOf(await find({ query })), query).toEqual([]);
    }
    expect(slugsOf(await find({ country: "FR" }))).toEqual([]);
    expect(slugsOf(await find({ query: "Zzyzx" }))).toEqual([]);
    const transit = (await find({ query: "big-transit" })).organisations[0];
    expect(transit?.contacts.map((contact) => contact.handle)).toEqual(["stays.here"]);
    expect(await core.directory.organisation("zz-removed-isp")).toBeUndefined();
    const removed = await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "zz-removed-isp" } });
    expect(removed.removedAt).not.toBeNull();
    expect(removed.removedBy).toBe("demo.coordinator");
    const gone = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "leaves.soon" } });
    expect(gone.removedAt).not.toBeNull();
  });

  test("answers /contacts find through the dispatcher, saying how the query was understood", async () => {
    const core = await setup();
    const actor = await core.actor("eva.mulder");
    const byDomain = (await core.dispatcher.run(actor, "/contacts find www.acme-hosting.example")).message.text;
    expect(byDomain).toContain("responsible for that domain");
    expect(byDomain).toContain("[acme-hosting]");
    const byTopic = (await core.dispatcher.run(actor, "/contacts find chirp --topic investigations")).message.text;
    expect(byTopic).toContain("Felix Wagner (felix.wagner)");
    expect(byTopic).not.toContain("Lena Schmidt");
    const nothing = await core.dispatcher.run(actor, "/contacts find 10.1.2.3");
    expect(nothing.failure).toBeUndefined();
    expect(nothing.message.text).toContain("No organisation matches");
    expect(provider).toBe(core.store.provider);
  });
});
