import { is, sql, SQL, Table } from 'drizzle-orm';
import {
  boolean,
  check as pgCheck,
  getTableConfig as pgConfig,
  index as pgIndex,
  integer as pgInteger,
  json,
  PgDialect,
  PgTable,
  pgTable,
  text as pgText,
  uniqueIndex as pgUniqueIndex,
} from 'drizzle-orm/pg-core';
import { check, getTableConfig as sqliteConfig, index, integer, SQLiteSyncDialect, SQLiteTable, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import t from 'tap';
import * as P from '../../src/db/pg/schema.js';
import * as S from '../../src/db/sqlite/schema.js';

// The two schema files describe one data model (issue 18, docs/postgres-plan.md §4): every table
// of src/db/sqlite/schema.ts (SQLite) has its twin in src/db/pg/schema.ts (PostgreSQL), with the same
// export name, SQL names, column kinds, nullability, defaults, vocabularies, keys, indexes and
// checks. Whoever changes one file and not the other fails here (and, for the TypeScript types,
// in schema-parity.types.ts, which tsc checks).

/** Tables only one engine has, by export name: SQLite's search file bookkeeping (db/search-index.ts). */
const ENGINE_ONLY = { sqlite: ['searchQueue', 'searchState'], pg: [] as string[] };

/** The PostgreSQL column kind each SQLite one becomes. */
const TYPE_MAP: Record<string, string> = {
  SQLiteText: 'PgText',
  SQLiteInteger: 'PgInteger',
  SQLiteBoolean: 'PgBoolean',
  SQLiteTextJson: 'PgJson',
};

/** SQL written differently on the two engines that means the same, by what it is. */
const SAME_MEANING: { what: string; sqlite: string; pg: string }[] = [
  {
    what: 'now, as ISO 8601 UTC text with milliseconds',
    sqlite: `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
    pg: `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  },
  { what: 'not dispatched', sqlite: 'dispatched = 0', pg: 'NOT dispatched' },
];

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

function sqlText(value: SQL | undefined, engine: 'sqlite' | 'pg'): string | undefined {
  if (value === undefined) return undefined;
  const text = (engine === 'sqlite' ? sqliteDialect : pgDialect).sqlToQuery(value.inlineParams()).sql;
  return SAME_MEANING.find((m) => m[engine] === text)?.what ?? text;
}

function tablesOf(module: Record<string, unknown>, kind: typeof SQLiteTable | typeof PgTable): Map<string, Table> {
  return new Map(Object.entries(module).filter((entry): entry is [string, Table] => is(entry[1], kind)));
}

/** One engine's table, described in terms both engines share, so that the two can be compared. */
function describe(table: SQLiteTable | PgTable, engine: 'sqlite' | 'pg') {
  const config = engine === 'sqlite' ? sqliteConfig(table as SQLiteTable) : pgConfig(table as PgTable);
  const names = (columns: readonly unknown[]) =>
    columns.map((c) => (is(c, SQL) ? sqlText(c, engine) : (c as { name: string }).name));
  return {
    name: config.name,
    columns: Object.fromEntries(
      config.columns.map((c) => {
        // A generated id: SQLite's AUTOINCREMENT, PostgreSQL's identity (by default: ids may be given).
        const generatedId =
          engine === 'sqlite' ? (c as unknown as { autoIncrement?: boolean }).autoIncrement === true : c.generatedIdentity?.type === 'byDefault';
        return [
          c.name,
          {
            type: engine === 'sqlite' ? TYPE_MAP[c.columnType] ?? `unmapped ${c.columnType}` : c.columnType,
            notNull: c.notNull,
            primary: c.primary,
            generatedId,
            hasDefault: c.hasDefault,
            default: is(c.default, SQL) ? sqlText(c.default, engine) : c.default,
            hasDefaultFn: c.defaultFn !== undefined || c.onUpdateFn !== undefined,
            enumValues: c.enumValues,
            isUnique: c.isUnique,
          },
        ];
      }),
    ),
    primaryKeys: config.primaryKeys.map((pk) => ({ name: pk.getName(), columns: names(pk.columns) })),
    indexes: Object.fromEntries(
      config.indexes.map((index) => [
        index.config.name,
        { columns: names(index.config.columns), unique: index.config.unique, where: sqlText(index.config.where, engine) },
      ]),
    ),
    foreignKeys: Object.fromEntries(
      config.foreignKeys.map((fk) => {
        const reference = fk.reference();
        return [
          fk.getName(),
          {
            columns: names(reference.columns),
            table: engine === 'sqlite' ? sqliteConfig(reference.foreignTable as SQLiteTable).name : pgConfig(reference.foreignTable as PgTable).name,
            foreignColumns: names(reference.foreignColumns),
            onDelete: fk.onDelete ?? 'no action',
            onUpdate: fk.onUpdate ?? 'no action',
          },
        ];
      }),
    ),
    checks: Object.fromEntries(config.checks.map((check) => [check.name, sqlText(check.value, engine)])),
    uniqueConstraints: config.uniqueConstraints.map((u) => ({ name: u.getName(), columns: names(u.columns) })),
  };
}

const sqliteTables = tablesOf(S, SQLiteTable);
const pgTables = tablesOf(P, PgTable);

t.test('every table has its twin on the other engine, under the same export name', async (t) => {
  t.ok(sqliteTables.size > 20, 'the SQLite schema has its tables');
  const missingOnPg = [...sqliteTables.keys()].filter((name) => !pgTables.has(name) && !ENGINE_ONLY.sqlite.includes(name));
  const missingOnSqlite = [...pgTables.keys()].filter((name) => !sqliteTables.has(name) && !ENGINE_ONLY.pg.includes(name));
  t.same(missingOnPg, [], 'tables missing from src/db/pg/schema.ts');
  t.same(missingOnSqlite, [], 'tables missing from src/db/sqlite/schema.ts');
  for (const name of ENGINE_ONLY.sqlite) t.notOk(pgTables.has(name), `${name} is SQLite's only`);
});

t.test('each pair of tables agrees on names, columns, keys, indexes and checks', async (t) => {
  for (const [name, sqliteTable] of sqliteTables) {
    const pgTable = pgTables.get(name);
    if (!pgTable) continue;
    t.same(describe(pgTable as PgTable, 'pg'), describe(sqliteTable as SQLiteTable, 'sqlite'), name);
  }
});

t.test('the comparison sees each kind of difference', async (t) => {
  // A twin that differs from its SQLite table in one respect at a time must not compare equal,
  // or the test above proves nothing.
  const parent = sqliteTable('parents', { id: integer('id').primaryKey({ autoIncrement: true }) });
  const pgParent = pgTable('parents', { id: pgInteger('id').primaryKey().generatedByDefaultAsIdentity() });
  const base = sqliteTable(
    'things',
    {
      id: integer('id').primaryKey({ autoIncrement: true }),
      parentId: integer('parent_id').notNull().references(() => parent.id, { onDelete: 'cascade' }),
      state: text('state', { enum: ['a', 'b'] }).notNull().default('a'),
      on: integer('on', { mode: 'boolean' }).notNull().default(true),
      data: text('data', { mode: 'json' }),
      at: text('at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
    },
    (t) => [index('things_state_idx').on(t.state, t.id).where(sql`${t.state} = 'a'`), check('things_check', sql`${t.id} > 0`)],
  );
  type Variant = Partial<{ notNull: boolean; onDelete: 'cascade' | 'no action'; enum: [string, ...string[]]; default: boolean; json: boolean; where: boolean; check: boolean; unique: boolean; now: string; identity: boolean }>;
  const twin = (v: Variant = {}) => {
    const parentId = pgInteger('parent_id').references(() => pgParent.id, { onDelete: v.onDelete ?? 'cascade' });
    const id = pgInteger('id').primaryKey();
    return pgTable(
      'things',
      {
        id: v.identity === false ? id : id.generatedByDefaultAsIdentity(),
        parentId: v.notNull === false ? parentId : parentId.notNull(),
        state: pgText('state', { enum: v.enum ?? ['a', 'b'] }).notNull().default('a'),
        on: boolean('on').notNull().default(v.default ?? true),
        data: v.json === false ? pgText('data') : json('data'),
        at: pgText('at').notNull().default(sql.raw(v.now ?? `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)),
      },
      (t) => [
        v.where === false
          ? (v.unique ? pgUniqueIndex : pgIndex)('things_state_idx').on(t.state, t.id)
          : (v.unique ? pgUniqueIndex : pgIndex)('things_state_idx').on(t.state, t.id).where(sql`${t.state} = 'a'`),
        ...(v.check === false ? [] : [pgCheck('things_check', sql`${t.id} > 0`)]),
      ],
    );
  };
  const expected = describe(base, 'sqlite');
  t.same(describe(twin(), 'pg'), expected, 'the faithful twin agrees');
  const variants: [string, Variant][] = [
    ['a nullable foreign key', { notNull: false }],
    ['another ON DELETE', { onDelete: 'no action' }],
    ['another vocabulary', { enum: ['a', 'b', 'c'] }],
    ['another default', { default: false }],
    ['text instead of json', { json: false }],
    ['an index without its WHERE', { where: false }],
    ['a unique index', { unique: true }],
    ['a missing check', { check: false }],
    ['another time format', { now: `to_char(now(), 'YYYY-MM-DD')` }],
    ['an id without identity', { identity: false }],
  ];
  for (const [what, variant] of variants) t.notSame(describe(twin(variant), 'pg'), expected, what);
});
