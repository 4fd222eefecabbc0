import Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import t, { type Test } from 'tap';
import type { Db } from '../../src/db/sqlite/client.js';
import { drizzleOver } from '../../src/db/sqlite/connection.js';
import { insertReturning, insertRow, rowById, rowMapper, updateReturning } from '../../src/db/sqlite/prepared.js';

// db/sqlite/prepared.ts writes and reads rows through statements prepared once. Whatever it stores and
// returns must be exactly what drizzle's own insert, update and select store and return: nulls
// as SQL NULL (not JSON "null", not boolean false), absent values as the column's default, JSON
// and boolean columns through their encoders, and a JavaScript-computed default recomputed.

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const samples = sqliteTable('samples', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull(),
  note: text('note'),
  payload: text('payload', { mode: 'json' }),
  flag: integer('flag', { mode: 'boolean' }).notNull().default(true),
  maybe: integer('maybe', { mode: 'boolean' }),
  at: integer('at', { mode: 'timestamp_ms' }),
  status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
  version: integer('version').notNull().default(1),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

let issued = 0;
const tokens = sqliteTable('tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  token: text('token').notNull().$defaultFn(() => `token-${++issued}`),
  label: text('label'),
  touchedBy: text('touched_by').$onUpdateFn(() => `update-${++issued}`),
});

function open(t: Test) {
  const sqlite = new Database(':memory:');
  sqlite.exec(`
    CREATE TABLE samples (
      id integer PRIMARY KEY AUTOINCREMENT, label text NOT NULL, note text, payload text,
      flag integer NOT NULL DEFAULT 1, maybe integer, at integer, status text NOT NULL DEFAULT 'open',
      version integer NOT NULL DEFAULT 1,
      created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      updated_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
    CREATE TABLE tokens (id integer PRIMARY KEY AUTOINCREMENT, token text NOT NULL, label text, touched_by text);
  `);
  t.teardown(() => sqlite.close());
  // The helpers take the app's database type; they only use what every drizzle database has.
  return { db: drizzleOver(sqlite) as unknown as Db, sqlite };
}

/** A row as stored, without what differs between two inserts (id, timestamps). */
function stored(sqlite: Database.Database, table: string, id: number) {
  const row = sqlite.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Record<string, unknown>;
  const { id: _id, created_at: _c, updated_at: _u, ...rest } = row;
  return rest;
}

function returned(row: Record<string, unknown>) {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = row;
  return rest;
}

type SampleInsert = typeof samples.$inferInsert;
const insertCases: [string, SampleInsert][] = [
  ['only the required column: every default', { label: 'a' }],
  ['undefined values mean the default', { label: 'b', note: undefined, flag: undefined, status: undefined, payload: undefined }],
  ['nulls are SQL NULL, not JSON "null" or false', { label: 'c', note: null, payload: null, maybe: null, at: null }],
  ['values go through their column encoders', { label: 'd', note: 'n', payload: { ward: ['Abbey', 'Bridge'], n: 3 }, flag: false, maybe: true, at: new Date('2024-07-15T17:30:00.000Z'), status: 'closed', version: 7 }],
  ['a JSON string and a JSON false', { label: 'e', payload: 'just text', maybe: false }],
  ['an SQL expression is written as it is', { label: sql`upper('f')` as unknown as string, note: 'expression' }],
];

t.test('insertReturning stores and returns exactly what drizzle insert…returning does', async (t) => {
  const { db, sqlite } = open(t);
  // Twice round, so the second pass runs the statements prepared in the first.
  for (const pass of [1, 2]) {
    for (const [name, values] of insertCases) {
      const expected = db.insert(samples).values(values).returning().get();
      const actual = insertReturning(db, samples, values);
      t.same(returned(actual), returned(expected), `${name} (pass ${pass}): returned`);
      t.same(stored(sqlite, 'samples', actual.id), stored(sqlite, 'samples', expected.id), `${name} (pass ${pass}): stored`);
      t.not(actual.id, expected.id, 'two rows were written: the comparisons above are not of a row with itself');
      t.match(actual.createdAt, /^\d{4}-\d\d-\d\dT/);
    }
  }
});

