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
  skipLocked: <Q extends object>(select: Q, table: object) =>
    (select as unknown as { for(strength: 'update', config: { of: PgTable; skipLocked: true }): Q }).for('update', { of: table as PgTable, skipLocked: true }),
  // PostgreSQL's tables are typed as SQLite's in the shared code (tables.ts).
  alias: <T extends object>(table: T, name: string) => alias(table as unknown as PgTable, name) as unknown as T,
};
