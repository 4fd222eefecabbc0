import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { createChangeCounters } from '../../src/db/sqlite/changes.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { createActionReadCache } from '../../src/modules/actions/read-cache.js';
import { actionReadTables, selectActions } from '../../src/modules/actions/query.js';
import { build, committee, meeting, sqliteOnly, sqlRows, sqlRun, until, type TestApp } from '../helper.js';
import { onPostgres } from '../pg.js';

// How actions are read fast without ever being read wrong: the item's visibility kept on the
// action by triggers (migration 0004), and rendered actions reused between requests until
// anything an action is read from is written, by this process or another
// (src/modules/actions/read-model.ts, read-cache.ts).

const HELD = '2024-07-15T18:30:00+01:00';
const NEXT = '2024-09-02T18:30:00+01:00';

async function setup(api: TestApp) {
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: HELD, status: 'held' });
  await meeting(api, committeeId, { startsAt: NEXT });
  const item = async (number: string, extra: Record<string, unknown> = {}) => {
    const res = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { number, title: `Item ${number}`, ...extra } });
    t.equal(res.statusCode, 201, res.body);
    return res.json().id as number;
  };
  const action = async (title: string, extra: Record<string, unknown> = {}) => {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'update', title, ...extra } });
    t.equal(res.statusCode, 201, res.body);
    return res.json().id as number;
  };
  return { committeeId, meetingId, item, action };
}

const itemVisibilityOf = async (api: TestApp, id: number) =>
  (await sqlRows<{ v: string | null }>(api.app, 'SELECT item_visibility AS v FROM actions WHERE id = ?', id))[0]?.v;

