import { describe, expect, it } from "vitest";
import { CommandResolver, discordCommands, sameCommands } from "../../../adapters/discord/commands.js";
import type { DiscordCommandOption } from "../../../adapters/discord/commands.js";
import type { CommandCatalog } from "../../../src/core/catalog.js";
import { checkCommands, FormErrors } from "../../fakes/discord/limits.js";
import { TEST_CATALOG } from "./harness.js";

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

/** Every node of a command tree. */
function nodes(options: DiscordCommandOption[] = []): DiscordCommandOption[] {
  return options.flatMap((option) => [option, ...nodes(option.options)]);
}

describe("discordCommands", () => {
  it("makes one command per group with subcommands, typed options and choices", () => {
    const commands = discordCommands(TEST_CATALOG);
    expect(commands.map((command) => command.name)).toEqual(["help", "whoami", "contacts", "case", "notice", "digest"]);
    const contacts = commands.find((command) => command.name === "contacts");
    expect(contacts?.options?.map((option) => [option.name, option.type])).toEqual([["find", 1], ["show", 1]]);
    const find = contacts?.options?.[0];
    expect(find?.options).toEqual([
      { type: 3, name: "query", description: "Words to look for", required: true },
      { type: 3, name: "country", description: "ISO country code" },
      expect.objectContaining({ type: 3, name: "topic", choices: expect.arrayContaining([{ name: "removal-orders", value: "removal-orders" }]) }),
    ]);
    const open = commands.find((command) => command.name === "notice")?.options?.[0];
    expect(open?.options?.map((option) => [option.name, option.type, option.required ?? false])).toEqual([
      ["org", 3, true],
      ["urgent", 5, false],
      ["hours", 10, false],
    ]);
    // A bare command next to subcommands becomes the "show" subcommand.
    expect(commands.find((command) => command.name === "digest")?.options?.map((option) => option.name)).toEqual(["show", "settings"]);
    // No subcommands: options directly on the command.
    expect(commands.find((command) => command.name === "help")?.options?.[0]).toMatchObject({ type: 3, name: "command" });
  });

  it("puts required options first and clamps names, descriptions and choices to Discord's limits", () => {
    const catalog: CommandCatalog = [
      {
        group: "Very Long Group Name That Exceeds Discord's Limit!",
        name: "Sub Command",
        summary: "d".repeat(300),
        usage: "",
        examples: [],
        arguments: [
          { name: "optional", description: "", type: "string", required: false, positional: false, rest: false },
          { name: "Needed Arg", description: "x".repeat(150), type: "number", required: true, positional: true, rest: false },
          { name: "kind", description: "k", type: "string", required: false, positional: false, rest: false, choices: Array.from({ length: 30 }, (_, i) => `choice-${i}-${"c".repeat(120)}`) },
        ],
      },
    ];
    const [command] = discordCommands(catalog);
    expect(command).toBeDefined();
    if (!command) return;
    for (const node of [command, ...nodes(command.options)]) {
      expect(node.name).toMatch(NAME);
      expect(node.name).toBe(node.name.toLowerCase());
      expect(node.description.length).toBeGreaterThanOrEqual(1);
      expect(node.description.length).toBeLessThanOrEqual(100);
    }
    const leaf = command.options?.[0]?.options ?? [];
    expect(leaf.map((option) => option.name)).toEqual(["needed-arg", "optional", "kind"]);
    const choices = leaf[2]?.choices ?? [];
    expect(choices).toHaveLength(25);
    for (const choice of choices) expect(choice.name.length).toBeLessThanOrEqual(100);
    // The fake applies Discord's own checks to the same body.
    const errors = new FormErrors();
    checkCommands([command], errors);
    expect(errors.body().errors).toEqual({});
  });

  it("the fake refuses what Discord refuses (so the checks above can fail)", () => {
    const errors = new FormErrors();
    checkCommands([{ type: 1, name: "Bad Name", description: "", options: [{ type: 3, name: "b", description: "b" }, { type: 3, name: "a", description: "a", required: true }] }], errors);
    expect(Object.keys(errors.body().errors["0"] as object).sort()).toEqual(["description", "name", "options"]);
  });

  it("turns slash command options back into the shared grammar", () => {
    const resolver = new CommandResolver(TEST_CATALOG);
    expect(resolver.toText("contacts", [{ name: "find", type: 1, options: [{ name: "country", type: 3, value: "NL" }, { name: "query", type: 3, value: "hosting provider" }] }])).toBe(
      "/contacts find hosting provider --country NL",
    );
    expect(resolver.toText("notice", [{ name: "open", type: 1, options: [{ name: "org", type: 3, value: "acme" }, { name: "urgent", type: 5, value: true }, { name: "hours", type: 10, value: 4 }] }])).toBe(
      "/notice open acme --urgent --hours 4",
    );
    expect(resolver.toText("digest", [{ name: "show", type: 1, options: [] }])).toBe("/digest");
    expect(resolver.toText("whoami")).toBe("/whoami");
    expect(resolver.toText("case", [{ name: "resolve", type: 1, options: [{ name: "ref", type: 3, value: "N-1" }, { name: "reason", type: 3, value: 'said "no"' }, { name: "outcome", type: 3, value: "no-action" }] }])).toBe(
      '/case resolve N-1 --outcome no-action --reason "said \\"no\\""',
    );
  });

  it("compares registered commands by what Liaison sets, ignoring Discord's extra fields", () => {
    const wanted = discordCommands(TEST_CATALOG);
    const registered = wanted.map((command, index) => ({ ...command, id: String(index), application_id: "1", version: "2", nsfw: false, default_member_permissions: null }));
    expect(sameCommands(registered, wanted)).toBe(true);
    const changed = structuredClone(registered);
    if (changed[0]) changed[0].description = "changed";
    expect(sameCommands(changed, wanted)).toBe(false);
  });
});
