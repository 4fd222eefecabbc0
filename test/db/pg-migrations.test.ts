import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import t from 'tap';
import pgConfig from '../../drizzle.pg.config.js';
import { migratePg } from '../../src/db/pg/migrate.js';
import * as schema from '../../src/db/pg/schema.js';
import { emptyDatabase, skipWithoutPostgres, testDatabase } from '../pg.js';

// migrations/pg against src/db/pg/schema.ts (issue 18): the committed migrations are what
// drizzle-kit makes of the schema, and a database they build has the schema's columns and
// indexes, plus what drizzle-kit cannot say: the triggers, the full-text column, COLLATE "C".

const skip = await skipWithoutPostgres();
const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable)).map((table) => getTableConfig(table));
const SQL_TYPES: Record<string, string> = { PgText: 'text', PgInteger: 'integer', PgBoolean: 'boolean', PgJson: 'json' };
const journal = JSON.parse(readFileSync('migrations/pg/meta/_journal.json', 'utf8')) as { entries: unknown[] };

t.test('the committed migrations match the drizzle schema', async (t) => {
  // drizzle-kit generates into a copy of migrations/pg, with drizzle.pg.config.ts's settings: if
  // the schema has drifted from the committed snapshots, a new migration file appears there.
  const dir = mkdtempSync(join(tmpdir(), 'migrations-pg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'pg');
  cpSync('migrations/pg', out, { recursive: true });
  const config = join(dir, 'drizzle.config.mjs');
  // drizzle-kit reads `out` relative to the working directory, even an absolute one (it fails,
  // and exits 0, on /tmp/…): hence the relative path, and the check of what it said.
  writeFileSync(config, `export default ${JSON.stringify({ ...pgConfig, out: relative(process.cwd(), out) })};\n`);
  const before = readdirSync(out).filter((f) => f.endsWith('.sql'));
  const generated = spawnSync('npx', ['drizzle-kit', 'generate', '--config', config], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.equal(generated.status, 0, generated.stderr);
  const printed = `${generated.stdout}\n${generated.stderr}`;
  const after = readdirSync(out).filter((f) => f.endsWith('.sql'));
  t.match(printed, /No schema changes, nothing to migrate/, 'drizzle-kit compared the schema with the snapshots');
  t.same(after, before, 'no new migration needed');
  t.equal(before.length, journal.entries.length, 'every migration is in the journal');
});

t.test('migrations/pg applied to a new database', { skip }, async (t) => {
  const { url } = await emptyDatabase(t);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  t.teardown(() => pool.end());
  const applied = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0]?.n;

  await t.test('by two processes at once: one migrates, the other waits and finds it done', async (t) => {
    await Promise.all([migratePg(url), migratePg(url)]);
    t.equal(await applied(), journal.entries.length, 'each migration applied once');
    await migratePg(pool);
    t.equal(await applied(), journal.entries.length, 'again: nothing to do');
    t.equal((await pool.query(
      `SELECT count(*)::int AS n FROM pg_locks JOIN pg_database d ON d.oid = pg_locks.database
       WHERE locktype = 'advisory' AND d.datname = current_database() AND classid = 3 AND objid = 0 AND objsubid = 2`,
    )).rows[0].n, 0, 'the lock is released');
  });

  await t.test('gives the schema’s tables, columns, indexes, keys and checks, and search_vector', async (t) => {
    const columns = await pool.query<{
      table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO'; column_default: string | null;
      is_identity: 'YES' | 'NO'; identity_generation: string | null; is_generated: 'ALWAYS' | 'NEVER'; collation_name: string | null;
    }>(`SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, identity_generation, is_generated, collation_name
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`);
    const actual = columns.rows.map((c) => ({
      table: c.table_name, column: c.column_name, type: c.data_type, notNull: c.is_nullable === 'NO',
      identity: c.identity_generation, hasDefault: c.column_default !== null || c.is_identity === 'YES',
      generated: c.is_generated === 'ALWAYS',
    }));
    const expected = [
      ...tables.flatMap((table) =>
        table.columns.map((c) => ({
          table: table.name, column: c.name, type: SQL_TYPES[c.columnType] ?? c.columnType, notNull: c.notNull,
          identity: c.generatedIdentity ? 'BY DEFAULT' : null, hasDefault: c.hasDefault, generated: false,
        })),
      ),
      { table: 'actions', column: 'search_vector', type: 'tsvector', notNull: false, identity: null, hasDefault: false, generated: true },
      // The count of the action's flags, kept by a trigger (migration 0004); not declared in the schema either.
      { table: 'actions', column: 'times_flagged', type: 'integer', notNull: true, identity: null, hasDefault: true, generated: false },
      // The due-by date a due-date window compares, kept by triggers (migration 0005); not in the schema either.
      { table: 'actions', column: 'effective_due_date', type: 'text', notNull: false, identity: null, hasDefault: false, generated: false },
    ];
    const byName = (a: { table: string; column: string }, b: { table: string; column: string }) =>
      a.table.localeCompare(b.table) || a.column.localeCompare(b.column);
    t.same(actual.sort(byName), expected.sort(byName), 'information_schema.columns');
    t.same(
      columns.rows.filter((c) => c.data_type === 'text' && c.collation_name !== 'C').map((c) => `${c.table_name}.${c.column_name}`),
      [],
      'every text column is COLLATE "C" (a new one needs ALTER COLUMN … TYPE text COLLATE "C" in a custom migration)',
    );

    const unquoted = (name: string) => name.replace(/^"(.*)"$/, '$1');
    const indexes = await pool.query<{ table: string; name: string; unique: boolean; primary: boolean; partial: boolean; method: string; columns: string[] }>(
      `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
              x.indpred IS NOT NULL AS partial, am.amname AS method,
              array(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) AS k) AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_am am ON am.oid = i.relam
       WHERE t.relnamespace = 'public'::regnamespace`,
    );
    const pgIndexes = await pool.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");
    t.same(pgIndexes.rows.map((r) => r.indexname).sort(), indexes.rows.map((r) => r.name).sort(), 'pg_indexes lists the same indexes');
    const expectedIndexes = [
      ...tables.flatMap((table) => [
        ...table.indexes.map((index) => ({
          table: table.name, name: index.config.name!, unique: index.config.unique, primary: false, partial: index.config.where !== undefined,
          method: 'btree', columns: index.config.columns.map((c) => (c as { name: string }).name),
        })),
        ...table.columns.filter((c) => c.primary).map((c) => ({
          table: table.name, name: `${table.name}_pkey`, unique: true, primary: true, partial: false, method: 'btree', columns: [c.name],
        })),
        ...table.primaryKeys.map((pk) => ({
          table: table.name, name: pk.getName(), unique: true, primary: true, partial: false, method: 'btree', columns: pk.columns.map((c) => c.name),
        })),
      ]),
      { table: 'actions', name: 'actions_search_idx', unique: false, primary: false, partial: false, method: 'gin', columns: ['search_vector'] },
      { table: 'actions', name: 'actions_effective_due_idx', unique: false, primary: false, partial: false, method: 'btree', columns: ['effective_due_date'] },
      {
        table: 'actions', name: 'actions_meeting_stats_idx', unique: false, primary: false, partial: false, method: 'btree',
        columns: ['meeting_id', 'owner_id', 'owner_text', 'responded_on', 'times_flagged', 'status', 'due_rule', 'due_meeting_id', 'due_date', 'executive_response', 'response_due_on', 'visibility', 'item_visibility'],
      },
    ];
    const byIndex = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    t.same(indexes.rows.map((r) => ({ ...r, columns: r.columns.map(unquoted) })).sort(byIndex), expectedIndexes.sort(byIndex), 'indexes: names, columns, uniqueness, WHERE');

    const foreignKeys = await pool.query<{ name: string; on_delete: string }>(
      `SELECT conname AS name, confdeltype AS on_delete FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
    );
    const ON_DELETE: Record<string, string> = { a: 'no action', c: 'cascade', n: 'set null', r: 'restrict', d: 'set default' };
    t.same(
      Object.fromEntries(foreignKeys.rows.map((fk) => [fk.name, ON_DELETE[fk.on_delete]])),
      Object.fromEntries(tables.flatMap((table) => table.foreignKeys.map((fk) => [fk.getName(), fk.onDelete ?? 'no action']))),
      'foreign keys and what a delete does',
    );
    const checks = await pool.query<{ name: string }>(`SELECT conname AS name FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`);
    t.same(checks.rows.map((c) => c.name).sort(), tables.flatMap((table) => table.checks.map((c) => c.name)).sort(), 'checks');
  });
});

t.test('audit events are append-only', { skip }, async (t) => {
  const { pool } = await testDatabase(t);
  await pool.query(`INSERT INTO audit_events (actor, entity_type, entity_id, operation, after) VALUES ('key:1', 'action', '1', 'create', '{"b":1,"a":2}')`);
  await t.rejects(pool.query(`UPDATE audit_events SET actor = 'someone else'`), /append-only/, 'no update');
  await t.rejects(pool.query('DELETE FROM audit_events'), /append-only/, 'no delete');
  await t.rejects(pool.query('TRUNCATE audit_events'), /append-only/, 'no truncate');
  const { rows } = await pool.query<{ actor: string; after: string }>('SELECT actor, after::text FROM audit_events');
  t.same(rows, [{ actor: 'key:1', after: '{"b":1,"a":2}' }], 'the event is as written, its JSON byte for byte');
});

t.test('an action’s item_visibility is its item’s, whoever writes it', { skip }, async (t) => {
  const { pool } = await testDatabase(t);
  const one = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows[0] as T;
  const committee = await one<{ id: number }>(`INSERT INTO committees (name, slug, kind) VALUES ('Scrutiny', 'scrutiny', 'scrutiny') RETURNING id`);
  const meeting = await one<{ id: number }>(
    `INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES ($1, 'x', 'x', 'x', 'x') RETURNING id`,
    [committee.id],
  );
  const item = async (visibility: string) =>
    (await one<{ id: number }>(`INSERT INTO agenda_items (meeting_id, title, visibility, exempt_paragraph) VALUES ($1, 'Item', $2, $3) RETURNING id`, [
      meeting.id, visibility, visibility === 'public' ? null : 3,
    ])).id;
  const exempt = await item('exempt');
  const open = await item('public');
  const action = async (itemId: number | null, given: string | null) =>
    (await one<{ id: number; item_visibility: string | null }>(
      `INSERT INTO actions (committee_id, meeting_id, item_id, kind, title, due_rule, item_visibility)
       VALUES ($1, $2, $3, 'information', 'Report back', 'next_meeting', $4) RETURNING id, item_visibility`,
      [committee.id, meeting.id, itemId, given],
    ));
  const visibilityOf = async (id: number) => (await one<{ v: string | null }>('SELECT item_visibility AS v FROM actions WHERE id = $1', [id])).v;

  const a = await action(exempt, 'public');
  t.equal(a.item_visibility, 'exempt', 'written with the wrong value: takes the item’s');
  const b = await action(null, 'exempt');
  t.equal(b.item_visibility, null, 'no item: null');
  await pool.query('UPDATE actions SET item_id = $1 WHERE id = $2', [open, a.id]);
  t.equal(await visibilityOf(a.id), 'public', 'moved to another item: takes that one’s');
  await pool.query(`UPDATE actions SET item_visibility = 'public' WHERE id = $1`, [b.id]);
  t.equal(await visibilityOf(b.id), null, 'set by hand without an item: still null');
  await pool.query(`UPDATE agenda_items SET visibility = 'confidential' WHERE id = $1`, [open]);
  t.equal(await visibilityOf(a.id), 'confidential', 'its item made stricter: follows');
  await pool.query(`UPDATE agenda_items SET visibility = 'public', exempt_paragraph = NULL WHERE id = $1`, [open]);
  t.equal(await visibilityOf(a.id), 'public', 'and looser again');
  await pool.query(`UPDATE actions SET title = 'Renamed' WHERE id = $1`, [a.id]);
  t.equal(await visibilityOf(a.id), 'public', 'other changes leave it');
});

t.test('an action’s effective_due_date is its due-by date, whoever writes it', { skip }, async (t) => {
  const { pool } = await testDatabase(t);
  const one = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows[0] as T;
  const committee = await one<{ id: number }>(`INSERT INTO committees (name, slug, kind) VALUES ('Scrutiny', 'scrutiny', 'scrutiny') RETURNING id`);
  const meeting = async (despatch: string) =>
    (await one<{ id: number }>(
      `INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES ($1, 'x', 'x', 'x', $2) RETURNING id`,
      [committee.id, despatch],
    )).id;
  const held = await meeting('2024-07-05');
  const next = await meeting('2024-08-22');
  const later = await meeting('2024-09-27');
  const action = async (dueRule: string, dueMeetingId: number | null, dueDate: string | null) =>
    (await one<{ id: number; effective_due_date: string | null }>(
      `INSERT INTO actions (committee_id, meeting_id, kind, title, due_rule, due_meeting_id, due_date, effective_due_date)
       VALUES ($1, $2, 'information', 'Report back', $3, $4, $5, '1999-01-01') RETURNING id, effective_due_date`,
      [committee.id, held, dueRule, dueMeetingId, dueDate],
    ));
  const dueBy = async (id: number) => (await one<{ d: string | null }>('SELECT effective_due_date AS d FROM actions WHERE id = $1', [id])).d;

  const atNext = await action('next_meeting', next, '2024-01-01');
  t.equal(atNext.effective_due_date, '2024-08-22', 'a meeting rule: the due meeting’s despatch date, whatever was written');
  const dated = await action('date', next, '2024-11-01');
  t.equal(dated.effective_due_date, '2024-11-01', 'a date: the date');
  const quarter = await action('quarter', null, null);
  t.equal(quarter.effective_due_date, null, 'no date: null');
  await pool.query(`UPDATE meetings SET agenda_despatch_by = '2024-08-29' WHERE id = $1`, [next]);
  t.equal(await dueBy(atNext.id), '2024-08-29', 'the due meeting’s despatch date moved: follows');
  t.equal(await dueBy(dated.id), '2024-11-01', 'an action due by a date stays');
  await pool.query('UPDATE actions SET due_meeting_id = $1 WHERE id = $2', [later, atNext.id]);
  t.equal(await dueBy(atNext.id), '2024-09-27', 'due at another meeting');
  await pool.query(`UPDATE actions SET due_rule = 'date', due_date = '2024-10-31' WHERE id = $1`, [atNext.id]);
  t.equal(await dueBy(atNext.id), '2024-10-31', 'due by a date instead');
  await pool.query(`UPDATE meetings SET agenda_despatch_by = '2024-10-01' WHERE id = $1`, [later]);
  t.equal(await dueBy(atNext.id), '2024-10-31', 'a meeting it is not due at moves without it');
  await pool.query(`UPDATE actions SET effective_due_date = '2030-01-01' WHERE id = $1`, [dated.id]);
  t.equal(await dueBy(dated.id), '2024-11-01', 'set by hand: still its due-by date');
  await pool.query(`UPDATE actions SET title = 'Renamed', due_quarter = '2024-25 Q3' WHERE id = $1`, [quarter.id]);
  t.equal(await dueBy(quarter.id), null, 'other changes leave it');
});

t.test('search_vector: prefix terms through the scrutiny configuration, diacritics and stems aside', { skip }, async (t) => {
  const { pool } = await testDatabase(t);
  const committee = (await pool.query(`INSERT INTO committees (name, slug, kind) VALUES ('S', 's', 'scrutiny') RETURNING id`)).rows[0].id;
  const meeting = (await pool.query(
    `INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES ($1, 'x', 'x', 'x', 'x') RETURNING id`,
    [committee],
  )).rows[0].id;
  const insert = (title: string, detail: string | null, response: string | null) =>
    pool.query(
      `INSERT INTO actions (committee_id, meeting_id, kind, title, detail, response, due_rule) VALUES ($1, $2, 'information', $3, $4, $5, 'next_meeting') RETURNING id`,
      [committee, meeting, title, detail, response],
    ).then((r) => r.rows[0].id as number);
  const cafe = await insert('Café licensing', 'Résumé of the Committees’ visits', null);
  const roads = await insert('Roads', null, 'The ÉCOLE crossing was resurfaced');
  // As list-query's ftsQuery will build it on PostgreSQL: each word quoted, a prefix, ANDed.
  const search = async (...words: string[]) =>
    (await pool.query<{ id: number }>(
      `SELECT id FROM actions WHERE search_vector @@ to_tsquery('scrutiny', $1) ORDER BY id`,
      [words.map((w) => `'${w}':*`).join(' & ')],
    )).rows.map((r) => r.id);
  t.same(await search('cafe'), [cafe], 'no accent in the query, one in the text');
  t.same(await search('CAFÉ'), [cafe], 'accent and capitals in the query');
  t.same(await search('resum', 'committee'), [cafe], 'prefixes, ANDed, over title and detail');
  t.same(await search('committees'), [cafe], 'a stemmed word');
  t.same(await search('ecole'), [roads], 'the response too');
  t.same(await search('the'), [cafe, roads], 'no stop words, as FTS5');
  t.same(await search('cafe', 'roads'), [], 'both terms must match');
  await pool.query(`UPDATE actions SET title = 'Bus lanes' WHERE id = $1`, [roads]);
  t.same(await search('roads'), [], 'kept in step with the row');
  t.same(await search('bus'), [roads]);
  const columns = await pool.query(`SELECT * FROM actions WHERE id = $1`, [cafe]);
  t.ok(columns.fields.some((f) => f.name === 'search_vector'), 'the column is there (but not in the drizzle schema)');
  t.notOk('searchVector' in schema.actions, 'selected rows never carry it');
});

t.test('text compares byte by byte, and timestamps default to ISO 8601 UTC with milliseconds', { skip }, async (t) => {
  const { pool } = await testDatabase(t);
  const client = await pool.connect();
  t.teardown(() => client.release());
  await client.query(`SET TIME ZONE 'Pacific/Chatham'`); // +12:45 or +13:45: any slip shows
  await client.query('BEGIN');
  for (const [name, slug] of [['b', 'b'], ['B', 'b2'], ['É', 'e'], ['a', 'a'], ['Z', 'z']]) {
    await client.query(`INSERT INTO committees (name, slug, kind) VALUES ($1, $2, 'scrutiny')`, [name, slug]);
  }
  const { now } = (await client.query<{ now: Date }>('SELECT now()')).rows[0]!;
  await client.query('COMMIT');
  const { rows } = await client.query<{ name: string; created_at: string }>('SELECT name, created_at FROM committees ORDER BY name');
  t.same(rows.map((r) => r.name), ['B', 'Z', 'a', 'b', 'É'], 'the order SQLite gives');
  t.match(rows[0]?.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'the format SQLite’s strftime gives');
  t.equal(rows[0]!.created_at, now.toISOString(), 'the transaction’s time, in UTC whatever the session’s time zone');
  t.equal((await client.query(`SELECT count(*)::int AS n FROM committees WHERE name ILIKE 'é'`)).rows[0].n, 0, 'ILIKE folds ASCII only, as LIKE on SQLite');
});
