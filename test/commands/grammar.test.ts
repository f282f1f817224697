import { describe, expect, it } from "vitest";
import { isGrammarError, parseLine, tokenize, type GrammarError, type ParsedLine } from "../../src/commands/grammar.js";
import { closest, editDistance } from "../../src/core/suggest.js";

/** Parses a line that must parse; returns words and flags as plain values. */
function parsed(line: string): { words: string[]; flags: Record<string, string | true> } {
  const result = parseLine(line);
  if (isGrammarError(result)) throw new Error(`"${line}" did not parse: ${result.message}`);
  return { words: result.words, flags: Object.fromEntries(result.flags) };
}

/** Parses a line that must fail. */
function failed(line: string): GrammarError {
  const result: ParsedLine | GrammarError = parseLine(line);
  if (!isGrammarError(result)) throw new Error(`"${line}" parsed, but should not have: ${JSON.stringify(result.words)}`);
  return result;
}

describe("tokenize", () => {
  it("splits on any whitespace and records where each token starts", () => {
    const line = "/contacts \t find   acme";
    const tokens = tokenize(line);
    if (!Array.isArray(tokens)) throw new Error(tokens.message);
    expect(tokens.map((token) => token.text)).toEqual(["/contacts", "find", "acme"]);
    for (const token of tokens) expect(line.slice(token.position, token.position + token.text.length)).toBe(token.text);
    expect(tokens.map((token) => token.quoted)).toEqual([false, false, false]);
  });

  it("marks quoted tokens, even empty ones", () => {
    const tokens = tokenize(`a "b c" '' d`);
    if (!Array.isArray(tokens)) throw new Error(tokens.message);
    expect(tokens.map((token) => [token.text, token.quoted])).toEqual([
      ["a", false],
      ["b c", true],
      ["", true],
      ["d", false],
    ]);
  });

  it("returns nothing for a blank line", () => {
    expect(tokenize("   ")).toEqual([]);
  });
});

describe("parseLine: words and quotes", () => {
  it("reads the command name and positional words", () => {
    expect(parsed("/contacts find hosting")).toEqual({ words: ["contacts", "find", "hosting"], flags: {} });
  });

  it.each([
    ["/contacts find acme", "contacts"],
    ["!contacts find acme", "contacts"],
    ["contacts find acme", "contacts"],
    ["/CONTACTS find acme", "contacts"],
    ["   /contacts find acme   ", "contacts"],
  ])("accepts %j with or without a leading / or !, in any case", (line, name) => {
    expect(parsed(line).words[0]).toBe(name);
  });

  it("only strips the first word's / or !", () => {
    expect(parsed("/help /contacts").words).toEqual(["help", "/contacts"]);
    expect(parsed("!find !x").words).toEqual(["find", "!x"]);
  });

  it("keeps the case of words after the command name", () => {
    expect(parsed("/contacts show Jan.Jansen").words).toEqual(["contacts", "show", "Jan.Jansen"]);
  });

  it("groups double-quoted text, keeping inner spaces", () => {
    expect(parsed('/contacts find "ACME  Hosting"').words).toEqual(["contacts", "find", "ACME  Hosting"]);
  });

  it("groups single-quoted text, in which double quotes are plain characters", () => {
    expect(parsed(`/a 'say "hi" now'`).words).toEqual(["a", 'say "hi" now']);
  });

  it("unescapes \\\" inside double quotes and a backslash-escaped space outside them", () => {
    expect(parsed(String.raw`/a "say \"hi\"" two\ words`).words).toEqual(["a", 'say "hi"', "two words"]);
  });

  it("joins quoted and unquoted parts of one token", () => {
    expect(parsed('/a pre"fix suf"fix').words).toEqual(["a", "prefix suffix"]);
  });

  it("reads typographic (smart) quotes as quotes", () => {
    expect(parsed("/a \u201Ctwo words\u201D \u201Eopen low\u201D \u2018single smart\u2019").words).toEqual([
      "a",
      "two words",
      "open low",
      "single smart",
    ]);
  });

  it("treats an apostrophe inside a word as a letter, not as an opening quote", () => {
    expect(parsed("/contacts find O'Brien").words).toEqual(["contacts", "find", "O'Brien"]);
    // Chat clients turn ' into ’ as people type.
    expect(parsed("/contacts remove x --reason owner\u2019s request").flags).toEqual({ reason: "owner's" });
  });

  it("keeps an empty quoted value", () => {
    expect(parsed('/a "" --b ""')).toEqual({ words: ["a", ""], flags: { b: "" } });
  });
});

