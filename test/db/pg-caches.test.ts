import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build, committee, meeting } from '../helper.js';
import { onPostgres, recordPgStatements, testDatabase } from '../pg.js';

// On PostgreSQL the in-process caches (rendered actions, list pages, authenticated API keys,
// committee time zones) are stamped with the database's snapshot (src/db/pg/run.ts): an entry is
// used only while no transaction has committed since it was filled. Here the "other process" is
// another connection writing straight to the tables, as a second server or a DBA would, behind
// the app's back: its next read must see the change.

// The suite's PostgreSQL run (test/on-postgres.txt): there build() opens the app on PostgreSQL.
const skip = onPostgres() ? false : 'PostgreSQL run only';

t.test('a read after a commit by another connection sees it, though the read before was cached', { skip }, async (t) => {
  const db = await testDatabase(t);
  const api = await build(t, { databaseUrl: db.url });
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2024-09-02T17:30:00Z' });
  const created = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'information', title: 'Breakdown by ward' } });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id as number;
  const byId = () => api.request({ method: 'GET', url: `/v1/actions/${id}` });
  const list = () => api.request({ method: 'GET', url: `/v1/actions?committeeId=${c}&limit=50` });

  // Read twice: the second is served from the caches (no statement but the snapshot).
  for (let i = 0; i < 2; i++) {
    t.equal((await byId()).json().title, 'Breakdown by ward');
    t.equal((await list()).json().data[0].title, 'Breakdown by ward');
  }
  await db.pool.query("UPDATE actions SET title = 'Breakdown by ward and by month', version = version + 1 WHERE id = $1", [id]);
  t.equal((await byId()).json().title, 'Breakdown by ward and by month', 'by id: the change is seen on the next read');
  t.equal((await list()).json().data[0].title, 'Breakdown by ward and by month', 'in the list too');

  // A key revoked by another connection is refused on its next use, though it was just used.
  const made = await api.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'dashboard', scopes: ['read'] } });
  const secret = made.json().key as string;
  const asDashboard = () => api.request({ method: 'GET', url: '/v1/committees', as: secret });
  t.equal((await asDashboard()).statusCode, 200);
  t.equal((await asDashboard()).statusCode, 200, 'cached');
  await db.pool.query('UPDATE api_keys SET revoked_at = now()::text WHERE id = $1', [made.json().id]);
  t.equal((await asDashboard()).statusCode, 401, 'refused at once');

});

t.test('a program that commits and reads again finds its own write, not the entry it cached before', { skip }, async (t) => {
  const db = await testDatabase(t);
  const api = await build(t, { databaseUrl: db.url });
  const { programs } = api.app.services;
  const { engine } = api.app;
  const admin = scriptActor('test');
  const made = await engine.run(programs.apiKeys.create(admin, 'reporting', ['read']));
  const seen = await engine.run((function* () {
    const before = yield* programs.apiKeys.authenticate(made.key);
    const again = yield* programs.apiKeys.authenticate(made.key);
    yield* programs.apiKeys.revoke(admin, made.id);
    const after = yield* programs.apiKeys.authenticate(made.key);
    return [before?.id, again?.id, after?.id];
  })());
  t.same(seen, [made.id, made.id, undefined], 'revoked in the same program: refused on the next look-up');
});

t.test('read requests in flight together share one snapshot read, and each still sees what was committed before it arrived', { skip }, async (t) => {
  const db = await testDatabase(t);
  const api = await build(t, { databaseUrl: db.url });
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2024-09-02T17:30:00Z' });
  const created = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'information', title: 'Breakdown by ward' } });
  const id = created.json().id as number;
  const byId = () => api.request({ method: 'GET', url: `/v1/actions/${id}` });
  t.equal((await byId()).json().title, 'Breakdown by ward');

  // Every snapshot read the app sends (db/pg/run.ts names its statement).
  const sent = recordPgStatements(t);
  const snapshots = () => sent.filter((s) => s.name === 'scrutiny_snapshot').length;

  const together = await Promise.all(Array.from({ length: 20 }, byId));
  t.ok(together.every((r) => r.json().title === 'Breakdown by ward'));
  t.ok(snapshots() >= 1 && snapshots() < 10, `20 reads at once took ${snapshots()} snapshot reads: some, not one each`);

  // Committed by another connection, then read at once, many times over: never the old title.
  await db.pool.query("UPDATE actions SET title = 'Breakdown by ward and by month', version = version + 1 WHERE id = $1", [id]);
  const after = await Promise.all(Array.from({ length: 20 }, byId));
  t.same(new Set(after.map((r) => r.json().title)), new Set(['Breakdown by ward and by month']), 'every read after the commit sees it');
});

