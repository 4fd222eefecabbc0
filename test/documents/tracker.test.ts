import { createHash } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import JSZip from 'jszip';
import t from 'tap';
import { mostWordDocumentsAtOnce } from '../../src/documents/formats.js';
import { build, sqlRun, type TestApp } from '../helper.js';
import { AS_OF, CONFIDENTIAL_TITLE, DETAIL, EXEMPT_TITLE, LONG_TITLE, seedDocuments } from './fixture.js';

// The recommendation tracker (GET /v1/committees/{id}/tracker) in every format, all from one
// model: the same actions, the same words.

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function tracker(api: TestApp, committeeId: number, query: string, accept?: string, as?: string | null) {
  return api.request({ method: 'GET', url: `/v1/committees/${committeeId}/tracker?asOf=${AS_OF}${query}`, headers: accept ? { accept } : {}, as });
}

/** The text of a .docx: its main part, tags removed, entities decoded. */
async function wordText(payload: Buffer): Promise<{ xml: string; text: string; files: string[] }> {
  const zip = await JSZip.loadAsync(payload);
  const xml = await zip.file('word/document.xml')!.async('string');
  const text = xml.replace(/<w:p[ >]/g, '\n$&').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return { xml, text, files: Object.keys(zip.files) };
}

t.test('JSON: the model, every value a person reads already in words', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const res = await tracker(api, s.committeeId, '');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  const doc = res.json();
  t.equal(doc.runningHeader, 'Halton Borough Council — Children and Young People Policy and Performance Board');
  t.same(doc.lines.slice(0, 2), [
    'As of Friday 23 August 2024.',
    'Next meeting: Monday 2 September 2024, 6.30pm, Council Chamber, Municipal Building (agenda despatch Thursday 22 August 2024).',
  ]);
  const rows = doc.sections[0].tables[0].rows;
  t.same(rows.map((r: { id: number }) => r.id), [s.transport, s.figures, s.later, s.exempt, s.confidential], 'open actions, the closed one left out');
  const transport = rows[0];
  t.match(transport, {
    reference: 'CYPPP (24/25) 01',
    raisedAt: { date: '2024-07-15', minute: '16', words: 'Monday 15 July 2024, minute 16' },
    title: LONG_TITLE,
    detail: DETAIL,
    owner: 'Jane Officer',
    due: { rule: 'next_meeting', date: '2024-08-22', daysOverdue: 1, words: 'By the agenda for 2 September 2024 (despatch Thursday 22 August): overdue by 1 day' },
    latestUpdate: { text: 'Retendering complete; figures follow in September.', rag: 'amber' },
    rag: { value: 'amber', word: 'Amber' },
    status: { value: 'open', word: 'Open' },
    timesFlagged: { count: 3, words: '3rd meeting without an update' },
  });
  t.match(rows[1], { due: { words: 'By Thursday 1 August 2024: overdue by 22 days' }, rag: { value: 'red', word: 'Red', colour: '#d4351c' }, timesFlagged: { words: 'Not flagged' } });
  t.match(rows[2], { due: { words: 'By the end of 2024-25 Q3 (Tuesday 31 December 2024)', daysOverdue: null } });
  t.same(doc.ragKey.map((k: { word: string }) => k.word), ['Red', 'Amber', 'Green', 'Not rated']);
});

t.test('status=all adds finished actions; since= keeps those raised at meetings from that day', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const ids = async (query: string) => (await tracker(api, s.committeeId, query)).json().sections[0].tables[0].rows.map((r: { id: number }) => r.id);
  t.ok((await ids('&status=all')).includes(s.closed));
  t.notOk((await ids('&status=open')).includes(s.closed));
  t.same(await ids('&status=all&since=2024-07-16'), []);
  t.equal((await ids('&since=2024-07-15')).length, 5);
  t.equal((await tracker(api, 999, '')).statusCode, 404);
  const bad = await tracker(api, s.committeeId, '&status=closed');
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].pointer, '/querystring/status');
});

