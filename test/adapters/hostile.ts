/** Text with everything a platform might obey: mentions, disguised links, pills, a URL, bidi and zero-width characters. */
export const HOSTILE_TEXT = [
  "<!channel> <!here> <@U123> <https://evil.example|https://bank.example>",
  "@everyone @here <@123456789012345678> [https://bank.example](https://evil.example)",
  "@room <a href=\"https://matrix.to/#/@bob:example.org\">bob</a> https://matrix.to/#/@bob:example.org",
  "see https://evil.example/csam now \u202Egnp.exe\u202C zero\u200Bwidth\u2060joiner",
].join("\n");

/** A 100,000-character text. */
export const HUGE_TEXT = "x".repeat(100_000);
