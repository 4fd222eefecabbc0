import { csvRows } from '../jobs/report-formats.js';
import { CSV_COLUMNS, type DocumentModel, type DocumentSection } from './model.js';
import type { LocalDate } from '../domain/local-date.js';
import { textOf, type TextOut } from './utf8-writer.js';

// The document as CSV: one header, then one line per row of every table, in document order.
// Written a section at a time too, so that every committee's overdue report can be streamed a
// committee at a time (jobs/report-stream.ts): the header, then each section's lines.

/** The header line. */
export const documentCsvHeader = () => csvRows([CSV_COLUMNS.map(([header]) => header)]);

/** Each row of one section's tables as a line of CSV, in order. */
function writeSectionCsv(section: DocumentSection, asOf: LocalDate, out: TextOut): void {
  for (const table of section.tables) {
    for (const row of table.rows) out.write(csvRows([CSV_COLUMNS.map(([, value]) => value(row, { asOf, section, table }) ?? '')]));
  }
}

/** The lines of one section's rows ('' when it has none). */
export const documentSectionCsv = (section: DocumentSection, asOf: LocalDate): string => textOf((out) => writeSectionCsv(section, asOf, out));

/** The header, then every section's lines. */
export function writeDocumentCsv(model: DocumentModel, out: TextOut): void {
  out.write(documentCsvHeader());
  for (const section of model.sections) writeSectionCsv(section, model.asOf, out);
}

export const documentCsv = (model: DocumentModel): string => textOf((out) => writeDocumentCsv(model, out));
