import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import t, { type Test } from 'tap';
import { openDatabase, type Db } from '../../src/db/sqlite/client.js';
import { searchIndexPath } from '../../src/db/sqlite/search-index.js';
import { createSearchIndex, type SearchIndex, type SearchIndexOfConnection, type SearchWorkerOptions } from '../../src/db/sqlite/search.js';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { build, committee, meeting, until, type TestApp } from '../helper.js';

// The full-text index lives in a file of its own, fed from a queue of changed actions
// (db/sqlite/search-index.ts, db/sqlite/search.ts, migration 0009). After any mix of writes, a search that has
// waited for the index must find exactly what an index built afresh from the actions finds.

// How long a search in these tests waits for the worker before it is a 503: only a bound on a
// hang, as a busy machine can take seconds to start a worker thread.
const PATIENT_MS = 60_000;

const WORDS = ['library', 'void', 'ward', 'damp', 'mould', 'survey', 'tenure', 'bus', 'parking', 'lighting', 'repairs', 'allotment'];

// One index per connection, as the engine keeps it; closed here, the next search makes another.
const indexes = new Map<Db, SearchIndexOfConnection>();
function searchIndexOf(db: Db): SearchIndexOfConnection {
  let index = indexes.get(db);
  if (index === undefined) indexes.set(db, (index = createSearchIndex(db)));
  return index;
}
async function closeSearchIndex(db: Db) {
  await indexes.get(db)?.close();
  indexes.delete(db);
}
function startSearchWorker(db: Db, options: SearchWorkerOptions): SearchIndex {
  const index = searchIndexOf(db);
  index.startWorker(options);
  return index;
}

function open(t: Test, path = ':memory:') {
  const db = openDatabase({ path });
  t.teardown(async () => {
    await closeSearchIndex(db);
    if (db.$client.open) db.$client.close();
  });
  const sqlite = db.$client;
  sqlite.exec("INSERT INTO committees (name, slug, kind) VALUES ('Housing Scrutiny Panel', 'housing', 'scrutiny')");
  sqlite.exec("INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (1, '2026-03-02T18:30', '2026-03-02T18:30:00Z', '2026-03-02', '2026-02-20')");
  const insert = sqlite.prepare("INSERT INTO actions (committee_id, meeting_id, kind, title, detail, due_rule, status, visibility) VALUES (1, 1, 'task', ?, ?, 'none', 'open', 'public')");
  return { db, sqlite, add: (title: string, detail = '') => Number(insert.run(title, detail).lastInsertRowid) };
}

/** Waits for the index, then searches it as the list does. */
async function search(db: Db, word: string, index: SearchIndex = searchIndexOf(db)): Promise<number[]> {
  const on = await index.ready();
  return on.$client.prepare('SELECT rowid FROM search.actions_fts WHERE actions_fts MATCH ? ORDER BY rowid').pluck().all(`"${word}"*`) as number[];
}

/** What an index built now from the actions table finds for each word. */
function expected(db: Db): Record<string, number[]> {
  const sqlite = db.$client;
  const ref = new Database(':memory:');
  ref.exec("CREATE VIRTUAL TABLE ref USING fts5(title, detail, response, tokenize='porter unicode61 remove_diacritics 2')");
  const insert = ref.prepare('INSERT INTO ref (rowid, title, detail, response) VALUES (?, ?, ?, ?)');
  for (const a of sqlite.prepare('SELECT id, title, detail, response FROM actions').raw().all() as unknown[][]) insert.run(...a);
  const found = Object.fromEntries(WORDS.map((w) => [w, ref.prepare('SELECT rowid FROM ref WHERE ref MATCH ? ORDER BY rowid').pluck().all(`"${w}"*`) as number[]]));
  ref.close();
  return found;
}

async function consistent(t: Test, db: Db, index: SearchIndex = searchIndexOf(db)) {
  const found: Record<string, number[]> = {};
  for (const w of WORDS) found[w] = await search(db, w, index);
  t.same(found, expected(db), 'the index finds what one built afresh from the actions finds');
}

