// Every directory command through Dispatcher.run, on SQLite with the demo directory, as the four kinds of actor.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commandCatalog } from "../../src/commands/catalog.js";
import type { Actor } from "../../src/core/actor.js";
import type { CommandAnswer } from "../../src/commands/dispatch.js";
import { COMMANDS } from "../../src/commands/registry.js";
import { identityKey, type PlatformIdentity } from "../../src/core/adapter.js";
import type { FailureCode } from "../../src/core/result.js";
import {
  createTestCore,
  lazyStore,
  restoreStore,
  snapshotStore,
  UNLINKED_IDENTITY,
  type StoreSnapshot,
  type TestCore,
} from "../support/core.js";
import { linkProven, sentLinkCode } from "../support/links.js";

/** Who runs a line: three demo contacts, and an identity linked to nobody (with directory reading off or on). */
type Who = "coordinator" | "admin" | "contact" | "unlinked" | "unlinkedReader";
const EVERYONE: readonly Who[] = ["coordinator", "admin", "contact", "unlinked", "unlinkedReader"];
const HANDLES = { coordinator: "demo.coordinator", admin: "jan.jansen", contact: "eva.mulder" } as const;

const database = lazyStore("sqlite");
let core: TestCore;
let readerCore: TestCore;
let seeded: StoreSnapshot;

beforeAll(async () => {
  const { store } = await database.get();
  core = await createTestCore(store);
  readerCore = await createTestCore(store, { seed: false, clock: core.clock, unlinkedMayRead: true });
  expect(core.loaded.config.directory.unlinkedMayRead).toBe(false);
  seeded = await snapshotStore(store);
});

beforeEach(async () => {
  await restoreStore(core.store, seeded);
  core.clock.set("2026-11-20T10:00:00.000Z");
});

async function actorFor(who: Who): Promise<Actor> {
  if (who === "unlinked" || who === "unlinkedReader") {
    const actor = await core.actorOf(UNLINKED_IDENTITY);
    expect(actor.contact).toBeUndefined();
    return actor;
  }
  const actor = await core.actor(HANDLES[who]);
  expect(actor.contact?.handle).toBe(HANDLES[who]);
  return actor;
}

async function run(who: Who, line: string): Promise<CommandAnswer> {
  const dispatcher = who === "unlinkedReader" ? readerCore.dispatcher : core.dispatcher;
  return dispatcher.run(await actorFor(who), line);
}

/** Runs a line that must succeed and returns its text. */
async function succeed(who: Who, line: string): Promise<string> {
  const answer = await run(who, line);
  expect(answer.failure, `${line} as ${who}: ${answer.message.text}`).toBeUndefined();
  return answer.message.text;
}

async function commandEntries() {
  return core.store.db.auditEntry.findMany({ where: { action: "command" }, orderBy: { seq: "asc" } });
}

/** Links the account the way people do: asked for by a coordinator, confirmed from the account with the code sent to it. */
async function linkIdentity(handle: string, identity: PlatformIdentity): Promise<void> {
  await linkProven(core, HANDLES.coordinator, handle, identity);
}

/** An admin's request that waits for a coordinator (a range wider than an admin may claim alone). */
async function requestBroadRange(): Promise<void> {
  await succeed("admin", "/contacts edit-org acme-hosting --add-ip 10.0.0.0/8");
}

interface PermissionCase {
  what: string;
  line: string;
  /** Who may do it, by the rules: coordinators everything; organisation admins their own organisation; a contact their own entry. */
  allowed: readonly Who[];
  setup?: () => Promise<void>;
}

const READERS: readonly Who[] = ["coordinator", "admin", "contact", "unlinkedReader"];
const EVA_SLACK: PlatformIdentity = { platform: "slack", workspace: "T0ACME", userId: "U0EVA" };
const FELIX_MATRIX: PlatformIdentity = { platform: "matrix", workspace: "", userId: "@felix:chirp.example" };

