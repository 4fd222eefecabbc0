import { csvQuoted } from '../../jobs/report-formats.js';
import { inertCell } from './cells.js';

// CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted
// when it holds a comma, a double quote, CR or LF, and a double quote inside one doubled. Text
// cells are made inert for spreadsheets first (cells.ts). Written here rather than through
// csv-stringify, which the reports use: for the 100,000-action export it took some 1.7 times as
// long per row, and csv-stringify does not quote a lone LF when records end in CRLF unless told.
// The import reads what this writes with csv-parse (test/modules/spreadsheets.test.ts).

export type Cell = string | number | boolean | null | undefined;

function field(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  return csvQuoted(inertCell(value));
}

/** One record of the first `count` cells (all by default), ended by CRLF. */
export function csvRecord(cells: readonly Cell[], count = cells.length): string {
  let line = '';
  for (let i = 0; i < count; i++) line += (i === 0 ? '' : ',') + field(cells[i]);
  return `${line}\r\n`;
}

/** The byte order mark Excel looks for to read a CSV file as UTF-8 rather than the Windows code page. */
export const UTF8_BOM = '\uFEFF';
