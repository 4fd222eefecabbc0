import { CsvError, parse } from 'csv-parse/sync';
import { invalidField, SpreadsheetTooLargeError } from '../../errors.js';
import { columnOfHeading, COMPUTED_COLUMNS, EXPORT_COLUMNS, headingKey, isColumn, type Column } from './columns.js';
import { fromInertCell } from './cells.js';

// A tracker's text as rows of cells by column: the header row read through the documented
// mapping (columns.ts) and the caller's `?map=` overrides, each row numbered as the spreadsheet
// numbers it (the header is row 1), cells as the export meant them (cells.ts).

/** Rows one import takes at most; a larger tracker is split (413 beyond). */
export const MAX_ROWS = 50_000;

export interface SheetRow {
  /** The spreadsheet's row number: the header is 1, the first action 2. */
  row: number;
  cells: Partial<Record<Column, string>>;
}

export interface Sheet {
  /** Each column used: the heading as the file writes it, and the field it fills. */
  columns: { heading: string; field: Column }[];
  /** Headings read past: unknown ones, and the computed columns (overdue, times flagged). */
  ignored: string[];
  rows: SheetRow[];
  /** The heading the file uses for a field, to name it in errors. */
  headingOf: Partial<Record<Column, string>>;
}

/**
 * `?map=` as `Heading:field` pairs separated by commas, e.g.
 * `map=Officer%20Responsible:owner,Notes:-` (`-` ignores a column). A pair splits at its last colon.
 */
export function parseMap(map: string | undefined): Map<string, Column | null> {
  const overrides = new Map<string, Column | null>();
  if (!map) return overrides;
  for (const pair of map.split(',')) {
    if (pair.trim() === '') continue;
    const colon = pair.lastIndexOf(':');
    const heading = colon > 0 ? pair.slice(0, colon).trim() : '';
    const field = colon > 0 ? pair.slice(colon + 1).trim() : '';
    if (!heading || !field) throw invalidField('map', `"${pair}" is not Heading:field (pairs separated by commas, e.g. "Officer Responsible:owner")`, 'querystring');
    if (field !== '-' && !isColumn(field)) throw invalidField('map', `"${field}" is not a field: one of ${EXPORT_COLUMNS.join(', ')}, or - to ignore the column`, 'querystring');
    overrides.set(headingKey(heading), field === '-' ? null : field);
  }
  return overrides;
}

/** The delimiter the header row uses: a comma, or the semicolon or tab some locales' Excel writes. */
function delimiterOf(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => header.split(c).length - 1;
  const [best] = [',', ';', '\t'].sort((a, b) => count(b) - count(a));
  return count(best!) > 0 ? best! : ',';
}

export function readSheet(text: string, map: Map<string, Column | null>): Sheet {
  if (text.trim() === '') throw invalidField('', 'the file is empty: send the tracker as CSV with a header row', 'body');
  let records: string[][];
  try {
    records = parse(text, { delimiter: delimiterOf(text), bom: true, relax_column_count: true, relax_quotes: true, skip_records_with_empty_values: false });
  } catch (err) {
    if (err instanceof CsvError) throw invalidField('', `is not valid CSV: ${err.message}`, 'body');
    throw err;
  }
  const [header = [], ...body] = records;
  const columns: Sheet['columns'] = [];
  const ignored: string[] = [];
  const headingOf: Sheet['headingOf'] = {};
  const fieldAt: (Column | undefined)[] = header.map((raw) => {
    const heading = raw.trim();
    const key = headingKey(heading);
    const field = map.has(key) ? map.get(key)! : columnOfHeading(heading);
    if (!field || COMPUTED_COLUMNS.includes(field)) {
      if (heading !== '') ignored.push(heading);
      return undefined;
    }
    if (headingOf[field] !== undefined) {
      throw invalidField('', `columns "${headingOf[field]}" and "${heading}" both give the ${field}: name one of them with ?map=, e.g. map=${encodeURIComponent(heading)}:- to ignore it`, 'body');
    }
    headingOf[field] = heading;
    columns.push({ heading, field });
    return field;
  });
  for (const key of map.keys()) {
    if (!header.some((h) => headingKey(h) === key)) throw invalidField('map', `names a column the file does not have ("${key}")`, 'querystring');
  }
  if (!headingOf.title) {
    throw invalidField('', 'no column gives the action\'s title: name one "title" or "Recommendation", or map one with ?map=Heading:title', 'body');
  }
  const rows: SheetRow[] = [];
  body.forEach((record, index) => {
    // A row with nothing in it (Excel writes ",,,," for a blank line) is no action.
    if (record.every((cell) => cell.trim() === '')) return;
    const cells: SheetRow['cells'] = {};
    record.forEach((cell, i) => {
      const field = fieldAt[i];
      if (field) cells[field] = fromInertCell(cell);
    });
    rows.push({ row: index + 2, cells });
  });
  if (rows.length > MAX_ROWS) throw new SpreadsheetTooLargeError(`${rows.length.toLocaleString('en-GB')} rows`, `${MAX_ROWS.toLocaleString('en-GB')} rows`);
  if (rows.length === 0) throw invalidField('', 'the file has a header row (row 1) but no rows of actions', 'body');
  return { columns, ignored, rows, headingOf };
}
