// One cell at a time: what a spreadsheet would do with it, and dates as councils write them.

// OWASP "CSV injection": a spreadsheet reads a cell that starts with = + - @ (or a tab or a
// carriage return, which it skips before a formula) as a formula, so a title "=HYPERLINK(…)"
// would run when the file is opened. The export puts a ' before such a cell, which Excel and
// LibreOffice show as text and do not display. The import takes exactly one ' off a cell that
// starts with one or more ' followed by such a character, and the export adds one to such a
// cell too: a title that really begins "'=" survives the round trip.
const NEEDS_QUOTE = /^'*[=+\-@\t\r]/;
const QUOTED = /^'+[=+\-@\t\r]/;

/** A text cell made inert for a spreadsheet. */
export const inertCell = (value: string): string => (NEEDS_QUOTE.test(value) ? `'${value}` : value);

/** A cell as the export meant it: the inverse of `inertCell`. */
export const fromInertCell = (value: string): string => (QUOTED.test(value) ? value.slice(1) : value);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// dd/mm/yyyy as English councils write it (also with dots or dashes, one-digit day or month).
const UK_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/** A calendar date written `dd/mm/yyyy` or `YYYY-MM-DD`, as `YYYY-MM-DD`; undefined if it is neither or no such day. */
export function parseDateCell(text: string): string | undefined {
  const iso = ISO_DATE.exec(text);
  const uk = iso ? undefined : UK_DATE.exec(text);
  const parts = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2], uk[1]] : undefined;
  if (!parts) return undefined;
  const [year, month, day] = parts.map(Number) as [number, number, number];
  // A real day: 31/02 rolls over into March and is refused.
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A financial quarter as councils write it ("2024-25 Q3", "Q3 2024/25"), as the tracker writes it. */
export function parseQuarterCell(text: string): string | undefined {
  const m = /^(?:(\d{4})[-/](\d{2})\s*Q([1-4])|Q([1-4])\s*(\d{4})[-/](\d{2}))$/i.exec(text.trim());
  if (!m) return undefined;
  return m[1] ? `${m[1]}-${m[2]} Q${m[3]}` : `${m[5]}-${m[6]} Q${m[4]}`;
}
