import { csvRows } from '../jobs/report-formats.js';
import { CSV_COLUMNS, type DocumentModel } from './model.js';

/** The document as CSV: one header, then one line per row of every table, in document order. */
export function documentCsv(model: DocumentModel): string {
  const lines: unknown[][] = [CSV_COLUMNS.map(([header]) => header)];
  for (const section of model.sections) {
    for (const table of section.tables) {
      for (const row of table.rows) lines.push(CSV_COLUMNS.map(([, value]) => value(row, table.caption) ?? ''));
    }
  }
  return csvRows(lines);
}
