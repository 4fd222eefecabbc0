import http from 'node:http';
import { parse } from 'csv-parse/sync';
import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { IMPORT_CSV_MAX_BYTES } from '../../src/modules/spreadsheets/routes.js';
import { build, buildOnFile, committee, meeting, sqliteOnly, sqlRows, until, type TestApp } from '../helper.js';
import { onPostgres } from '../pg.js';
import { watchStatements } from '../statements.js';

// Spreadsheets in and out (DESIGN.md): GET /v1/actions as CSV, POST /v1/imports/actions, and the
// round trip between them.

const clock = () => new Date('2024-08-23T09:00:00Z');

interface Business { committeeId: number; july: number; september: number; personId: number }

async function business(api: TestApp): Promise<Business> {
  const committeeId = await committee(api, { name: 'Children and Young People Scrutiny Committee', referencePrefix: 'CYP' });
  const july = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });
  const september = await meeting(api, committeeId, { startsAt: '2024-09-02T18:30:00+01:00' });
  const person = await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Jane Smith', kind: 'officer' } });
  return { committeeId, july, september, personId: person.json().id };
}

const csvImport = (api: TestApp, body: string | Buffer, query = '', as?: string) =>
  api.request({ method: 'POST', url: `/v1/imports/actions${query}`, payload: body, headers: { 'content-type': 'text/csv' }, ...(as ? { as } : {}) });

const count = async (api: TestApp, table = 'actions') => (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n;

const TRACKER = [
  'Reference,Recommendation,Lead Officer,Target date,Status,Action taken,Meeting date',
  'CYP 01,That the service reports on school places,Jane Smith,30/09/2024,Open,,15/07/2024',
  'CYP 02,"Members asked for the figures, by ward",Director of Children\'s Services,2024-25 Q3,Ongoing,,15/07/2024',
  'CYP 03,"=HYPERLINK(""http://evil"")",Jane Smith,next meeting,Complete,Report circulated to members,15/07/2024',
].join('\r\n');

t.test('a council tracker is imported: created rows, stored as the API stores them, audited', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const res = await csvImport(api, TRACKER, `?committeeId=${b.committeeId}`);
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.same(body.counts, { created: 3, updated: 0, unchanged: 0, error: 0 });
  t.equal(body.encoding, 'utf-8');
  t.same(body.results.map((r: { result: string; reference: string }) => [r.result, r.reference]), [['created', 'CYP 01'], ['created', 'CYP 02'], ['created', 'CYP 03']]);
  t.same(body.columns.map((c: { field: string }) => c.field), ['reference', 'title', 'owner', 'due_date', 'status', 'response', 'raised_at']);

  const list = (await api.request({ method: 'GET', url: `/v1/actions?committeeId=${b.committeeId}&sort=id` })).json().data;
  t.equal(list.length, 3);
  t.match(list[0], { reference: 'CYP 01', kind: 'recommendation', ownerId: b.personId, ownerText: null, dueRule: 'date', dueDate: '2024-09-30', status: 'open', meetingId: b.july });
  t.match(list[1], { reference: 'CYP 02', ownerId: null, ownerText: "Director of Children's Services", dueRule: 'quarter', dueQuarter: '2024-25 Q3', status: 'in_progress' });
  t.match(list[2], { reference: 'CYP 03', title: '=HYPERLINK("http://evil")', dueRule: 'next_meeting', dueMeetingId: b.september, status: 'closed', response: 'Report circulated to members' });
  const history = (await api.request({ method: 'GET', url: `/v1/actions/${list[2].id}/history` })).json().data;
  t.ok(history.length >= 3, 'created, responded and closed are each audited');
  t.ok(history.every((e: { actor: string }) => e.actor === 'test-admin'), 'as the caller');

  t.test('the same file again changes nothing', async (t) => {
    const again = await csvImport(api, TRACKER, `?committeeId=${b.committeeId}`);
    t.same(again.json().counts, { created: 0, updated: 0, unchanged: 3, error: 0 });
  });
  t.test('a changed row updates its action by reference', async (t) => {
    const changed = TRACKER.replace('30/09/2024,Open,', '31/10/2024,Open,');
    const res = await csvImport(api, changed, `?committeeId=${b.committeeId}`);
    t.same(res.json().counts, { created: 0, updated: 1, unchanged: 2, error: 0 });
    t.same(res.json().results[0].changed, ['Target date']);
    const action = (await api.request({ method: 'GET', url: `/v1/actions/${list[0].id}` })).json();
    t.equal(action.dueDate, '2024-10-31');
  });
});

