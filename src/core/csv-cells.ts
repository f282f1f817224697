// CSV cells that a spreadsheet would run as formulas. A cell beginning with "=", "+", "-", "@", a tab or a carriage
// return is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK("https://evil.example", "Click")`,
// `@SUM(...)`, DDE payloads), so every CSV Liaison writes prefixes such a cell with an apostrophe, which spreadsheets
// show as text (OWASP, "CSV Injection"). Reading a file Liaison wrote takes exactly one apostrophe off again, so an
// export imports back to the same directory; a value that itself begins with apostrophes before such a character
// gains one more on the way out, so nothing is ambiguous.

/** A value that begins with apostrophes followed by a formula character, or with a formula character. */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** The cell as written to a CSV file: neutralised when a spreadsheet would take it for a formula. */
export function spreadsheetSafeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The value a cell written by spreadsheetSafeCell stands for (cells written by hand without the mark pass as they are). */
export function spreadsheetCellValue(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}
