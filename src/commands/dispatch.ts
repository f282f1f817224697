import type { z } from "zod";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import type { OutboundMessage } from "../core/message.js";
import { fail, ok, type Failure, type Outcome } from "../core/result.js";
import type { Store } from "../store/db.js";
import { inUnitOfWork, type UnitOfWork } from "../work/unit-of-work.js";
import { auditActor, type Actor } from "../core/actor.js";
import { fieldName, type Command, type Permission } from "./command.js";
import { isGrammarError, parseLine, type ParsedLine } from "./grammar.js";
import type { CommandSettings, Services } from "./services.js";
import { closest } from "../core/suggest.js";
import { describeIssue } from "../core/issues.js";
import { isRateLimited } from "../limits/limiter.js";
import { permissionOutcome } from "./permissions.js";

/** The answer to one command line. */
export interface CommandAnswer {
  message: OutboundMessage;
  /** private: only the asker should see it; public: everyone where it was typed. */
  visibility: "private" | "public";
  /** The failure code, when the command did not succeed. */
  failure?: Failure["code"];
  /** The command that ran, e.g. "contacts find", when the line named one. */
  command?: string;
}

/** A command located in a line, with its remaining words and flags. */
interface Located {
  command: Command;
  words: string[];
  flags: Map<string, string | true>;
  /** The line as typed, and where each of `words` starts in it (a rest argument is taken from there, as written). */
  line: string;
  wordStarts: number[];
  flagStarts: ParsedLine["flagStarts"];
}

/** Longest command line read: longer ones are refused before they are parsed (parsing costs their length). */
export const MAX_COMMAND_LINE_CHARS = 20_000;

/** Renders an expected failure for the asker. */
export function renderFailure(failure: Failure): OutboundMessage {
  const lines = [`✗ ${failure.message}`];
  if (failure.hint) lines.push(failure.hint);
  return { text: lines.join("\n"), tone: "error" };
}

/** What the dispatcher needs. */
export interface DispatcherDependencies {
  /** The services of one unit of work: every command's reads and writes go through them. */
  servicesFor(work: UnitOfWork): Services;
  store: Pick<Store, "transaction">;
  clock: Clock;
  /** The record's keys, for the units of work the dispatcher runs on its own. */
  keys: RecordKeys;
  settings: CommandSettings;
}

/** Finds and runs commands; one instance serves every platform. */
export class Dispatcher {
  private readonly byGroup = new Map<string, Command[]>();

  private readonly servicesFor: DispatcherDependencies["servicesFor"];
  private readonly store: DispatcherDependencies["store"];
  private readonly clock: Clock;
  private readonly keys: RecordKeys;
  private readonly settings: CommandSettings;

  constructor(
    private readonly commands: readonly Command[],
    dependencies: DispatcherDependencies,
  ) {
    ({ servicesFor: this.servicesFor, store: this.store, clock: this.clock, keys: this.keys, settings: this.settings } = dependencies);
    for (const command of commands) {
      const list = this.byGroup.get(command.definition.group) ?? [];
      list.push(command);
      this.byGroup.set(command.definition.group, list);
    }
  }

  /** Runs one command line as the actor in a transaction of its own (the CLI, tests), records it, and answers. */
  run(actor: Actor, line: string): Promise<CommandAnswer> {
    return inUnitOfWork(this.store, this.clock, this.keys, (work) => this.runIn(work, actor, line));
  }