t.test('a dry run shows each row and writes nothing', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const before = [await count(api), await count(api, 'audit_events'), await count(api, 'webhook_events')];
  const res = await csvImport(api, TRACKER, `?dryRun=true&committeeId=${b.committeeId}`);
  t.equal(res.statusCode, 200);
  t.equal(res.json().dryRun, true);
  t.equal(res.json().written, false);
  t.same(res.json().counts.created, 3);
  t.same([await count(api), await count(api, 'audit_events'), await count(api, 'webhook_events')], before, 'no action, audit event or webhook event kept');
});

t.test('any bad row: 422 naming every bad row and column, nothing written', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const bad = [
    'Reference,Recommendation,Lead Officer,Target date,Status,Meeting date',
    'CYP 01,Good row,Jane Smith,30/09/2024,Open,15/07/2024',
    'CYP 02,Bad date,Jane Smith,31/02/2024,Open,15/07/2024',
    'CYP 03,Bad status and meeting,Jane Smith,30/09/2024,Sleeping,16/07/2024',
    'CYP 01,Duplicate,Jane Smith,30/09/2024,Open,15/07/2024',
    'CYP 05,,Jane Smith,30/09/2024,Open,15/07/2024',
  ].join('\n');
  const res = await csvImport(api, bad, `?committeeId=${b.committeeId}`);
  t.equal(res.statusCode, 422);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  const body = res.json();
  t.equal(body.code, 'SCRUTINY_SPREADSHEET_ROWS_INVALID');
  const pairs = body.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`);
  t.same(pairs.sort(), ['3:Target date', '4:Meeting date', '4:Status', '5:Reference', '6:Recommendation'].sort());
  t.ok(body.errors.every((e: { pointer: string; detail: string }) => e.pointer.startsWith('/body/') && e.detail.length > 0));
  t.match(body.errors.find((e: { row: number }) => e.row === 5).detail, /also on row 2/);
  t.equal(body.results[0].result, 'created', 'the good row would have been created');
  t.equal(await count(api), 0, 'nothing written');
});

t.test('a row refused only once it has begun to write changes nothing for the rows after it', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const alone = await csvImport(api, 'Recommendation,Status,Meeting date\r\nReport on places,Open,15/07/2024\r\n', `?dryRun=true&committeeId=${b.committeeId}`);
  const reference = alone.json().results[0].reference;
  t.ok(reference, alone.body);
  // The first row is created, then refused (responded needs a response): its reference must not be used up.
  const file = 'Recommendation,Status,Meeting date\r\nReport on fees,Responded,15/07/2024\r\nReport on places,Open,15/07/2024\r\n';
  const res = await csvImport(api, file, `?committeeId=${b.committeeId}`);
  t.equal(res.statusCode, 422, res.body);
  t.same(res.json().errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`), ['2:response']);
  // Its id too on SQLite; a PostgreSQL sequence is not rolled back (the dry run and the refused
  // row each used one up), so there the row has a later id.
  const id = onPostgres() ? res.json().results[1].id : alone.json().results[0].id;
  t.same(res.json().results[1], { row: 3, result: 'created', reference, id }, 'the next row as if the refused one had never been tried');
  t.equal(await count(api), 0, 'nothing written');
});

