// The PostgreSQL side of a test run (issue 18, docs/postgres-plan.md §5): one template database per
// run, migrated once, that test processes clone (test/pg.ts); every database of the run dropped at
// its end; runs a crash left behind swept the next day. Plain JavaScript, for scripts/run-tests.mjs:
//
//   const server = await findTestPostgres();           // undefined: no PostgreSQL, skip its pass
//   const { url, runId } = await createTemplate(server); // pass url to tap as SCRUTINY_TEST_PG
//   try { … } finally { await dropRun(server, runId); await sweepOld(server); }
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where a test run looks for PostgreSQL when neither TEST_DATABASE_URL nor DATABASE_URL is set. */
export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Every test database's name starts with this; then the run id. */
export const PREFIX = 'scrutiny_t_';
const DAY = 24 * 60 * 60 * 1000;

/** The URL of the database called `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A run's id: when it started (so that a later run can tell its age) and a few random letters. */
export function newRunId(now = Date.now()) {
  return `${now.toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** The template database's name: `scrutiny_t_<run id>_tmpl`. */
export function templateName(runId) {
  return `${PREFIX}${runId}_tmpl`;
}

/** The run id in a test database's name, and when the run started; undefined for other names. */
export function runOf(name) {
  const match = /^scrutiny_t_([0-9a-z]+)_([0-9a-f]+)_/.exec(name);
  if (!match) return undefined;
  return { runId: `${match[1]}_${match[2]}`, startedAt: parseInt(match[1], 36) };
}

/** Runs `fn` with a connection to `url`, closed afterwards. */
export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL server to make test databases on: TEST_DATABASE_URL, else DATABASE_URL, else the
 * local one if it answers. Undefined when none answers (the PostgreSQL pass is skipped).
 */
export async function findTestPostgres(env = process.env) {
  const url = env.TEST_DATABASE_URL || env.DATABASE_URL || LOCAL_POSTGRES;
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    return url;
  } catch {
    return undefined;
  }
}

/**
 * Resets a test database to just-migrated: deletes every table's rows, children before parents
 * (foreign keys are followed in pg_constraint), with the triggers that refuse deletes (the audit
 * trail's) switched off meanwhile, and restarts every identity. Cheaper than TRUNCATE and than
 * dropping and cloning again. Installed in the template only, never by a migration.
 */
const RESET_FUNCTION = `
CREATE FUNCTION scrutiny_test_reset() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    WITH RECURSIVE tables AS (
      SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')
    ), fk AS (
      SELECT conrelid AS child, confrelid AS parent FROM pg_constraint
      WHERE contype = 'f' AND conrelid <> confrelid AND conrelid IN (SELECT oid FROM tables)
    ), depth (rel, n) AS (
      SELECT oid, 0 FROM tables
      UNION ALL
      SELECT fk.parent, depth.n + 1 FROM depth JOIN fk ON fk.child = depth.rel WHERE depth.n < 100
    )
    SELECT rel::regclass AS rel, EXISTS (
      SELECT 1 FROM pg_trigger t
      WHERE t.tgrelid = depth.rel AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 8) <> 0
    ) AS guarded
    FROM depth GROUP BY rel ORDER BY max(n), rel::regclass::text
  LOOP
    IF r.guarded THEN EXECUTE format('ALTER TABLE %s DISABLE TRIGGER USER', r.rel); END IF;
    EXECUTE format('DELETE FROM %s', r.rel);
    IF r.guarded THEN EXECUTE format('ALTER TABLE %s ENABLE TRIGGER USER', r.rel); END IF;
  END LOOP;
  FOR r IN
    SELECT a.attrelid::regclass AS rel, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped
  LOOP
    PERFORM setval(pg_get_serial_sequence(r.rel::text, r.attname), 1, false);
  END LOOP;
END
$$`;

/**
 * Creates this run's template database, applies migrations/pg to it and installs the reset
 * function. `migrate(url)` defaults to src/db/pg/migrate.ts's migratePg, loaded through tsx.
 * Returns the template's URL (SCRUTINY_TEST_PG for the test processes) and the run id.
 */
export async function createTemplate(serverUrl, { runId = newRunId(), migrate } = {}) {
  const name = templateName(runId);
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(serverUrl, name);
  try {
    const apply = migrate ?? (await import('tsx/esm/api').then(({ tsImport }) => tsImport('../src/db/pg/migrate.ts', import.meta.url))).migratePg;
    await apply(url);
    await withClient(url, (client) => client.query(RESET_FUNCTION));
  } catch (error) {
    await dropDatabases(serverUrl, [name]);
    throw error;
  }
  return { url, runId };
}

async function dropDatabases(serverUrl, names) {
  await withClient(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  return names;
}

async function testDatabases(serverUrl) {
  return withClient(serverUrl, async (client) => {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname', [PREFIX]);
    return rows.map((row) => row.datname);
  });
}

/** Drops every database of the run (its template and every clone), connected or not. Returns their names. */
export async function dropRun(serverUrl, runId) {
  const names = (await testDatabases(serverUrl)).filter((name) => runOf(name)?.runId === runId);
  return dropDatabases(serverUrl, names);
}

/** Drops the databases of runs that started more than `maxAge` ms ago (a day by default). Returns their names. */
export async function sweepOld(serverUrl, { maxAge = DAY, now = Date.now() } = {}) {
  const names = (await testDatabases(serverUrl)).filter((name) => {
    const run = runOf(name);
    return run !== undefined && now - run.startedAt > maxAge;
  });
  return dropDatabases(serverUrl, names);
}
