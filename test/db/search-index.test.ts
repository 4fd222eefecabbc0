import t, { type Test } from 'tap';
import { openDatabase, type Db } from '../../src/db/client.js';
import { flushSearchIndex } from '../../src/db/search-index.js';
import { build, committee, meeting } from '../helper.js';

// The full-text index is brought up to date when a transaction commits (db/search-index.ts,
// migration 0006). After any mix of writes it must hold exactly the text in actions: FTS5's own
// integrity check (rank 1) compares the index with its content table and fails on any mismatch.

function open(t: Test, path = ':memory:') {
  const db = openDatabase({ path });
  t.teardown(() => db.$client.open && db.$client.close());
  const sqlite = db.$client;
  sqlite.exec("INSERT INTO committees (name, slug, kind) VALUES ('Housing Scrutiny Panel', 'housing', 'scrutiny')");
  sqlite.exec("INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (1, '2026-03-02T18:30', '2026-03-02T18:30:00Z', '2026-03-02', '2026-02-20')");
  const insert = sqlite.prepare("INSERT INTO actions (committee_id, meeting_id, kind, title, detail, due_rule, status, visibility) VALUES (1, 1, 'task', ?, ?, 'none', 'open', 'public')");
  return { db, sqlite, add: (title: string, detail = '') => Number(insert.run(title, detail).lastInsertRowid) };
}

function search(db: Db, words: string): number[] {
  return db.$client.prepare('SELECT rowid FROM actions_fts WHERE actions_fts MATCH ? ORDER BY rowid').pluck().all(words) as number[];
}

function consistent(t: Test, db: Db) {
  t.doesNotThrow(() => db.$client.exec("INSERT INTO actions_fts (actions_fts, rank) VALUES ('integrity-check', 1)"), 'index matches the actions table');
  t.equal(db.$client.prepare('SELECT count(*) FROM actions_fts_pending').pluck().get(), 0, 'nothing left queued');
}

t.test('a transaction indexes what it wrote when it commits, not before', async (t) => {
  const { db, sqlite, add } = open(t);
  let seenInside: number[] = [];
  const id = sqlite.transaction(() => {
    const created = add('Report on void council homes', 'Figures by ward');
    seenInside = search(db, 'void');
    return created;
  })();
  t.same(seenInside, [], 'queued while the transaction is open');
  t.same(search(db, 'void'), [id]);
  t.same(search(db, 'ward'), [id]);
  consistent(t, db);
});

t.test('changed text replaces the old, words kept in both stay found', async (t) => {
  const { db, sqlite, add } = open(t);
  const id = sqlite.transaction(() => add('Damp and mould action plan', 'Figures by ward'))();
  sqlite.transaction(() => {
    sqlite.prepare('UPDATE actions SET title = ? WHERE id = ?').run('Damp survey results', id);
    sqlite.prepare('UPDATE actions SET detail = ? WHERE id = ?').run('Figures by tenure', id);
  })();
  t.same(search(db, 'mould'), [], 'a word only the old text had');
  t.same(search(db, 'ward'), []);
  t.same(search(db, 'damp'), [id], 'a word in both');
  t.same(search(db, 'survey tenure'), [id]);
  consistent(t, db);
});

t.test('deleted actions leave the index, also when written and deleted in one transaction', async (t) => {
  const { db, sqlite, add } = open(t);
  const kept = sqlite.transaction(() => add('Library opening hours'))();
  const gone = sqlite.transaction(() => add('Library book fund'))();
  sqlite.transaction(() => {
    sqlite.prepare('DELETE FROM actions WHERE id = ?').run(gone);
    const brief = add('Library volunteers briefing');
    sqlite.prepare('UPDATE actions SET title = ? WHERE id = ?').run('Library volunteers note', brief);
    sqlite.prepare('DELETE FROM actions WHERE id = ?').run(brief);
  })();
  t.same(search(db, 'library'), [kept]);
  consistent(t, db);
});

t.test('a transaction that rolls back leaves neither the change nor its queue entry', async (t) => {
  const { db, sqlite, add } = open(t);
  t.throws(() => sqlite.transaction(() => {
    add('Parking permit review');
    throw new Error('refused');
  })());
  t.same(search(db, 'parking'), []);
  consistent(t, db);
});

t.test('a bare statement outside any transaction is indexed on next open, or by the next transaction that writes', async (t) => {
  const dir = t.testdir();
  const path = `${dir}/scrutiny.sqlite`;
  const { db, sqlite, add } = open(t, path);
  const id = add('Street lighting faults'); // autocommit: queued only
  t.same(search(db, 'lighting'), []);
  sqlite.close();
  const again = openDatabase({ path });
  t.teardown(() => again.$client.close());
  t.same(search(again, 'lighting'), [id], 'openDatabase indexes what was left queued');
  consistent(t, again);
  again.$client.prepare('UPDATE actions SET title = ? WHERE id = ?').run('Street lighting repairs', id);
  again.$client.transaction(() => again.$client.prepare('SELECT count(*) FROM actions').get())();
  t.same(search(again, 'repairs'), [], 'a transaction that only reads writes nothing, the index included');
  again.$client.transaction(() => again.$client.prepare("UPDATE committees SET name = 'Housing Panel'").run())();
  t.same(search(again, 'repairs'), [id], 'the next transaction that writes indexes it');
  consistent(t, again);
});

t.test('flushSearchIndex inside a transaction that then rolls back undoes the index change too', async (t) => {
  const { db, sqlite, add } = open(t);
  const id = sqlite.transaction(() => add('Fly-tipping enforcement'))();
  sqlite.exec('BEGIN');
  sqlite.prepare('UPDATE actions SET title = ? WHERE id = ?').run('Fly-tipping cameras', id);
  flushSearchIndex(sqlite);
  t.same(search(db, 'cameras'), [id]);
  sqlite.exec('ROLLBACK');
  t.same(search(db, 'cameras'), []);
  t.same(search(db, 'enforcement'), [id]);
  consistent(t, db);
});

t.test('inside a group: a request rolled back to its savepoint leaves nothing queued, the others are indexed', async (t) => {
  const { db, sqlite, add } = open(t);
  sqlite.exec('BEGIN IMMEDIATE'); // as the group commit does
  const kept = sqlite.transaction(() => add('Allotment waiting list'))();
  t.throws(() => sqlite.transaction(() => {
    add('Allotment rent review');
    throw new Error('refused');
  })());
  flushSearchIndex(sqlite);
  sqlite.exec('COMMIT');
  t.same(search(db, 'allotment'), [kept]);
  consistent(t, db);
});

t.test('through the API: a group whose indexing fails is answered 503 and keeps nothing, queue included', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2026-03-02T18:30:00Z', status: 'held' });
  const sqlite = api.app.db.$client;
  sqlite.exec("CREATE TRIGGER refuse_indexing BEFORE DELETE ON actions_fts_pending BEGIN SELECT RAISE(ABORT, 'indexing refused'); END");
  const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'task', title: 'Officers to report on grass cutting' } });
  t.equal(res.statusCode, 503);
  t.equal(res.json().code, 'SCRUTINY_COMMIT_FAILED');
  t.equal(sqlite.prepare('SELECT count(*) FROM actions').pluck().get(), 0);
  sqlite.exec('DROP TRIGGER refuse_indexing');
  consistent(t, api.app.db);
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
  consistent(t, api.app.db);
});