t.test('bad files: empty, header only, not CSV, too large, unknown map', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const empty = await csvImport(api, '');
  t.equal(empty.statusCode, 400);
  t.match(empty.json().errors[0], { pointer: '/body', detail: /empty/ });
  const headerOnly = await csvImport(api, 'Reference,Recommendation\r\n');
  t.equal(headerOnly.statusCode, 400);
  t.match(headerOnly.json().errors[0].detail, /header row \(row 1\) but no rows/);
  const noTitle = await csvImport(api, 'Reference,Colour\r\nA,blue\r\n');
  t.equal(noTitle.statusCode, 400);
  t.match(noTitle.json().errors[0].detail, /title/);
  const workbook = await csvImport(api, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]));
  t.equal(workbook.statusCode, 400);
  t.match(workbook.json().errors[0].detail, /not a CSV file/);
  const huge = await csvImport(api, Buffer.alloc(IMPORT_CSV_MAX_BYTES + 10, 'a'));
  t.equal(huge.statusCode, 413);
  t.equal(huge.json().code, 'SCRUTINY_SPREADSHEET_TOO_LARGE');
  t.match(huge.json().detail, /at most 20 MB/);
  const badMap = await csvImport(api, TRACKER, `?map=Target%20date:deadline&committeeId=${b.committeeId}`);
  t.equal(badMap.statusCode, 400);
  t.equal(badMap.json().errors[0].pointer, '/querystring/map');
  const json = await api.request({ method: 'POST', url: '/v1/imports/actions', payload: { rows: [] } });
  t.equal(json.statusCode, 415);
  t.equal(await count(api), 0);

  t.test('?map= names a heading, ?committeeId= and ?meetingId= fill rows that name none', async (t) => {
    const file = 'Ref,What,Officer Responsible\r\nX1,Report on buses,Jane Smith\r\n';
    const res = await csvImport(api, file, `?map=${encodeURIComponent('What:title,Officer Responsible:owner')}&committeeId=${b.committeeId}&meetingId=${b.july}`);
    t.equal(res.statusCode, 200, res.body);
    t.same(res.json().counts.created, 1);
    const action = (await api.request({ method: 'GET', url: '/v1/actions?reference=X1' })).json().data[0];
    t.match(action, { title: 'Report on buses', ownerId: b.personId, meetingId: b.july, kind: 'task' });
  });
});

t.test('a Windows-1252 file from Excel is read as such, and says so', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const text = 'Reference,Recommendation,Meeting date\r\nCYP 09,Budget of \u00a3200 for the \u201cyouth\u201d forum,15/07/2024\r\n';
  const bytes = Buffer.from(new Uint8Array([...text].map((c) => ({ '\u00a3': 0xa3, '\u201c': 0x93, '\u201d': 0x94 })[c] ?? c.charCodeAt(0))));
  const res = await csvImport(api, bytes, `?committeeId=${b.committeeId}`);
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().encoding, 'windows-1252');
  const action = (await api.request({ method: 'GET', url: '/v1/actions?reference=CYP%2009' })).json().data[0];
  t.equal(action.title, 'Budget of \u00a3200 for the \u201cyouth\u201d forum');
});