/** Changes an action's title without queueing it for the index (its trigger dropped meanwhile). */
function retitleUnqueued(sqlite: Db['$client'], id: number, title: string) {
  const trigger = sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'search_queue_after_update'").pluck().get() as string;
  sqlite.exec('DROP TRIGGER search_queue_after_update');
  sqlite.prepare('UPDATE actions SET title = ? WHERE id = ?').run(title, id);
  sqlite.exec(trigger);
}

const queued = (db: Db) => db.$client.prepare('SELECT count(*) FROM search_queue').pluck().get() as number;

for (const where of ['in memory', 'in a file, indexed by the search', 'in a file, indexed by a worker'] as const) {
  t.test(`${where}: inserts, changes, deletes and rollbacks`, async (t) => {
    const { db, sqlite, add } = open(t, where === 'in memory' ? ':memory:' : `${t.testdir()}/scrutiny.sqlite`);
    const index = where.includes('worker') ? startSearchWorker(db, { idleMs: 50, waitMs: PATIENT_MS }) : searchIndexOf(db);
    const kept = add('Library opening hours', 'Figures by ward');
    const gone = add('Library book fund');
    t.same(await search(db, 'library', index), [kept, gone]);

    const damp = sqlite.transaction(() => add('Damp and mould action plan', 'Figures by ward'))();
    sqlite.transaction(() => {
      sqlite.prepare('UPDATE actions SET title = ? WHERE id = ?').run('Damp survey results', damp);
      sqlite.prepare('UPDATE actions SET detail = ? WHERE id = ?').run('Figures by tenure', damp);
      sqlite.prepare('DELETE FROM actions WHERE id = ?').run(gone);
      const brief = add('Library volunteers briefing');
      sqlite.prepare('DELETE FROM actions WHERE id = ?').run(brief);
    })();
    t.throws(() => sqlite.transaction(() => {
      add('Parking permit review');
      throw new Error('refused');
    })());
    t.same(await search(db, 'mould', index), [], 'a word only the old text had');
    t.same(await search(db, 'damp', index), [damp], 'a word in both');
    t.same(await search(db, 'library', index), [kept], 'deleted actions are gone');
    t.same(await search(db, 'parking', index), [], 'a rolled-back insert was never indexed');
    await consistent(t, db, index);

    // The group commit forgets what the index has read, and only that.
    sqlite.transaction(() => index.trimQueue())();
    t.equal(queued(db), 0, 'the queue is emptied of what was indexed');
    const later = add('Street lighting faults');
    sqlite.transaction(() => index.trimQueue())();
    t.equal(queued(db), 1, 'a change the index has not read stays queued');
    t.same(await search(db, 'lighting', index), [later]);
    if (where !== 'in memory') t.ok(existsSync(searchIndexPath(sqlite.name)), 'the index is a file beside the database');
  });
}

t.test('a change committed by another connection is found, with no poke from it', async (t) => {
  const path = `${t.testdir()}/scrutiny.sqlite`;
  const { db } = open(t, path);
  const index = startSearchWorker(db, { idleMs: 50, waitMs: PATIENT_MS });
  t.same(await search(db, 'allotment', index), []);
  const other = openDatabase({ path });
  t.teardown(() => other.$client.close());
  const id = Number(other.$client.prepare("INSERT INTO actions (committee_id, meeting_id, kind, title, due_rule, status, visibility) VALUES (1, 1, 'task', 'Allotment waiting list', 'none', 'open', 'public')").run().lastInsertRowid);
  t.same(await search(db, 'allotment', index), [id]);
});

t.test('the server\'s write transactions never take the index file\'s lock', async (t) => {
  const path = `${t.testdir()}/scrutiny.sqlite`;
  const { db, sqlite, add } = open(t, path);
  add('Bus shelter repairs');
  t.same(await search(db, 'bus'), [1], 'the search connection has the index attached');
  // Another writer holds the index file's write lock (as the worker does mid-batch).
  const holder = new Database(searchIndexPath(path));
  t.teardown(() => holder.close());
  holder.exec('BEGIN IMMEDIATE');
  sqlite.exec('BEGIN IMMEDIATE'); // as the group commit does: would wait, then fail, on a lock it needed
  add('Bus lane review');
  sqlite.exec('COMMIT');
  holder.exec('ROLLBACK');
  t.same(await search(db, 'bus'), [1, 2]);
});