t.test('the item\'s visibility travels with the action, whoever writes', async (t) => {
  const api = await build(t);
  const { meetingId, item, action } = await setup(api);
  const open = await item('5');
  const other = await item('6');
  const id = await action('Report back on the school places forecast', { itemId: open });
  t.equal(await itemVisibilityOf(api, id), 'public');
  t.equal(await itemVisibilityOf(api, await action('No item')), null);

  // The item made exempt: its action is exempt to readers at once, in reads and in lists.
  const tightened = await api.request({ method: 'PATCH', url: `/v1/items/${open}`, payload: { visibility: 'exempt', exemptParagraph: 3 } });
  t.equal(tightened.statusCode, 200, tightened.body);
  t.equal(await itemVisibilityOf(api, id), 'exempt');
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${id}`, as: api.keys.reader })).statusCode, 404);
  const listed = await api.request({ method: 'GET', url: `/v1/actions?meetingId=${meetingId}`, as: api.keys.reader });
  t.notOk(listed.json().data.some((a: { id: number }) => a.id === id), 'not in a public reader\'s list');
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${id}`, as: api.keys.exempt })).json().visibility, 'exempt');

  // Moved to a public item (its own visibility is still public): public again.
  t.equal((await api.request({ method: 'PATCH', url: `/v1/actions/${id}`, payload: { itemId: other } })).statusCode, 200);
  t.equal(await itemVisibilityOf(api, id), 'public');

  // Another writer (a script, the sqlite3 shell) that leaves the column out or gets it wrong.
  await sqlRun(api.app, 'UPDATE agenda_items SET visibility = ?, exempt_paragraph = 3 WHERE id = ?', 'confidential', other);
  t.equal(await itemVisibilityOf(api, id), 'confidential', 'an item changed outside the API');
  await sqlRun(api.app, 'UPDATE actions SET item_visibility = ? WHERE id = ?', 'public', id);
  t.equal(await itemVisibilityOf(api, id), 'confidential', 'a wrong value is put right');
  const [raw] = await sqlRows<{ id: number }>(api.app, `INSERT INTO actions (committee_id, meeting_id, item_id, kind, title, due_rule, status, visibility)
    SELECT m.committee_id, i.meeting_id, i.id, 'task', 'Inserted by a script', 'none', 'open', 'public'
    FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id WHERE i.id = ? RETURNING id`, other);
  t.equal(await itemVisibilityOf(api, Number(raw!.id)), 'confidential', 'an insert that leaves it out');
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${raw!.id}`, as: api.keys.exempt })).statusCode, 404);
});

// The two databases were filled a few milliseconds apart: only the timestamps may differ.
const sameTimes = (body: string) => body.replace(/"(createdAt|updatedAt)":"[^"]+"/g, '"$1":"…"');

t.test('a read served from the cache is the same bytes as one built afresh', async (t) => {
  const cached = await build(t);
  const uncached = await build(t, { actionReadCacheEntries: 0 });
  for (const api of [cached, uncached]) {
    const { item, action } = await setup(api);
    const exempt = await item('7', { visibility: 'exempt', exemptParagraph: 3 });
    for (let i = 1; i <= 12; i++) {
      await action(`Circulate the ward figures for "damp & mould" (${i})`, {
        ...(i % 3 === 0 ? { itemId: exempt } : {}),
        ...(i % 4 === 0 ? { dueDate: '2024-08-01', detail: 'Members asked for the trend\nover three years — by ward.' } : {}),
        ...(i % 5 === 0 ? { kind: 'recommendation', receivedOn: '2024-07-20' } : {}),
      });
    }
  }
  const urls = [
    '/v1/actions/3?asOf=2024-08-15',
    '/v1/actions/3',
    '/v1/actions?limit=5',
    '/v1/actions?limit=5&sort=-dueDate&asOf=2024-08-15',
    '/v1/actions?status=open&committeeId=1&limit=50',
    '/v1/actions?q=ward&limit=4',
    '/v1/actions?overdue=true&asOf=2024-09-30',
  ];
  for (const url of urls) {
    for (const as of ['admin', 'reader', 'exempt'] as const) {
      const fresh = await uncached.request({ method: 'GET', url, as: uncached.keys[as] });
      const first = await cached.request({ method: 'GET', url, as: cached.keys[as] });
      const again = await cached.request({ method: 'GET', url, as: cached.keys[as] });
      t.equal(first.statusCode, fresh.statusCode, `${url} as ${as}`);
      t.equal(sameTimes(first.body), sameTimes(fresh.body), `${url} as ${as}: cache filled`);
      t.equal(again.body, first.body, `${url} as ${as}: from the cache`);
      if (/^\/v1\/actions\/\d/.test(url) && fresh.statusCode === 200) t.ok(fresh.headers.etag, `${url}: a single action has an ETag`);
      t.equal(again.headers.etag, fresh.headers.etag);
      t.equal(again.headers.link, fresh.headers.link);
      t.equal(again.headers['content-type'], fresh.headers['content-type']);
    }
  }
  // Following a cursor gives the same pages either way.
  const next = (api: TestApp, body: { nextCursor: string | null }) =>
    api.request({ method: 'GET', url: `/v1/actions?limit=5&sort=-dueDate&asOf=2024-08-15&cursor=${encodeURIComponent(body.nextCursor!)}` });
  const a = await cached.request({ method: 'GET', url: '/v1/actions?limit=5&sort=-dueDate&asOf=2024-08-15' });
  const b = await uncached.request({ method: 'GET', url: '/v1/actions?limit=5&sort=-dueDate&asOf=2024-08-15' });
  t.equal(sameTimes((await next(cached, a.json())).body), sameTimes((await next(uncached, b.json())).body));

  // The read model's own serialiser writes what the routes' (Fastify's, from ActionSchema) does.
  for (const api of [cached, uncached]) {
    const created = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: 1, kind: 'update', title: 'Report "damp" — by ward', detail: 'Trend\n\tby <ward>' } });
    t.equal(created.statusCode, 201);
    const read = await api.request({ method: 'GET', url: `/v1/actions/${created.json().id}` });
    t.equal(read.body, created.body, 'GET writes the action as POST did');
  }
});

t.test('a cached action changes as soon as anything is written, here or by another process', {
  skip: sqliteOnly('a second connection to the database file (on PostgreSQL: test/db/pg-caches.test.ts)'),
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-reads-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'tracker.sqlite');
  const api = await build(t, { databasePath: path });
  const { action } = await setup(api);
  const id = await action('Provide the waiting-list figures');
  const byId = async () => (await api.request({ method: 'GET', url: `/v1/actions/${id}` })).json().title;
  const listed = async () => (await api.request({ method: 'GET', url: '/v1/actions?status=open&limit=5' })).json().data[0].title;
  // Read by id and in a list page (each cached on its own), the same title both ways.
  const title = async () => {
    const [one, inList] = [await byId(), await listed()];
    t.equal(inList, one, 'the list page agrees with the action');
    return one;
  };
  t.equal(await title(), 'Provide the waiting-list figures');
  t.equal(await title(), 'Provide the waiting-list figures', 'now cached');

  // Through the API.
  await api.request({ method: 'PATCH', url: `/v1/actions/${id}`, payload: { title: 'Provide the waiting-list figures by ward' } });
  t.equal(await title(), 'Provide the waiting-list figures by ward');
  // A new action joins a cached page at once.
  const later = await action('Circulate the voids figures');
  const page = async () => (await api.request({ method: 'GET', url: '/v1/actions?status=open&limit=5' })).json().data.map((a: { id: number }) => a.id);
  t.same(await page(), [id, later]);

  // Through a second connection to the same file: the command-line import, a scan, a script.
  const other = new Database(path);
  t.teardown(() => other.close());
  other.pragma('busy_timeout = 5000');
  other.prepare('UPDATE actions SET title = ? WHERE id = ?').run('Changed by another process', id);
  // data_version is read once per turn of the event loop: the next turn sees the change.
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(await title(), 'Changed by another process');

  // A key revoked by another process stops working at once too.
  const keyId = other.prepare("SELECT id FROM api_keys WHERE name = 'test-reader'").pluck().get();
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${id}`, as: api.keys.reader })).statusCode, 200);
  other.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), keyId);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${id}`, as: api.keys.reader })).statusCode, 401);
});

t.test('writes to nothing an action is read from leave the cache full: a key\'s last use, an idempotent POST', async (t) => {
  const api = await build(t);
  const { item, action } = await setup(api);
  const id = await action('Provide the waiting-list figures');
  await action('Circulate the voids figures');
  const reads = api.app.services.actionReads;
  // How many actions the cache holds is SQLite's to say: its stamps follow the tables an action
  // is read from. On PostgreSQL the stamp is the server's snapshot (src/db/pg/run.ts), which any
  // commit on the server moves (the suite's other files run beside this one), so there only what
  // each read answers is checked; test/db/pg-caches.test.ts checks its cache.
  const holds = (n: number, what: string) => {
    if (!onPostgres()) t.equal(reads.cachedActions, n, what);
  };
  const getAction = async () => {
    const res = await api.request({ method: 'GET', url: `/v1/actions/${id}` });
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  // A key's first use is written a moment after its request (http/auth.ts), then once a minute.
  const lastUsed = async () => (await sqlRows<{ at: unknown }>(api.app, "SELECT last_used_at AS at FROM api_keys WHERE name = 'test-reader'"))[0]!.at;
  t.equal((await api.request({ method: 'GET', url: '/v1/actions?limit=5' })).statusCode, 200);
  const before = await getAction();
  holds(2, 'both actions rendered and kept');

  t.equal(await lastUsed(), null);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${id}`, as: api.keys.reader })).statusCode, 200);
  await until(async () => (await lastUsed()) !== null, "the reader key's use written");
  // A person, its audit record and the idempotency record of the POST.
  const person = await api.request({
    method: 'POST', url: '/v1/people', payload: { name: 'Cllr Ada Lovelace', kind: 'councillor' }, headers: { 'idempotency-key': 'person-1' },
  });
  t.equal(person.statusCode, 201, person.body);
  t.same(await sqlRows(api.app, 'SELECT CAST(count(*) AS integer) AS n FROM idempotency_records'), [{ n: 1 }]);

  t.same(await getAction(), before);
  holds(2, 'nothing an action is read from was written: the cache is still full');

  // What an action is read from: its due meeting (the due-by date), its flags, the action itself.
  const rescheduled = await api.request({ method: 'PATCH', url: `/v1/meetings/${before.dueMeetingId}`, payload: { startsAt: '2024-09-09T18:30:00+01:00' } });
  t.equal(rescheduled.statusCode, 200, rescheduled.body);
  const after = await getAction();
  t.not(after.dueDate, before.dueDate, 'the due meeting moved: so did the due-by date');
  holds(1, 'emptied, then this action read again');
  const scan = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: '2024-09-01' } });
  t.equal(scan.statusCode, 200, scan.body);
  t.equal((await getAction()).timesFlagged, 1, 'a flag recorded by the scan');
  t.equal((await api.request({ method: 'PATCH', url: `/v1/actions/${id}`, payload: { rag: 'red' } })).statusCode, 200);
  t.equal((await getAction()).rag, 'red');
  // An item's visibility reaches its actions by a trigger (migration 0004): that write counts too.
  const itemId = await item('8');
  const onItem = await action('Share the exempt figures', { itemId });
  const asReader = () => api.request({ method: 'GET', url: `/v1/actions/${onItem}`, as: api.keys.reader });
  t.equal((await asReader()).statusCode, 200);
  const tightened = await api.request({ method: 'PATCH', url: `/v1/items/${itemId}`, payload: { visibility: 'exempt', exemptParagraph: 3 } });
  t.equal(tightened.statusCode, 200, tightened.body);
  t.equal((await asReader()).statusCode, 404, 'the cached public action is hidden at once');
});