// jan.jansen is admin of acme-hosting; eva.mulder and tom.hendriks are contacts there; felix.wagner is at chirp-social.
const CASES: PermissionCase[] = [
  { what: "overview help", line: "/help", allowed: EVERYONE },
  { what: "help on a command", line: "/help contacts find", allowed: EVERYONE },
  { what: "whoami", line: "/whoami", allowed: EVERYONE },
  { what: "find", line: "/contacts find acme", allowed: READERS },
  { what: "find with filters only", line: "/contacts find --country DE --kind platform", allowed: READERS },
  { what: "show an organisation", line: "/contacts show chirp-social", allowed: READERS },
  { what: "show a contact", line: "/contacts show felix.wagner", allowed: READERS },
  { what: "confirm oneself", line: "/contacts confirm", allowed: ["coordinator", "admin", "contact"] },
  { what: "add a contact to the admin's organisation", line: '/contacts add new.person --org acme-hosting --name "New Person"', allowed: ["coordinator", "admin"] },
  { what: "add a contact to another organisation", line: '/contacts add new.person --org chirp-social --name "New Person"', allowed: ["coordinator"] },
  { what: "add a coordinator", line: '/contacts add new.person --org acme-hosting --name "New Person" --coordinator', allowed: ["coordinator"] },
  { what: "edit one's own details", line: "/contacts edit eva.mulder --phone +31205559999", allowed: ["coordinator", "admin", "contact"] },
  { what: "edit a colleague's details", line: "/contacts edit tom.hendriks --phone +31205559999", allowed: ["coordinator", "admin"] },
  { what: "edit a contact of another organisation", line: "/contacts edit felix.wagner --phone +31205559999", allowed: ["coordinator"] },
  { what: "change one's own roles", line: "/contacts edit eva.mulder --roles general:backup", allowed: ["coordinator", "admin"] },
  { what: "drop one's own role", line: "/contacts edit eva.mulder --drop-role notices", allowed: ["coordinator", "admin"] },
  { what: "make someone organisation admin", line: "/contacts edit eva.mulder --admin", allowed: ["coordinator", "admin"] },
  { what: "make someone coordinator", line: "/contacts edit eva.mulder --coordinator", allowed: ["coordinator"] },
  { what: "remove a colleague", line: '/contacts remove tom.hendriks --reason "left the company"', allowed: ["coordinator", "admin"] },
  { what: "remove a contact of another organisation", line: '/contacts remove felix.wagner --reason "left the company"', allowed: ["coordinator"] },
  { what: "link a colleague", line: "/contacts link tom.hendriks slack U0TOM --workspace T0ACME", allowed: ["coordinator", "admin"] },
  { what: "link a contact of another organisation", line: "/contacts link felix.wagner discord 123456789012345678 --workspace 999", allowed: ["coordinator"] },
  {
    what: "unlink one's own account",
    line: `/contacts unlink eva.mulder slack ${EVA_SLACK.userId} --workspace ${EVA_SLACK.workspace}`,
    allowed: ["coordinator", "admin", "contact"],
    setup: () => linkIdentity("eva.mulder", EVA_SLACK),
  },
  {
    what: "unlink a contact of another organisation",
    line: `/contacts unlink felix.wagner matrix ${FELIX_MATRIX.userId}`,
    allowed: ["coordinator"],
    setup: () => linkIdentity("felix.wagner", FELIX_MATRIX),
  },
  {
    what: "add an organisation",
    line: '/contacts add-org new-org --name "New Org" --kind ngo --country BE --time-zone Europe/Brussels',
    allowed: ["coordinator"],
  },
  { what: "edit the admin's organisation", line: '/contacts edit-org acme-hosting --hours "mon-fri 08:00-18:00"', allowed: ["coordinator", "admin"] },
  { what: "edit another organisation", line: '/contacts edit-org chirp-social --hours "mon-fri 08:00-18:00"', allowed: ["coordinator"] },
  { what: "remove the admin's organisation", line: '/contacts remove-org acme-hosting --reason "went out of business"', allowed: ["coordinator"] },
  { what: "remove another organisation", line: '/contacts remove-org chirp-social --reason "went out of business"', allowed: ["coordinator"] },
  { what: "approve an admin's request", line: "/contacts approve acme-hosting 10.0.0.0/8", allowed: ["coordinator"], setup: requestBroadRange },
  { what: "reject an admin's request", line: '/contacts reject acme-hosting 10.0.0.0/8 --reason "not theirs"', allowed: ["coordinator"], setup: requestBroadRange },
];

