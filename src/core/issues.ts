import type { z } from "zod";

/** What was wrong with a value, in words, as the person typed it (zod's own messages speak of types and inputs). */
export function describeIssue(issue: z.core.$ZodIssue, given: unknown): string {
  if (given === undefined && issue.code === "invalid_type") return "is required";
  const length = typeof given === "string" ? ` (this one has ${given.length.toLocaleString("en")})` : "";
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "number" || issue.expected === "int") return `must be a number, e.g. 10, not "${shorten(String(given))}"`;
      if (issue.expected === "boolean") return "is a switch: write it alone, or =true / =false";
      if (issue.expected === "date") return "must be a date, e.g. 2026-03-01";
      return `must be ${issue.expected === "string" ? "text" : `a ${issue.expected}`}`;
    case "too_big":
      if (issue.origin === "string") return `is too long: at most ${Number(issue.maximum).toLocaleString("en")} characters${length}`;
      if (issue.origin === "array" || issue.origin === "set") return `takes at most ${Number(issue.maximum).toLocaleString("en")} values`;
      return `must be at most ${String(issue.maximum)}`;
    case "too_small":
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "must not be empty" : `must be at least ${String(issue.minimum)} characters${length}`;
      if (issue.origin === "array" || issue.origin === "set") return `needs at least ${String(issue.minimum)} value(s)`;
      return `must be at least ${String(issue.minimum)}`;
    case "invalid_value":
      return `must be one of: ${issue.values.map(String).join(", ")}`;
    case "invalid_format":
      if (issue.format === "email") return "must be an email address, e.g. anna@example.org";
      if (issue.format === "url") return "must be a URL, e.g. https://example.org/page";
      if (issue.format === "regex") return wordsOf(issue.message);
      return issue.message.startsWith("Invalid") ? `is not in the expected form (${issue.format})` : `must be ${issue.message}`;
    case "unrecognized_keys":
      return `${issue.keys.join(", ")} ${issue.keys.length === 1 ? "is" : "are"} not known here`;
    default:
      return wordsOf(issue.message);
  }
}

/** A schema's own message as the rest of a sentence: a noun phrase ("a two-letter code") reads "expected a …". */
function wordsOf(message: string): string {
  return /^[a-z"(]/.test(message) ? `expected ${message}` : message;
}

/** A value shortened for an error message. */
function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}

/**
 * Every problem of a validation, one line each, naming each field as the person typed it (`labels` maps a schema
 * field, or a dotted path such as "responsibilities.domains", to "--add-domain"); a list's item is named by its value:
 * `--languages "12345": expected a two-letter ISO 639-1 language code such as en, nl or de`.
 */
export function describeIssues(error: z.ZodError, input: unknown, labels: Readonly<Record<string, string>> = {}): string {
  return error.issues
    .map((issue) => {
      const keys = issue.path.filter((part): part is string => typeof part === "string");
      const index = issue.path.find((part): part is number => typeof part === "number");
      const dotted = keys.join(".");
      const label = labels[dotted] ?? labels[keys[0] ?? ""] ?? (dotted === "" ? "" : dotted.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`));
      const given = valueAt(input, issue.path);
      const item = index !== undefined && typeof given === "string" ? ` "${shorten(given)}"` : "";
      const text = describeIssue(issue, given);
      return label === "" ? text : `${label}${item}: ${text}`;
    })
    .join("\n");
}

/** The input at a path, reading a comma-separated text as the list it stands for. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const part of path) {
    if (typeof current === "string" && typeof part === "number") current = current.split(/[,;]/).map((item) => item.trim()).filter(Boolean)[part];
    else if (current !== null && typeof current === "object") current = (current as Record<PropertyKey, unknown>)[part];
    else return undefined;
  }
  return current;
}