t.test('the tables the read cache watches are every table an action is read from', {
  skip: sqliteOnly('the tables SQLite\'s change counters watch (PostgreSQL stamps with its snapshot), and openDatabase in a PostgreSQL run'),
}, async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  const { sql } = selectActions(db).toSQL();
  const read = new Set([...sql.matchAll(/\b(?:from|join)\s+"(\w+)"/gi)].map((m) => m[1]));
  t.same([...read].sort(), [...actionReadTables()].sort());
});

t.test('the cache: off at ACTION_CACHE_ENTRIES=0, never used inside a transaction or for an unusual visibility set', {
  skip: sqliteOnly('the read cache watches SQLite\'s change counters (PostgreSQL stamps with its snapshot), and openDatabase in a PostgreSQL run'),
}, async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  t.equal(loadConfig({ ACTION_CACHE_ENTRIES: '0' }).actionReadCacheEntries, 0);
  t.equal(loadConfig({}).actionReadCacheEntries, 20_000);
  const changes = createChangeCounters(db.$client).forTables(actionReadTables());
  t.notOk(createActionReadCache(changes, 0).usable(['public']), 'off');
  const cache = createActionReadCache(changes, 10);
  t.ok(cache.usable(['public']));
  t.ok(cache.usable(['public', 'exempt', 'confidential']));
  t.notOk(cache.usable(['public', 'confidential']), 'not a nested set: the SQL checks each row');
  db.$client.exec('BEGIN');
  t.notOk(cache.usable(['public']), 'inside a transaction');
  db.$client.exec('ROLLBACK');
});