t.test('the export: every matching action, streamed as RFC 4180 CSV with formulas made inert', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const actor = scriptActor('test');
  // More than one batch of the export, and more than a page of the list.
  for (let i = 1; i <= 520; i++) {
    await api.app.services.actions.create(actor, { meetingId: b.july, kind: 'update', title: i === 7 ? '=1+2' : `Action ${i}, "quoted"\nsecond line`, ownerId: b.personId });
  }
  await csvImport(api, TRACKER, `?committeeId=${b.committeeId}`);

  const res = await api.request({ method: 'GET', url: '/v1/actions?format=csv' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  t.match(res.headers['content-disposition'], /^attachment; filename="actions-2024-08-23\.csv"$/);
  t.notOk(res.body.startsWith('\uFEFF'), 'no BOM unless asked');
  const records: string[][] = parse(res.body);
  t.equal(records.length, 1 + 523, 'the header and every action');
  t.same(records[0], ['reference', 'committee', 'raised_at', 'item', 'kind', 'title', 'detail', 'owner', 'due_rule', 'due_date', 'due_meeting', 'due_quarter', 'status', 'rag', 'response', 'responded_on', 'latest_update', 'overdue', 'times_flagged', 'visibility']);
  t.ok(res.body.includes('\r\n'), 'records end in CRLF');
  t.ok(res.body.includes('"Action 1, ""quoted""\nsecond line"'), 'quotes, commas and line breaks quoted');
  t.equal(records[7]![5], "'=1+2", 'a formula is inert');
  t.equal(records.find((r) => r[0] === 'CYP 03')![5], '\'=HYPERLINK("http://evil")');
  t.same(records[1]!.slice(0, 13), ['CYP (24/25) 01', 'Children and Young People Scrutiny Committee', '2024-07-15', '', 'update', records[1]![5], '', 'Jane Smith', 'next_meeting', '2024-08-22', '2024-09-02', '', 'open']);
  t.equal(records[1]![17], 'true', 'overdue: due at the September agenda despatch, 22 August');

  const bom = await api.request({ method: 'GET', url: '/v1/actions?format=csv&bom=true&status=closed' });
  t.ok(bom.body.startsWith('\uFEFF'), 'BOM asked for');
  t.equal(parse(bom.body, { bom: true }).length, 2, 'filters apply: only the closed action');
  const accept = await api.request({ method: 'GET', url: `/v1/actions?committeeId=${b.committeeId}&status=in_progress`, headers: { accept: 'text/csv' } });
  t.equal(accept.headers['content-type'], 'text/csv; charset=utf-8');
  t.equal(parse(accept.body).length, 2);
  const json = await api.request({ method: 'GET', url: '/v1/actions', headers: { accept: 'application/json, text/csv;q=0.5' } });
  t.match(json.headers['content-type'], /^application\/json/);
  t.equal(json.json().data.length, 50, 'JSON stays a page');
});

t.test('the export reads what is true when it runs: the newest of several updates, an owner renamed since, the item and the meetings', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const actor = scriptActor('test');
  const item = await api.request({ method: 'POST', url: `/v1/meetings/${b.july}/items`, payload: { number: '7', title: 'Buses' } });
  const action = await api.app.services.actions.create(actor, { meetingId: b.july, kind: 'task', title: 'Report on buses', ownerId: b.personId, itemId: item.json().id, dueMeetingId: b.september });
  await api.app.services.actions.create(actor, { meetingId: b.september, kind: 'task', title: 'Report on trains', ownerText: 'Head of Transport', dueDate: '2024-12-01' });
  await api.app.services.actions.addUpdate(actor, action.id, { text: 'First update' });
  await api.app.services.actions.addUpdate(actor, action.id, { text: 'Second update' });
  const renamed = await api.request({ method: 'PATCH', url: `/v1/people/${b.personId}`, payload: { name: 'Jane Smith-Jones' } });
  t.equal(renamed.statusCode, 200, renamed.body);
  const [header, buses, trains] = parse((await api.request({ method: 'GET', url: '/v1/actions?format=csv&sort=id' })).body) as string[][];
  const cells = (row: string[] | undefined) => Object.fromEntries(header!.map((name, i) => [name, row![i]]));
  t.match(cells(buses), { committee: 'Children and Young People Scrutiny Committee', raised_at: '2024-07-15', item: '7', owner: 'Jane Smith-Jones', due_rule: 'meeting', due_meeting: '2024-09-02', latest_update: 'Second update' });
  t.match(cells(trains), { raised_at: '2024-09-02', item: '', owner: 'Head of Transport', due_rule: 'date', due_date: '2024-12-01', due_meeting: '', latest_update: '' });
});

t.test('round trip: export, import into a fresh database with the same committees and meetings, export again: the same file', async (t) => {
  const first = await build(t, {}, { clock });
  const b = await business(first);
  await csvImport(first, TRACKER, `?committeeId=${b.committeeId}`);
  const actor = scriptActor('test');
  const item = await first.request({ method: 'POST', url: `/v1/meetings/${b.july}/items`, payload: { number: '5', title: 'School places' } });
  await first.app.services.actions.create(actor, { meetingId: b.july, kind: 'information', title: '-5% on last year', detail: 'Line one\r\nline two, "quoted"', itemId: item.json().id, dueMeetingId: b.september, rag: 'red' });
  await first.app.services.actions.create(actor, { meetingId: b.july, kind: 'task', title: "'=already quoted", ownerText: 'Head of Transport', dueDate: '2024-12-01' });
  const withUpdate = await first.app.services.actions.create(actor, { meetingId: b.september, kind: 'update', title: 'Tell us @ the next meeting', dueQuarter: '2024-25 Q4', visibility: 'exempt' });
  await first.app.services.actions.addUpdate(actor, withUpdate.id, { text: 'Work has started' });
  const exported = (await first.request({ method: 'GET', url: '/v1/actions?format=csv' })).body;

  const second = await build(t, {}, { clock });
  const c = await business(second);
  await second.request({ method: 'POST', url: `/v1/meetings/${c.july}/items`, payload: { number: '5', title: 'School places' } });
  const imported = await csvImport(second, exported);
  t.equal(imported.statusCode, 200, imported.body);
  t.same(imported.json().counts, { created: 6, updated: 0, unchanged: 0, error: 0 });
  const again = (await second.request({ method: 'GET', url: '/v1/actions?format=csv' })).body;
  t.equal(again, exported);
  t.same((await csvImport(second, exported)).json().counts.unchanged, 6, 'and importing it again changes nothing');
});

