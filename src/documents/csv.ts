import { csvRows } from '../jobs/report-formats.js';
import { CSV_COLUMNS, type DocumentModel, type DocumentSection } from './model.js';
import type { LocalDate } from '../domain/local-date.js';

// The document as CSV: one header, then one line per row of every table, in document order.
// Written a section at a time too, so that every committee's overdue report can be streamed a
// committee at a time (jobs/report-stream.ts): the header, then each section's lines.

/** The header line. */
export const documentCsvHeader = () => csvRows([CSV_COLUMNS.map(([header]) => header)]);

/** The lines of one section's rows ('' when it has none). */
export function documentSectionCsv(section: DocumentSection, asOf: LocalDate): string {
  const lines: unknown[][] = [];
  for (const table of section.tables) {
    for (const row of table.rows) lines.push(CSV_COLUMNS.map(([, value]) => value(row, { asOf, section, table }) ?? ''));
  }
  return lines.length === 0 ? '' : csvRows(lines);
}

export function documentCsv(model: DocumentModel): string {
  return documentCsvHeader() + model.sections.map((section) => documentSectionCsv(section, model.asOf)).join('');
}