describe("permissions: every command as every kind of actor", () => {
  const rows = CASES.flatMap((testCase) => EVERYONE.map((who) => ({ ...testCase, who, expected: testCase.allowed.includes(who) })));

  it.each(rows)("$what ($line) as $who: allowed $expected", async ({ line, who, expected, setup }) => {
    await setup?.();
    const before = await commandEntries();
    const answer = await run(who, line);
    const refusal: FailureCode = who === "unlinked" || who === "unlinkedReader" ? "not-linked" : "not-allowed";
    if (expected) expect(answer.failure, answer.message.text).toBeUndefined();
    else {
      expect(answer.failure, answer.message.text).toBe(refusal);
      expect(answer.message.text).toMatch(/^✗ /);
    }
    // Each line, allowed or refused, leaves exactly one command entry in the record.
    const after = await commandEntries();
    expect(after).toHaveLength(before.length + 1);
    const entry = after[after.length - 1];
    const actor = await actorFor(who);
    expect(entry).toMatchObject({
      result: expected ? "ok" : `refused:${refusal}`,
      subjectType: "command",
      subjectId: answer.command,
      actor: actor.contact?.handle ?? `unlinked ${identityKey(UNLINKED_IDENTITY)}`,
      actorId: actor.contact?.id ?? null,
      via: identityKey(actor.identity),
    });
    expect(JSON.parse(entry?.detail ?? "{}")).toMatchObject({ line });
  });
});

describe("refusals change nothing", () => {
  it("a refused edit, removal and link leave the directory as it was", async () => {
    const before = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "felix.wagner" }, include: { identities: true } });
    expect((await run("admin", "/contacts edit felix.wagner --phone +31205559999")).failure).toBe("not-allowed");
    expect((await run("admin", '/contacts remove felix.wagner --reason "not mine"')).failure).toBe("not-allowed");
    expect((await run("admin", "/contacts link felix.wagner slack U0X --workspace T0X")).failure).toBe("not-allowed");
    expect((await run("contact", "/contacts edit eva.mulder --roles general:primary")).failure).toBe("not-allowed");
    const after = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "felix.wagner" }, include: { identities: true } });
    expect(after).toEqual(before);
    const eva = await core.directory.contact("eva.mulder");
    expect(eva?.roles.general).toBeUndefined();
  });

  it("tells an unlinked person how to get linked, with their own platform and user id", async () => {
    const answer = await run("unlinked", "/contacts find acme");
    expect(answer.failure).toBe("not-linked");
    expect(answer.message.text).toContain(
      `/contacts link <your-handle> ${UNLINKED_IDENTITY.platform} ${UNLINKED_IDENTITY.userId} --workspace ${UNLINKED_IDENTITY.workspace}`,
    );
    const whoami = await succeed("unlinked", "/whoami");
    expect(whoami).toContain("not linked");
    // The account in words, not as an internal key.
    expect(whoami).toContain(`You are ${UNLINKED_IDENTITY.userId} in Slack workspace ${UNLINKED_IDENTITY.workspace}.`);
    expect(whoami).not.toContain(identityKey(UNLINKED_IDENTITY));
  });
});

