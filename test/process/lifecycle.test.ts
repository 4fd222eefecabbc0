import Database from 'better-sqlite3';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { defaultConfig } from '../../src/config.js';
import { scriptActor } from '../../src/domain/actor.js';
import { openEngine } from '../../src/db/engine.js';
import { createServices } from '../../src/services.js';
import { emptyDatabase, onPostgres } from '../pg.js';
import { getJson, PATIENT_MS, processDatabase, processEnv, root, runCommand, sleep, startServer, tempDir, scriptArgs, until, within } from './helper.js';

// The process as an operator runs it (issue 2, "Running it"): graceful shutdown, refusal of a
// bad configuration, db:migrate, and the scan at start-up. The built path the Dockerfile runs
// is in build.test.ts. In the suite's PostgreSQL run the servers run on a PostgreSQL database
// (DATABASE_URL) instead of a SQLite file.

const migrationCount = (engine: 'sqlite' | 'pg') =>
  (JSON.parse(readFileSync(join(root, 'migrations', engine, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

/** A POST whose body is sent in two halves, so the request stays in flight as long as we like. */
function slowPost(url: string, key: string, path: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  const half = Math.floor(payload.length / 2);
  const req = httpRequest(`${url}${path}`, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': payload.length },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  req.write(payload.subarray(0, half));
  return { response, finish: () => req.end(payload.subarray(half)) };
}

/** Resolves true when a new TCP connection to the port is refused, false when accepted. */
function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

t.test('SIGTERM finishes in-flight requests, refuses new connections, closes the database, exits 0', async (t) => {
  const database = await processDatabase(t);
  const key = await database.adminKey('lifecycle-test');
  const server = await startServer(t, database.env());

  const committee = slowPost(server.url, key, '/v1/committees', { name: 'Corporate Policy and Performance Board', kind: 'policy_and_performance_board' });
  const person = slowPost(server.url, key, '/v1/people', { name: 'Councillor A. Example', kind: 'councillor' });
  // Both requests have reached the router (their headers are in): they are in flight.
  for (const path of ['/v1/committees', '/v1/people']) {
    await until(() => server.logs.some((l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === path), `${path} arrived`, PATIENT_MS);
  }

  server.child.kill('SIGTERM');
  await server.waitForLog(/^shutting down/);
  // The listening socket closes a moment after the log line: asked until it is refused.
  const deadline = Date.now() + PATIENT_MS;
  let refused = false;
  while (!refused && Date.now() < deadline) {
    refused = await connectionRefused(server.url);
    if (!refused) await sleep(50);
  }
  t.ok(refused, 'new connections are refused once shutdown has begun');
  // Shutdown waits for in-flight requests however long they take, not for a fixed grace period.
  await sleep(1_500);
  t.equal(server.child.exitCode, null, 'the process waits for the in-flight requests');

  committee.finish();
  person.finish();
  const settled = (response: Promise<{ status: number; body: string }>) => response.catch((err: Error) => ({ status: 0, body: err.message }));
  const [created, createdPerson] = await Promise.all([settled(committee.response), settled(person.response)]);
  t.equal(created.status, 201, `the in-flight committee write completed: ${created.body}`);
  t.equal(createdPerson.status, 201, `the in-flight person write completed: ${createdPerson.body}`);

  const exit = await within(server.exited, PATIENT_MS, 'the process to exit after its last request');
  t.same(exit, { code: 0, signal: null }, 'the process exits 0 once its last request is answered');

  if (database.kind === 'sqlite') {
    const db = new Database(database.path);
    t.teardown(() => db.close());
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  }
  const id = (JSON.parse(created.body) as { id: number }).id;
  t.match(await database.rows('SELECT name FROM committees WHERE id = ?', id), [{ name: 'Corporate Policy and Performance Board' }], 'the write made during shutdown is stored');
});

t.test('a bad configuration value stops the process with a message naming the variable', async (t) => {
  const dir = tempDir(t);
  const cases = [
    { variable: 'PORT', value: 'abc' },
    { variable: 'PUBLIC_READ', value: 'maybe' },
    { variable: 'SCAN_CRON', value: 'not a cron' },
    { variable: 'DATABASE_SYNCHRONOUS', value: 'OFF' },
  ];
  const server = (env: NodeJS.ProcessEnv) => runCommand(process.execPath, scriptArgs('src/server.ts'), env);
  // mkdir under /proc fails with ENOENT although /proc exists, on which Node's recursive
  // mkdirSync loops for ever: the server must stop with the reason instead.
  const unmakeable = process.platform === 'linux' ? server(processEnv('/proc/scrutiny-nope/scrutiny.sqlite')) : undefined;
  const results = await Promise.all(cases.map(({ variable, value }) => server(processEnv(join(dir, variable, 'scrutiny.sqlite'), { [variable]: value }))));
  cases.forEach(({ variable, value }, i) => {
    const result = results[i]!;
    t.not(result.code, 0, `${variable}=${value}: non-zero exit`);
    t.equal(result.signal, null, `${variable}=${value}: exited by itself`);
    t.match(result.stderr, new RegExp(`\\b${variable}\\b`), `${variable}=${value}: stderr names the variable`);
    t.notMatch(result.stdout, /Server listening/, `${variable}=${value}: never listened`);
    t.notOk(existsSync(join(dir, variable)), `${variable}=${value}: the database was not touched`);
  });
  if (unmakeable) {
    const result = await unmakeable;
    t.not(result.code, 0, 'a DATABASE_PATH that cannot be created: non-zero exit, no hang');
    t.match(result.stderr, /\/proc\/scrutiny-nope/, 'a DATABASE_PATH that cannot be created: stderr names the path');
  }
});

t.test('npm run db:migrate on a fresh path creates the database and applies every migration', { skip: onPostgres() ? 'PostgreSQL run: see the next test' : false }, async (t) => {
  const databasePath = join(tempDir(t), 'new', 'directory', 'scrutiny.sqlite');
  const env = processEnv(databasePath);
  const result = await runCommand('npm', ['run', '-s', 'db:migrate'], env);
  t.equal(result.code, 0, `exits 0; stderr: ${result.stderr}`);
  t.equal(result.stdout, 'migrations applied\n', 'prints "migrations applied" and nothing else');
  const db = new Database(databasePath, { readonly: true });
  t.teardown(() => db.close());
  t.equal((db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n, migrationCount('sqlite'), 'each migration recorded once');
  t.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actions'").get(), 'the schema exists');
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal', 'the database is in WAL mode');
});

t.test('npm run db:migrate with DATABASE_URL applies every migration to an empty PostgreSQL database', { skip: onPostgres() ? false : 'PostgreSQL only: run with SCRUTINY_TEST_ENGINE=postgres' }, async (t) => {
  const { url } = await emptyDatabase(t);
  const env = processEnv(join(tempDir(t), 'unused.sqlite'), { DATABASE_URL: url });
  const result = await runCommand('npm', ['run', '-s', 'db:migrate'], env);
  t.equal(result.code, 0, `exits 0; stderr: ${result.stderr}`);
  t.equal(result.stdout, 'migrations applied\n', 'prints "migrations applied" and nothing else');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query<{ n: number }>('SELECT CAST(count(*) AS integer) AS n FROM drizzle.__drizzle_migrations');
  t.equal(rows[0]?.n, migrationCount('pg'), 'each migration recorded once');
  t.same((await client.query("SELECT to_regclass('public.actions') IS NOT NULL AS present")).rows, [{ present: true }], 'the schema exists');
  const again = await runCommand('npm', ['run', '-s', 'db:migrate'], env);
  t.equal(again.code, 0, `a second run exits 0 too; stderr: ${again.stderr}`);
  t.equal((await client.query<{ n: number }>('SELECT CAST(count(*) AS integer) AS n FROM drizzle.__drizzle_migrations')).rows[0]?.n, migrationCount('pg'), 'and applies nothing twice');
});

t.test('SCAN_ON_START=true flags an overdue action shortly after start-up', async (t) => {
  const database = await processDatabase(t);
  const engine = await openEngine({ databasePath: database.path, databaseSynchronous: defaultConfig.databaseSynchronous, databaseUrl: database.url });
  const services = createServices(engine);
  const actor = scriptActor('lifecycle-test');
  const committee = await services.committees.create(actor, { name: 'Health Policy and Performance Board', kind: 'policy_and_performance_board' });
  const raisedAt = await services.meetings.create(actor, committee.id, { startsAt: '2024-01-15T18:30:00+00:00', status: 'held' });
  // The start-up scan runs as of the real today, so the next meeting must be after it.
  const next = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  const nextMeeting = await services.meetings.create(actor, committee.id, { startsAt: `${next}T18:30:00Z`, status: 'scheduled' });
  const action = await services.actions.create(actor, { meetingId: raisedAt.id, kind: 'information', title: 'Circulate the waiting-list figures', dueDate: '2024-02-01' });
  const key = (await services.apiKeys.create(actor, 'lifecycle-scan', ['admin'])).key;
  await engine.close();
  t.same(await database.rows('SELECT CAST(count(*) AS integer) AS n FROM overdue_flags'), [{ n: 0 }], 'no flag before the server starts');

  const env = database.env({ SCAN_ON_START: 'true' });
  const server = await startServer(t, env);
  // The scan runs after start-up, in its own time: the flags are read until it has made them.
  const deadline = Date.now() + PATIENT_MS;
  let flags: Array<{ actionId: number; meetingId: number }> = [];
  while (flags.length === 0 && Date.now() < deadline) {
    const res = await getJson(`${server.url}/v1/flags`, key);
    t.equal(res.status, 200);
    flags = (res.body as { data: typeof flags }).data;
    if (flags.length === 0) await sleep(100);
  }
  t.match(flags, [{ actionId: action.id, meetingId: nextMeeting.id }], 'the overdue action is flagged against the next meeting');
  t.equal(flags.length, 1, 'exactly once');
  await server.waitForLog(/^overdue scan finished$/);
  server.child.kill('SIGINT');
  t.same(await server.exited, { code: 0, signal: null }, 'SIGINT shuts it down cleanly too');
});