describe("parseLine: flags", () => {
  it("reads --flag value", () => {
    expect(parsed("/contacts find hosting --country NL --topic notices")).toEqual({
      words: ["contacts", "find", "hosting"],
      flags: { country: "NL", topic: "notices" },
    });
  });

  it("reads --flag=value, also with = in the value", () => {
    expect(parsed("/a --topic=notices --note=a=b").flags).toEqual({ topic: "notices", note: "a=b" });
  });

  it("reads --flag=\"quoted value\" and --flag='quoted value'", () => {
    expect(parsed(`/a --reason="left the company" --hours='mon-fri 09:00-17:00'`)).toEqual({
      words: ["a"],
      flags: { reason: "left the company", hours: "mon-fri 09:00-17:00" },
    });
  });

  it("reads --flag \"quoted value\"", () => {
    expect(parsed('/a --reason "left the company" word').flags).toEqual({ reason: "left the company" });
  });

  it("reads a bare --flag followed by another flag or the end as a switch", () => {
    expect(parsed("/a --emergency --country NL --admin")).toEqual({ words: ["a"], flags: { emergency: true, country: "NL", admin: true } });
  });

  it("takes a quoted value that starts with -- as a value, never as a flag", () => {
    expect(parsed('/a --reason "--not-a-flag" --x')).toEqual({ words: ["a"], flags: { reason: "--not-a-flag", x: true } });
    expect(parsed(`/a '--literal'`)).toEqual({ words: ["a", "--literal"], flags: {} });
    expect(parsed(String.raw`/a \--escaped`)).toEqual({ words: ["a", "--escaped"], flags: {} });
  });

  it("lower-cases flag names but not values", () => {
    expect(parsed("/a --Country nl --TOPIC=Notices").flags).toEqual({ country: "nl", topic: "Notices" });
  });

  it("keeps the last value of a repeated flag", () => {
    expect(parsed("/a --x 1 --x 2").flags).toEqual({ x: "2" });
  });

  it("treats a lone -- as a word", () => {
    expect(parsed("/a --")).toEqual({ words: ["a", "--"], flags: {} });
  });

  it("puts words after flags among the positional words", () => {
    expect(parsed("/a --country NL hosting more")).toEqual({ words: ["a", "hosting", "more"], flags: { country: "NL" } });
  });
});

describe("parseLine: errors", () => {
  it.each([
    ['/a "unclosed', 3],
    ["/a 'unclosed", 3],
    ['/contacts find "ACME --country NL', 15],
    ['/a --reason="never closed', 12],
    ["/a \u201Csmart never closed", 3],
  ])("reports an unclosed quote in %j with its position", (line, position) => {
    const error = failed(line);
    expect(error.position).toBe(position);
    expect(line[error.position]).toMatch(/["'\u201C]/);
    expect(error.message).toContain(`character ${position + 1}`);
    expect(error.message).toMatch(/never closed/);
  });

  it("counts the position in the line as typed, leading spaces included", () => {
    const line = '   /a "x';
    const error = failed(line);
    expect(error.position).toBe(line.indexOf('"'));
  });

  it("is not fooled by an escaped closing quote", () => {
    const error = failed(String.raw`/a "ends with \"`);
    expect(error.position).toBe(3);
  });
});

describe("suggest", () => {
  it("computes edit distances", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
    expect(editDistance("contcts", "contacts")).toBe(1);
    expect(editDistance("shwo", "show")).toBe(1);
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("abc", "ca")).toBe(3);
  });

  it.each([
    ["contcts", ["contacts", "help", "whoami"], "contacts"],
    ["fnd", ["find", "show", "confirm"], "find"],
    ["shwo", ["find", "show"], "show"],
    ["hlep", ["help", "whoami"], "help"],
    ["co", ["contacts", "case"], "contacts"],
    ["Find", ["find", "show"], "find"],
    ["contry", ["country", "kind", "topic", "language"], "country"],
  ])("suggests the closest candidate for %j", (input, candidates, expected) => {
    expect(closest(input, candidates)).toBe(expected);
  });

  it.each([
    ["xyz", ["find", "show"]],
    ["elephant", ["contacts", "help", "whoami"]],
    ["a", ["find"]],
    ["anything", []],
  ])("suggests nothing when %j is not close to anything", (input, candidates) => {
    expect(closest(input, candidates)).toBeUndefined();
  });

  it("accepts any iterable of candidates", () => {
    expect(closest("helo", new Set(["help", "whoami"]).values())).toBe("help");
  });
});
