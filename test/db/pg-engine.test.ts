import Fastify from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { ConfigError, defaultConfig, loadConfig } from '../../src/config.js';
import { openEngine, type PgEngine } from '../../src/db/engine.js';
import { all, insertRow } from '../../src/db/program.js';
import { people } from '../../src/db/tables.js';
import { scriptActor } from '../../src/domain/actor.js';
import database from '../../src/http/database.js';
import { buildApp } from '../../src/app.js';
import problemDetails from '../../src/http/problem.js';
import { createServices } from '../../src/services.js';
import { emptyDatabase, skipWithoutPostgres, testDatabase } from '../pg.js';

// The PostgreSQL engine (src/db/pg/engine.ts) chosen by DATABASE_URL, and its write unit
// (src/db/pg/write-unit.ts) at the HTTP edge (src/http/database.ts), on the real server.

const skip = await skipWithoutPostgres();
const settings = (databaseUrl: string) => ({ ...defaultConfig, databaseUrl });
const names = async (engine: PgEngine) =>
  (await engine.pool.query<{ name: string }>('SELECT name FROM people ORDER BY id')).rows.map((r) => r.name);

t.test('DATABASE_URL must be a postgres:// URL, and names itself when it is not', async (t) => {
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://localhost/x' }), ConfigError);
  t.match((() => { try { loadConfig({ DATABASE_URL: 'mysql://x' }); } catch (err) { return (err as Error).message; } })(), /DATABASE_URL/);
  t.equal(loadConfig({ DATABASE_URL: 'postgresql://u@h:5432/d' }).databaseUrl, 'postgresql://u@h:5432/d');
  t.equal(loadConfig({}).databaseUrl, undefined, 'unset: SQLite');
});

t.test('an empty database is migrated when the engine opens, and the services read and write through it', { skip }, async (t) => {
  const { url } = await emptyDatabase(t);
  const engine = await openEngine(settings(url));
  t.teardown(() => engine.close());
  t.equal(engine.kind, 'postgres');
  if (engine.kind !== 'postgres') return;
  const services = createServices(engine);
  const created = await services.people.create(scriptActor('test'), { name: 'Ada Officer', kind: 'officer' });
  t.equal((await services.people.get(created.id)).name, 'Ada Officer', 'read back through the engine');
  t.same(await names(engine), ['Ada Officer'], 'stored in PostgreSQL');
  const key = await services.apiKeys.create(scriptActor('test'), 'k', ['read']);
  t.match(key.key, /\S{20,}/, 'an API key made on PostgreSQL');
});

t.test('the server on PostgreSQL is ready once migrated, and says when the database is gone', { skip }, async (t) => {
  const { url } = await testDatabase(t);
  const app = await buildApp({ ...defaultConfig, scheduler: false, scanOnStart: false, databaseUrl: url }, { logger: false });
  let closed = false;
  t.teardown(() => (closed ? undefined : app.close()));
  const ready = await app.inject({ url: '/readyz' });
  t.equal(ready.statusCode, 200, ready.body);
  t.same(ready.json(), { status: 'ready' });
  if (app.engine.kind !== 'postgres') throw new Error('not postgres');
  await app.engine.pool.end();
  const gone = await app.inject({ url: '/readyz' });
  t.equal(gone.statusCode, 503);
  t.match(gone.json(), { detail: /not reachable/ });
  closed = true;
});

t.test('a write request is one transaction, committed before it is answered', { skip }, async (t) => {
  const { url } = await testDatabase(t);
  const engine = await openEngine(settings(url));
  if (engine.kind !== 'postgres') throw new Error('not postgres');
  const app = Fastify();
  t.teardown(async () => {
    await app.close();
    await engine.close();
  });
  await app.register(problemDetails);
  await app.register(fp(async () => {}, { name: 'idempotency' }));
  await app.register(database, { engine });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let halfway!: () => void;
  const reachedHalfway = new Promise<void>((resolve) => (halfway = resolve));
  const add = (name: string) => engine.run(insertRow(engine.db, people, { name, kind: 'officer' }));
  app.post('/two', async () => {
    await add('first');
    halfway();
    await gate;
    await add('second');
    return { ok: true };
  });
  app.post('/dies', async () => {
    await add('lost');
    // The connection under the request's transaction goes away: the commit cannot happen.
    await engine.run(all(engine.db.select({ gone: sql`pg_terminate_backend(pg_backend_pid())` }).from(people).limit(1))).catch(() => {});
    return { ok: true };
  });
  app.get('/count', async () => ({ n: (await names(engine)).length }));

  const answered = app.inject({ method: 'POST', url: '/two' });
  await reachedHalfway;
  t.same(await names(engine), [], 'the first write is not seen by others while the request runs');
  release();
  t.equal((await answered).statusCode, 200);
  t.same(await names(engine), ['first', 'second'], 'both writes committed with the answer');

  const died = await app.inject({ method: 'POST', url: '/dies' });
  t.equal(died.statusCode, 503, 'a commit that fails is a 503');
  t.match(died.json(), { code: 'SCRUTINY_COMMIT_FAILED' });
  t.same(await names(engine), ['first', 'second'], 'nothing of the failed request was kept');

  // Every unit gives its connection back: more requests than the pool has connections all answer.
  release();
  for (let i = 0; i < 15; i++) t.equal((await app.inject({ method: 'POST', url: i % 3 === 0 ? '/dies' : '/two' })).statusCode, i % 3 === 0 ? 503 : 200);
  t.equal((await app.inject({ method: 'GET', url: '/count' })).json().n, 2 + 10 * 2, 'the ten that answered 200 kept both their writes');
});