  /**
   * Runs one command line inside the caller's unit of work (that of an inbound event): the command's changes, the
   * messages they cause and its record entry commit together, or, when something fails, none do.
   */
  async runIn(work: UnitOfWork, actor: Actor, line: string): Promise<CommandAnswer> {
    const located: Outcome<Located> =
      line.length > MAX_COMMAND_LINE_CHARS
        ? fail("bad-arguments", `This command is ${line.length.toLocaleString("en")} characters long; Liaison reads commands of at most ${MAX_COMMAND_LINE_CHARS.toLocaleString("en")}.`, "Split it into several commands (for example, a few URLs per notice), or import a file.")
        : this.locate(line);
    const services = this.servicesFor(work);
    // Counted before anything runs: a line that names no command counts as a command (a flood of them is one too).
    const limit = located.ok && located.value.command.definition.readOnly ? "readOnlyCommands" : "commands";
    const admitted = await services.limits.admit(actor, limit);
    if (!admitted.ok) {
      // Recorded once per window by the limiter, not per refused attempt.
      return { message: renderFailure(admitted), visibility: "private", failure: admitted.code, ...(located.ok ? { command: located.value.command.fullName } : {}) };
    }
    if (!located.ok) {
      this.record(work, actor, line, undefined, located);
      return { message: renderFailure(located), visibility: "private", failure: located.code };
    }
    const { command } = located.value;
    const definition = command.definition;
    const outcome = await this.execute(services, actor, located.value);
    // A refusal by a limit inside the command (a case opening) is recorded once per window by the limiter.
    if (outcome.ok || !isRateLimited(outcome)) this.record(work, actor, line, command, outcome);
    if (!outcome.ok) {
      return { message: renderFailure(outcome), visibility: "private", failure: outcome.code, command: command.fullName };
    }
    return { message: definition.render(outcome.value), visibility: definition.replyVisibility ?? "private", command: command.fullName };
  }

