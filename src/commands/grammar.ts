/** A command line split into words and flags. */
export interface ParsedLine {
  /** Words that are not flags, in order (the command name first). */
  words: string[];
  /** Flags: `--name value`, `--name=value`, or `--name` alone (true). Repeated flags keep the last value. */
  flags: Map<string, string | true>;
  /** Where each word starts in the line (same order as `words`), so that a command can take the rest of it as written. */
  wordStarts: number[];
  /** Each flag as written, with where it starts in the line, in order. */
  flagStarts: { name: string; value: string | true; position: number }[];
}

/** A problem in the text itself (an unclosed quote), with the position it starts at. */
export interface GrammarError {
  message: string;
  position: number;
}

/** One token: its text, whether it was quoted (quoted text is never a flag) and where it starts. */
interface Token {
  text: string;
  quoted: boolean;
  position: number;
  /** How many leading characters of `text` were written bare (not quoted or escaped); a flag's `--name` must be. */
  bare: number;
}

/** Splits a line into tokens: whitespace separates, "double" or 'single' quotes group, backslash escapes. */
export function tokenize(line: string): Token[] | GrammarError {
  // A single quote opens a quotation only at the start of a token or of a flag's value (--reason='...'); inside a
  // word it is an apostrophe (O'Brien, don't), which chat clients also type as ’.
  const tokens: Token[] = [];
  let index = 0;
  const normalised = line.replace(/[\u201C\u201D\u201E]/g, '"').replace(/[\u2018\u2019]/g, "'");
  while (index < normalised.length) {
    while (index < normalised.length && /\s/.test(normalised[index] ?? "")) index += 1;
    if (index >= normalised.length) break;
    const start = index;
    let text = "";
    let quoted = false;
    let bare: number | undefined;
    while (index < normalised.length && !/\s/.test(normalised[index] ?? "")) {
      const char = normalised[index] ?? "";
      // (The flag test runs only on a bare text ending in "=", so a run of apostrophes stays linear.)
      const opensSingle = char === "'" && (text === "" || (bare === undefined && text.endsWith("=") && /^--[^=]+=$/.test(text)));
      if (char === '"' || opensSingle) {
        quoted = true;
        bare ??= text.length;
        const close = char;
        const quoteStart = index;
        index += 1;
        let closed = false;
        while (index < normalised.length) {
          const inner = normalised[index] ?? "";
          if (inner === "\\" && close === '"' && index + 1 < normalised.length) {
            text += normalised[index + 1];
            index += 2;
            continue;
          }
          if (inner === close) {
            closed = true;
            index += 1;
            break;
          }
          text += inner;
          index += 1;
        }
        if (!closed) return { message: `the quote opened at character ${quoteStart + 1} is never closed`, position: quoteStart };
        continue;
      }
      if (char === "\\" && index + 1 < normalised.length) {
        bare ??= text.length;
        text += normalised[index + 1];
        index += 2;
        continue;
      }
      text += char;
      index += 1;
    }
    tokens.push({ text, quoted, position: start, bare: bare ?? text.length });
  }
  return tokens;
}

/** Parses a command line in the shared grammar: `/contacts find hosting --country NL --topic=notices "two words"`. */
export function parseLine(line: string): ParsedLine | GrammarError {
  const tokens = tokenize(line);
  if (!Array.isArray(tokens)) return tokens;
  const words: string[] = [];
  const wordStarts: number[] = [];
  const flags = new Map<string, string | true>();
  const flagStarts: ParsedLine["flagStarts"] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (!token) continue;
    if (isFlag(token)) {
      const body = token.text.slice(2);
      const equals = body.indexOf("=");
      let name: string;
      let value: string | true;
      if (equals >= 0 && equals + 2 < token.bare) {
        name = body.slice(0, equals).toLowerCase();
        value = body.slice(equals + 1);
      } else {
        name = body.toLowerCase();
        const next = tokens[index + 1];
        value = next && !isFlag(next) ? next.text : true;
        if (value !== true) index += 1;
      }
      flags.set(name, value);
      flagStarts.push({ name, value, position: token.position });
      continue;
    }
    words.push(token.text);
    wordStarts.push(token.position);
  }
  if (words[0]?.startsWith("/") || words[0]?.startsWith("!")) words[0] = words[0].slice(1);
  if (words[0] !== undefined) words[0] = words[0].toLowerCase();
  return { words, flags, wordStarts, flagStarts };
}

/** A token that is a flag: it starts with a bare "--" and a bare name (quoted or escaped text is a value). */
function isFlag(token: Token): boolean {
  return token.text.startsWith("--") && token.text.length > 2 && token.bare > 2;
}

/** True when parseLine failed. */
export function isGrammarError(value: ParsedLine | GrammarError): value is GrammarError {
  return "message" in value;
}
