import { stringify } from 'csv-stringify/sync';
import type { OverdueReport, ReportedMeeting } from './overdue-report.js';

// The overdue report as JSON, written straight from the report a committee at a time (so that
// every committee's report can be streamed, jobs/report-stream.ts). Every other format — CSV for
// spreadsheets, and Markdown, HTML and Word for people — goes through the document model
// (documents/, modules/tracker/repository.ts `overdueReport`), where every agenda-pack document
// gets its words, its columns and its layout. The CSV helpers of every export live here.

export const reportFormats = ['json', 'csv'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const contentTypes: Record<ReportFormat | 'md' | 'html', string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/**
 * A format written piece by piece: the opening, each meeting's part in report order, and the
 * close (which may depend on how many meetings there were). The pieces joined are exactly
 * `render(report, format)`, so a report too big to hold whole can be written one committee at a
 * time, as it is built (jobs/report-stream.ts).
 */
export interface ReportWriter {
  head(asOf: string): string;
  meeting(m: ReportedMeeting, asOf: string, index: number): string;
  tail(asOf: string, meetingCount: number): string;
}

// OWASP CSV injection: a spreadsheet reads a cell that starts with = + - @ (or a tab or carriage
// return, skipped before the formula) as a formula, so a title `=HYPERLINK(…)` would run when the
// pack is opened. A leading ' makes such a cell plain text. Numbers are not strings, so stay numbers.
const FORMULA_START = /^[=+\-@\t\r]/;
const inertCell = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** A text field as RFC 4180 (and csv-stringify by default) writes it: quoted only when it holds a comma, a quote or a line break. */
export const csvQuoted = (text: string): string => (NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text);

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return csvQuoted(inertCell(value));
}

/**
 * Lines of CSV, each ending in a line feed (RFC 4180 quoting). Strings, numbers and empty cells,
 * which is all any export holds, are written here, byte for byte as csv-stringify writes them
 * (test/jobs/csv-rows.test.ts): a tracker at a million actions is thousands of lines, and
 * csv-stringify's per-cell machinery took longer than building the document's model. Anything
 * else goes to csv-stringify.
 */
export function csvRows(rows: unknown[][]): string {
  let csv = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value !== null && value !== undefined && typeof value !== 'string' && typeof value !== 'number') {
        return stringify(rows, { cast: { string: inertCell } });
      }
      line += i === 0 ? csvCell(value) : `,${csvCell(value)}`;
    }
    csv += `${line}\n`;
  }
  return csv;
}

/**
 * JSON as the route's schema serialiser (fast-json-stringify) would write it: compact, and each
 * object's properties in the order the report builds them, which is the schema's (required ones
 * first, then daysOverdue). V8's own JSON.stringify writes a report in a third of the time, with
 * a fraction of the garbage; test/jobs/report-stream.test.ts holds the two byte for byte equal.
 */
export const compactJson: ReportWriter = {
  head: (asOf) => `{"asOf":${JSON.stringify(asOf)},"meetings":[`,
  meeting: (m, _asOf, index) => `${index > 0 ? ',' : ''}${JSON.stringify(m)}`,
  tail: () => ']}',
};

/** The whole report through a writer. */
export function write(writer: ReportWriter, report: OverdueReport): string {
  const { asOf, meetings } = report;
  return writer.head(asOf) + meetings.map((m, i) => writer.meeting(m, asOf, i)).join('') + writer.tail(asOf, meetings.length);
}

/** The CLI's JSON: indented for people reading it, with a final newline. */
export const prettyJson = (report: OverdueReport) => `${JSON.stringify(report, null, 2)}\n`;

const REPORT_MEDIA_TYPES: [string, ReportFormat | 'md' | 'html'][] = [['application/json', 'json'], ['text/csv', 'csv'], ['text/markdown', 'md'], ['text/html', 'html'], ['*/*', 'json'], ['application/*', 'json'], ['text/*', 'html']];

/** ?format= wins; otherwise the Accept header; JSON by default. */
export function negotiate(format: string | undefined, accept: string | undefined): ReportFormat | 'md' | 'html' | undefined {
  return negotiateAmong(REPORT_MEDIA_TYPES, format, accept);
}

/**
 * ?format= wins (when it is one of `order`'s formats); otherwise the first media range of the
 * Accept header, by quality, that `order` maps to a format; JSON without an Accept header.
 */
export function negotiateAmong<F extends string>(order: readonly [mediaRange: string, format: F][], format: string | undefined, accept: string | undefined): F | 'json' | undefined {
  if (format) return order.find(([, f]) => f === format)?.[1];
  if (!accept) return 'json';
  // Media ranges by quality (RFC 9110 §12.5.1), highest first, list order breaking ties;
  // q=0 means "not acceptable".
  const wanted = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { type, quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((range) => range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { type } of wanted) {
    const hit = order.find(([t]) => t === type);
    if (hit) return hit[1];
  }
  return undefined;
}