describe("mistakes are answered with what was wrong, the usage and a suggestion", () => {
  function catalogEntry(fullName: string) {
    const entry = commandCatalog.find((command) => `${command.group}${command.name ? ` ${command.name}` : ""}` === fullName);
    if (!entry) throw new Error(`no command ${fullName}`);
    return entry;
  }

  it("an unknown command, with the closest command", async () => {
    const answer = await run("coordinator", "/contcts find acme");
    expect(answer.failure).toBe("unknown-command");
    expect(answer.command).toBeUndefined();
    expect(answer.message.text).toContain("/contcts");
    expect(answer.message.text).toContain("Did you mean /contacts?");
    const entries = await commandEntries();
    expect(entries[entries.length - 1]).toMatchObject({ subjectId: "(unknown)", result: "refused:unknown-command" });
  });

  it("an unknown command with nothing close, pointing at /help", async () => {
    const answer = await run("coordinator", "/xylophone");
    expect(answer.failure).toBe("unknown-command");
    expect(answer.message.text).not.toContain("Did you mean");
    expect(answer.message.text).toContain("/help");
  });

  it("an empty line", async () => {
    expect((await run("coordinator", "   ")).failure).toBe("unknown-command");
  });

  it("an unknown subcommand, with the closest subcommand and the list", async () => {
    const answer = await run("coordinator", "/contacts fnd acme");
    expect(answer.failure).toBe("unknown-command");
    expect(answer.message.text).toContain('"fnd"');
    expect(answer.message.text).toContain("Did you mean /contacts find?");
    for (const command of commandCatalog.filter((candidate) => candidate.group === "contacts")) expect(answer.message.text).toContain(command.name);
  });

  it("a transposed subcommand is still recognised as a typo", async () => {
    expect((await run("coordinator", "/contacts shwo acme-hosting")).message.text).toContain("Did you mean /contacts show?");
  });

  it("a group without its subcommand", async () => {
    const answer = await run("coordinator", "/contacts");
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain("needs a subcommand");
    expect(answer.message.text).toContain("/help contacts");
  });

  it("an unknown flag, with the closest flag and the usage", async () => {
    const answer = await run("coordinator", "/contacts find acme --contry NL");
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.command).toBe("contacts find");
    expect(answer.message.text).toContain("--contry");
    expect(answer.message.text).toContain("Did you mean --country?");
    expect(answer.message.text).toContain(`Usage: ${catalogEntry("contacts find").usage}`);
  });

  it("an unknown flag with nothing close lists the flags", async () => {
    const answer = await run("coordinator", "/contacts show acme-hosting --zzzzzz 1");
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain("--zzzzzz");
    expect(answer.message.text).toContain(`Usage: ${catalogEntry("contacts show").usage}`);
  });

  it.each([
    ["/contacts show", "contacts show", "<entry>"],
    ["/contacts remove-org acme-hosting", "contacts remove-org", "--reason"],
    ["/contacts remove tom.hendriks", "contacts remove", "--reason"],
    ["/contacts add new.person --org acme-hosting", "contacts add", "--name"],
    ["/contacts add --org acme-hosting --name Someone", "contacts add", "<handle>"],
    ["/contacts link eva.mulder slack", "contacts link", "<user>"],
    ['/contacts add-org new-org --name "New" --kind ngo --country NL', "contacts add-org", "--time-zone"],
  ])("a missing argument in %j says which, and shows the usage", async (line, fullName, label) => {
    const answer = await run("coordinator", line);
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain(`${label}: is required`);
    expect(answer.message.text).toContain(`Usage: ${catalogEntry(fullName).usage}`);
    expect(answer.message.text).toContain(`/help ${fullName}`);
  });

  it("a flag that needs a value but has none", async () => {
    const answer = await run("coordinator", "/contacts edit-org acme-hosting --country");
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain("--country needs a value");
  });

  it("a switch given a value that is not yes or no", async () => {
    const answer = await run("coordinator", "/contacts edit-org acme-hosting --emergency=maybe");
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain("--emergency is a switch");
  });

  it("words left over", async () => {
    const answer = await run("coordinator", "/contacts show acme-hosting chirp-social");
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain('Unexpected "chirp-social"');
  });

  it("an unclosed quote", async () => {
    const answer = await run("coordinator", '/contacts find "acme');
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain("never closed");
  });

  it.each([
    ['/contacts add-org new-org --name "New" --kind ngo --country XX1 --time-zone Europe/Amsterdam', "contacts add-org", "--country", /two-letter/],
    ["/contacts edit-org acme-hosting --country XX1", "contacts edit-org", "--country", /two-letter/],
    ["/contacts find --country XX1", "contacts find", "--country", /two-letter/],
    ["/contacts edit eva.mulder --phone 0612345678", "contacts edit", "--phone", /E\.164|\+31/],
    ['/contacts add new.person --org acme-hosting --name "New" --phone 12-34', "contacts add", "--phone", /E\.164|\+31/],
    ['/contacts edit-org acme-hosting --hours "mon-fri 9-25"', "contacts edit-org", "--hours", /09:00-17:00/],
    ['/contacts add-org new-org --name "New" --kind ngo --country NL --time-zone Europe/Amsterdam --hours "someday"', "contacts add-org", "--hours", /09:00-17:00/],
    ["/contacts edit-org acme-hosting --time-zone Europe/Amsterdm", "contacts edit-org", "--time-zone", /time zone/i],
    ['/contacts add-org new-org --name "New" --kind bakery --country NL --time-zone Europe/Amsterdam', "contacts add-org", "--kind", /hosting/],
    ["/contacts edit eva.mulder --roles notices:boss", "contacts edit", "--roles", /primary/],
    ["/contacts edit eva.mulder --email not-an-email", "contacts edit", "--email", /email/i],
    ["/contacts link eva.mulder telegram 123", "contacts link", "<platform>", /slack/],
  ])("a bad value in %j explains what is expected", async (line, fullName, label, expected) => {
    const answer = await run("coordinator", line);
    expect(answer.failure).toBe("bad-arguments");
    const text = answer.message.text;
    expect(text).toContain(`${label}:`);
    expect(text.split("\n")[0]).toMatch(expected);
    expect(text).toContain(`Usage: ${catalogEntry(fullName).usage}`);
  });

  it("a bad value changes nothing", async () => {
    const before = await core.directory.organisation("acme-hosting");
    await run("coordinator", '/contacts edit-org acme-hosting --hours "mon-fri 9-25" --name "Renamed"');
    expect(await core.directory.organisation("acme-hosting")).toEqual(before);
  });

  it("an unknown organisation or contact is not found, with a suggestion", async () => {
    const answer = await run("coordinator", "/contacts show acme-hostin");
    expect(answer.failure).toBe("not-found");
    expect(answer.message.text).toContain("acme-hosting");
    expect((await run("coordinator", '/contacts edit-org acme-hostng --name "X"')).message.text).toContain("Did you mean acme-hosting?");
    expect((await run("coordinator", "/contacts edit nobody.at.all --phone +31201234567")).failure).toBe("not-found");
  });

  it("a slug or handle that is taken is a conflict", async () => {
    const org = await run("coordinator", '/contacts add-org acme-hosting --name "Again" --kind hosting --country NL --time-zone Europe/Amsterdam');
    expect(org.failure).toBe("conflict");
    const contact = await run("coordinator", '/contacts add eva.mulder --org chirp-social --name "Another Eva"');
    expect(contact.failure).toBe("conflict");
  });
});

