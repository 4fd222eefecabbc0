import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import fp from 'fastify-plugin';
import t from 'tap';
import { startCheckpointer, type Checkpointer } from '../../src/db/sqlite/checkpointer.js';
import type { Engine } from '../../src/db/engine.js';
import { createWriteGroups } from '../../src/db/sqlite/group-commit.js';
import database from '../../src/http/database.js';
import problemDetails from '../../src/http/problem.js';
import { build, committee, until, within } from '../helper.js';

// Writes that arrive together share one COMMIT (src/db/sqlite/group-commit.ts, at the HTTP edge src/http/database.ts). What a client must
// be able to rely on: each request still succeeds or fails on its own, and no response — read or
// write — shows data that a failed COMMIT then threw away.

/** An engine with only the group commit, over a bare connection (and a checkpointer). */
function writesOnly(sqlite: Database.Database, app: FastifyInstance, checkpointer?: Checkpointer): Engine {
  const writes = createWriteGroups(sqlite, { checkpointer: () => checkpointer, search: { trimQueue() {} }, log: app.log });
  return { writes } as unknown as Engine;
}

const names = (api: Awaited<ReturnType<typeof build>>) =>
  (api.app.db.$client.prepare('SELECT name FROM committees ORDER BY id').pluck().all() as string[]);

t.test('requests sent together commit together, and a bad one fails alone', async (t) => {
  const api = await build(t);
  const post = (name: string) => api.request({ method: 'POST', url: '/v1/committees', payload: { name, kind: 'scrutiny' } });
  const [a, bad, b] = await Promise.all([
    post('Adults and Health Scrutiny Committee'),
    api.request({ method: 'POST', url: '/v1/committees', payload: { name: '', kind: 'scrutiny' } }),
    post('Place Scrutiny Committee'),
  ]);
  t.equal(a.statusCode, 201);
  t.equal(b.statusCode, 201);
  t.equal(bad.statusCode, 400);
  t.same(names(api), ['Adults and Health Scrutiny Committee', 'Place Scrutiny Committee']);
  t.notOk(api.app.db.$client.inTransaction, 'the group is committed, not left open');
});

t.test('a failed COMMIT answers 503 to every request that could have seen its writes, and keeps none of them', async (t) => {
  const api = await build(t);
  const kept = await committee(api, { name: 'Resources Scrutiny Committee' });
  // A deferred foreign key is checked only at COMMIT: inserting the committee named "Doomed"
  // leaves a dangling reference, so the group's COMMIT fails after every request has run.
  api.app.db.$client.exec(`
    CREATE TABLE doom (committee_id INTEGER REFERENCES committees(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER doom_on_insert AFTER INSERT ON committees WHEN NEW.name = 'Doomed'
      BEGIN INSERT INTO doom VALUES (-1); END;`);

  const [doomed, bystander, read] = await Promise.all([
    api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Doomed', kind: 'scrutiny' } }),
    api.request({ method: 'PATCH', url: `/v1/committees/${kept}`, payload: { name: 'Renamed in the failed group' } }),
    api.request({ method: 'GET', url: `/v1/committees/${kept}` }),
  ]);
  for (const [label, res] of [['the failing write', doomed], ['a write in the same group', bystander]] as const) {
    t.equal(res.statusCode, 503, label);
    t.match(res.headers['content-type'], /problem\+json/, label);
    t.equal(res.json().code, 'SCRUTINY_COMMIT_FAILED', label);
  }
  // The read ran either before the group (and shows the old name) or during it (and is a 503).
  if (read.statusCode === 200) t.equal(read.json().name, 'Resources Scrutiny Committee', 'never the discarded rename');
  else t.equal(read.statusCode, 503);
  t.same(names(api), ['Resources Scrutiny Committee'], 'nothing from the failed group was kept');
  t.notOk(api.app.db.$client.inTransaction);

  // The connection is usable again, and the next group commits normally.
  api.app.db.$client.exec('DROP TRIGGER doom_on_insert');
  const after = await api.request({ method: 'PATCH', url: `/v1/committees/${kept}`, payload: { name: 'Resources and Governance Scrutiny Committee' } });
  t.equal(after.statusCode, 200);
  t.same(names(api), ['Resources and Governance Scrutiny Committee']);
});

