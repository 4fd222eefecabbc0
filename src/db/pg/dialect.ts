import { sql } from 'drizzle-orm';
import { alias, type PgTable } from 'drizzle-orm/pg-core';
import type { Dialect } from '../dialect.js';

/** A key as an SQL string literal (keys are the code's own names, never input). */
const quoted = (key: string) => sql.raw(`'${key.replaceAll("'", "''")}'`);

/** PostgreSQL's fragments of the engine-specific SQL (db/dialect.ts). */
export const pgDialect: Dialect = {
  kind: 'postgres',
  // ILIKE folds case beyond ASCII: a superset of SQLite's LIKE.
  likeInsensitive: (value, pattern) => sql`${value} ILIKE ${pattern} ESCAPE '\\'`,
  falseValue: sql`false`,
  greatest: (a, b) => sql`greatest(${a}, ${b})`,
  least: (a, b) => sql`least(${a}, ${b})`,
  joinedText: (column) => sql`string_agg(${column}, ',')`,
  idIn: (column, ids) => sql`${column} = ANY(${ids}::int[])`,
  idList: (ids) => [...ids],
  // Each word a quoted tsquery prefix term, ANDed; the 'scrutiny' configuration (migrations/pg)
  // folds case and accents as it does for the indexed column.
  searchTerms: (words) => words.map((w) => `'${w.replaceAll("'", "''").replaceAll('\\', '\\\\')}':*`).join(' & '),
  actionsMatching: (terms) => sql`"actions"."search_vector" @@ to_tsquery('scrutiny', ${terms})`,
  // Kept equal to the computed date by migrations/pg/0005's triggers (test/db/pg-migrations.test.ts).
  actionsDueBy: () => sql`"actions"."effective_due_date"`,
  jsonObject: (entries) => sql`json_build_object(${sql.join(Object.entries(entries).map(([k, v]) => sql`${quoted(k)}, ${v}`), sql`, `)})::text`,
  skipLocked: <Q extends object>(select: Q, table: object) =>
    (select as unknown as { for(strength: 'update', config: { of: PgTable; skipLocked: true }): Q }).for('update', { of: table as PgTable, skipLocked: true }),
  lockedForUpdate: <Q extends object>(select: Q, table: object) =>
    (select as unknown as { for(strength: 'update', config: { of: PgTable }): Q }).for('update', { of: table as PgTable }),
  textIn: (column, values) => sql`${column} = ANY(${values}::text[])`,
  textList: (values) => [...values],
  // PostgreSQL's tables are typed as SQLite's in the shared code (tables.ts).
  alias: ((table: object, name: string) => alias(table as PgTable, name)) as unknown as Dialect['alias'],
};