describe("argument problems are said in words, naming the option as typed", () => {
  it("a number, a choice and a range", async () => {
    const number = await run("coordinator", "/case list --limit abc");
    expect(number.failure).toBe("bad-arguments");
    expect(number.message.text).toContain('--limit: must be a number, e.g. 10, not "abc"');
    expect((await run("coordinator", "/case list --limit 1000")).message.text).toContain("--limit: must be at most 100");
    expect((await run("coordinator", "/case list --state sideways")).message.text).toMatch(/--state: must be one of: active, all, open, /);
    for (const answer of [number]) expect(answer.message.text).not.toMatch(/expected|received|Invalid input/i);
  });
});

describe("hostile input is refused before it is parsed, and costs little", () => {
  it("a 100,000-character line is refused with its length and the limit; recorded once, shortened", async () => {
    const before = await core.store.db.auditEntry.count();
    const answer = await run("coordinator", `/contacts find ${"a".repeat(100_000)}`);
    expect(answer.failure).toBe("bad-arguments");
    expect(answer.message.text).toContain("100,015 characters long");
    expect(answer.message.text).toContain("at most 20,000");
    const entries = await core.store.db.auditEntry.findMany({ where: { seq: { gt: before } } });
    expect(entries).toHaveLength(1);
    expect((JSON.parse(entries[0]?.detail ?? "{}") as { line: string }).line.length).toBeLessThanOrEqual(4000);
  });

  it("long unknown commands and options get no suggestion (the edit distance would cost their length squared)", async () => {
    const command = await run("coordinator", `/${"x".repeat(19_000)}`);
    expect(command.failure).toBe("unknown-command");
    expect(command.message.text).not.toContain("Did you mean");
    const option = await run("coordinator", `/contacts find acme --${"y".repeat(19_000)} 1`);
    expect(option.failure).toBe("bad-arguments");
    expect(option.message.text).not.toContain("Did you mean");
    // Short typos are still suggested.
    expect((await run("coordinator", "/contacts find acme --contry NL")).message.text).toContain("Did you mean --country?");
  });

  it("runs of apostrophes, quotes and backslashes up to the limit parse (linear grammar)", async () => {
    for (const body of ["b'".repeat(9_000), '"a'.repeat(9_000), "\\a".repeat(6_000), "--a ".repeat(4_000)]) {
      const answer = await run("coordinator", `/contacts find ${body}`);
      expect(answer.failure === undefined || answer.failure === "bad-arguments").toBe(true);
    }
  });
});

