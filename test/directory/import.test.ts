// Directory import and export on the real databases: formats, idempotence, round trips, and broken files.
import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { ManualClock } from "../../src/core/clock.js";
import { exportDirectory, formatFileProblem, importDirectory, type ImportResult } from "../../src/directory/import.js";
import type { DirectoryFormat } from "../../src/directory/file-format.js";
import type { Store } from "../../src/store/db.js";
import {
  demoDirectoryText,
  describeOnProviders,
  lazyStore,
  resetStore,
  restoreStore,
  snapshotStore,
  TEST_START,
  type StoreSnapshot,
} from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";

const clock = new ManualClock(TEST_START);
const WHO = { actor: "operator", via: "test" };

interface DemoFile {
  organisations: { slug: string; name: string; contacts?: { handle: string }[] }[];
}
const demo = parseYaml(demoDirectoryText()) as DemoFile;
const DEMO_ORGANISATIONS = demo.organisations.length;
const DEMO_CONTACTS = demo.organisations.reduce((sum, organisation) => sum + (organisation.contacts?.length ?? 0), 0);

/** The 1-based line of the first line of `text` that contains `fragment`. */
function lineOf(text: string, fragment: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(fragment));
  if (index < 0) throw new Error(`"${fragment}" is not in the text`);
  return index + 1;
}

async function counts(store: Store) {
  const db = store.db;
  return {
    organisations: await db.organisation.count(),
    contacts: await db.contact.count(),
    roles: await db.contactRole.count(),
    identities: await db.chatIdentity.count(),
    responsibilities: await db.responsibility.count(),
    channels: await db.caseChannel.count(),
    audit: await db.auditEntry.count(),
  };
}

function imported(result: ImportResult) {
  if (!result.ok) throw new Error(`import failed:\n${result.problems.map(formatFileProblem).join("\n")}`);
  return result;
}

function problemsOf(result: ImportResult) {
  if (result.ok) throw new Error("the import was accepted");
  return result.problems;
}

/** A CSV written by hand: two organisations, three contacts, one of them on a row of its own organisation. */
const CSV = [
  "org_slug,org_name,org_kind,org_country,org_time_zone,org_languages,org_domains,org_ip_ranges,org_asns,org_channels,contact_handle,contact_name,contact_email,contact_phone,contact_roles,contact_org_admin,contact_identities,contact_last_verified_at",
  'csv-hosting,"CSV Hosting, Ltd",hosting,IE,Europe/Dublin,en;ga,csv-hosting.example,198.51.100.0/24,AS64510,*=slack:T0CSV:C0CASES,aoife.byrne,Aoife Byrne,aoife@csv-hosting.example,+353015550101,notices:primary;removal-orders:backup,true,slack:T0CSV:U0AOIFE,2026-05-01',
  'csv-hosting,"CSV Hosting, Ltd",hosting,IE,Europe/Dublin,en;ga,csv-hosting.example,198.51.100.0/24,AS64510,*=slack:T0CSV:C0CASES,sean.walsh,Seán Walsh,,,removal-orders:primary,false,matrix::@sean:csv-hosting.example,',
  "csv-cert,CSV CERT,cert,IE,Europe/Dublin,en,,,,,,,,,,,,",
].join("\n");