t.test('a read that saw a group\'s uncommitted rows is a 503 when that group fails', async (t) => {
  // A bare app with just the plugin, so the read can be made at a known moment: from inside a
  // write's handler, while its group is open and its row is visible on the shared connection.
  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  sqlite.exec(`
    CREATE TABLE parents (id INTEGER PRIMARY KEY);
    CREATE TABLE notes (text TEXT NOT NULL, parent_id INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED);`);
  sqlite.pragma('foreign_keys = ON');
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(problemDetails);
  await app.register(fp(async () => undefined, { name: 'idempotency' }));
  await app.register(database, { engine: writesOnly(sqlite, app) });
  let during: { statusCode: number; body: string } | undefined;
  app.get('/notes', async () => sqlite.prepare('SELECT text FROM notes').pluck().all());
  app.post<{ Body: { text: string; parent: number } }>('/notes', async (request) => {
    sqlite.prepare('INSERT INTO notes VALUES (?, ?)').run(request.body.text, request.body.parent);
    during = await app.inject({ method: 'GET', url: '/notes' });
    return { ok: true };
  });

  const good = await app.inject({ method: 'POST', url: '/notes', payload: { text: 'kept', parent: null } });
  t.equal(good.statusCode, 200);
  t.equal(during?.statusCode, 200, 'a read during a group that commits is answered');
  t.same(JSON.parse(during!.body), ['kept']);

  const bad = await app.inject({ method: 'POST', url: '/notes', payload: { text: 'discarded', parent: 99 } });
  t.equal(bad.statusCode, 503, 'the write whose COMMIT failed');
  t.equal(during?.statusCode, 503, 'the read that saw "discarded" is not answered with it');
  t.notMatch(during!.body, /discarded/);
  t.same(sqlite.prepare('SELECT text FROM notes').pluck().all(), ['kept']);
});

t.test('while the log restarts, the next group begins only once the worker has copied it, and so restarts it', async (t) => {
  const path = `${t.testdir()}/notes.sqlite`;
  const sqlite = new Database(path);
  t.teardown(() => sqlite.open && sqlite.close());
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  sqlite.exec('CREATE TABLE notes (text TEXT NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO notes VALUES (?)');
  const write = (n: number) => { for (let i = 0; i < n; i++) insert.run('x'.repeat(4000)); };
  const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
  write(300);
  // The worker's first pass copies the 300 frames and says the log is long; the next timed one
  // would come only after an hour, and the server copies nothing itself for an hour either.
  const checkpointer = startCheckpointer(sqlite, { intervalMs: 3_600_000, restartFrames: 200, restartWaitMs: 3_600_000 });
  t.teardown(() => checkpointer.close());
  await until(() => checkpointer.passesEnded() >= 1, 'the worker\'s first pass');
  write(50); // frames not yet copied: a group begun now could not restart the log

  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(problemDetails);
  await app.register(fp(async () => undefined, { name: 'idempotency' }));
  await app.register(database, { engine: writesOnly(sqlite, app, checkpointer) });
  app.post<{ Body: { text: string } }>('/notes', async (request) => {
    insert.run(request.body.text);
    return { ok: true };
  });
  const before = restarts();
  checkpointer.afterCommit(); // as after the group commit's COMMIT: the log is long
  // A minute only bounds a hang: without the worker's pass, nothing would copy the log for an hour.
  const res = await within(app.inject({ method: 'POST', url: '/notes', payload: { text: 'kept' } }), 60_000, 'the group to begin after the worker\'s pass');
  t.equal(res.statusCode, 200);
  t.equal(restarts(), before + 1, 'the group waited for the worker\'s pass, and its commit restarted the log');
  t.equal(sqlite.prepare('SELECT count(*) FROM notes WHERE text = ?').pluck().get('kept'), 1);
});
