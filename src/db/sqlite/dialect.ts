import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Dialect } from '../dialect.js';

/** A key as an SQL string literal (keys are the code's own names, never input). */
const quoted = (key: string) => sql.raw(`'${key.replaceAll("'", "''")}'`);

/** SQLite's fragments of the engine-specific SQL (db/dialect.ts). */
export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  // LIKE is ASCII case-insensitive in SQLite.
  likeInsensitive: (value, pattern) => sql`${value} LIKE ${pattern} ESCAPE '\\'`,
  falseValue: sql`0`,
  greatest: (a, b) => sql`max(${a}, ${b})`,
  least: (a, b) => sql`min(${a}, ${b})`,
  joinedText: (column) => sql`group_concat(${column}, ',')`,
  idIn: (column, ids) => sql`${column} IN (SELECT value FROM json_each(${ids}))`,
  idList: (ids) => JSON.stringify(ids),
  skipLocked: (select) => select,
  lockedForUpdate: (select) => select,
  // Each word a quoted FTS5 prefix term, so user text is never FTS5 syntax (db/sqlite/search.ts).
  searchTerms: (words) => words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' '),
  actionsMatching: (terms) => sql`"actions"."id" IN (SELECT rowid FROM search.actions_fts WHERE actions_fts MATCH ${terms})`,
  actionsDueBy: (computed) => computed,
  jsonObject: (entries) => sql`json_object(${sql.join(Object.entries(entries).map(([k, v]) => sql`${quoted(k)}, ${v}`), sql`, `)})`,
  alias,
  textIn: (column, values) => sql`${column} IN (SELECT value FROM json_each(${values}))`,
  textList: (values) => JSON.stringify(values),
};
