import type { CommandCatalog } from "../../src/core/catalog.js";

/**
 * A console command line without its trailing comment: an unquoted " #" followed by a space (or the end of the line)
 * starts a comment, as in a shell script (`/contacts find 192.0.2.44   # who is responsible?`). "#123" or "a#b" are
 * kept; so is everything in quotes. Lines of commands whose text is a message (`/case say`), and thread lines, are
 * never cut: what a person writes to the other side is relayed as written. Without the catalog nothing is cut.
 */
export function withoutComment(line: string, catalog: CommandCatalog | undefined): string {
  if (!catalog || takesMessage(line, catalog)) return line;
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index] ?? "";
    const previous = line[index - 1] ?? " ";
    if (quote) {
      if (char === "\\" && quote === '"') index += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "\\") {
      index += 1;
      continue;
    }
    // A single quote opens a quotation only at the start of a word (inside one it is an apostrophe: O'Brien).
    if (char === '"' || (char === "'" && /[\s=]/.test(previous))) {
      quote = char;
      continue;
    }
    const next = line[index + 1];
    if (char === "#" && /\s/.test(previous) && index > 0 && (next === undefined || /\s/.test(next))) return line.slice(0, index).trimEnd();
  }
  return line;
}

/** True when the line names a command whose rest is a message taken as written (in the catalog, a verbatim argument). */
function takesMessage(line: string, catalog: CommandCatalog): boolean {
  const words = line.replace(/^[/!]/, "").trim().toLowerCase().split(/\s+/);
  return catalog.some(
    (command) =>
      command.group === words[0] &&
      (command.name === undefined || command.name === words[1]) &&
      command.arguments.some((argument) => argument.verbatim === true),
  );
}
