import type { CatalogArgument, CatalogCommand, CommandCatalog } from "../../src/core/catalog.js";
import { catalogGroups, toCommandText } from "../../src/core/catalog.js";
import { truncateVisibly } from "../../src/core/message.js";
import { DISCORD_LIMITS as L } from "./limits.js";

/** An application command option as Discord takes it (the subset Liaison registers). */
export interface DiscordCommandOption {
  type: 1 | 3 | 5 | 10;
  name: string;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string }[];
  options?: DiscordCommandOption[];
}

/** A CHAT_INPUT application command as sent to the bulk overwrite endpoint. */
export interface DiscordCommand {
  type: 1;
  name: string;
  description: string;
  options?: DiscordCommandOption[];
}

/** Option types by catalog argument type. */
const OPTION_TYPES = { string: 3, number: 10, boolean: 5 } as const;

/** Subcommand names tried, in order, for a group's command that has no subcommand name of its own. */
const DEFAULT_SUBCOMMAND_NAMES = ["show", "run", "default"];

/** Makes a Discord command or option name: lowercase, letters/digits/-/_, 1..32 characters. */
export function discordName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^-_\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, L.commandNameChars);
  return cleaned === "" ? "x" : cleaned;
}

/** Makes a description within 1..100 characters. */
function discordDescription(text: string, fallback: string): string {
  const trimmed = text.trim() === "" ? fallback : text.trim();
  return truncateVisibly(trimmed, L.commandDescriptionChars, "…");
}

/** Options for one catalog command's arguments: typed, with choices, required ones first, at most 25. */
function argumentOptions(command: CatalogCommand): DiscordCommandOption[] {
  const ordered = [...command.arguments].sort((a, b) => Number(b.required) - Number(a.required));
  return ordered.slice(0, L.commandOptions).map((argument) => {
    const option: DiscordCommandOption = {
      type: OPTION_TYPES[argument.type],
      name: discordName(argument.name),
      description: discordDescription(argument.description, argument.name),
    };
    if (argument.required) option.required = true;
    if (argument.choices && argument.choices.length > 0 && argument.type === "string") {
      option.choices = argument.choices.slice(0, L.commandChoices).map((choice) => ({
        name: truncateVisibly(choice, L.choiceChars, "…"),
        value: choice.slice(0, L.choiceChars),
      }));
    }
    return option;
  });
}

/** Builds the registration and the route table together so both always agree. */
function build(catalog: CommandCatalog): { commands: DiscordCommand[]; routes: Map<string, CatalogCommand> } {
  const commands: DiscordCommand[] = [];
  const routes = new Map<string, CatalogCommand>();
  for (const group of catalogGroups(catalog)) {
    const name = discordName(group.group);
    const description = discordDescription(group.summary, group.group);
    const nameless = catalog.find((command) => command.group === group.group && command.name === undefined);
    if (group.subcommands.length === 0) {
      if (!nameless) continue;
      const command: DiscordCommand = { type: 1, name, description };
      const options = argumentOptions(nameless);
      if (options.length > 0) command.options = options;
      commands.push(command);
      routes.set(`${name} `, nameless);
      continue;
    }
    const subcommands: DiscordCommandOption[] = [];
    const used = new Set<string>();
    for (const sub of group.subcommands) {
      const subName = discordName(sub.name ?? "");
      if (used.has(subName) || subcommands.length >= L.commandOptions) continue;
      used.add(subName);
      subcommands.push(subcommandOption(subName, sub));
      routes.set(`${name} ${subName}`, sub);
    }
    // Discord cannot mix a bare command with subcommands: the bare one becomes a subcommand ("/digest show").
    const fallbackName = DEFAULT_SUBCOMMAND_NAMES.find((candidate) => !used.has(candidate));
    if (nameless && fallbackName && subcommands.length < L.commandOptions) {
      subcommands.unshift(subcommandOption(fallbackName, nameless));
      routes.set(`${name} ${fallbackName}`, nameless);
    }
    commands.push({ type: 1, name, description, options: subcommands });
  }
  return { commands, routes };
}

/** One subcommand option (type 1) for a catalog command. */
function subcommandOption(name: string, command: CatalogCommand): DiscordCommandOption {
  const option: DiscordCommandOption = { type: 1, name, description: discordDescription(command.summary, name) };
  const options = argumentOptions(command);
  if (options.length > 0) option.options = options;
  return option;
}

/** The application commands for a catalog: one per group, with subcommands, typed options and choices, within Discord's limits. */
export function discordCommands(catalog: CommandCatalog): DiscordCommand[] {
  return build(catalog).commands;
}

/** A received option value (subset of Discord's interaction data). */
export interface ReceivedOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  options?: ReceivedOption[] | undefined;
}

/** Turns slash commands back into the shared text grammar using the catalog. */
export class CommandResolver {
  private readonly routes: Map<string, CatalogCommand>;

  constructor(catalog: CommandCatalog) {
    this.routes = build(catalog).routes;
  }

  /** The command text for a slash command's name and options; unknown commands are rendered generically. */
  toText(commandName: string, options: ReceivedOption[] = []): string {
    const sub = options.find((option) => option.type === 1 || option.type === 2);
    let leafOptions = options;
    let subName = "";
    if (sub) {
      subName = sub.name;
      leafOptions = sub.options ?? [];
      if (sub.type === 2) {
        const inner = leafOptions.find((option) => option.type === 1);
        subName = `${sub.name} ${inner?.name ?? ""}`.trim();
        leafOptions = inner?.options ?? [];
      }
    }
    const entry = this.routes.get(`${commandName} ${subName}`);
    if (!entry) {
      const values: Record<string, string | number | boolean | undefined> = {};
      const args: CatalogArgument[] = leafOptions.map((option) => {
        values[option.name] = option.value;
        return { name: option.name, description: "", type: "string", required: false, positional: false, rest: false };
      });
      return toCommandText({ group: commandName, name: subName || undefined, arguments: args }, values);
    }
    const values: Record<string, string | number | boolean | undefined> = {};
    for (const argument of entry.arguments) {
      const received = leafOptions.find((option) => option.name === discordName(argument.name));
      if (received) values[argument.name] = received.value;
    }
    return toCommandText(entry, values);
  }
}

/** A registered command as Discord returns it, reduced to what Liaison sets, for comparison. */
export function normaliseCommands(commands: readonly unknown[]): unknown[] {
  const option = (raw: unknown): unknown => {
    const value = (raw ?? {}) as Record<string, unknown>;
    const options = Array.isArray(value.options) ? value.options.map(option) : [];
    const choices = Array.isArray(value.choices)
      ? value.choices.map((choice) => {
          const c = (choice ?? {}) as Record<string, unknown>;
          return { name: c.name, value: c.value };
        })
      : [];
    return { type: value.type ?? 1, name: value.name, description: value.description, required: value.required === true, choices, options };
  };
  return commands.map(option).sort((a, b) => String((a as { name: unknown }).name).localeCompare(String((b as { name: unknown }).name)));
}

/** True when the registered commands equal the generated ones in everything Liaison sets. */
export function sameCommands(registered: readonly unknown[], generated: readonly DiscordCommand[]): boolean {
  return JSON.stringify(normaliseCommands(registered)) === JSON.stringify(normaliseCommands(generated));
}
