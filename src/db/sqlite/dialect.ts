import { sql } from 'drizzle-orm';
import { alias, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Dialect } from '../dialect.js';

/** SQLite's fragments of the engine-specific SQL (db/dialect.ts). */
export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  // LIKE is ASCII case-insensitive in SQLite.
  likeInsensitive: (value, pattern) => sql`${value} LIKE ${pattern} ESCAPE '\\'`,
  falseValue: sql`0`,
  greatest: (a, b) => sql`max(${a}, ${b})`,
  least: (a, b) => sql`min(${a}, ${b})`,
  idIn: (column, ids) => sql`${column} IN (SELECT value FROM json_each(${ids}))`,
  idList: (ids) => JSON.stringify(ids),
  // Each word a quoted FTS5 prefix term, so user text is never FTS5 syntax (db/sqlite/search.ts).
  searchTerms: (words) => words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' '),
  actionsMatching: (terms) => sql`"actions"."id" IN (SELECT rowid FROM search.actions_fts WHERE actions_fts MATCH ${terms})`,
  textIn: (column, values) => sql`${column} IN (SELECT value FROM json_each(${values}))`,
  textList: (values) => JSON.stringify(values),
  alias: <T extends object>(table: T, name: string) => alias(table as unknown as SQLiteTable, name) as unknown as T,
};