describe("the directory commands do what they say", () => {
  it("add-org and add create entries that find and show then list", async () => {
    await succeed(
      "coordinator",
      '/contacts add-org nl-hotline --name "Meldpunt Test" --kind ngo --country nl --time-zone Europe/Amsterdam --hours "mon-fri 09:00-17:00" --languages nl,en --emergency --abuse-contact abuse@hotline.example --channel "slack T0HOT C0CASES"',
    );
    await succeed("coordinator", '/contacts add kim.test --org nl-hotline --name "Kim Test" --email kim@hotline.example --phone +31205551234 --roles notices:primary --admin');
    const organisation = await core.directory.organisation("nl-hotline");
    expect(organisation).toMatchObject({
      name: "Meldpunt Test",
      kind: "ngo",
      country: "NL",
      languages: ["nl", "en"],
      emergency24x7: true,
      abuseContact: "abuse@hotline.example",
      channels: [{ topic: "*", platform: "slack", workspace: "T0HOT", channel: "C0CASES" }],
    });
    expect(organisation?.contacts.map((contact) => [contact.handle, contact.roles, contact.orgAdmin, contact.verification])).toEqual([
      ["kim.test", { notices: "primary" }, true, "pending"],
    ]);
    expect(await succeed("contact", "/contacts find meldpunt")).toContain("Kim Test (kim.test)");
    const kim = await core.actor("kim.test");
    expect(kim.contact).toMatchObject({ orgAdmin: true, organisationSlug: "nl-hotline" });
  });

  it("edit-org adds and removes responsibilities and changes fields", async () => {
    await succeed("admin", '/contacts edit-org acme-hosting --add-domain acme-mail.example --remove-domain acme-cdn.example --add-ip 198.51.100.0/24 --add-asn 64510 --emergency=false');
    const after = await core.directory.organisation("acme-hosting");
    expect(after?.responsibilities.domains.sort()).toEqual(["acme-hosting.example", "acme-mail.example"]);
    expect(after?.responsibilities.ipRanges).toContain("198.51.100.0/24");
    expect(after?.responsibilities.asns.sort()).toEqual(["AS64500", "AS64510"]);
    expect(after?.emergency24x7).toBe(false);
    expect(await succeed("contact", "/contacts find 198.51.100.7")).toContain("[acme-hosting]");
    expect(await succeed("contact", "/contacts find acme-mail.example")).toContain("[acme-hosting]");
    expect(await succeed("contact", "/contacts find acme-cdn.example")).not.toContain("[acme-hosting]");
  });

  it("edit changes a contact's own details and an admin's role changes", async () => {
    await succeed("contact", '/contacts edit eva.mulder --name "Eva M. Mulder" --phone +31205559999 --languages en,de');
    await succeed("admin", "/contacts edit eva.mulder --roles general:escalation --drop-role notices --admin");
    const eva = await core.directory.contact("eva.mulder");
    expect(eva).toMatchObject({ name: "Eva M. Mulder", phone: "+31205559999", languages: ["en", "de"], orgAdmin: true });
    expect(eva?.roles).toEqual({ investigations: "primary", "removal-orders": "backup", general: "escalation" });
  });

  it("removing a contact is soft: hidden from find and show, kept with who and when, and recorded with the reason", async () => {
    await linkIdentity("tom.hendriks", { platform: "slack", workspace: "T0ACME", userId: "U0TOM" });
    core.clock.set("2026-11-21T08:30:00.000Z");
    await succeed("admin", '/contacts remove tom.hendriks --reason "left the company"');
    expect(await succeed("coordinator", "/contacts find hendriks")).not.toContain("tom.hendriks");
    expect(await succeed("coordinator", "/contacts find acme")).not.toContain("tom.hendriks");
    expect(await succeed("coordinator", "/contacts show acme-hosting")).not.toContain("tom.hendriks");
    expect((await run("coordinator", "/contacts show tom.hendriks")).failure).toBe("not-found");
    const row = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "tom.hendriks" }, include: { identities: true } });
    expect(row.removedAt?.toISOString()).toBe("2026-11-21T08:30:00.000Z");
    expect(row.removedBy).toBe("jan.jansen");
    expect(row.identities).toEqual([]);
    const entry = await core.store.db.auditEntry.findFirstOrThrow({ where: { action: "contact.remove", subjectId: "tom.hendriks" } });
    expect(entry).toMatchObject({ actor: "jan.jansen", result: "ok" });
    expect(entry.at.toISOString()).toBe("2026-11-21T08:30:00.000Z");
    expect(JSON.parse(entry.detail)).toMatchObject({ reason: "left the company" });
    // The identity is free again, and the handle stays taken.
    expect((await core.actorOf({ platform: "slack", workspace: "T0ACME", userId: "U0TOM" })).contact).toBeUndefined();
    expect((await run("coordinator", '/contacts add tom.hendriks --org acme-hosting --name "Tom Again"')).failure).toBe("conflict");
  });

  it("removing an organisation is soft and takes its contacts with it", async () => {
    core.clock.set("2026-11-22T12:00:00.000Z");
    await succeed("coordinator", '/contacts remove-org chirp-social --reason "merged into another platform"');
    expect(await succeed("coordinator", "/contacts find chirp")).not.toContain("chirp-social");
    expect(await succeed("coordinator", "/contacts find --country DE")).not.toContain("chirp-social");
    expect(await succeed("coordinator", "/contacts find chirp.example")).not.toContain("chirp-social");
    expect((await run("coordinator", "/contacts show chirp-social")).failure).toBe("not-found");
    expect((await run("coordinator", "/contacts show felix.wagner")).failure).toBe("not-found");
    const organisation = await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "chirp-social" }, include: { contacts: true } });
    expect(organisation.removedAt?.toISOString()).toBe("2026-11-22T12:00:00.000Z");
    expect(organisation.removedBy).toBe("demo.coordinator");
    expect(organisation.contacts.length).toBeGreaterThan(0);
    for (const contact of organisation.contacts) expect(contact).toMatchObject({ removedBy: "demo.coordinator" });
    const entry = await core.store.db.auditEntry.findFirstOrThrow({ where: { action: "organisation.remove", subjectId: "chirp-social" } });
    expect(JSON.parse(entry.detail)).toMatchObject({ reason: "merged into another platform" });
    expect(entry.actor).toBe("demo.coordinator");
    // A removed organisation's admin no longer acts as anyone.
    expect((await core.actor("lena.schmidt")).contact).toBeUndefined();
  });

  it("link makes a chat identity act as the contact once confirmed from it; unlink undoes it; an identity belongs to one contact", async () => {
    const slackEva: PlatformIdentity = { platform: "slack", workspace: "T0ACME", userId: "U0EVA" };
    expect((await core.actorOf(slackEva)).contact).toBeUndefined();
    expect(await succeed("admin", "/contacts link eva.mulder slack U0EVA --workspace T0ACME")).toMatch(/pending/i);
    expect((await core.actorOf(slackEva)).contact).toBeUndefined();
    const code = await sentLinkCode(core.store, slackEva);
    expect((await core.dispatcher.run(await core.actorOf(slackEva), `/contacts confirm-link ${code}`)).failure).toBeUndefined();
    const linked = await core.actorOf(slackEva);
    expect(linked.contact?.handle).toBe("eva.mulder");
    expect(await core.dispatcher.run(linked, "/whoami").then((answer) => answer.message.text)).toContain("Eva Mulder (eva.mulder)");
    expect(await succeed("coordinator", "/contacts show eva.mulder")).toContain("slack T0ACME U0EVA");
    const clash = await run("coordinator", "/contacts link jan.jansen slack U0EVA --workspace T0ACME");
    expect(clash.failure).toBe("conflict");
    expect(clash.message.text).toContain("eva.mulder");
    // Linking again to the same contact is harmless.
    await succeed("coordinator", "/contacts link eva.mulder slack U0EVA --workspace T0ACME");
    expect(await core.store.db.chatIdentity.count({ where: { userId: "U0EVA" } })).toBe(1);
    await succeed("contact", "/contacts unlink eva.mulder slack U0EVA --workspace T0ACME");
    expect((await core.actorOf(slackEva)).contact).toBeUndefined();
    expect((await run("coordinator", "/contacts unlink eva.mulder slack U0EVA --workspace T0ACME")).failure).toBe("not-found");
    const actions = (await core.store.db.auditEntry.findMany({ where: { subjectId: "eva.mulder" }, orderBy: { seq: "asc" } })).map((entry) => entry.action);
    expect(actions).toEqual(["contact.link-requested", "contact.link", "contact.unlink"]);
  });

  it("confirm marks the contact verified as of now", async () => {
    const before = await core.directory.contact("tom.hendriks");
    expect(before?.verification).toBe("pending");
    core.clock.set("2026-12-01T09:15:00.000Z");
    const tom = await core.actor("tom.hendriks");
    const answer = await core.dispatcher.run(tom, "/contacts confirm");
    expect(answer.failure).toBeUndefined();
    expect(answer.message.text).toContain("2026-12-01");
    const after = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "tom.hendriks" } });
    expect(after.verification).toBe("verified");
    expect(after.lastVerifiedAt?.toISOString()).toBe("2026-12-01T09:15:00.000Z");
    expect(await core.store.db.auditEntry.count({ where: { action: "contact.confirm", subjectId: "tom.hendriks" } })).toBe(1);
  });

  it("directory reading by unlinked people follows the setting", async () => {
    expect((await run("unlinked", "/contacts show acme-hosting")).failure).toBe("not-linked");
    expect(await succeed("unlinkedReader", "/contacts show acme-hosting")).toContain("Jan Jansen");
    // Reading is all they may do.
    expect((await run("unlinkedReader", "/contacts confirm")).failure).toBe("not-linked");
    expect((await run("unlinkedReader", '/contacts edit-org acme-hosting --name "X"')).failure).toBe("not-linked");
  });
});

