import Fastify from 'fastify';
import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import problemDetails from '../../src/http/problem.js';
import { buildOnFile, committee, sqliteOnly, until, type TestApp } from '../helper.js';

/** On PostgreSQL a write request waits for row locks in its own transaction: there is no file lock. */
const FILE_LOCK = 'another connection holding the SQLite file\'s write lock (BEGIN IMMEDIATE), and the busy timeout';

// Another process holding the write lock (the command line's import-minutes --commit, its
// overdue-report, any BEGIN IMMEDIATE on the file): reads go on being answered, writes wait for
// the lock without stopping the server, and a write that cannot get it in time is a 503 to retry.

const lastUsed = async (api: TestApp, name: string) => (await api.app.services.apiKeys.list()).find((k) => k.name === name)!.lastUsedAt;

t.test('while another process holds the write lock, reads are answered and writes wait for it', { skip: sqliteOnly(FILE_LOCK) }, async (t) => {
  const { api, other } = await buildOnFile(t);
  const id = await committee(api, { name: 'Resources Scrutiny Committee' });
  // A key never used: authenticating it is what used to write (lastUsedAt) on the read path.
  const fresh = (await api.app.services.apiKeys.create(scriptActor('test'), 'never-used', ['read'])).key;

  other.exec('BEGIN IMMEDIATE');
  const read = await api.request({ method: 'GET', url: `/v1/committees/${id}`, as: fresh });
  t.equal(read.statusCode, 200, 'a read with a never-used key is answered');
  t.equal(read.json().name, 'Resources Scrutiny Committee');
  t.ok(other.inTransaction, '...while the other process still holds the lock');
  t.equal(await lastUsed(api, 'never-used'), null, 'its use is not written while the lock is held');

  // A write waits for the lock; meanwhile the server answers reads.
  api.app.db.$client.pragma('busy_timeout = 60000');
  let settled = false;
  const write = api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Place Scrutiny Committee', kind: 'scrutiny' } });
  void write.then(() => (settled = true));
  const during = await api.request({ method: 'GET', url: '/v1/committees', as: fresh });
  t.equal(during.statusCode, 200, 'a read is answered while a write waits for the lock');
  t.notOk(settled, '...before the waiting write is');

  other.exec('COMMIT');
  t.equal((await write).statusCode, 201, 'the write goes ahead once the lock is free');
  await until(async () => (await lastUsed(api, 'never-used')) !== null, "the key's use to be written");
  t.pass('the key\'s use is written once the lock is free');
});

t.test('a write that cannot get the lock within the busy timeout is a 503 with Retry-After, and keeps nothing', { skip: sqliteOnly(FILE_LOCK) }, async (t) => {
  const { api, other } = await buildOnFile(t);
  api.app.db.$client.pragma('busy_timeout = 200');
  other.exec('BEGIN IMMEDIATE');
  const res = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Place Scrutiny Committee', kind: 'scrutiny' } });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.headers['retry-after'], /^[1-9][0-9]*$/);
  t.equal(res.json().code, 'SCRUTINY_DATABASE_BUSY');
  t.ok(other.inTransaction, 'answered while the lock is still held');
  other.exec('COMMIT');

  const list = await api.request({ method: 'GET', url: '/v1/committees' });
  t.same(list.json().data.map((c: { name: string }) => c.name), [], 'nothing was written');
  const again = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Place Scrutiny Committee', kind: 'scrutiny' } });
  t.equal(again.statusCode, 201, 'the retry succeeds');
});

t.test('SQLITE_BUSY from anywhere is a 503 with Retry-After, never a 500', async (t) => {
  const app = Fastify({ logger: false });
  await app.register(problemDetails);
  app.get('/busy', () => {
    // What better-sqlite3 throws when the busy timeout runs out.
    throw Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' });
  });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/busy' });
  t.equal(res.statusCode, 503);
  t.match(res.headers['retry-after'], /^[1-9][0-9]*$/);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.equal(res.json().code, 'SCRUTINY_DATABASE_BUSY');
});