t.test('an index that belongs to other data is built again from the actions', async (t) => {
  const path = `${t.testdir()}/scrutiny.sqlite`;
  const { db, sqlite, add } = open(t, path);
  add('Void council homes', 'By ward');
  add('Damp survey');
  await consistent(t, db);

  await t.test('another generation (a restored backup)', async (t) => {
    // Data the index never saw change, as a restored backup's is.
    retitleUnqueued(sqlite, 2, 'Library hours');
    sqlite.exec("UPDATE search_state SET generation = 'restored'");
    t.same(await search(db, 'library'), [2]);
    await consistent(t, db);
  });
  await t.test('queue rows the index never read were deleted', async (t) => {
    await closeSearchIndex(db); // so that this index does not read them first
    const missed = add('Parking permits');
    sqlite.prepare('DELETE FROM search_queue WHERE seq = (SELECT max(seq) FROM search_queue)').run();
    add('Allotment rents');
    t.same(await search(db, 'parking'), [missed], 'a change whose queue row went is still found');
    await consistent(t, db);
  });
  await t.test('an index ahead of the database (an older copy of the database)', async (t) => {
    await closeSearchIndex(db);
    const index = new Database(searchIndexPath(path));
    index.exec('UPDATE search_indexed SET seq = seq + 100');
    index.close();
    sqlite.prepare('UPDATE actions SET title = ? WHERE id = 1').run('Void homes repairs');
    t.same(await search(db, 'repairs'), [1]);
    await consistent(t, db);
  });
  await t.test('an index ahead of the database, with writes arriving as the server starts', async (t) => {
    await closeSearchIndex(db);
    const index = new Database(searchIndexPath(path));
    index.exec('UPDATE search_indexed SET seq = seq + 5');
    index.close();
    // A change the index never saw, as in an older copy of the database.
    retitleUnqueued(sqlite, 2, 'Tenure survey');
    const worker = startSearchWorker(db, { idleMs: 50, waitMs: PATIENT_MS });
    // At once, before the worker looks: the queue moves past the index's position.
    for (let i = 0; i < 10; i++) add(`Bus stop ${i}`);
    await consistent(t, db, worker);
  });
  await t.test('an index file of an older layout', async (t) => {
    await closeSearchIndex(db);
    const index = new Database(searchIndexPath(path));
    // Its entries unreadable to this version, its bookkeeping up to date.
    index.exec("INSERT INTO actions_fts (actions_fts) VALUES ('delete-all'); PRAGMA user_version = 1");
    index.close();
    await consistent(t, db);
  });
  await t.test('no index file at all', async (t) => {
    await closeSearchIndex(db);
    for (const suffix of ['', '-wal', '-shm']) rmSync(searchIndexPath(path) + suffix, { force: true });
    await consistent(t, db);
  });
});

/**
 * GET /v1/actions?q=word, asked again while it is a 503 (each waits `waitMs` for the worker),
 * until it is answered otherwise or a minute has passed: how long the worker takes is up to the
 * machine.
 */
async function searchUntilAnswered(api: TestApp, word: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api.request({ method: 'GET', url: `/v1/actions?q=${word}` });
    if (res.statusCode !== 503 || Date.now() > deadline) return res;
  }
}

t.test('a search that cannot wait for the worker is answered 503 with Retry-After', async (t) => {
  const path = `${t.testdir()}/scrutiny.sqlite`;
  const api = await build(t, { databasePath: path });
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2026-03-02T18:30:00Z', status: 'held' });
  const created = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'task', title: 'Officers to report on grass cutting' } });
  t.equal(created.statusCode, 201);
  // A search waits 200 ms for the worker, so that the 503 below comes quickly; the worker's first
  // pass can take longer than that on a busy machine, so this asks again until it has been made.
  api.app.engine.search.startWorker({ waitMs: 200, idleMs: 50 });
  t.equal((await searchUntilAnswered(api, 'grass')).statusCode, 200, 'indexed by the worker');
  // The worker cannot write while another connection holds the index file's lock.
  const holder = new Database(searchIndexPath(path));
  t.teardown(() => holder.close());
  holder.exec('BEGIN IMMEDIATE');
  await api.request({ method: 'PATCH', url: `/v1/actions/${created.json().id}`, headers: { 'if-match': created.headers.etag as string }, payload: { title: 'Officers to report on grass verges' } });
  const res = await api.request({ method: 'GET', url: '/v1/actions?q=verges' });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  t.equal(res.json().code, 'SCRUTINY_SEARCH_UNAVAILABLE');
  t.equal(res.headers['retry-after'], '5');
  holder.exec('ROLLBACK');
  // The worker's busy wait retries every 100 ms or so: asked again until it has caught up.
  const after = await searchUntilAnswered(api, 'verges');
  t.equal(after.statusCode, 200, 'served once the index can catch up');
  t.same(after.json().data.map((a: { id: number }) => a.id), [created.json().id]);
});

