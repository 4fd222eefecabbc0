import { stringify } from 'csv-stringify/sync';
import type { OverdueReport, ReportedAction, ReportedMeeting } from './overdue-report.js';

// The overdue report in the formats an agenda pack needs. Each renders the same JSON report:
// CSV for spreadsheets, Markdown for officers' notes, HTML for printing into the pack.

export const reportFormats = ['json', 'csv', 'md', 'html'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const contentTypes: Record<ReportFormat, string> = {
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
export const csvRows = (rows: unknown[][]) => stringify(rows, { cast: { string: inertCell } });

const CSV_HEADER = ['reference', 'as_of', 'section', 'committee', 'meeting_starts_at', 'agenda_despatch_by', 'action_id', 'title', 'kind', 'owner', 'status', 'due_rule', 'due_date', 'days_overdue', 'times_flagged', 'rag'];

const csv: ReportWriter = {
  head: () => csvRows([CSV_HEADER]),
  meeting: (m, asOf) =>
    csvRows((['overdue', 'dueSoon'] as const).flatMap((section) =>
      m[section].map((a) => [
        a.reference, asOf, section === 'overdue' ? 'overdue' : 'due_soon', m.committee.name, m.meeting?.startsAt ?? '', m.meeting?.agendaDespatchBy ?? '',
        a.id, a.title, a.kind, a.owner ?? '', a.status, a.dueRule, a.dueDate ?? '', a.daysOverdue ?? '', a.timesFlagged, a.rag ?? '',
      ]),
    )),
  tail: () => '',
};

// Text from users (titles, owners, committee names) is shown as written: every character Markdown
// (CommonMark and GitHub's tables and strikethrough) would act on is backslash-escaped, and a line
// break, which would end the table row, becomes a space.
const MARKDOWN_ACTIVE = /[\\`*_{}[\]<>#+\-!|~]/g;
const md = (text: string | number | null | undefined) =>
  String(text ?? '').replace(MARKDOWN_ACTIVE, '\\$&').replace(/\r\n?|\n/g, ' ');

// Lines joined by newlines: the head is the first lines, and each meeting (or the note that
// there are none) starts a new one.
const markdown: ReportWriter = {
  head: (asOf) => [`# Overdue actions report`, '', `As of ${asOf}.`, ''].join('\n'),
  meeting(m) {
    const out: string[] = [];
    const when = m.meeting ? `meeting ${m.meeting.startsAt} (agenda despatch by ${m.meeting.agendaDespatchBy})` : 'no meeting scheduled';
    out.push(`## ${md(m.committee.name)} — ${when}`, '');
    out.push(`### Overdue (${m.overdue.length})`, '');
    if (m.overdue.length > 0) {
      out.push('| Reference | # | Action | Owner | Due | Days overdue | Times flagged | Status |', '|---|---|---|---|---|---|---|---|');
      for (const a of m.overdue) {
        out.push(`| ${md(a.reference)} | ${a.id} | ${md(a.title)} | ${md(a.owner)} | ${a.dueDate ?? ''} | ${a.daysOverdue} | ${a.timesFlagged} | ${a.status} |`);
      }
    } else out.push('None.');
    out.push('', `### Due soon (${m.dueSoon.length})`, '');
    if (m.dueSoon.length > 0) {
      out.push('| Reference | # | Action | Owner | Due | Status |', '|---|---|---|---|---|---|');
      for (const a of m.dueSoon) out.push(`| ${md(a.reference)} | ${a.id} | ${md(a.title)} | ${md(a.owner)} | ${a.dueDate ?? ''} | ${a.status} |`);
    } else out.push('None.');
    out.push('');
    return `\n${out.join('\n')}`;
  },
  tail: (_asOf, meetingCount) => (meetingCount === 0 ? '\nNo overdue or due-soon actions.\n' : ''),
};

const escape = (text: string | number | null | undefined) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(actions: ReportedAction[], overdue: boolean): string {
  if (actions.length === 0) return '<p class="none">None.</p>';
  const head = overdue
    ? '<tr><th>Reference</th><th>#</th><th>Action</th><th>Owner</th><th>Due by</th><th>Days overdue</th><th>Times flagged</th><th>Status</th></tr>'
    : '<tr><th>Reference</th><th>#</th><th>Action</th><th>Owner</th><th>Due by</th><th>Status</th></tr>';
  const body = actions
    .map((a) =>
      overdue
        ? `<tr><td>${escape(a.reference)}</td><td>${a.id}</td><td>${escape(a.title)}</td><td>${escape(a.owner)}</td><td>${escape(a.dueDate)}</td><td class="num">${a.daysOverdue}</td><td class="num${a.timesFlagged > 1 ? ' escalated' : ''}">${a.timesFlagged}</td><td>${escape(a.status.replace('_', ' '))}</td></tr>`
        : `<tr><td>${escape(a.reference)}</td><td>${a.id}</td><td>${escape(a.title)}</td><td>${escape(a.owner)}</td><td>${escape(a.dueDate)}</td><td>${escape(a.status.replace('_', ' '))}</td></tr>`,
    )
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const html: ReportWriter = {
  head: (asOf) => `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Action log: overdue actions as of ${escape(asOf)}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; margin: 2em; color: #000; }
h1 { font-size: 16pt; } h2 { font-size: 14pt; margin-top: 1.5em; } h3 { font-size: 12pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
th, td { border: 1px solid #444; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #e6e6e6; } td.num { text-align: right; } td.escalated { font-weight: bold; }
section { page-break-inside: avoid; }
@media print { body { margin: 0; } section { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Action log: overdue actions as of ${escape(asOf)}</h1>
`,
  meeting(m, _asOf, index) {
    const when = m.meeting
      ? `Meeting ${escape(m.meeting.startsAt.slice(0, 16).replace('T', ' '))}${m.meeting.venue ? `, ${escape(m.meeting.venue)}` : ''} — agenda despatch by ${escape(m.meeting.agendaDespatchBy)}`
      : 'No meeting scheduled';
    return `${index > 0 ? '\n' : ''}<section>\n<h2>${escape(m.committee.name)}</h2>\n<p class="meeting">${when}</p>\n<h3>Overdue actions (${m.overdue.length})</h3>\n${table(m.overdue, true)}\n<h3>Due soon (${m.dueSoon.length})</h3>\n${table(m.dueSoon, false)}\n</section>`;
  },
  tail: (_asOf, meetingCount) => `${meetingCount === 0 ? '<p class="none">No overdue or due-soon actions.</p>' : ''}
</body>
</html>
`,
};

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

// The CLI's JSON: indented for people reading it, with a final newline.
const prettyJson = (report: OverdueReport) => `${JSON.stringify(report, null, 2)}\n`;

export const writers: Record<Exclude<ReportFormat, 'json'>, ReportWriter> = { csv, md: markdown, html };

/** The whole report through a writer. */
export function write(writer: ReportWriter, report: OverdueReport): string {
  const { asOf, meetings } = report;
  return writer.head(asOf) + meetings.map((m, i) => writer.meeting(m, asOf, i)).join('') + writer.tail(asOf, meetings.length);
}

export function render(report: OverdueReport, format: ReportFormat): string {
  return format === 'json' ? prettyJson(report) : write(writers[format], report);
}

/** ?format= wins; otherwise the Accept header; JSON by default. */
export function negotiate(format: string | undefined, accept: string | undefined): ReportFormat | undefined {
  if (format) return (reportFormats as readonly string[]).includes(format) ? (format as ReportFormat) : undefined;
  if (!accept) return 'json';
  const order: [string, ReportFormat][] = [['application/json', 'json'], ['text/csv', 'csv'], ['text/markdown', 'md'], ['text/html', 'html'], ['*/*', 'json'], ['application/*', 'json'], ['text/*', 'html']];
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
