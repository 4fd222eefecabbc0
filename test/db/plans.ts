import type Database from 'better-sqlite3';

// Query plans for tests that hold a query to its indexes.

/** SQLite's plan for `source`, one `detail` line per step; every parameter is bound to 1. */
export function planOf(sqlite: Database.Database, source: string): string {
  return sqlite
    .prepare(`EXPLAIN QUERY PLAN ${source}`)
    .all(...Array.from({ length: (source.match(/\?/g) ?? []).length }, () => 1))
    .map((row) => (row as { detail: string }).detail)
    .join('\n');
}

/**
 * Every SQL text the connection compiles from now on: for statements a repository prepares
 * inside itself, where the test cannot reach the query object.
 */
export function compiledOn(sqlite: Database.Database): string[] {
  const compiled: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    compiled.push(source);
    return prepare(source);
  }) as typeof sqlite.prepare;
  return compiled;
}
