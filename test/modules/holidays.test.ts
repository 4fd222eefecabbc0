import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createEngine } from '../../src/db/engine.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { createServices } from '../../src/services.js';
import { build, committee, meeting, sqliteOnly, sqlRows } from '../helper.js';

// /v1/holidays: the shipped England & Wales bank holidays plus the council's own changes,
// which feed every meeting's agendaDespatchBy.

t.test('lists the shipped bank holidays in a range', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'GET', url: '/v1/holidays?from=2024-01-01&to=2024-12-31', as: null });
  t.equal(res.statusCode, 200);
  t.same(res.json().data.map((h: { date: string }) => h.date), [
    '2024-01-01', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-08-26', '2024-12-25', '2024-12-26',
  ]);
  t.ok(res.json().data.every((h: { source: string; name: string }) => h.source === 'bank_holiday' && h.name.length > 0));
  // The data covers 2018–2030 at least.
  for (const year of [2018, 2030]) {
    const y = (await api.request({ method: 'GET', url: `/v1/holidays?from=${year}-01-01&to=${year}-12-31` })).json().data;
    t.ok(y.length >= 8, `${year} has its bank holidays`);
    t.ok(y.some((h: { date: string }) => h.date === `${year}-12-25`), `${year}: Christmas Day`);
  }
  t.equal((await api.request({ method: 'GET', url: '/v1/holidays?from=2024-02-30' })).statusCode, 400);
});

t.test('GET one date: a holiday or 404', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'GET', url: '/v1/holidays/2024-08-26' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { date: '2024-08-26', source: 'bank_holiday', name: /Summer/i });
  const working = await api.request({ method: 'GET', url: '/v1/holidays/2024-08-27' });
  t.equal(working.statusCode, 404);
  t.match(working.headers['content-type'], /application\/problem\+json/);
  t.equal((await api.request({ method: 'GET', url: '/v1/holidays/2024-13-01' })).statusCode, 400);
});

t.test('PUT adds a council closure day (201), renaming it is a 200; admin only', async (t) => {
  const api = await build(t);
  for (const as of [null, api.keys.reader, api.keys.writer]) {
    const res = await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-27', payload: { name: 'Council closure' }, as });
    t.ok([401, 403].includes(res.statusCode), `refused: ${res.statusCode}`);
  }
  t.equal((await api.request({ method: 'GET', url: '/v1/holidays/2024-12-27' })).statusCode, 404, 'nothing stored');

  const created = await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-27', payload: { name: 'Council closure' } });
  t.equal(created.statusCode, 201);
  t.same(created.json(), { date: '2024-12-27', name: 'Council closure', source: 'council' });
  const renamed = await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-27', payload: { name: 'Christmas closure' } });
  t.equal(renamed.statusCode, 200);
  t.equal(renamed.json().name, 'Christmas closure');
  const listed = (await api.request({ method: 'GET', url: '/v1/holidays?from=2024-12-20&to=2024-12-31' })).json().data;
  t.same(listed.map((h: { date: string; source: string }) => [h.date, h.source]), [
    ['2024-12-25', 'bank_holiday'], ['2024-12-26', 'bank_holiday'], ['2024-12-27', 'council'],
  ]);
  const bad = await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-28', payload: { name: '' } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].pointer, '/body/name');
  t.equal((await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-28', payload: { name: 'x', extra: 1 } })).statusCode, 400);
});

t.test('closure days and overridden bank holidays move agenda despatch dates', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const jan = await meeting(api, c, { startsAt: '2025-01-06T18:30:00Z' });
  const despatch = async () => (await api.request({ method: 'GET', url: `/v1/meetings/${jan}` })).json().agendaDespatchBy;
  t.equal(await despatch(), '2024-12-24');

  // Closing 27 December leaves 30, 31 Dec and 2, 3 Jan: the agenda must go out on the 23rd.
  t.equal((await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-27', payload: { name: 'Christmas closure' } })).statusCode, 201);
  t.equal(await despatch(), '2024-12-23');

  // Working through Boxing Day instead: 26 Dec counts again.
  t.equal((await api.request({ method: 'DELETE', url: '/v1/holidays/2024-12-26' })).statusCode, 204);
  t.equal(await despatch(), '2024-12-24');
  t.equal((await api.request({ method: 'GET', url: '/v1/holidays/2024-12-26' })).statusCode, 404, 'no longer a holiday');

  // Back to the shipped calendar.
  t.equal((await api.request({ method: 'DELETE', url: '/v1/holidays/2024-12-27' })).statusCode, 204);
  t.equal((await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-26', payload: { name: 'Boxing Day' } })).statusCode, 201);
  t.equal(await despatch(), '2024-12-24');
  t.equal((await api.request({ method: 'DELETE', url: '/v1/holidays/2024-08-27' })).statusCode, 404, 'not a holiday');
});

t.test('a due date follows the despatch date of its meeting when the calendar changes', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const a = await meeting(api, c, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  await meeting(api, c, { startsAt: '2024-09-02T18:30:00+01:00' });
  const action = (await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: a, kind: 'update', title: 'Update' } })).json();
  t.equal(action.dueDate, '2024-08-22');
  await api.request({ method: 'PUT', url: '/v1/holidays/2024-08-29', payload: { name: 'Closure' } });
  const after = (await api.request({ method: 'GET', url: `/v1/actions/${action.id}?asOf=2024-08-22` })).json();
  t.equal(after.dueDate, '2024-08-21');
  t.equal(after.overdue, true, 'overdue a day earlier');
});

t.test('holiday changes are audited', async (t) => {
  const api = await build(t);
  await api.request({ method: 'PUT', url: '/v1/holidays/2024-12-27', payload: { name: 'Christmas closure' } });
  await api.request({ method: 'DELETE', url: '/v1/holidays/2024-12-27' });
  const rows = await sqlRows(api.app, "SELECT operation, actor FROM audit_events WHERE entity_type = 'holiday' ORDER BY id");
  t.same(rows, [{ operation: 'create', actor: 'test-admin' }, { operation: 'delete', actor: 'test-admin' }]);
});

t.test('a closure day another process adds is in this one\'s calendar at once', {
  skip: sqliteOnly('two SQLite connections to one file, through openDatabase/createEngine'),
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'holidays-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'scrutiny.sqlite');
  const [here, there] = [openDatabase({ path }), openDatabase({ path })];
  t.teardown(() => [here, there].forEach((db) => db.$client.close()));
  const [server, cli] = [createServices(createEngine(here)), createServices(createEngine(there))];
  const isHoliday = async () => (await server.holidays.list('2031-03-03', '2031-03-03')).length === 1;
  t.notOk(await isHoliday(), 'a working day, and the calendar is now cached');
  await cli.holidays.put({ ...scriptActor('cli'), admin: true }, '2031-03-03', 'Council closure');
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(await isHoliday(), 'seen without a restart');
});
