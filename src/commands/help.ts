import { z } from "zod";
import { catalogGroups, GROUP_SUMMARIES, type CatalogCommand, type CommandCatalog } from "../core/catalog.js";
import type { OutboundMessage } from "../core/message.js";
import { fail, ok } from "../core/result.js";
import { defineCommand } from "./command.js";
import { closest } from "../core/suggest.js";
import type { Actor } from "../core/actor.js";
import { inertLine } from "../core/text.js";
import { mayRun, PERMISSION_HOLDERS } from "./permissions.js";

/** Help for one command: usage, arguments, examples. */
export function renderCommandHelp(command: CatalogCommand, details?: string): OutboundMessage {
  const title = `/${command.group}${command.name ? ` ${command.name}` : ""}: ${command.summary}`;
  const argumentLines = command.arguments.map((argument) => {
    const label = argument.positional ? `<${argument.name}>` : `--${argument.name}`;
    const choices = argument.choices ? ` (${argument.choices.join(", ")})` : "";
    return `  ${label}${argument.required ? "" : " (optional)"}: ${argument.description}${choices}`;
  });
  const lines = [title, ...(details ? [details] : []), `Usage: ${command.usage}`];
  if (argumentLines.length > 0) lines.push("Arguments:", ...argumentLines);
  if (command.examples.length > 0) lines.push("Examples:", ...command.examples.map((example) => `  ${example}`));
  return { title, text: lines.join("\n"), sections: [{ text: lines.slice(1).join("\n") }] };
}

/** The overview of the commands given, grouped; `hiddenCount` commands for other roles were left out. */
export function renderOverview(catalog: CommandCatalog, notes: readonly string[] = []): OutboundMessage {
  const sections = catalogGroups(catalog).map(({ group, summary, subcommands }) => ({
    heading: `/${group}: ${summary}`,
    text: subcommands.length > 0 ? subcommands.map((command) => `  /${group} ${command.name}: ${command.summary}`).join("\n") : "",
  }));
  const title = "Liaison commands";
  const footer = [...notes, "Details and examples: /help <command>, e.g. /help contacts find. Values with spaces go in \"quotes\"; options are --name value or --name=value."].join("\n");
  return {
    title,
    sections: [...sections, { text: footer }],
    text: [title, ...sections.map((section) => (section.text ? `${section.heading}\n${section.text}` : section.heading)), footer].join("\n"),
  };
}

/** A command or group name as typed, when it looks like one; anything else is never echoed. */
const COMMAND_WORD = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** "/contacts find", "/help". */
const fullName = (command: CatalogCommand) => `/${command.group}${command.name ? ` ${command.name}` : ""}`;

/** Who the actor is, in a sentence for a refusal. */
function actingAs(actor: Actor): string {
  const contact = actor.contact;
  if (!contact) return "You are not linked to a directory contact: ask your organisation admin or a coordinator to link you.";
  const role = contact.coordinator ? "a coordinator" : contact.orgAdmin ? `an organisation admin of ${contact.organisationSlug}` : `a contact of ${contact.organisationSlug}`;
  return `You act as ${inertLine(contact.name)} (${contact.handle}), ${role}.`;
}

/** /help and /help <command>: generated from the command declarations, for what the asker may run. */
export const help = defineCommand({
  group: "help",
  summary: GROUP_SUMMARIES.help ?? "How to use Liaison",
  details: "Lists the commands you may run; /help <command> also describes one you may not, and says who may.",
  args: z.object({
    topic: z.string().trim().optional().describe("A command, e.g. contacts find"),
  }),
  positional: ["topic"],
  rest: "topic",
  examples: ["/help", "/help contacts", "/help contacts find"],
  permission: "anyone",
  uses: ["catalog", "settings"],
  readOnly: true,
  async execute({ catalog, settings, actor }, { topic }) {
    const allowed = (command: CatalogCommand) => mayRun(command.permission ?? "contact", actor, settings.unlinkedMayRead);
    const mine = catalog.filter(allowed);
    if (!topic) {
      const hidden = catalog.length - mine.length;
      const notes = [
        ...(actor.contact ? [] : [actingAs(actor)]),
        ...(hidden > 0 ? [`${hidden} commands for other roles are not shown: /help <command> says who may run each.`] : []),
      ];
      return ok(renderOverview(mine, notes));
    }
    const words = topic.replace(/^[/!]/, "").toLowerCase().split(/\s+/);
    const [group = "", name] = words;
    const exact = catalog.find((command) => command.group === group && command.name === name) ?? (name === undefined ? catalog.find((command) => command.group === group && command.name === undefined && catalog.filter((other) => other.group === group).length === 1) : undefined);
    if (exact) {
      const refusal = allowed(exact) ? undefined : `You may not run ${fullName(exact)}: it is for ${PERMISSION_HOLDERS[exact.permission ?? "contact"]}. ${actingAs(actor)}`;
      return ok(renderCommandHelp(exact, refusal));
    }
    const inGroup = catalog.filter((command) => command.group === group);
    if (inGroup.length > 0) {
      const names = inGroup.flatMap((command) => (command.name ? [command.name] : []));
      if (name !== undefined && names.length > 0) {
        const suggestion = closest(name, names);
        const shown = COMMAND_WORD.test(name) ? ` "${name}"` : " of that name";
        return fail("not-found", `/${group} has no subcommand${shown}.`, `${suggestion ? `Did you mean /help ${group} ${suggestion}? ` : ""}Subcommands: ${names.join(", ")}.`);
      }
      const title = `/${group}: ${GROUP_SUMMARIES[group] ?? ""}`;
      const open = inGroup.filter(allowed);
      const lines = open.map((command) => `  ${command.usage}\n      ${command.summary}`);
      const hidden = inGroup.length - open.length;
      const others = hidden > 0 ? [`${open.length === 0 ? `None of them is open to you. ${actingAs(actor)}\n` : ""}${hidden} ${open.length > 0 ? "more " : ""}for other roles: /help ${group} <subcommand> says who may run each.`] : [];
      return ok({ title, text: [title, ...lines, ...others, `Details: /help ${group} <subcommand>`].join("\n") });
    }
    const suggestion = closest(group, new Set(catalog.map((command) => command.group)));
    return fail("not-found", COMMAND_WORD.test(group) ? `There is no command /${group}.` : "There is no such command.", suggestion ? `Did you mean /help ${suggestion}?` : "Type /help for all commands.");
  },
  render: (message) => message,
});
