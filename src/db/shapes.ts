// Queries built once per database handle and key, on either engine: building a query's SQL with
// drizzle costs more than running a small one, so a repository's fixed shapes (a prepared
// statement with placeholders, per set of visibilities) are made on first use and kept. Kept per
// `db` object (the app's one, or a report's own read connection), and dropped with it. The
// engine-neutral counterpart of sqlite/prepared.ts's preparedQuery for converted modules.

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