describeOnProviders("directory import and export", (provider, test) => {
  const first = lazyStore(provider);
  const second = lazyStore(provider);
  /** Both databases emptied. */
  const fresh = async () => {
    const [a, b] = [(await first.get()).store, (await second.get()).store];
    await resetStore(a);
    await resetStore(b);
    return [a, b] as const;
  };
  let demoImported: Promise<StoreSnapshot> | undefined;
  /** Both databases emptied, then the demo directory put into the first: imported once, restored after that. */
  const withDemo = async () => {
    const [a, b] = await fresh();
    demoImported ??= (async () => {
      imported(await importDirectory(a.db, clock, TEST_KEYS, demoDirectoryText(), "yaml", WHO));
      return snapshotStore(a);
    })();
    await restoreStore(a, await demoImported);
    return [a, b] as const;
  };

  test("imports YAML: every organisation, contact, role, responsibility, channel and identity", async () => {
    const [store] = await fresh();
    const result = imported(await importDirectory(store.db, clock, TEST_KEYS, demoDirectoryText(), "yaml", WHO));
    expect(result.organisations).toEqual({ created: DEMO_ORGANISATIONS, updated: 0 });
    expect(result.contacts).toEqual({ created: DEMO_CONTACTS, updated: 0 });
    const acme = await store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" }, include: { responsibilities: true, contacts: { include: { roles: true } } } });
    expect(acme).toMatchObject({ name: demo.organisations.find((organisation) => organisation.slug === "acme-hosting")?.name, kind: "hosting", country: "NL", emergency24x7: true });
    expect(acme.responsibilities.map((item) => `${item.type}:${item.value}`).sort()).toEqual(
      ["asn:AS64500", "domain:acme-cdn.example", "domain:acme-hosting.example", "ip:192.0.2.0/24", "ip:2001:db8:ac3e::/48"].sort(),
    );
    const jan = acme.contacts.find((contact) => contact.handle === "jan.jansen");
    expect(jan?.roles.map((role) => `${role.topic}:${role.role}`).sort()).toEqual(["investigations:backup", "notices:primary", "removal-orders:primary"]);
    expect(jan).toMatchObject({ orgAdmin: true, verification: "verified", phone: "+31205550303" });
    expect(jan?.lastVerifiedAt?.toISOString().slice(0, 10)).toBe("2026-07-11");
    const tom = acme.contacts.find((contact) => contact.handle === "tom.hendriks");
    expect(tom).toMatchObject({ verification: "pending", lastVerifiedAt: null });
    const entry = await store.db.auditEntry.findFirstOrThrow({ where: { action: "directory.import" } });
    expect(entry).toMatchObject({ actor: "operator", via: "test", result: "ok" });
  });

  test("imports JSON, to the same directory as the same data in YAML", async () => {
    const [a, b] = await withDemo();
    const json = JSON.stringify(parseYaml(demoDirectoryText()));
    const result = imported(await importDirectory(b.db, clock, TEST_KEYS, json, "json", WHO));
    expect(result.organisations.created).toBe(DEMO_ORGANISATIONS);
    expect(result.contacts.created).toBe(DEMO_CONTACTS);
    expect(await exportDirectory(b.db, "yaml")).toBe(await exportDirectory(a.db, "yaml"));
    // A bare list of organisations is accepted too.
    await resetStore(b);
    imported(await importDirectory(b.db, clock, TEST_KEYS, JSON.stringify(demo.organisations), "json", WHO));
    expect(await b.db.organisation.count()).toBe(DEMO_ORGANISATIONS);
  });

  test("imports CSV, one row per contact", async () => {
    const [store] = await fresh();
    const result = imported(await importDirectory(store.db, clock, TEST_KEYS, CSV, "csv", WHO));
    expect(result.organisations).toEqual({ created: 2, updated: 0 });
    expect(result.contacts).toEqual({ created: 2, updated: 0 });
    const organisation = await store.db.organisation.findUniqueOrThrow({
      where: { slug: "csv-hosting" },
      include: { responsibilities: true, channels: true, contacts: { include: { roles: true, identities: true } } },
    });
    expect(organisation).toMatchObject({ name: "CSV Hosting, Ltd", country: "IE", languages: "en,ga", timeZone: "Europe/Dublin" });
    expect(organisation.responsibilities.map((item) => item.value).sort()).toEqual(["198.51.100.0/24", "AS64510", "csv-hosting.example"]);
    expect(organisation.channels).toEqual([expect.objectContaining({ topic: "*", platform: "slack", workspace: "T0CSV", channelId: "C0CASES" })]);
    const byHandle = new Map(organisation.contacts.map((contact) => [contact.handle, contact]));
    expect(byHandle.get("aoife.byrne")).toMatchObject({ name: "Aoife Byrne", orgAdmin: true, phone: "+353015550101", verification: "verified" });
    expect(byHandle.get("aoife.byrne")?.identities.map((identity) => `${identity.platform}:${identity.workspace}:${identity.userId}`)).toEqual(["slack:T0CSV:U0AOIFE"]);
    expect(byHandle.get("sean.walsh")).toMatchObject({ name: "Seán Walsh", email: null, verification: "pending" });
    expect(byHandle.get("sean.walsh")?.identities.map((identity) => identity.userId)).toEqual(["@sean:csv-hosting.example"]);
    expect(byHandle.get("sean.walsh")?.roles.map((role) => `${role.topic}:${role.role}`)).toEqual(["removal-orders:primary"]);
    expect(await store.db.contact.count({ where: { organisation: { slug: "csv-cert" } } })).toBe(0);
  });

  test("is idempotent: a second import creates nothing, updates everything and changes no data", async () => {
    const [store] = await withDemo();
    const before = { export: await exportDirectory(store.db, "yaml"), counts: await counts(store) };
    const again = imported(await importDirectory(store.db, clock, TEST_KEYS, demoDirectoryText(), "yaml", WHO));
    expect(again.organisations).toEqual({ created: 0, updated: DEMO_ORGANISATIONS });
    expect(again.contacts).toEqual({ created: 0, updated: DEMO_CONTACTS });
    expect(await exportDirectory(store.db, "yaml")).toBe(before.export);
    expect(await counts(store)).toEqual({ ...before.counts, audit: before.counts.audit + 1 });
  });

  for (const format of ["yaml", "json", "csv"] as const satisfies readonly DirectoryFormat[]) {
    test(`round-trips ${format}: export, import into an empty database, export again gives the same text`, async () => {
      const [a, b] = await withDemo();
      imported(await importDirectory(a.db, clock, TEST_KEYS, CSV, "csv", WHO));
      const exported = await exportDirectory(a.db, format);
      const result = imported(await importDirectory(b.db, clock, TEST_KEYS, exported, format, WHO));
      expect(result.organisations.created).toBe(DEMO_ORGANISATIONS + 2);
      expect(result.contacts.created).toBe(DEMO_CONTACTS + 2);
      expect(await exportDirectory(b.db, format)).toBe(exported);
      const { audit: _a, ...countsA } = await counts(a);
      const { audit: _b, ...countsB } = await counts(b);
      expect(countsB).toEqual(countsA);
      // The other formats agree too: the same directory, whatever format carried it.
      expect(await exportDirectory(b.db, "yaml")).toBe(await exportDirectory(a.db, "yaml"));
    });
  }

  test("a YAML file with bad records reports every problem with record and line, and imports nothing", async () => {
    const [store] = await withDemo();
    const before = await counts(store);
    const text = `version: 1
organisations:
  - slug: good-one
    name: Good One
    kind: hosting
    country: NL
    timeZone: Europe/Amsterdam
    contacts:
      - handle: good.person
        name: Good Person
  - slug: bad-kind
    name: Bad Kind
    kind: bakery
    country: NL
    timeZone: Europe/Amsterdam
  - slug: bad-email
    name: Bad Email
    kind: ngo
    country: NL
    timeZone: Europe/Amsterdam
    contacts:
      - handle: ok.person
        name: OK Person
      - handle: bad.person
        name: Bad Person
        email: not-an-email
  - slug: good-one
    name: The same slug again
    kind: cert
    country: DE
    timeZone: Europe/Berlin
  - slug: also-good
    name: Also Good
    kind: cert
    country: DE
    timeZone: Europe/Berlin
`;
    const problems = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, text, "yaml", WHO));
    expect(problems).toHaveLength(3);
    const find = (pattern: RegExp) => problems.find((problem) => pattern.test(problem.message));
    expect(find(/bad-kind/)).toMatchObject({ record: 2, line: lineOf(text, "slug: bad-kind") });
    expect(find(/bad-kind/)?.message).toMatch(/kind/);
    expect(find(/bad-email/)).toMatchObject({ record: 3, line: lineOf(text, "handle: bad.person") });
    expect(find(/bad-email/)?.message).toMatch(/email/i);
    const duplicate = problems.find((problem) => problem.record === 4);
    expect(duplicate?.line).toBe(text.split("\n").lastIndexOf("  - slug: good-one") + 1);
    expect(duplicate?.message).toMatch(/good-one.*record 1/);
    for (const problem of problems) expect(formatFileProblem(problem)).toMatch(/^record \d, line \d+: /);
    expect(await counts(store)).toEqual(before);
    for (const slug of ["good-one", "also-good", "bad-email"]) expect(await store.db.organisation.findUnique({ where: { slug } })).toBeNull();
    expect(await store.db.contact.findUnique({ where: { handle: "good.person" } })).toBeNull();
  });

  test("a CSV file with a bad contact row reports that row's line, also after blank lines and cells spanning lines", async () => {
    const [store] = await fresh();
    const header = "org_slug,org_name,org_kind,org_country,org_time_zone,org_legal_point_of_contact,contact_handle,contact_name,contact_email";
    const text = [
      header,
      'two-lines,Two Lines,hosting,NL,Europe/Amsterdam,"Legal desk\nsecond floor",first.person,First Person,first@two-lines.example',
      "",
      "two-lines,Two Lines,hosting,NL,Europe/Amsterdam,\"Legal desk\nsecond floor\",second.person,Second Person,not-an-email",
      "other-org,Other,ngo,NL,Europe/Amsterdam,,third.person,Third Person,",
      "",
    ].join("\n");
    // The bad row starts on the line before second.person's (its quoted cell spans two lines).
    const badRowLine = lineOf(text, "second.person") - 1;
    expect(text.split("\n")[badRowLine - 1]).toMatch(/^two-lines,/);
    const problems = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, text, "csv", WHO));
    expect(problems).toEqual([expect.objectContaining({ record: 1, line: badRowLine })]);
    expect(problems[0]?.message).toMatch(/email/i);
    expect(await store.db.organisation.count()).toBe(0);
    // The same file with Windows line endings.
    const crlf = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, text.replace(/\n/g, "\r\n"), "csv", WHO));
    expect(crlf.map((problem) => problem.line)).toEqual([badRowLine]);
  });

  test("a CSV row that changes its organisation's columns is reported with its line", async () => {
    const [store] = await fresh();
    const text = ["org_slug,org_name,org_kind,org_country,org_time_zone,contact_handle,contact_name", "x-org,X,ngo,NL,Europe/Amsterdam,a.person,A", "x-org,X,ngo,BE,Europe/Amsterdam,b.person,B"].join("\n");
    const problems = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, text, "csv", WHO));
    expect(problems).toEqual([expect.objectContaining({ line: 3 })]);
    expect(await store.db.organisation.count()).toBe(0);
  });

  test("an unknown CSV column is named, with the columns that exist", async () => {
    const [store] = await fresh();
    const text = ["org_slug,org_name,org_kind,org_country,org_time_zone,contact_emial", "x-org,X,ngo,NL,Europe/Amsterdam,a@x.example"].join("\n");
    const problems = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, text, "csv", WHO));
    expect(problems).toEqual([expect.objectContaining({ line: 1 })]);
    expect(problems[0]?.message).toContain('"contact_emial"');
    expect(problems[0]?.message).toContain("contact_email");
    expect(await store.db.organisation.count()).toBe(0);
  });

  test("a file that is not valid YAML or JSON says so, with the line for YAML", async () => {
    const [store] = await fresh();
    const yaml = "version: 1\norganisations:\n  - slug: x\n    name: [unclosed\n    kind: ngo\n";
    const problems = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, yaml, "yaml", WHO));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.message).toContain("not valid YAML");
    expect(problems[0]?.line).toBeGreaterThanOrEqual(4);
    const json = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, '{"organisations": [', "json", WHO));
    expect(json[0]?.message).toContain("not valid JSON");
    const shape = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, "just: a mapping\n", "yaml", WHO));
    expect(shape[0]?.message).toContain("organisations");
    expect(await store.db.organisation.count()).toBe(0);
  });

  test("an identity already linked to another contact is refused, and nothing is imported", async () => {
    const [store] = await withDemo();
    const eva = await store.db.contact.findUniqueOrThrow({ where: { handle: "eva.mulder" } });
    await store.db.chatIdentity.create({ data: { id: "identity-eva", contactId: eva.id, platform: "slack", workspace: "T0ACME", userId: "U0EVA", createdAt: clock.now() } });
    const before = await counts(store);
    const text = `organisations:
  - slug: newcomer-org
    name: Newcomer
    kind: platform
    country: NL
    timeZone: Europe/Amsterdam
    contacts:
      - handle: new.person
        name: New Person
        identities:
          - { platform: slack, workspace: T0ACME, user: U0EVA }
`;
    const problems = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, text, "yaml", WHO));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ record: 1 });
    expect(problems[0]?.message).toContain("eva.mulder");
    expect(problems[0]?.message).toContain("new.person");
    expect(await counts(store)).toEqual(before);
    // The same identity given to two contacts in one file is refused as well.
    const twice = text.replace("  - slug: newcomer-org", "  - slug: first-org\n    name: First\n    kind: ngo\n    country: NL\n    timeZone: Europe/Amsterdam\n    contacts:\n      - { handle: first.person, name: First, identities: [{ platform: discord, workspace: G1, user: '42' }] }\n  - slug: newcomer-org").replace("U0EVA", "U0FREE").replace("{ platform: slack, workspace: T0ACME, user: U0FREE }", "{ platform: discord, workspace: G1, user: '42' }");
    const clash = problemsOf(await importDirectory(store.db, clock, TEST_KEYS, twice, "yaml", WHO));
    expect(clash.map((problem) => problem.message).join("\n")).toMatch(/first\.person.*new\.person|new\.person.*first\.person/);
    expect(await counts(store)).toEqual(before);
  });

  test("the export is stable and leaves out removed entries", async () => {
    const [store] = await withDemo();
    await store.db.organisation.update({ where: { slug: "de-cert" }, data: { removedAt: clock.now(), removedBy: "test" } });
    await store.db.contact.update({ where: { handle: "tom.hendriks" }, data: { removedAt: clock.now(), removedBy: "test" } });
    for (const format of ["yaml", "json", "csv"] as const) {
      const text = await exportDirectory(store.db, format);
      expect(text, format).not.toContain("de-cert");
      expect(text, format).not.toContain("tom.hendriks");
      expect(text, format).toContain("eva.mulder");
      expect(await exportDirectory(store.db, format)).toBe(text);
    }
    expect(provider).toBe(store.provider);
  });

  test("a removed organisation or contact is not brought back by re-importing an export, unless restoring is asked for", async () => {
    const [store] = await withDemo();
    const exported = await exportDirectory(store.db, "yaml");
    const tom = await store.db.contact.findUniqueOrThrow({ where: { handle: "tom.hendriks" }, include: { identities: true } });
    await store.db.organisation.update({ where: { slug: "de-cert" }, data: { removedAt: clock.now(), removedBy: "test" } });
    await store.db.contact.updateMany({ where: { organisation: { slug: "de-cert" } }, data: { removedAt: clock.now(), removedBy: "test" } });
    await store.db.contact.update({ where: { handle: "tom.hendriks" }, data: { removedAt: clock.now(), removedBy: "test" } });
    await store.db.chatIdentity.deleteMany({ where: { contactId: tom.id } });
    const before = { export: await exportDirectory(store.db, "yaml"), counts: await counts(store) };
    const refused = await importDirectory(store.db, clock, TEST_KEYS, exported, "yaml", WHO);
    expect(refused).toMatchObject({ ok: false, code: "conflict" });
    const messages = problemsOf(refused).map((problem) => problem.message);
    expect(messages.find((message) => message.startsWith("de-cert: this organisation was removed"))).toMatch(/restore-removed/);
    expect(messages.some((message) => message.includes("contact tom.hendriks was removed"))).toBe(true);
    const deCertContacts = demo.organisations.find((organisation) => organisation.slug === "de-cert")?.contacts ?? [];
    for (const contact of deCertContacts) expect(messages.some((message) => message.includes(`contact ${contact.handle} was removed`))).toBe(true);
    expect(await exportDirectory(store.db, "yaml")).toBe(before.export);
    expect(await counts(store)).toEqual(before.counts);
    const restored = imported(await importDirectory(store.db, clock, TEST_KEYS, exported, "yaml", WHO, { restoreRemoved: true }));
    expect(restored.restored.organisations).toEqual(["de-cert"]);
    expect(restored.restored.contacts.sort()).toEqual([...deCertContacts.map((contact) => contact.handle), "tom.hendriks"].sort());
    expect(await exportDirectory(store.db, "yaml")).toBe(exported);
    const entry = await store.db.auditEntry.findFirstOrThrow({ where: { action: "directory.import" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(entry.detail)).toMatchObject({ restored: { organisations: ["de-cert"] } });
  });

  test("a contact named on an open case is not moved to another organisation, and nothing of the import is applied", async () => {
    const [store] = await withDemo();
    const jan = await store.db.contact.findUniqueOrThrow({ where: { handle: "jan.jansen" }, include: { organisation: true } });
    const eva = await store.db.contact.findUniqueOrThrow({ where: { handle: "sanne.devries" }, include: { organisation: true } });
    expect(eva.organisationId).not.toBe(jan.organisationId);
    const openCase = (reference: string, state: string) => ({
      id: `case-${reference}`, reference, kind: "notice", priority: "normal", state, tlp: "AMBER", topic: "notices",
      openerOrgId: eva.organisationId, openerContactId: eva.id, recipientOrgId: jan.organisationId, responsibleContactId: jan.id,
      summary: "https://example.org/x", fields: "{}", openedAt: clock.now(), clockMode: "continuous", clockStartAt: clock.now(),
      ackDurationMs: 3_600_000, updatedAt: clock.now(),
    });
    await store.db.case.create({ data: openCase("N-2026-0001", "acknowledged") });
    await store.db.case.create({ data: openCase("N-2026-0002", "closed") });
    const before = { export: await exportDirectory(store.db, "yaml"), counts: await counts(store) };
    const file = parseYaml(before.export) as DemoFile;
    const from = file.organisations.find((organisation) => organisation.slug === jan.organisation.slug);
    const to = file.organisations.find((organisation) => organisation.slug === eva.organisation.slug);
    const moving = from?.contacts?.find((contact) => contact.handle === "jan.jansen");
    if (!from || !to || !moving) throw new Error("the demo directory changed");
    from.contacts = from.contacts?.filter((contact) => contact !== moving);
    to.contacts = [...(to.contacts ?? []), moving];
    file.organisations.push({ slug: "brand-new", name: "Brand New", kind: "ngo", country: "NL", timeZone: "Europe/Amsterdam" } as DemoFile["organisations"][number]);
    const result = await importDirectory(store.db, clock, TEST_KEYS, JSON.stringify(file), "json", WHO);
    expect(result).toMatchObject({ ok: false, code: "conflict" });
    const problems = problemsOf(result);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain("jan.jansen");
    expect(problems[0]?.message).toContain("N-2026-0001");
    expect(problems[0]?.message).not.toContain("N-2026-0002");
    expect(await counts(store)).toEqual(before.counts);
    expect(await exportDirectory(store.db, "yaml")).toBe(before.export);
    expect(await store.db.organisation.findUnique({ where: { slug: "brand-new" } })).toBeNull();
    // Once the case is closed the move is made, and the summary says so.
    await store.db.case.update({ where: { reference: "N-2026-0001" }, data: { state: "closed" } });
    const moved = imported(await importDirectory(store.db, clock, TEST_KEYS, JSON.stringify(file), "json", WHO));
    expect(moved.moved).toEqual([{ handle: "jan.jansen", fromSlug: jan.organisation.slug, toSlug: eva.organisation.slug }]);
    expect(moved.organisations.created).toBe(1);
    expect((await store.db.contact.findUniqueOrThrow({ where: { handle: "jan.jansen" } })).organisationId).toBe(eva.organisationId);
  });
});