describe("help is generated from the declarations", () => {
  const fullNameOf = (command: (typeof commandCatalog)[number]) => `${command.group}${command.name ? ` ${command.name}` : ""}`;

  it("every command has a summary, a usage and at least one example that names it", () => {
    expect(commandCatalog).toHaveLength(COMMANDS.length);
    for (const command of COMMANDS) {
      const { definition, catalog } = command;
      expect(definition.summary.trim(), command.fullName).not.toBe("");
      expect(definition.examples.length, command.fullName).toBeGreaterThan(0);
      expect(catalog.usage.startsWith(`/${command.fullName}`), catalog.usage).toBe(true);
      for (const example of definition.examples) expect(example.startsWith(`/${command.fullName}`), example).toBe(true);
    }
  });

  it("/help lists every command to a coordinator, subcommands with their summaries", async () => {
    const text = await succeed("coordinator", "/help");
    for (const command of commandCatalog) {
      expect(text).toContain(`/${fullNameOf(command)}`);
      if (command.name) expect(text).toContain(`/${fullNameOf(command)}: ${command.summary}`);
    }
  });

  it.each(commandCatalog.map((command) => [fullNameOf(command), command] as const))(
    "/help %s shows its usage, arguments and examples",
    async (fullName, command) => {
      const text = await succeed("unlinked", `/help ${fullName}`);
      expect(text).toContain(command.summary);
      expect(text).toContain(`Usage: ${command.usage}`);
      for (const argument of command.arguments) {
        expect(text).toContain(argument.positional ? `<${argument.name}>` : `--${argument.name}`);
        expect(text).toContain(argument.description);
      }
      for (const example of command.examples) expect(text).toContain(example);
    },
  );

  it("/help <group> lists each subcommand's usage", async () => {
    const text = await succeed("coordinator", "/help contacts");
    for (const command of commandCatalog.filter((candidate) => candidate.group === "contacts")) expect(text).toContain(command.usage);
  });

  it("/help for an unknown command suggests one", async () => {
    const answer = await run("coordinator", "/help contcts");
    expect(answer.failure).toBe("not-found");
    expect(answer.message.text).toContain("/help contacts");
  });

  const examples = COMMANDS.flatMap((command) => command.definition.examples.map((example) => [command.fullName, example] as const));

  it.each(examples)("the example of %s parses with valid arguments: %s", async (fullName, example) => {
    const answer = await run("coordinator", example);
    expect(answer.command).toBe(fullName);
    expect(["bad-arguments", "unknown-command"], answer.message.text).not.toContain(answer.failure);
  });
});
