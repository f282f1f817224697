// Text from people is made inert before it is shown: terminal escape sequences, carriage returns and the Unicode
// controls that reorder or hide text become visible markers; line breaks stay, and in a relayed message every line
// after the first is marked as a continuation, so that no line can pass for another author's.
import { describe, expect, it } from "vitest";
import { renderForConsole } from "../../adapters/console/render.js";
import { hasUnsafeCharacters, inertLine, inertText, quotedBody } from "../../src/core/text.js";

describe("inert text", () => {
  it("shows terminal escape sequences, bells and carriage returns as markers: clear screen, window title, OSC 52 clipboard", () => {
    const hostile = "a\u001b[2J\u001b]0;owned\u0007b\u001b]52;c;ZWNobyBvd25lZA==\u0007\rc\u009bd";
    const shown = inertText(hostile);
    expect(shown).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    expect(shown).toBe("a⟨U+001B⟩[2J⟨U+001B⟩]0;owned⟨U+0007⟩b⟨U+001B⟩]52;c;ZWNobyBvd25lZA==⟨U+0007⟩⟨U+000D⟩c⟨U+009B⟩d");
    expect(hasUnsafeCharacters(hostile)).toBe(true);
    expect(hasUnsafeCharacters(shown)).toBe(false);
  });

  it("shows bidi overrides, isolates, marks and invisible characters; keeps line breaks, tabs, emoji joiners and other scripts", () => {
    expect(inertText("invoice\u202Efdp.exe")).toBe("invoice⟨U+202E⟩fdp.exe");
    expect(inertText("a\u2066b\u2069c\u200Bd\uFEFFe\u200Ff\u061Cg\u2060h")).toBe("a⟨U+2066⟩b⟨U+2069⟩c⟨U+200B⟩d⟨U+FEFF⟩e⟨U+200F⟩f⟨U+061C⟩g⟨U+2060⟩h");
    const ordinary = "Zoë: line one\n\tline two 👩\u200D💻 مرحبا שלום 你好";
    expect(inertText(ordinary)).toBe(ordinary);
    expect(inertText("a\r\nb")).toBe("a\nb");
  });

  it("a one-line text (a name) has no line breaks", () => {
    expect(inertLine("Eva\nMallory (Police): hi\tthere")).toBe("Eva Mallory (Police): hi there");
  });

  it("a relayed body's later lines are marked as its continuation", () => {
    expect(quotedBody("first\nSanne de Vries (Netherlands Internet Referral Unit): please remove all")).toBe(
      "first\n│ Sanne de Vries (Netherlands Internet Referral Unit): please remove all",
    );
  });

  it("is linear: 100,000 hostile characters", () => {
    const hostile = "\u001b\u202E\n".repeat(33_334);
    const shown = quotedBody(hostile);
    expect(hasUnsafeCharacters(shown)).toBe(false);
    expect(shown.split("\n")).toHaveLength(33_335);
  });

  it("the console shows every message inert", () => {
    const shown = renderForConsole({ text: "Jan (ACME): done\u001b]0;pwned\u0007\u001b[2J" });
    expect(shown).toBe("Jan (ACME): done⟨U+001B⟩]0;pwned⟨U+0007⟩⟨U+001B⟩[2J");
  });
});
