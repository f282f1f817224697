/** The kind of value a command argument takes. */
export type ArgumentType = "string" | "number" | "boolean";

/** One argument of a command, as platforms need it for registration and forms. */
export interface CatalogArgument {
  name: string;
  description: string;
  type: ArgumentType;
  required: boolean;
  /** True when the argument is given by position (`/contacts show acme`) rather than as `--name value`. */
  positional: boolean;
  /** True when a positional argument takes the rest of the line. */
  rest: boolean;
  /**
   * True when that rest is free text taken exactly as written: spaces, quotes, backslashes and words that start
   * with "--" are part of it (a message), not options.
   */
  verbatim?: boolean;
  /** Allowed values, when the argument is an enumeration. */
  choices?: string[];
}

/**
 * Who may run a command (see src/commands/permissions.ts): anyone; directory-reader (linked contacts, and unlinked
 * people when directory.unlinkedMayRead is on); contact; admin (coordinators and organisation admins); coordinator.
 */
export type CommandPermission = "anyone" | "directory-reader" | "contact" | "admin" | "coordinator";

/** A command as platforms see it: generated from the command declarations, never written by hand. */
export interface CatalogCommand {
  /** Top-level command, e.g. "contacts" (a Slack slash command, a Discord application command). */
  group: string;
  /** Subcommand, e.g. "find"; undefined for a command without subcommands ("help"). */
  name?: string;
  summary: string;
  usage: string;
  examples: string[];
  arguments: CatalogArgument[];
  /** Who may run it (the dispatcher's check; /help lists each person's own); always set by defineCommand. */
  permission?: CommandPermission;
}

/** Every command, in help order. */
export type CommandCatalog = readonly CatalogCommand[];

/** Top-level groups with their one-line summaries (for Slack's manifest and Discord's registration). */
export function catalogGroups(catalog: CommandCatalog): { group: string; summary: string; subcommands: CatalogCommand[] }[] {
  const groups = new Map<string, CatalogCommand[]>();
  for (const command of catalog) {
    const list = groups.get(command.group) ?? [];
    list.push(command);
    groups.set(command.group, list);
  }
  return [...groups].map(([group, commands]) => ({
    group,
    summary: commands.find((command) => command.name === undefined)?.summary ?? GROUP_SUMMARIES[group] ?? commands[0]?.summary ?? group,
    subcommands: commands.filter((command) => command.name !== undefined),
  }));
}

/** One-line descriptions of the top-level command groups. */
export const GROUP_SUMMARIES: Record<string, string> = {
  help: "How to use Liaison: all commands, or one in detail",
  contacts: "Find points of contact and keep the directory true",
  notice: "Open a notice towards an organisation",
  request: "Open a request or order towards an organisation",
  case: "Act on a case: status, history, acknowledge, resolve",
  digest: "Your reminder digest: overdue, due soon, unacknowledged, stale",
  whoami: "Who Liaison thinks you are",
};

/** Converts a command from a platform's structured form (Discord options) into the shared text grammar. */
export function toCommandText(
  command: Pick<CatalogCommand, "group" | "name" | "arguments">,
  values: Record<string, string | number | boolean | undefined>,
): string {
  const parts = [`/${command.group}`];
  if (command.name) parts.push(command.name);
  for (const argument of command.arguments) {
    const value = values[argument.name];
    if (value === undefined || value === "") continue;
    if (argument.positional) {
      parts.push(argument.rest ? String(value) : quoteToken(String(value)));
    } else if (argument.type === "boolean") {
      if (value === true || value === "true") parts.push(`--${argument.name}`);
    } else {
      parts.push(`--${argument.name}`, quoteToken(String(value)));
    }
  }
  return parts.join(" ");
}

/** Quotes a value for the text grammar when it contains spaces or quotes. */
export function quoteToken(value: string): string {
  if (value !== "" && !/[\s"'\\]/.test(value)) return value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