t.test('UTF-16 from Excel\'s "Unicode Text" and a semicolon-separated file are read too', async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  const text = 'Reference;Recommendation;Meeting date\r\nCYP 11;Caf\u00e9 opening hours;15/07/2024\r\n';
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const res = await csvImport(api, utf16, `?committeeId=${b.committeeId}`);
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().encoding, 'utf-16le');
  t.equal((await api.request({ method: 'GET', url: '/v1/actions?reference=CYP%2011' })).json().data[0].title, 'Caf\u00e9 opening hours');
});

t.test('an import is a transaction of its own: a group commit that fails beside it neither fails it nor takes its rows', { skip: sqliteOnly('the group commit') }, async (t) => {
  const api = await build(t, {}, { clock });
  const b = await business(api);
  // As in test/db/group-commit.test.ts: a committee named "Doomed" makes its group's COMMIT fail.
  api.app.db.$client.exec(`
    CREATE TABLE doom (committee_id INTEGER REFERENCES committees(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER doom_on_insert AFTER INSERT ON committees WHEN NEW.name = 'Doomed'
      BEGIN INSERT INTO doom VALUES (-1); END;`);
  const [doomed, imported] = await Promise.all([
    api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Doomed', kind: 'scrutiny' } }),
    csvImport(api, TRACKER, `?committeeId=${b.committeeId}`),
  ]);
  t.equal(doomed.statusCode, 503, 'the group failed');
  t.equal(imported.statusCode, 200, imported.body);
  t.equal(await count(api), 3, 'every row of the import is kept');
});

t.test('from a database file the export reads a snapshot of its own, and closes it', { skip: sqliteOnly('a second SQLite connection on the database file') }, async (t) => {
  const { api } = await buildOnFile(t);
  const b = await business(api);
  for (let i = 0; i < 1200; i++) await api.app.services.actions.create(scriptActor('test'), { meetingId: b.july, kind: 'task', title: `Action ${i}` });
  const res = await api.request({ method: 'GET', url: '/v1/actions?format=csv&sort=-id' });
  t.equal(res.statusCode, 200);
  const records: string[][] = parse(res.body);
  t.equal(records.length, 1201);
  t.equal(records[1]![5], 'Action 1199', 'in the list\'s sort');
  // A search reads the index file too, attached to the export's own connection.
  const found: string[][] = parse((await api.request({ method: 'GET', url: '/v1/actions?format=csv&q=1199' })).body);
  t.same(found.slice(1).map((r) => r[5]), ['Action 1199'], 'a search');
  const write = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: b.july, kind: 'task', title: 'After the export' } });
  t.equal(write.statusCode, 201, 'the snapshot does not hold up writes');
});

/** How many times a statement reading the export's rows (the only ones reading action_updates) is run while `work` runs. */
async function exportStatementRuns(api: TestApp, work: () => Promise<unknown>): Promise<number> {
  let runs = 0;
  await watchStatements(api, (sql) => void (/action_updates/.test(sql) && runs++), work);
  return runs;
}

