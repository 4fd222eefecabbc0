// Queries built once per database handle and key, on either engine: building a query's SQL with
// drizzle costs more than running a small one, so a repository's fixed shapes (a prepared
// statement with placeholders, per set of visibilities) are made on first use and kept. Kept per
// `db` object (the app's one, or a report's own read connection), and dropped with it. The
// engine-neutral counterpart of sqlite/prepared.ts's preparedQuery for converted modules.

import { dialect } from './tables.js';
import { preparedQuery as sqlitePreparedQuery } from './sqlite/prepared.js';

// A result row from an array of column values in select order (a hot path's `values()` read),
// decoded as drizzle would: the same on both engines, the columns' own decoders doing the work.
export { rowMapper } from './sqlite/prepared.js';

const shapesOf = new WeakMap<object, Map<string, unknown>>();
const MAX_SHAPES = 500;

/** What `build` makes for this `db` and `key`, made once (the oldest dropped past 500 keys). */
export function queryShape<T>(db: object, key: string, build: () => T): T {
  let shapes = shapesOf.get(db);
  if (shapes === undefined) shapesOf.set(db, (shapes = new Map()));
  let shape = shapes.get(key) as T | undefined;
  if (shape === undefined) {
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
    shapes.set(key, (shape = build()));
  }
  return shape;
}

/**
 * A repository's prepared statement of one shape: on SQLite prepared once per connection (the
 * connection's own cache, sqlite/prepared.ts), on PostgreSQL built once per db (queryShape).
 */
export function preparedQuery<T>(db: object, key: string, build: () => T): T {
  return dialect.kind === 'sqlite' ? sqlitePreparedQuery(db as Parameters<typeof sqlitePreparedQuery>[0], key, build) : queryShape(db, key, build);
}