t.test('the same columns with and without nulls are different statements', async (t) => {
  const { db, sqlite } = open(t);
  const first = insertReturning(db, samples, { label: 'x', payload: null });
  const second = insertReturning(db, samples, { label: 'x', payload: { a: 1 } });
  const third = insertReturning(db, samples, { label: 'x', payload: null });
  t.equal(stored(sqlite, 'samples', first.id).payload, null);
  t.equal(stored(sqlite, 'samples', second.id).payload, '{"a":1}');
  t.equal(stored(sqlite, 'samples', third.id).payload, null);
  t.same([first.payload, second.payload, third.payload], [null, { a: 1 }, null]);
});

t.test('insertRow stores what drizzle insert…run stores', async (t) => {
  const { db, sqlite } = open(t);
  for (const [name, values] of insertCases) {
    db.insert(samples).values(values).run();
    const expectedId = Number(sqlite.prepare('SELECT max(id) FROM samples').pluck().get());
    insertRow(db, samples, values);
    const actualId = Number(sqlite.prepare('SELECT max(id) FROM samples').pluck().get());
    t.equal(actualId, expectedId + 1);
    t.same(stored(sqlite, 'samples', actualId), stored(sqlite, 'samples', expectedId), name);
  }
});

type SampleUpdate = Partial<SampleInsert>;
const updateCases: [string, SampleUpdate][] = [
  ['a value', { note: 'changed' }],
  ['nulls clear columns (JSON and boolean included)', { note: null, payload: null, maybe: null, at: null }],
  ['values through their encoders', { payload: [1, 'two', { three: 3 }], flag: false, maybe: false, at: new Date('2025-01-01T00:00:00.000Z'), status: 'closed' }],
  ['undefined values leave columns alone', { note: undefined, payload: undefined, label: 'relabelled' }],
  ['an SQL expression', { label: sql`label || '!'` as unknown as string }],
];

t.test('updateReturning changes and returns exactly what drizzle update…returning does', async (t) => {
  const { db, sqlite } = open(t);
  const start: SampleInsert = { label: 'start', note: 'n', payload: { keep: true }, maybe: true, at: new Date('2024-01-01T00:00:00.000Z') };
  const bump = { version: sql`${samples.version} + 1` };
  for (const pass of [1, 2]) {
    for (const [name, changes] of updateCases) {
      const a = db.insert(samples).values(start).returning().get();
      const b = db.insert(samples).values(start).returning().get();
      const expected = db.update(samples).set({ ...changes, ...bump }).where(eq(samples.id, a.id)).returning().get();
      const actual = updateReturning(db, samples, b.id, changes, bump)!;
      t.same(returned(actual), returned(expected), `${name} (pass ${pass}): returned`);
      t.same(stored(sqlite, 'samples', b.id), stored(sqlite, 'samples', a.id), `${name} (pass ${pass}): stored`);
      t.equal(actual.version, 2);
    }
  }
  t.equal(updateReturning(db, samples, 9999, { note: 'nobody' }, bump), undefined, 'no such row');
});

t.test('a default or on-update value computed in JavaScript is computed for every row', async (t) => {
  const { db } = open(t);
  const first = insertReturning(db, tokens, { label: 'a' });
  const second = insertReturning(db, tokens, { label: 'a' });
  t.not(first.token, second.token);
  insertRow(db, tokens, { label: 'b' });
  insertRow(db, tokens, { label: 'b' });
  t.equal(db.select().from(tokens).all().length, new Set(db.select().from(tokens).all().map((r) => r.token)).size, 'all different');
  const once = updateReturning(db, tokens, first.id, { label: 'c' })!;
  const twice = updateReturning(db, tokens, first.id, { label: 'c' })!;
  t.ok(once.touchedBy);
  t.not(once.touchedBy, twice.touchedBy);
});

t.test('rowById and rowMapper decode as drizzle select does', async (t) => {
  const { db } = open(t);
  const row = db.insert(samples).values({ label: 'r', payload: { a: [1] }, flag: false, maybe: null, at: new Date(86_400_000) }).returning().get();
  t.same(rowById(db, samples, row.id), db.select().from(samples).where(eq(samples.id, row.id)).get());
  t.equal(rowById(db, samples, row.id + 1), undefined);
  const fields = {
    id: samples.id,
    payload: samples.payload,
    shout: sql<string>`upper(${samples.label})`,
    flagged: sql<boolean>`${samples.flag}`.mapWith(samples.flag),
    aliased: sql<number>`${samples.version} * 10`.as('aliased'),
    missing: sql<string | null>`NULL`,
  };
  const query = db.select(fields).from(samples).where(eq(samples.id, row.id));
  t.same(rowMapper(fields)(query.prepare().values()[0] as unknown[]), query.get());
});