t.test('through the API: a group of concurrent writes is searchable once answered', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2026-03-02T18:30:00Z', status: 'held' });
  const titles = ['Officers to report on bus shelter repairs', 'Officers to report on cycle lanes', 'Circulate the bus subsidy figures', 'A note on school transport'];
  const created = await Promise.all(titles.map((title) => api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'task', title } })));
  t.same(created.map((r) => r.statusCode), [201, 201, 201, 201]);
  const ids = created.map((r) => r.json().id as number);
  const found = async (q: string) => (await api.request({ method: 'GET', url: `/v1/actions?q=${q}` })).json().data.map((a: { id: number }) => a.id).sort();
  t.same(await found('bus'), [ids[0], ids[2]].sort());
  const etag = created[1]!.headers.etag as string;
  const patched = await api.request({ method: 'PATCH', url: `/v1/actions/${ids[1]}`, headers: { 'if-match': etag }, payload: { title: 'Officers to report on bus lanes' } });
  t.equal(patched.statusCode, 200);
  t.same(await found('bus'), [ids[0], ids[1], ids[2]].sort());
  t.same(await found('cycle'), []);
  await consistent(t, api.app.db, api.app.engine.search);
});

t.test('a word the tokenizer splits in two is a 400 naming q, not a 500', async (t) => {
  const api = await build(t);
  // U+19B0 (New Tai Lue) is a letter to JavaScript but a separator to the unicode61 tokenizer:
  // "a\u19b0b" is two tokens, a phrase, which the index (detail=none) cannot search.
  const res = await api.request({ method: 'GET', url: `/v1/actions?q=${encodeURIComponent('a\u19b0b')}` });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  t.equal(res.json().errors[0].pointer, '/querystring/q');
  t.equal((await api.request({ method: 'GET', url: '/v1/actions?q=ab' })).statusCode, 200, 'ordinary words are searched');
});

t.test('the listening server indexes in its worker, with no search asking, and stops it on close', async (t) => {
  const databasePath = `${t.testdir()}/scrutiny.sqlite`;
  const app = await buildApp({ ...defaultConfig, databasePath, scheduler: false, scanOnStart: false }, { logger: false });
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const sqlite = app.db.$client;
  sqlite.exec("INSERT INTO committees (name, slug, kind) VALUES ('Housing Scrutiny Panel', 'housing', 'scrutiny')");
  sqlite.exec("INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (1, '2026-03-02T18:30', '2026-03-02T18:30:00Z', '2026-03-02', '2026-02-20')");
  sqlite.exec("INSERT INTO actions (committee_id, meeting_id, kind, title, due_rule, status, visibility) VALUES (1, 1, 'task', 'Street lighting faults', 'none', 'open', 'public')");
  const head = sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'search_queue'").pluck().get() as number;
  const indexedUpTo = () => {
    if (!existsSync(searchIndexPath(databasePath))) return 0;
    const file = new Database(searchIndexPath(databasePath), { readonly: true });
    try {
      return (file.prepare('SELECT seq FROM search_indexed WHERE rebuilt_to IS NULL').pluck().get() as number | undefined) ?? 0;
    } finally {
      file.close();
    }
  };
  await until(() => indexedUpTo() >= head, 'the worker to index the queue');
  t.equal(indexedUpTo(), head, 'the index file has read the queue, though nothing searched');
  await app.close();
  t.notOk(sqlite.open, 'the worker, the index\'s connections and the database are closed with the app');
});
