// CSV formula injection (OWASP): a cell a spreadsheet would run (=, +, -, @, tab, carriage return
// first) is written with a leading apostrophe, which spreadsheets show as text. Values that already
// start with apostrophes before such a character get one more, so that reading strips exactly one
// and every value comes back as it was (issue 14, row 8).
const FORMULA = /^'*[=+\-@\t\r]/;

/** A text cell as written to a CSV export. */
export function guardCsvCell(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** A cell of a CSV that Fuseguard exported, as it was before guardCsvCell. */
export function unguardCsvCell(value: string): string {
  return value.startsWith("'") && FORMULA.test(value.slice(1)) ? value.slice(1) : value;
}
