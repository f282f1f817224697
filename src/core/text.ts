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
