import type { z } from "zod";
import type { CatalogArgument, CatalogCommand, CommandPermission } from "../core/catalog.js";
import type { OutboundMessage } from "../core/message.js";
import type { Outcome } from "../core/result.js";
import type { Actor } from "../core/actor.js";
import type { Services } from "./services.js";

/** Who may run a command, checked before it runs (the rule is in permissions.ts). */
export type Permission = CommandPermission;

/** What a command's execute function receives: the services it declared in `uses`, and the actor. */
export type CommandContext<U extends keyof Services> = Pick<Services, U> & { actor: Actor };

/** The one declaration of a command: name, help, arguments, permission and behaviour. */
export interface CommandDefinition<S extends z.ZodObject, U extends keyof Services, R> {
  /** Top-level command, e.g. "contacts". */
  group: string;
  /** Subcommand, e.g. "find"; omitted for a command without subcommands. */
  name?: string;
  /** One line for /help. */
  summary: string;
  /** More explanation for /help <command>. */
  details?: string;
  /** The arguments; each field's `.describe()` text is its help. */
  args: S;
  /** Fields given by position, in order. */
  positional?: readonly (keyof z.infer<S> & string)[];
  /** The positional field that takes the rest of the line (must be the last positional). */
  rest?: keyof z.infer<S> & string;
  /** The rest is free text, taken exactly as written (a message): nothing in it is read as an option. */
  verbatim?: boolean;
  examples: readonly string[];
  permission: Permission;
  /** The services execute needs; it gets only these. */
  uses: readonly U[];
  /** True when the command changes nothing (it is still recorded). */
  readOnly?: boolean;
  /** Does the work; expected failures are returned, not thrown. */
  execute(context: CommandContext<U>, args: z.infer<S>): Promise<Outcome<R>>;
  /** Turns the result into a message. */
  render(result: R): OutboundMessage;
  /** Whether the reply is shown to the asker only (default) or to everyone where the command was typed. */
  replyVisibility?: "private" | "public";
}

/** A command with its types erased, as the registry holds it. */
export interface Command {
  readonly definition: CommandDefinition<z.ZodObject, keyof Services, unknown>;
  /** "contacts find" or "help". */
  readonly fullName: string;
  readonly catalog: CatalogCommand;
}

/** Declares a command; the result goes into the registry's list in src/commands/registry.ts. */
export function defineCommand<S extends z.ZodObject, U extends keyof Services, R>(
  definition: CommandDefinition<S, U, R>,
): Command {
  const erased = definition as unknown as CommandDefinition<z.ZodObject, keyof Services, unknown>;
  return {
    definition: erased,
    fullName: definition.name ? `${definition.group} ${definition.name}` : definition.group,
    catalog: describeCommand(erased),
  };
}

interface ZodDefLike {
  type: string;
  innerType?: ZodLike;
  in?: ZodLike;
  out?: ZodLike;
  entries?: Record<string, string>;
  values?: unknown[];
  element?: ZodLike;
  options?: ZodLike[];
}

interface ZodLike {
  _zod: { def: ZodDefLike };
  description?: string;
}

/** Reads the type, optionality and choices of one argument schema. */
export function describeArgumentSchema(schema: ZodLike): { type: CatalogArgument["type"]; required: boolean; choices?: string[] } {
  let current: ZodLike = schema;
  let required = true;
  for (let depth = 0; depth < 10; depth += 1) {
    const def = current._zod.def;
    if (def.type === "optional" || def.type === "default" || def.type === "prefault") {
      required = false;
      if (!def.innerType) break;
      current = def.innerType;
      continue;
    }
    if (def.type === "pipe" && def.in) {
      current = def.in;
      continue;
    }
    if ((def.type === "nullable" || def.type === "readonly" || def.type === "catch") && def.innerType) {
      current = def.innerType;
      continue;
    }
    break;
  }
  const def = current._zod.def;
  if (def.type === "boolean") return { type: "boolean", required: false };
  if (def.type === "number" || def.type === "int" || def.type === "bigint") return { type: "number", required };
  if (def.type === "enum" && def.entries) return { type: "string", required, choices: Object.values(def.entries) };
  if (def.type === "literal" && def.values) return { type: "string", required, choices: def.values.map(String) };
  return { type: "string", required };
}

/** The usage line of a command, e.g. "/contacts find [query] [--country <country>]". */
function usageOf(definition: CommandDefinition<z.ZodObject, keyof Services, unknown>, args: CatalogArgument[]): string {
  const parts = [`/${definition.group}`];
  if (definition.name) parts.push(definition.name);
  for (const argument of args.filter((candidate) => candidate.positional)) {
    const label = argument.rest ? `<${argument.name}...>` : `<${argument.name}>`;
    parts.push(argument.required ? label : `[${label}]`);
  }
  for (const argument of args.filter((candidate) => !candidate.positional)) {
    const value = argument.type === "boolean" ? "" : argument.choices ? ` ${argument.choices.join("|")}` : ` <${argument.name}>`;
    parts.push(argument.required ? `--${argument.name}${value}` : `[--${argument.name}${value}]`);
  }
  return parts.join(" ");
}

function describeCommand(definition: CommandDefinition<z.ZodObject, keyof Services, unknown>): CatalogCommand {
  const positional: readonly string[] = definition.positional ?? [];
  const shape = definition.args.shape as Record<string, ZodLike>;
  const args: CatalogArgument[] = Object.entries(shape).map(([field, schema]) => {
    const described = describeArgumentSchema(schema);
    return {
      name: flagName(field),
      description: schema.description ?? field,
      type: described.type,
      required: described.required,
      positional: positional.includes(field),
      rest: definition.rest === field,
      verbatim: definition.rest === field && definition.verbatim === true,
      ...(described.choices ? { choices: described.choices } : {}),
    };
  });
  args.sort((a, b) => {
    if (a.positional !== b.positional) return a.positional ? -1 : 1;
    if (a.positional) return positional.indexOf(fieldName(a.name)) - positional.indexOf(fieldName(b.name));
    return 0;
  });
  return {
    group: definition.group,
    ...(definition.name ? { name: definition.name } : {}),
    summary: definition.summary,
    usage: usageOf(definition, args),
    examples: [...definition.examples],
    arguments: args,
    permission: definition.permission,
  };
}

/** The flag for a schema field: timeZone -> time-zone. */
export function flagName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The schema field for a flag: time-zone -> timeZone. */
export function fieldName(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
