import { sql } from 'drizzle-orm';
import { alias, type PgTable } from 'drizzle-orm/pg-core';
import type { Dialect } from '../dialect.js';

/** PostgreSQL's fragments of the engine-specific SQL (db/dialect.ts). */
export const pgDialect: Dialect = {
  kind: 'postgres',
  // ILIKE folds case beyond ASCII: a superset of SQLite's LIKE.
  likeInsensitive: (value, pattern) => sql`${value} ILIKE ${pattern} ESCAPE '\\'`,
  falseValue: sql`false`,
  greatest: (a, b) => sql`greatest(${a}, ${b})`,
  least: (a, b) => sql`least(${a}, ${b})`,
  idIn: (column, ids) => sql`${column} = ANY(${ids}::int[])`,
  idList: (ids) => [...ids],
  // Each word a quoted tsquery prefix term, ANDed; the 'scrutiny' configuration (migrations/pg)
  // folds case and accents as it does for the indexed column.
  searchTerms: (words) => words.map((w) => `'${w.replaceAll("'", "''").replaceAll('\\', '\\\\')}':*`).join(' & '),
  actionsMatching: (terms) => sql`"actions"."search_vector" @@ to_tsquery('scrutiny', ${terms})`,
  textIn: (column, values) => sql`${column} = ANY(${values}::text[])`,
  textList: (values) => [...values],
  // PostgreSQL's tables are typed as SQLite's in the shared code (tables.ts).
  alias: <T extends object>(table: T, name: string) => alias(table as unknown as PgTable, name) as unknown as T,
};