t.test('every format lists the same actions with the same words; the text is never cut', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const words = [
    LONG_TITLE, 'Monday 15 July 2024, minute 16', 'By the agenda for 2 September 2024 (despatch Thursday 22 August): overdue by 1 day',
    'Retendering complete; figures follow in September.', '3rd meeting without an update', 'Jane Officer', 'Not rated',
  ];
  const md = await tracker(api, s.committeeId, '&format=md');
  t.match(md.headers['content-type'], /^text\/markdown/);
  const mdText = md.body.replace(/\\(.)/g, '$1');
  const html = await tracker(api, s.committeeId, '&format=html');
  t.match(html.headers['content-type'], /^text\/html/);
  const htmlText = html.body.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const docx = await tracker(api, s.committeeId, '&format=docx');
  t.equal(docx.headers['content-type'], DOCX);
  t.match(docx.headers['content-disposition'], /^attachment; filename="tracker-committee-\d+-2024-08-23\.docx"$/);
  const word = await wordText(docx.rawPayload);
  for (const text of words) {
    t.ok(mdText.includes(text), `Markdown: ${text}`);
    t.ok(htmlText.includes(text), `HTML: ${text}`);
    t.ok(word.text.includes(text), `Word: ${text}`);
  }
  t.ok(htmlText.includes('Members asked in particular about routes in Widnes & Runcorn, and &lt;b&gt;why&lt;/b&gt; costs rose by 12%.'), 'detail escaped, in full');
  t.ok(word.text.includes(DETAIL), 'detail in Word, in full');
  for (const body of [mdText, htmlText, word.text]) t.notMatch(body, /2024-07-15T|2024-09-02T|Z\b.*2024/, 'no ISO timestamps');

  const csv = await tracker(api, s.committeeId, '&format=csv');
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.ok(csv.body.startsWith('reference,table,action_id,raised_meeting_id,raised_on,minute,title,detail,owner,due_rule,due_date'));
  t.equal(csv.body.trim().split('\n').length, 6, 'a header and five rows');
  t.ok(csv.body.includes(`"${LONG_TITLE}"`), 'the full title');
});

