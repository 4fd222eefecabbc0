import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { databaseUrl, dropRun, newRunId, PREFIX, runOf, sweepOld, templateName, withClient } from '../../scripts/test-pg.mjs';
import { pgTestRun, skipWithoutPostgres, testDatabase } from '../pg.js';

// The per-test PostgreSQL databases themselves (test/pg.ts, scripts/test-pg.mjs): a clone is
// migrated and empty; a database given back is reused only once reset to that state; and no
// database outlives its test process, or its run.

const skip = await skipWithoutPostgres();

async function exists(name: string): Promise<boolean> {
  const run = (await pgTestRun())!;
  return withClient(run.serverUrl, async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

/** Row counts of every table, by name. */
async function counts(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname`);
  const result: Record<string, number> = {};
  for (const { relname } of rows) result[relname] = (await pool.query(`SELECT count(*)::int AS n FROM "${relname}"`)).rows[0].n;
  return result;
}

/** Fills a chain of tables that refer to one another, the audit trail included. */
async function fill(pool: pg.Pool): Promise<void> {
  await pool.query(`
    INSERT INTO committees (name, slug, kind) VALUES ('Scrutiny', 'scrutiny', 'scrutiny');
    INSERT INTO people (name, kind) VALUES ('Cllr A', 'councillor');
    INSERT INTO memberships (committee_id, person_id, role) VALUES (1, 1, 'chair');
    INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (1, 'x', 'x', 'x', 'x');
    INSERT INTO agenda_items (meeting_id, title, visibility, exempt_paragraph) VALUES (1, 'Item', 'exempt', 3);
    INSERT INTO actions (committee_id, meeting_id, item_id, kind, title, due_rule) VALUES (1, 1, 1, 'task', 'Report', 'next_meeting');
    INSERT INTO action_updates (action_id, text, recorded_by) VALUES (1, 'Done', 'test');
    INSERT INTO overdue_flags (action_id, meeting_id, flagged_on, reason) VALUES (1, 1, '2026-01-01', 'late');
    INSERT INTO reference_counters (committee_id, municipal_year, last_number) VALUES (1, '26/27', 1);
    INSERT INTO webhooks (url, events, scopes, secret) VALUES ('http://127.0.0.1/', 'action.created', 'read:public', 'whsec_x');
    INSERT INTO webhook_events (type, visibility, data, occurred_at) VALUES ('action.created', 'public', '{}', 'x');
    INSERT INTO webhook_deliveries (webhook_id, event_id, retry_from) VALUES (1, 1, 'x');
    INSERT INTO webhook_attempts (delivery_id, attempted_at, duration_ms) VALUES (1, 'x', 1);
    INSERT INTO audit_events (actor, entity_type, entity_id, operation) VALUES ('test', 'action', '1', 'create');
    INSERT INTO settings (name, value) VALUES ('link_secret', 'x');
  `);
}

t.test('a database given back is reused, reset to just-migrated', { skip }, async (t) => {
  let first = '';
  await t.test('a clone of the template: migrated and empty, commits not waiting for the disk', async (t) => {
    const db = await testDatabase(t);
    first = db.name;
    t.match(db.name, new RegExp(`^${PREFIX}[0-9a-z]+_[0-9a-f]+_${process.pid}_\\d+$`));
    t.ok(Object.values(await counts(db.pool)).every((n) => n === 0), 'every table empty');
    const applied = await db.pool.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    t.ok(applied.rows[0].n >= 3, 'migrations/pg applied');
    t.equal((await db.pool.query('SHOW synchronous_commit')).rows[0].synchronous_commit, 'off');
    await fill(db.pool);
    t.ok(Object.values(await counts(db.pool)).filter((n) => n > 0).length >= 15, 'rows in the tables');
  });
  await t.test('the same database, next time: empty, ids from 1, triggers still on', async (t) => {
    const db = await testDatabase(t, { durable: true });
    t.equal(db.name, first, 'reused');
    t.same(Object.entries(await counts(db.pool)).filter(([, n]) => n > 0), [], 'every table empty');
    t.equal((await db.pool.query('SHOW synchronous_commit')).rows[0].synchronous_commit, 'on', 'durable: commits wait for the disk');
    await fill(db.pool);
    t.same((await db.pool.query('SELECT max(id) AS id FROM committees')).rows, [{ id: 1 }], 'identities restarted');
    t.same((await db.pool.query('SELECT item_visibility FROM actions')).rows, [{ item_visibility: 'exempt' }], 'the item visibility trigger works');
    await t.rejects(db.pool.query('DELETE FROM audit_events'), /append-only/, 'the audit trail is append-only again');
  });
  await t.test('two at once: two databases', async (t) => {
    const [a, b] = await Promise.all([testDatabase(t), testDatabase(t)]);
    t.not(a.name, b.name);
    t.ok([a.name, b.name].includes(first), 'one of them the free one');
  });
});

t.test('no database outlives its test process', { skip }, async (t) => {
  const run = (await pgTestRun())!;
  // A process of a run (SCRUTINY_TEST_PG set) drops its clones; a file run on its own drops its
  // whole run, template included.
  const child = (env: Record<string, string>) =>
    execFileSync(
      process.execPath,
      ['--import=tsx', '--input-type=module', '-e', `
        import t from 'tap';
        import { testDatabase } from ${JSON.stringify(resolve('test/pg.ts'))};
        t.test('one', async (t) => { const db = await testDatabase(t); await db.pool.query('SELECT 1'); console.log('# made ' + db.name); });
      `],
      { encoding: 'utf8', env: { ...process.env, ...env } },
    );
  const given = child({ SCRUTINY_TEST_PG: databaseUrl(run.serverUrl, run.template) });
  const madeThere = /# made (\S+)/.exec(given)?.[1];
  t.ok(madeThere?.startsWith(`${PREFIX}${run.runId}_`), `a clone of this run's template (${madeThere})`);
  t.notOk(await exists(madeThere!), 'dropped when the process ended');
  t.ok(await exists(run.template), 'the run’s template stays for the run’s other processes');

  const own = child({ SCRUTINY_TEST_PG: '' });
  const madeAlone = /# made (\S+)/.exec(own)?.[1];
  const ownRun = runOf(madeAlone ?? '')?.runId;
  t.ok(ownRun && ownRun !== run.runId, `a run of its own (${madeAlone})`);
  t.notOk(await exists(madeAlone!), 'its clone dropped');
  t.notOk(await exists(templateName(ownRun!)), 'and its template');
});

t.test('a run’s databases are dropped at its end, and runs a crash left behind the next day', { skip }, async (t) => {
  const { serverUrl } = (await pgTestRun())!;
  const day = 24 * 60 * 60 * 1000;
  const old = newRunId(Date.now() - 2 * day);
  const recent = newRunId(Date.now() - day / 2);
  const names = [templateName(old), `${PREFIX}${old}_1_1`, templateName(recent)];
  await withClient(serverUrl, async (client) => {
    for (const name of names) await client.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
  });
  t.teardown(() => withClient(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  }));
  // Someone still connected does not keep a database.
  const connected = new pg.Client({ connectionString: databaseUrl(serverUrl, `${PREFIX}${old}_1_1`) });
  await connected.connect();
  connected.on('error', () => {});

  const swept = await sweepOld(serverUrl);
  t.same(swept.filter((name) => names.includes(name)).sort(), [templateName(old), `${PREFIX}${old}_1_1`].sort(), 'the day-old run');
  t.ok(swept.every((name) => Date.now() - runOf(name)!.startedAt > day), 'nothing younger than a day');
  t.notOk(await exists(templateName(old)));
  t.ok(await exists(templateName(recent)), 'a recent run stays');
  t.same(await dropRun(serverUrl, recent), [templateName(recent)], 'dropped with its run');
  t.notOk(await exists(templateName(recent)));
  await connected.end().catch(() => {});
});