t.test('an export in any sort is in the JSON list\'s order across many batches, ties and all, and the database sorts it once', async (t) => {
  // From a file on SQLite: the export reads on a connection of its own there.
  const api = onPostgres() ? await build(t, {}, { clock }) : (await buildOnFile(t, { clock })).api;
  const b = await business(api);
  const actor = scriptActor('test');
  const dates = ['2024-10-01', '2024-11-15', '2024-12-31'];
  // 1,200 actions: more than two batches of the export; few titles, due dates and instants, so
  // that most sort values are shared and the id decides between them.
  for (let i = 0; i < 1200; i++) {
    const due = [{ dueMeetingId: b.september }, { dueDate: dates[i % 3]! }, { dueQuarter: '2024-25 Q4' }, {}][i % 4]!;
    await api.app.services.actions.create(actor, { meetingId: b.july, kind: 'task', title: `Action ${i % 7}`, ...due });
  }
  for (const sort of ['dueDate', '-dueDate', 'title', '-title', 'createdAt', '-updatedAt', '-id']) {
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.request({ method: 'GET', url: `/v1/actions?sort=${sort}&limit=200${cursor ? `&cursor=${cursor}` : ''}` });
      t.equal(page.statusCode, 200, `${sort}: a page`);
      listed.push(...(page.json().data as { reference: string }[]).map((a) => a.reference));
      cursor = page.json().nextCursor;
    } while (cursor);
    let body = '';
    const runs = await exportStatementRuns(api, async () => {
      body = (await api.request({ method: 'GET', url: `/v1/actions?format=csv&sort=${sort}` })).body;
    });
    const exported = (parse(body) as string[][]).slice(1).map((record) => record[0]);
    t.equal(exported.length, 1200, `${sort}: every action`);
    t.same(exported, listed, `${sort}: the list's order`);
    t.equal(runs, 1, `${sort}: one statement, not one per batch`);
  }
});

t.test('a client that goes away mid-export: the export lets go of its snapshot and its connection', async (t) => {
  // On SQLite, on a database file: the export reads a connection and snapshot of its own, which
  // `other` sees holding back a full checkpoint. On PostgreSQL: a pooled client in a transaction.
  const onFile = onPostgres() ? undefined : await buildOnFile(t);
  const api = onFile ? onFile.api : await build(t);
  const b = await business(api);
  // Some 12 MB of CSV: more than the sockets between the two ends can hold, so the server is
  // still writing when the client goes.
  // Written in one import (one transaction) rather than 3,000 creates: on PostgreSQL those took 20 s.
  const detail = 'Members asked for the figures by ward. '.repeat(100);
  const sheet = ['Reference,Recommendation,Details,Meeting date', ...Array.from({ length: 3000 }, (_, i) => `EXP ${i + 1},Action ${i},${detail},15/07/2024`)].join('\r\n');
  const imported = await csvImport(api, sheet, `?committeeId=${b.committeeId}`);
  t.same([imported.statusCode, imported.json().counts], [200, { created: 3000, updated: 0, unchanged: 0, error: 0 }], 'the actions to export');
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = api.app.server.address() as { port: number };
  const { engine } = api.app;

  /** Whether the export still holds what it reads from. */
  const held = async (): Promise<boolean> => {
    if (engine.kind === 'postgres') {
      const [row] = await sqlRows<{ n: number }>(api.app, "SELECT CAST(count(*) AS integer) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'");
      return row!.n > 0 || engine.pool.totalCount > engine.pool.idleCount;
    }
    // A full checkpoint cannot finish while a reader holds a snapshot older than the log's end.
    const [result] = onFile!.other.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result!.busy !== 0;
  };
  if (onFile) onFile.other.pragma('busy_timeout = 0');

  const request = http.get({ host: '127.0.0.1', port, path: '/v1/actions?format=csv', headers: { authorization: `Bearer ${api.keys.admin}` } });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => request.on('response', resolve).on('error', reject));
  t.equal(response.statusCode, 200);
  const first = await new Promise<Buffer>((resolve) => response.once('data', (chunk: Buffer) => {
    response.pause(); // the client reads no more
    resolve(chunk);
  }));
  t.match(first.toString('utf8'), /^reference,/, 'the export began');
  // A write after the export's snapshot: the log now runs past what the export reads.
  t.equal((await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: b.july, kind: 'task', title: 'Written meanwhile' } })).statusCode, 201);
  t.ok(await held(), 'while the client reads, the export holds its snapshot');

  request.on('error', () => undefined);
  request.destroy();
  await until(async () => !(await held()), 'the export to let go once its client went away', 15_000);
  t.pass('let go: the snapshot ended and the connection is back');
  t.equal((await api.request({ method: 'GET', url: '/v1/actions?limit=1' })).statusCode, 200, 'the server answers as before');
});
