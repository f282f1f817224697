import { z } from "zod";
import { catalogGroups, GROUP_SUMMARIES, type CatalogCommand, type CommandCatalog } from "../core/catalog.js";
import type { OutboundMessage } from "../core/message.js";
import { fail, ok } from "../core/result.js";
import { defineCommand } from "./command.js";
import { closest } from "../core/suggest.js";

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

/** The overview of every command, grouped. */
export function renderOverview(catalog: CommandCatalog): OutboundMessage {
  const sections = catalogGroups(catalog).map(({ group, summary, subcommands }) => ({
    heading: `/${group}: ${summary}`,
    text: subcommands.length > 0 ? subcommands.map((command) => `  /${group} ${command.name}: ${command.summary}`).join("\n") : "",
  }));
  const title = "Liaison commands";
  const footer = "Details and examples: /help <command>, e.g. /help contacts find. Values with spaces go in \"quotes\"; options are --name value or --name=value.";
  return {
    title,
    sections: [...sections, { text: footer }],
    text: [title, ...sections.map((section) => (section.text ? `${section.heading}\n${section.text}` : section.heading)), footer].join("\n"),
  };
}

/** /help and /help <command>: generated from the command declarations. */
export const help = defineCommand({
  group: "help",
  summary: GROUP_SUMMARIES.help ?? "How to use Liaison",
  args: z.object({
    topic: z.string().trim().optional().describe("A command, e.g. contacts find"),
  }),
  positional: ["topic"],
  rest: "topic",
  examples: ["/help", "/help contacts", "/help contacts find"],
  permission: "anyone",
  uses: ["catalog"],
  readOnly: true,
  async execute({ catalog }, { topic }) {
    if (!topic) return ok(renderOverview(catalog));
    const words = topic.replace(/^[/!]/, "").toLowerCase().split(/\s+/);
    const [group, name] = words;
    const exact = catalog.find((command) => command.group === group && command.name === name);
    if (exact) return ok(renderCommandHelp(exact));
    const inGroup = catalog.filter((command) => command.group === group);
    if (inGroup.length === 1 && inGroup[0] && inGroup[0].name === undefined) return ok(renderCommandHelp(inGroup[0]));
    if (inGroup.length > 0) {
      const names = inGroup.flatMap((command) => (command.name ? [command.name] : []));
      if (name !== undefined && names.length > 0) {
        const suggestion = closest(name, names);
        return fail("not-found", `/${group} has no subcommand "${name}".`, `${suggestion ? `Did you mean /help ${group} ${suggestion}? ` : ""}Subcommands: ${names.join(", ")}.`);
      }
      const title = `/${group}: ${GROUP_SUMMARIES[group ?? ""] ?? ""}`;
      const lines = inGroup.map((command) => `  ${command.usage}\n      ${command.summary}`);
      return ok({ title, text: [title, ...lines, `Details: /help ${group} <subcommand>`].join("\n") });
    }
    const suggestion = closest(group ?? "", new Set(catalog.map((command) => command.group)));
    return fail("not-found", `There is no command /${group}.`, suggestion ? `Did you mean /help ${suggestion}?` : "Type /help for all commands.");
  },
  render: (message) => message,
});