  private async execute(services: Services, actor: Actor, located: Located): Promise<Outcome<unknown>> {
    const { command } = located;
    const definition = command.definition;
    const usage = `Usage: ${command.catalog.usage}\nMore: /help ${command.fullName}`;
    const bound = this.bind(located);
    if (!bound.ok) return { ...bound, hint: bound.hint ? `${bound.hint}\n${usage}` : usage };
    const parsed = definition.args.safeParse(bound.value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const field = issue.path[0];
        const argument = command.catalog.arguments.find((candidate) => fieldName(candidate.name) === field);
        const label = argument ? (argument.positional ? `<${argument.name}>` : `--${argument.name}`) : String(field ?? "arguments");
        const given = typeof field === "string" ? bound.value[field] : undefined;
        return `${label}: ${describeIssue(issue, given)}`;
      });
      return fail("bad-arguments", problems.join("\n"), usage);
    }
    const permitted = this.permit(definition.permission, actor);
    if (!permitted.ok) return permitted;
    const context: Record<string, unknown> = { actor };
    for (const name of definition.uses) context[name] = services[name];
    return definition.execute(context as never, parsed.data);
  }

  /** Finds the command a line names, or says what was wrong and what was meant. */
  private locate(line: string): Outcome<Located> {
    const parsed = parseLine(line);
    if (isGrammarError(parsed)) return fail("bad-arguments", parsed.message, 'Put values with spaces in "double quotes".');
    const [group, ...rest] = parsed.words;
    if (!group) return fail("unknown-command", "Type a command.", "Type /help to see them all.");
    const candidates = this.byGroup.get(group);
    if (!candidates) {
      const suggestion = closest(group, this.byGroup.keys());
      return fail("unknown-command", `There is no command /${group}.`, suggestion ? `Did you mean /${suggestion}? Type /help for all commands.` : "Type /help for all commands.");
    }
    const bare = candidates.find((candidate) => candidate.definition.name === undefined);
    const named = candidates.filter((candidate) => candidate.definition.name !== undefined);
    const sub = rest[0]?.toLowerCase();
    const match = named.find((candidate) => candidate.definition.name === sub);
    const context = { flags: parsed.flags, line, flagStarts: parsed.flagStarts };
    if (match) return ok({ command: match, words: rest.slice(1), wordStarts: parsed.wordStarts.slice(2), ...context });
    if (bare) return ok({ command: bare, words: rest, wordStarts: parsed.wordStarts.slice(1), ...context });
    const names = named.map((candidate) => candidate.definition.name as string);
    const list = `/${group} ${names.join(" | ")}`;
    if (sub === undefined) return fail("bad-arguments", `/${group} needs a subcommand: ${names.join(", ")}.`, `Usage: ${list}\nMore: /help ${group}`);
    const suggestion = closest(sub, names);
    return fail(
      "unknown-command",
      `/${group} has no subcommand "${sub}".`,
      `${suggestion ? `Did you mean /${group} ${suggestion}? ` : ""}Subcommands: ${names.join(", ")}.`,
    );
  }

  /** Maps words and flags onto the command's fields, as strings (booleans as true/false), before validation. */
  private bind(located: Located): Outcome<Record<string, unknown>> {
    const { command, words, line, wordStarts } = located;
    let flags = located.flags;
    const values: Record<string, unknown> = {};
    const args = command.catalog.arguments;
    const positional = args.filter((argument) => argument.positional);
    let index = 0;
    for (const argument of positional) {
      if (index >= words.length) break;
      if (argument.rest && argument.verbatim) {
        // The rest of the line exactly as written: spaces, quotes, backslashes and words starting with -- included.
        const start = wordStarts[index] ?? line.length;
        values[fieldName(argument.name)] = line.slice(start);
        flags = new Map(located.flagStarts.filter((flag) => flag.position < start).map((flag) => [flag.name, flag.value]));
        index = words.length;
      } else if (argument.rest) {
        values[fieldName(argument.name)] = words.slice(index).join(" ");
        index = words.length;
      } else {
        values[fieldName(argument.name)] = words[index];
        index += 1;
      }
    }
    if (index < words.length) {
      const extra = words.slice(index).join(" ");
      return fail("bad-arguments", `Unexpected "${extra}".`, positional.length === 0 ? "This command takes only --flags." : 'Put values with spaces in "double quotes".');
    }
    const flagArgs = new Map(args.filter((argument) => !argument.positional).map((argument) => [argument.name, argument]));
    for (const [flag, value] of flags) {
      const argument = flagArgs.get(flag) ?? args.find((candidate) => candidate.name === flag);
      if (!argument) {
        const suggestion = closest(flag, [...flagArgs.keys()]);
        return fail("bad-arguments", `Unknown option --${flag}.`, suggestion ? `Did you mean --${suggestion}?` : `Options: ${[...flagArgs.keys()].map((name) => `--${name}`).join(", ") || "none"}.`);
      }
      const field = fieldName(argument.name);
      if (argument.type === "boolean") {
        if (value === true || /^(true|yes|on|1)$/i.test(value)) values[field] = true;
        else if (/^(false|no|off|0)$/i.test(value)) values[field] = false;
        else return fail("bad-arguments", `--${flag} is a switch: write --${flag} alone, or --${flag}=false.`);
      } else if (value === true) {
        return fail("bad-arguments", `--${flag} needs a value: --${flag} <${argument.name}>.`);
      } else {
        values[field] = argument.type === "number" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      }
    }
    return ok(values);
  }

  private permit(permission: Permission, actor: Actor): Outcome<true> {
    return permissionOutcome(permission, actor, this.settings.unlinkedMayRead);
  }

  /** Records the command in the unit of work. */
  private record(work: UnitOfWork, actor: Actor, line: string, command: Command | undefined, outcome: Outcome<unknown>): void {
    const entry = {
      ...auditActor(actor),
      action: "command",
      subjectType: "command",
      subjectId: command?.fullName ?? "(unknown)",
      result: outcome.ok ? "ok" : `refused:${outcome.code}`,
      detail: { line: line.slice(0, 4000), ...(outcome.ok ? {} : { reason: outcome.message }) },
    };
    work.record(entry);
  }

  /** The commands this dispatcher knows. */
  list(): readonly Command[] {
    return this.commands;
  }
}
