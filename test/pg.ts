import pg from 'pg';
import t, { type Test } from 'tap';
import { createTemplate, databaseUrl, dropRun, findTestPostgres, PREFIX, runOf, withClient } from '../scripts/test-pg.mjs';
import { migratePg } from '../src/db/pg/migrate.js';

// PostgreSQL databases for tests (issue 18, docs/postgres-plan.md §5). scripts/run-tests.mjs makes
// one template database per run, migrated once, and names it in SCRUTINY_TEST_PG; a test file run
// on its own (npx tap test/…) makes a template of its own, dropped when its tests end. Each test
// process clones the template (CREATE DATABASE … TEMPLATE, well under a second) the first time a
// database is asked for, and afterwards reuses a returned one, reset by scrutiny_test_reset()
// (scripts/test-pg.mjs). Every database a process made is dropped when its tests end.

/**
 * Whether this test process runs on PostgreSQL (the PostgreSQL twins scripts/run-tests.mjs runs
 * set SCRUTINY_TEST_ENGINE=postgres, scripts/build-tests.mjs): test/helper.ts's apps then open a fresh database each.
 */
export const onPostgres = (): boolean => process.env.SCRUTINY_TEST_ENGINE === 'postgres';

/** Why PostgreSQL tests did not run. */
export const NO_POSTGRES =
  'PostgreSQL tests skipped: no PostgreSQL reachable (TEST_DATABASE_URL, DATABASE_URL or postgres@127.0.0.1:5432)';

interface Run {
  /** A maintenance database on the server (postgres): where databases are created and dropped. */
  serverUrl: string;
  template: string;
  runId: string;
}

export interface TestDatabase {
  name: string;
  /** For an engine of the test's own; test connections need not wait for the disk (see `durable`). */
  url: string;
  /** Closed when the test ends. */
  pool: pg.Pool;
}

let run: Promise<Run | undefined> | undefined;
let admin: Promise<pg.Client> | undefined;
const free: string[] = [];
const made: string[] = [];

async function start(): Promise<Run | undefined> {
  const given = process.env.SCRUTINY_TEST_PG;
  if (given) {
    const template = decodeURIComponent(new URL(given).pathname.slice(1));
    const runId = runOf(template)?.runId;
    if (!runId) throw new Error(`SCRUTINY_TEST_PG names ${template}, which is not a test template`);
    t.teardown(dropMine);
    return { serverUrl: databaseUrl(given, 'postgres'), template, runId };
  }
  const serverUrl = await findTestPostgres();
  if (!serverUrl) return undefined;
  const { url, runId } = await createTemplate(serverUrl, { migrate: migratePg });
  t.teardown(async () => {
    await closeAdmin();
    await dropRun(serverUrl, runId);
  });
  return { serverUrl, template: decodeURIComponent(new URL(url).pathname.slice(1)), runId };
}

async function closeAdmin(): Promise<void> {
  const client = await admin;
  admin = undefined;
  await client?.end();
}

/** At the end of a process given a run: its own clones go now; the run's end drops the rest. */
async function dropMine(): Promise<void> {
  const client = await admin;
  for (const name of made) await client?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await closeAdmin();
}

/** This process's test run, or undefined when no PostgreSQL is reachable. */
export function pgTestRun(): Promise<Run | undefined> {
  run ??= start();
  return run;
}

/** For `t.test(name, { skip: await skipWithoutPostgres() }, …)`: false, or why the test is skipped. */
export async function skipWithoutPostgres(): Promise<false | string> {
  return (await pgTestRun()) ? false : NO_POSTGRES;
}

async function adminClient(serverUrl: string): Promise<pg.Client> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    client.on('error', () => {});
    await client.connect();
    return client;
  })();
  return admin;
}

/**
 * A migrated database for the test `t`, empty (identities restarted), and a pool on it; given back
 * for reuse when `t` ends. `durable: false` (the default) turns synchronous_commit off for its
 * connections: a test does not need its commits on disk unless PostgreSQL itself may crash.
 */
export async function testDatabase(t: Test, { durable = false }: { durable?: boolean } = {}): Promise<TestDatabase> {
  const current = await pgTestRun();
  if (!current) throw new Error(NO_POSTGRES);
  let name = free.pop();
  const reused = name !== undefined;
  if (name === undefined) {
    name = `${PREFIX}${current.runId}_${process.pid}_${made.length + 1}`;
    made.push(name);
    const client = await adminClient(current.serverUrl);
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${current.template}"`);
  }
  const url = new URL(databaseUrl(current.serverUrl, name));
  if (!durable) url.searchParams.set('options', '-c synchronous_commit=off');
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  // The process's last teardown drops its databases WITH (FORCE): an idle connection left behind is
  // terminated then, which must not end the process as an unhandled 'error'.
  pool.on('error', () => {});
  const taken = name;
  t.teardown(async () => {
    await pool.end();
    free.push(taken);
  });
  if (reused) await pool.query('SELECT scrutiny_test_reset()');
  return { name, url: url.toString(), pool };
}

/**
 * A new database with nothing in it (not even migrations), dropped when `t` ends: for testing
 * the migrations themselves.
 */
export async function emptyDatabase(t: Test): Promise<{ name: string; url: string }> {
  const current = await pgTestRun();
  if (!current) throw new Error(NO_POSTGRES);
  const name = `${PREFIX}${current.runId}_${process.pid}_e${made.length + 1}`;
  made.push(name);
  const client = await adminClient(current.serverUrl);
  await client.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
  t.teardown(() => withClient(current.serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
  return { name, url: databaseUrl(current.serverUrl, name) };
}

/** A statement sent through pg (recordPgStatements). */
export interface SentStatement {
  /** Its text ('' when sent by prepared name alone). */
  text: string;
  /** Its prepared name, if it has one. */
  name: string | undefined;
  /** The values of its parameters. */
  values: readonly unknown[];
  /** Sent while an earlier statement of the same connection was still unanswered: the same round trip. */
  pipelined: boolean;
  /** The connection's socket it went out on. */
  socket: unknown;
}

/** Every statement anything in this process sends through pg from now until the test ends, in order. */
export function recordPgStatements(t: Test): SentStatement[] {
  const sent: SentStatement[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: string; name?: string; values?: unknown[] } | null;
    // pg's own book-keeping of what it has sent and not yet had answered.
    const self = this as unknown as { connection: { stream: unknown }; _getActiveQuery(): unknown; _sentQueryQueue: unknown[]; _queryQueue: unknown[] };
    sent.push({
      text: typeof q === 'string' ? q : (q?.text ?? ''),
      name: typeof q === 'string' ? undefined : q?.name,
      values: ((typeof q === 'string' ? undefined : q?.values) ?? (args[1] as unknown[] | undefined)) ?? [],
      pipelined: Boolean(self._getActiveQuery()) || self._sentQueryQueue.length > 0 || self._queryQueue.length > 0,
      socket: self.connection.stream,
    });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  t.teardown(() => void (pg.Client.prototype.query = query));
  return sent;
}
