import { stringify } from 'csv-stringify/sync';
import type { OverdueReport, ReportedAction } from './overdue-report.js';

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

interface Row {
  section: 'overdue' | 'due_soon';
  committee: string;
  meeting: string;
  agendaDespatchBy: string;
  action: ReportedAction;
}

function rows(report: OverdueReport): Row[] {
  return report.meetings.flatMap((m) =>
    (['overdue', 'dueSoon'] as const).flatMap((section) =>
      m[section].map((action) => ({
        section: section === 'overdue' ? ('overdue' as const) : ('due_soon' as const),
        committee: m.committee.name,
        meeting: m.meeting?.startsAt ?? '',
        agendaDespatchBy: m.meeting?.agendaDespatchBy ?? '',
        action,
      })),
    ),
  );
}

export function toCsv(report: OverdueReport): string {
  const header = ['as_of', 'section', 'committee', 'meeting_starts_at', 'agenda_despatch_by', 'action_id', 'title', 'kind', 'owner', 'status', 'due_rule', 'due_date', 'days_overdue', 'times_flagged', 'rag'];
  const body = rows(report).map((r) => [
    report.asOf, r.section, r.committee, r.meeting, r.agendaDespatchBy, r.action.id, r.action.title, r.action.kind,
    r.action.owner ?? '', r.action.status, r.action.dueRule, r.action.dueDate ?? '', r.action.daysOverdue ?? '',
    r.action.timesFlagged, r.action.rag ?? '',
  ]);
  return stringify([header, ...body]);
}

const md = (text: string | number | null | undefined) =>
  String(text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function toMarkdown(report: OverdueReport): string {
  const out = [`# Overdue actions report`, '', `As of ${report.asOf}.`, ''];
  if (report.meetings.length === 0) out.push('No overdue or due-soon actions.', '');
  for (const m of report.meetings) {
    const when = m.meeting ? `meeting ${m.meeting.startsAt} (agenda despatch by ${m.meeting.agendaDespatchBy})` : 'no meeting scheduled';
    out.push(`## ${md(m.committee.name)} — ${when}`, '');
    out.push(`### Overdue (${m.overdue.length})`, '');
    if (m.overdue.length > 0) {
      out.push('| # | Action | Owner | Due | Days overdue | Times flagged | Status |', '|---|---|---|---|---|---|---|');
      for (const a of m.overdue) {
        out.push(`| ${a.id} | ${md(a.title)} | ${md(a.owner)} | ${a.dueDate ?? ''} | ${a.daysOverdue} | ${a.timesFlagged} | ${a.status} |`);
      }
    } else out.push('None.');
    out.push('', `### Due soon (${m.dueSoon.length})`, '');
    if (m.dueSoon.length > 0) {
      out.push('| # | Action | Owner | Due | Status |', '|---|---|---|---|---|');
      for (const a of m.dueSoon) out.push(`| ${a.id} | ${md(a.title)} | ${md(a.owner)} | ${a.dueDate ?? ''} | ${a.status} |`);
    } else out.push('None.');
    out.push('');
  }
  return out.join('\n');
}

const escape = (text: string | number | null | undefined) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(actions: ReportedAction[], overdue: boolean): string {
  if (actions.length === 0) return '<p class="none">None.</p>';
  const head = overdue
    ? '<tr><th>Ref</th><th>Action</th><th>Owner</th><th>Due by</th><th>Days overdue</th><th>Times flagged</th><th>Status</th></tr>'
    : '<tr><th>Ref</th><th>Action</th><th>Owner</th><th>Due by</th><th>Status</th></tr>';
  const body = actions
    .map((a) =>
      overdue
        ? `<tr><td>${a.id}</td><td>${escape(a.title)}</td><td>${escape(a.owner)}</td><td>${escape(a.dueDate)}</td><td class="num">${a.daysOverdue}</td><td class="num${a.timesFlagged > 1 ? ' escalated' : ''}">${a.timesFlagged}</td><td>${escape(a.status.replace('_', ' '))}</td></tr>`
        : `<tr><td>${a.id}</td><td>${escape(a.title)}</td><td>${escape(a.owner)}</td><td>${escape(a.dueDate)}</td><td>${escape(a.status.replace('_', ' '))}</td></tr>`,
    )
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function toHtml(report: OverdueReport): string {
  const sections = report.meetings
    .map((m) => {
      const when = m.meeting
        ? `Meeting ${escape(m.meeting.startsAt.slice(0, 16).replace('T', ' '))}${m.meeting.venue ? `, ${escape(m.meeting.venue)}` : ''} — agenda despatch by ${escape(m.meeting.agendaDespatchBy)}`
        : 'No meeting scheduled';
      return `<section>\n<h2>${escape(m.committee.name)}</h2>\n<p class="meeting">${when}</p>\n<h3>Overdue actions (${m.overdue.length})</h3>\n${table(m.overdue, true)}\n<h3>Due soon (${m.dueSoon.length})</h3>\n${table(m.dueSoon, false)}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Action log: overdue actions as of ${escape(report.asOf)}</title>
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
<h1>Action log: overdue actions as of ${escape(report.asOf)}</h1>
${sections || '<p class="none">No overdue or due-soon actions.</p>'}
</body>
</html>
`;
}

export function render(report: OverdueReport, format: ReportFormat): string {
  switch (format) {
    case 'csv': return toCsv(report);
    case 'md': return toMarkdown(report);
    case 'html': return toHtml(report);
    default: return `${JSON.stringify(report, null, 2)}\n`;
  }
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
