// Names are shown everywhere as a message's author, so they are plain one-line text: a line break, a terminal
// control, a direction-changing or an invisible character is refused wherever a name is written (commands and
// imports), with the character named, and nothing of the refused change is kept. On both databases.
import { TEST_KEYS } from "../support/keys.js";
import { expect } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { importDirectory } from "../../src/directory/import.js";
import { createTestCore, describeOnProviders, lazyStore, TEST_START, type TestCore } from "../support/core.js";

/** Names that could forge an author's line, hide or reorder text, or drive a terminal; and what each is called. */
const FORBIDDEN: readonly (readonly [string, string])[] = [
  ["Jan Jansen\nAnna de Vries (Politie)", "U+000A"],
  ["Jan\r\nAnna", "U+000A"],
  ["Jan\rAnna", "U+000D"],
  ["Jan\tJansen", "U+0009"],
  ["Jan \u001b]0;owned\u0007Jansen", "U+001B"],
  ["Jan \u001b]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=\u0007", "U+001B"],
  ["Jan \u009b2J", "U+009B"],
  ["Politie \u202Egnirrah", "U+202E"],
  ["Politie \u2066isolate\u2069", "U+2066"],
  ["Jan\u200BJansen", "U+200B"],
  ["Jan\u2060Jansen", "U+2060"],
  ["Jan\uFEFFJansen", "U+FEFF"],
  ["Jan\u2028Anna", "U+2028"],
  ["Jan\u061CJansen", "U+061C"],
];

describeOnProviders("names are plain text", (provider, test) => {
  const database = lazyStore(provider);

  async function fresh(): Promise<TestCore> {
    const { store } = await database.get();
    await (await database.get()).reset();
    return createTestCore(store);
  }

  /** Runs `line` as the coordinator and expects an invalid-input answer naming the character. */
  async function refusedNaming(core: TestCore, line: string, code: string): Promise<void> {
    const answer = await core.dispatcher.run(await core.actor("demo.coordinator"), line);
    expect(answer.failure, `${JSON.stringify(line)}: ${answer.message.text}`).toBe("invalid-input");
    expect(answer.message.text).toContain(code);
    expect(answer.message.text).toMatch(/plain text/);
    // The answer itself shows no raw control or reordering character.
    expect(answer.message.text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/);
  }

  /** A name as one quoted argument of a command line (the grammar reads "\"" and "\\" escapes). */
  function quoted(name: string): string {
    return `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  }

  test("contact and organisation names with line breaks, controls, bidi or invisible characters are refused", async () => {
    const core = await fresh();
    const before = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "jan.jansen" } });
    const organisationBefore = await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } });
    for (const [name, code] of FORBIDDEN) {
      await refusedNaming(core, `/contacts edit jan.jansen --name ${quoted(name)}`, code);
      await refusedNaming(core, `/contacts add new.person --org acme-hosting --name ${quoted(name)}`, code);
      await refusedNaming(core, `/contacts edit-org acme-hosting --name ${quoted(name)}`, code);
      await refusedNaming(core, `/contacts add-org new-org --name ${quoted(name)} --kind hosting --country NL --time-zone Europe/Amsterdam`, code);
    }
    expect(await core.store.db.contact.findUniqueOrThrow({ where: { handle: "jan.jansen" } })).toEqual(before);
    expect(await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).toEqual(organisationBefore);
    expect(await core.store.db.contact.findUnique({ where: { handle: "new.person" } })).toBeNull();
    expect(await core.store.db.organisation.findUnique({ where: { slug: "new-org" } })).toBeNull();
  });

  test("a legal point of contact may be a postal address on several lines, but without controls or reordering", async () => {
    const core = await fresh();
    const address = "Legal Dept.\nACME Hosting B.V.\nHerengracht 1\n1015 BA Amsterdam";
    const answer = await core.dispatcher.run(await core.actor("demo.coordinator"), `/contacts edit-org acme-hosting --legal-contact ${quoted(address)}`);
    expect(answer.failure, answer.message.text).toBeUndefined();
    expect((await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).legalPointOfContact).toBe(address);
    for (const [text, code] of [["Legal\u202E Dept.", "U+202E"], ["Legal \u001b[2J", "U+001B"], ["Legal\tDept", "U+0009"]] as const) {
      await refusedNaming(core, `/contacts edit-org acme-hosting --legal-contact ${quoted(text)}`, code);
    }
  });

  test("names in every script stay allowed, the joiners they need included; mention syntax is kept as text", async () => {
    const core = await fresh();
    for (const name of ["Zoë Çelik-Ødegård", "محمد‌رضا", "क्‍ष", "Анна Петрова", "李小龍", "👩‍💻 Anna", "<!channel> @everyone @room"]) {
      const answer = await core.dispatcher.run(await core.actor("demo.coordinator"), `/contacts edit jan.jansen --name ${quoted(name)}`);
      expect(answer.failure, `${name}: ${answer.message.text}`).toBeUndefined();
      expect((await core.store.db.contact.findUniqueOrThrow({ where: { handle: "jan.jansen" } })).name).toBe(name);
    }
  });

  test("a 100,000-character name is refused as too long, quickly", async () => {
    const core = await fresh();
    const started = performance.now();
    const answer = await core.dispatcher.run(await core.actor("demo.coordinator"), `/contacts edit jan.jansen --name ${"\u202E".repeat(100_000)}`);
    expect(answer.failure).toBeDefined();
    expect(answer.message.text.length).toBeLessThan(2_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("an import naming an organisation or contact with a control character is refused whole, with the entry named", async () => {
    const { store } = await database.get();
    await (await database.get()).reset();
    const clock = new ManualClock(TEST_START);
    const before = await store.db.organisation.count();
    for (const [field, yaml] of [
      ["organisation", 'version: 1\norganisations:\n  - slug: evil-org\n    name: "Evil\\u202E Org"\n    kind: hosting\n    country: NL\n    timeZone: Europe/Amsterdam\n'],
      ["contact", 'version: 1\norganisations:\n  - slug: evil-org\n    name: Evil Org\n    kind: hosting\n    country: NL\n    timeZone: Europe/Amsterdam\n    contacts:\n      - handle: evil.person\n        name: "Jan\\nAnna (Politie)"\n'],
    ] as const) {
      const result = await importDirectory(store.db, clock, TEST_KEYS, yaml, "yaml", { actor: "operator", via: "test" });
      expect(result.ok, field).toBe(false);
      if (!result.ok) expect(result.problems.map((problem) => problem.message).join("\n")).toMatch(/one line|plain text/);
    }
    expect(await store.db.organisation.count()).toBe(before);
    expect(await store.db.organisation.findUnique({ where: { slug: "evil-org" } })).toBeNull();
  });
});