t.test('HTML: semantic tables, a print stylesheet, and a policy that lets only its own style apply', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const res = await tracker(api, s.committeeId, '&format=html');
  const html = res.body;
  t.match(html, /<caption>Actions \(5\)<\/caption>/);
  t.equal((html.match(/<th scope="col">/g) ?? []).length, 9 + 2, 'column headers of the tracker and of the key');
  t.equal((html.match(/<th scope="row">/g) ?? []).length, 5, 'each row headed by its reference');
  t.match(html, /<td class="rag rag-red">Red<\/td>/, 'the RAG word inside its colour');
  t.match(html, /@page\{size:A4 landscape/);
  t.match(html, /@top-left\{content:"Halton Borough Council/);
  t.match(html, /counter\(page\) " of " counter\(pages\)/);
  t.match(html, /tr\{break-inside:avoid/);
  t.match(html, /thead\{display:table-header-group\}/);
  t.notMatch(html, /<script|<link|<img|src=|url\(/i, 'nothing fetched, nothing run');
  const css = html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
  const hash = createHash('sha256').update(css).digest('base64');
  t.equal(res.headers['content-security-policy'], `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  // The JSON keeps the API's policy.
  t.equal((await tracker(api, s.committeeId, '')).headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
});

t.test('Word: a valid package with a landscape A4 page, heading styles and a real table', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const res = await tracker(api, s.committeeId, '', DOCX);
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], DOCX);
  t.equal(res.rawPayload.subarray(0, 2).toString(), 'PK', 'a zip file');
  const { xml, files } = await wordText(res.rawPayload);
  t.ok(files.includes('[Content_Types].xml') && files.includes('word/styles.xml'), 'an Office Open XML package');
  t.match(xml, /<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/, 'landscape A4');
  t.match(xml, /<w:pStyle w:val="Heading1"\/>/);
  t.match(xml, /<w:tblHeader\/>/, 'the header row repeats on every page');
  t.match(xml, /<w:cantSplit\/>/, 'rows kept whole');
  t.equal((xml.match(/<w:tbl>/g) ?? []).length, 2, 'the tracker and the key');
  t.match(xml, /<w:shd [^>]*w:fill="D4351C"/, 'red cells coloured');
});

t.test('negotiation: Accept or ?format=; an unknown type is a 406', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const cases: [string, string | undefined, RegExp][] = [
    ['', undefined, /^application\/json/],
    ['', 'text/csv', /^text\/csv/],
    ['', 'text/markdown', /^text\/markdown/],
    ['', 'text/html,application/xhtml+xml,*/*;q=0.8', /^text\/html/],
    ['', `${DOCX}, text/html;q=0.5`, /^application\/vnd\.openxmlformats/],
    ['&format=md', 'text/html', /^text\/markdown/],
  ];
  for (const [query, accept, type] of cases) {
    const res = await tracker(api, s.committeeId, query, accept);
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], type, `${query} ${accept}`);
    t.match(res.headers.vary, /accept/i);
  }
  const refused = await tracker(api, s.committeeId, '', 'application/pdf');
  t.equal(refused.statusCode, 406);
  t.match(refused.json().detail, /application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document/);
});

t.test('exempt and confidential rows only for callers who may see them, in every format', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  for (const format of ['json', 'csv', 'md', 'html', 'docx']) {
    const text = async (as: string | null) => {
      const res = await tracker(api, s.committeeId, `&format=${format}`, undefined, as);
      return format === 'docx' ? (await wordText(res.rawPayload)).text : res.body;
    };
    const anonymous = await text(null);
    t.notOk(anonymous.includes(EXEMPT_TITLE) || anonymous.includes(CONFIDENTIAL_TITLE), `${format}: public only`);
    const exempt = await text(api.keys.exempt);
    t.ok(exempt.includes(EXEMPT_TITLE) && !exempt.includes(CONFIDENTIAL_TITLE), `${format}: exempt, not confidential`);
    const all = await text(api.keys.confidential);
    t.ok(all.includes(EXEMPT_TITLE) && all.includes(CONFIDENTIAL_TITLE), `${format}: both`);
  }
});

t.test('the action log and the overdue report come in the same formats, from the same model', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const log = (query: string) => api.request({ method: 'GET', url: `/v1/meetings/${s.september}/action-log?asOf=${AS_OF}${query}` });
  t.same((await log('')).json().data.map((a: { id: number }) => a.id), [s.transport, s.exempt, s.confidential, s.closed], 'JSON: the actions, as before');
  const md = (await log('&format=md')).body.replace(/\\(.)/g, '$1');
  t.ok(md.includes('Meeting: Monday 2 September 2024, 6.30pm, Council Chamber, Municipal Building (agenda despatch Thursday 22 August 2024).'));
  t.ok(md.includes('### Still to be answered (3)') && md.includes('### Answered, closed or withdrawn (1)'));
  t.ok(md.includes(LONG_TITLE));
  for (const [format, type] of [['csv', /^text\/csv/], ['html', /^text\/html/], ['docx', /^application\/vnd/]] as const) {
    const res = await log(`&format=${format}`);
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], type, `action log ${format}`);
  }
  const logWord = await wordText((await log('&format=docx')).rawPayload);
  t.ok(logWord.text.includes('3rd meeting without an update'));

  const report = (query: string, accept?: string) => api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=${AS_OF}${query}`, headers: accept ? { accept } : {} });
  const reportWord = await report('', DOCX);
  t.equal(reportWord.headers['content-type'], DOCX);
  const text = (await wordText(reportWord.rawPayload)).text;
  t.ok(text.includes('Overdue actions report') && text.includes(LONG_TITLE) && text.includes('By Thursday 1 August 2024: overdue by 22 days'));
  const html = (await report('&format=html')).body;
  t.ok(html.includes('<caption>Overdue (4)</caption>'));
  t.equal((await api.request({ method: 'GET', url: `/v1/meetings/${s.september}/action-log`, headers: { accept: 'application/pdf' } })).statusCode, 406);
  t.equal((await api.request({ method: 'GET', url: `/v1/meetings/999/action-log?format=html` })).statusCode, 404);
});

t.test('a rendered tracker is served again only while nothing it shows has changed', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  for (const format of ['html', 'docx', 'json'] as const) {
    const text = async (as?: string | null) => {
      const res = await tracker(api, s.committeeId, `&format=${format}`, undefined, as);
      return format === 'docx' ? (await wordText(res.rawPayload)).text : res.body;
    };
    // A document is kept from its second ask (modules/tracker/rendered.ts): each check below
    // follows two asks, so that it is made against a kept copy.
    const first = await text();
    t.equal(await text(), first, `${format}: the same document twice`);
    t.equal(await text(), first, `${format}: and a third time, from the kept copy`);
    const update = `Figures for ${format} sent to members.`;
    await api.request({ method: 'POST', url: `/v1/actions/${s.figures}/updates`, payload: { text: update, rag: 'green' } });
    t.ok((await text()).includes(update), `${format}: a new progress update shows at once`);
    t.ok((await text()).includes(EXEMPT_TITLE), `${format}: the admin's copy, now kept, shows the exempt action`);
    t.notOk((await text(null)).includes(EXEMPT_TITLE), `${format}: an anonymous caller never gets the admin's copy`);
  }
  const markdown = async () => (await tracker(api, s.committeeId, '&format=md')).body;
  await markdown();
  t.notMatch(await markdown(), /Renamed Borough Council/);
  await api.request({ method: 'PATCH', url: `/v1/committees/${s.committeeId}`, payload: { authority: 'Renamed Borough Council' } });
  t.match(await markdown(), /Renamed Borough Council/, 'a committee change shows at once');
});

t.test('Word documents asked for at once are built one after another, and every one arrives whole', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  mostWordDocumentsAtOnce();
  // Each on its own day, so that no two share a rendered document.
  const days = ['2024-08-19', '2024-08-20', '2024-08-21', '2024-08-22', '2024-08-23', '2024-08-26'];
  const answers = await Promise.all(days.map((day) => api.request({ method: 'GET', url: `/v1/committees/${s.committeeId}/tracker?asOf=${day}&format=docx` })));
  t.same(answers.map((a) => a.statusCode), days.map(() => 200));
  for (const answer of answers) t.ok((await wordText(answer.rawPayload)).text.includes(LONG_TITLE), 'a whole document');
  t.equal(mostWordDocumentsAtOnce(), 1, 'never two Word documents in the making at once');
});

/** The text of each cell of each row of a Word table, as a person reads it: a paragraph a line, a break a new line, a tab a tab. */
function wordCells(xml: string): string[][][] {
  const decode = (text: string) => text
    .replace(/<w:br\/>/g, '\n').replace(/<w:tab\/>/g, '\t').replace(/<[^>]+>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return [...xml.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map(([, row]) =>
    [...row!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map(([, cell]) => [...cell!.matchAll(/<w:p>([\s\S]*?)<\/w:p>/g)].map(([, p]) => decode(p!))));
}

t.test("Word: each row's text comes back from the package as written, markup characters, line breaks and characters beyond the BMP included", async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const title = `Fish & chips <b>"quoted"</b> 'single' ]]> &amp; 𝒜 😀`;
  const long = 'and so on, '.repeat(150);
  const detail = `First line\nsecond line\r\nthird\tafter a tab; <w:t>not markup</w:t> & 𝄞 ${long}`;
  const ownerText = 'Head of Parks & <Open> Spaces';
  const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: s.july, kind: 'task', title, detail, ownerText } });
  t.equal(res.statusCode, 201, res.body);
  const id = res.json().id as number;
  const update = 'Done "mostly" & <checked> 😀';
  t.equal((await api.request({ method: 'POST', url: `/v1/actions/${id}/updates`, payload: { text: update } })).statusCode, 201);
  const docx = await tracker(api, s.committeeId, '&format=docx');
  const { xml } = await wordText(docx.rawPayload);
  t.equal(XMLValidator.validate(xml), true, 'document.xml is well-formed XML');
  const row = wordCells(xml).find((cells) => cells[2]?.[0] === title);
  t.ok(row, 'the title, whole, in the action cell');
  t.same(row![2], [title, `First line\nsecond line\nthird\tafter a tab; <w:t>not markup</w:t> & 𝄞 ${long}`], 'title then detail, its line breaks and tab kept');
  t.same(row![3], [ownerText]);
  t.equal(row![5]![1], update, 'the latest progress as written');
  t.match(xml, /second line<\/w:t><w:br\/><w:t xml:space="preserve">third<\/w:t><w:tab\/>/, 'a line break and a tab as Word writes them');
});

t.test('Word: a character XML does not allow is shown as U+FFFD, and the rest of the text kept', async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  await sqlRun(api.app, 'UPDATE actions SET detail = ? WHERE id = ?', 'Bell\u0007, form feed\u000C and \uFFFE, then the end', s.figures);
  const { xml } = await wordText((await tracker(api, s.committeeId, '&format=docx')).rawPayload);
  t.equal(XMLValidator.validate(xml), true, 'document.xml is well-formed XML');
  const row = wordCells(xml).find((cells) => cells[2]?.[0] === 'Attendance figures by school');
  t.same(row![2]![1], 'Bell\uFFFD, form feed\uFFFD and \uFFFD, then the end');
});
