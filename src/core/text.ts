// Text from people, made inert before anyone reads it: control characters (terminal escape sequences, carriage
// returns, bell...) and the Unicode controls that reorder or hide text (bidi overrides and isolates, the zero-width
// space and word joiner, the byte-order mark) are shown as visible markers instead of being obeyed. Line breaks and
// tabs stay; the zero-width joiner stays (emoji sequences need it).

/** C0 controls but tab and line feed, DEL, C1 controls; bidi embeddings, overrides, isolates and marks; invisibles. */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** The visible marker of a character that is not shown as it is: its code point, e.g. "⟨U+202E⟩". */
function marker(char: string): string {
  return `⟨U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

/** Characters a name or other one-line label may not hold: every UNSAFE one, and line breaks and tabs. */
const NOT_IN_A_NAME = /[\u0000-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/** The same, with line feeds allowed (a postal address). */
const NOT_IN_A_NAME_BUT_LINE_BREAKS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/**
 * The first character a name may not hold, as "U+202E at character 5", or undefined when there is none. Names are
 * shown everywhere as a message's author, so a line break, a terminal control or a reordering character in one
 * could make a line pass for another author's: they are refused where names are written, not only made inert.
 * The zero-width joiner and non-joiner stay allowed (Persian and Indic names, emoji need them).
 */
export function forbiddenNameCharacter(text: string, lineBreaks: "refused" | "allowed" = "refused"): string | undefined {
  const found = (lineBreaks === "allowed" ? NOT_IN_A_NAME_BUT_LINE_BREAKS : NOT_IN_A_NAME).exec(text.replace(/\r\n/g, "\n"));
  if (!found) return undefined;
  const code = (found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
  return `U+${code} at character ${found.index + 1}`;
}

/** True when the text holds a character that inertText would replace. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/** The text with every control and reordering character replaced by a visible marker (linear in its length). */
export function inertText(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(UNSAFE, marker);
}

/** A one-line text (a name): inert, with line breaks and tabs as spaces. */
export function inertLine(text: string): string {
  return inertText(text).replace(/[\n\t]/g, " ");
}

/**
 * A relayed message's body: inert, and each line after the first indented with a bar, so that no line of it can
 * pass for another message's "Name (Organisation): text" attribution.
 */
export function quotedBody(text: string): string {
  return inertText(text).replace(/\n/g, "\n│ ");
}