t.test("a list page on PostgreSQL reads its committee's day without a statement of its own", { skip }, async (t) => {
  const db = await testDatabase(t);
  const api = await build(t, { databaseUrl: db.url });
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2024-09-02T17:30:00Z' });
  for (let day = 1; day <= 5; day++) {
    const created = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'information', title: `Figures ${day}`, dueDate: `2024-10-0${day}` } });
    t.equal(created.statusCode, 201);
  }

  // What each statement the app sends reads (named or not, its text).
  const sent = recordPgStatements(t);
  const ofOneCommittee = () => sent.filter((s) => /from "committees" where/.test(s.text)).length;

  // Each a new query (another day), after a commit elsewhere (which empties every cache), as a
  // dashboard paging through windows does: the snapshot, the key, every committee's zone (once a
  // commit) and the page's keys and rows; never the one committee's zone on its own.
  for (let day = 1; day <= 4; day++) {
    await db.pool.query('UPDATE actions SET version = version + 1 WHERE id = 1');
    sent.length = 0;
    const page = await api.request({ method: 'GET', url: `/v1/actions?committeeId=${c}&status=open&dueAfter=2024-10-0${day}` });
    t.same(page.json().data.map((a: { title: string }) => a.title), Array.from({ length: 6 - day }, (_, i) => `Figures ${day + i}`));
    t.equal(ofOneCommittee(), 0, "the committee's day: from every committee's zones, not a read of its own");
  }
});

t.test('reads by id in flight together are one statement, each reader seeing only what it may', { skip }, async (t) => {
  const db = await testDatabase(t);
  // No cache: every read goes to the database.
  const api = await build(t, { databaseUrl: db.url, actionReadCacheEntries: 0 });
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2024-09-02T17:30:00Z' });
  const ids: number[] = [];
  for (let i = 0; i < 10; i++) {
    const created = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'information', title: `Figures ${i}`, visibility: i === 0 ? 'confidential' : 'public' } });
    t.equal(created.statusCode, 201);
    ids.push(created.json().id);
  }
  const secret = ids[0]!;

  const sent = recordPgStatements(t);

  // A reader, and a key that may read confidential actions, each asking for every action at once.
  const asked = [api.keys.reader, api.keys.confidential].flatMap((as) => ids.map((id) => ({ as, id })));
  const answers = await Promise.all(asked.map(({ as, id }) => api.request({ method: 'GET', url: `/v1/actions/${id}`, as })));
  answers.forEach((res, i) => {
    const { as, id } = asked[i]!;
    if (id === secret && as === api.keys.reader) t.equal(res.statusCode, 404, 'the confidential action is hidden from the reader, read with others');
    else t.equal(res.json().id, id, `${as === api.keys.reader ? 'reader' : 'confidential key'}: its own action ${id}`);
  });
  const reads = sent.filter((s) => /from "actions"/.test(s.text)).length;
  t.ok(reads >= 1 && reads < asked.length / 2, `${asked.length} reads by id at once took ${reads} statements`);
  // What each request read first is shared too, or the requests would come to their actions out
  // of step: their keys (two keys, looked up together) and, the snapshot having moved since the
  // actions were created, the committees' zones (read once, by those that asked meanwhile too).
  const keys = sent.filter((s) => /from "api_keys"/.test(s.text)).length;
  t.ok(keys >= 1 && keys < asked.length / 2, `${asked.length} requests with two keys looked their keys up in ${keys} statements`);
  const zones = sent.filter((s) => /from "committees"/.test(s.text)).length;
  t.ok(zones >= 1 && zones < asked.length / 2, `${asked.length} requests read the committees' zones in ${zones} statements`);
});

t.test("a key used by many requests at once, before and after a commit elsewhere, has its use written once", { skip }, async (t) => {
  const db = await testDatabase(t);
  const api = await build(t, { databaseUrl: db.url });
  const c = await committee(api);
  const made = await api.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'dashboard', scopes: ['read'] } });
  const key = made.json().key as string;
  const sent = recordPgStatements(t);
  const readAll = () => Promise.all(Array.from({ length: 20 }, () => api.request({ method: 'GET', url: `/v1/committees/${c}`, as: key })));

  t.ok((await readAll()).every((res) => res.statusCode === 200));
  // Another connection commits: every request reads the key again, its row perhaps still
  // without the use just noted (its write may not have landed yet).
  await db.pool.query('UPDATE committees SET name = name WHERE id = $1', [c]);
  t.ok((await readAll()).every((res) => res.statusCode === 200));
  // Closing writes whatever use is still unwritten, after any write under way.
  await api.app.close();

  // This key's: the admin key that made it may have its own use written meanwhile.
  const keyId = made.json().id as number;
  const writes = sent.filter((s) => /^update "api_keys" set "last_used_at"/.test(s.text) && s.values.includes(keyId)).length;
  t.equal(writes, 1, "the key's use: one write, not one per request that read the key");
  const { rows } = await db.pool.query<{ last_used_at: string | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [keyId]);
  t.ok(rows[0]!.last_used_at, 'and it was written');
});
