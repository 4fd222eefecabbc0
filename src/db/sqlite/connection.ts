import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { drizzleClientOf } from './drizzle-internals.js';

// What drizzle runs its queries on. drizzle asks its client to prepare every query it runs, and
// compiling SQL costs SQLite more than running a simple query; the app runs a few hundred
// distinct statements. So drizzle is given, instead of the bare connection, this small client:
// the connection's `prepare` behind a cache (each statement compiled once, least recently used
// dropped first) and its `transaction`. Code that uses the connection itself (db.$client)
// prepares its own statements once, as it always has. The same object holds the query shapes
// prepared.ts builds once per connection.

const MAX_CACHED_STATEMENTS = 500;
const MAX_SHAPES = 500;

export class DrizzleClient {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly shapes = new Map<string, unknown>();
  private runner: ((work: () => unknown) => unknown) | undefined;

  constructor(readonly sqlite: Database.Database) {}

  /** A reused statement is handed back in its default (non-raw) mode, as a fresh one would be. */
  prepare(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (statement === undefined) {
      statement = this.sqlite.prepare(source);
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    } else {
      this.statements.delete(source);
      if (statement.reader) statement.raw(false);
    }
    this.statements.set(source, statement);
    return statement;
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): Database.Transaction<F> {
    return this.sqlite.transaction(fn);
  }

  /** `work` in one transaction (a savepoint inside another), through one wrapper made once. */
  run<T>(work: () => T): T {
    this.runner ??= this.sqlite.transaction((inner: () => unknown) => inner());
    return this.runner(work) as T;
  }

  /** The query `build` makes, kept by `key` (see prepared.ts). */
  shape<T>(key: string, build: () => T): T {
    let query = this.shapes.get(key) as T | undefined;
    if (query === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value!);
      this.shapes.set(key, (query = build()));
    }
    return query;
  }
}

/**
 * drizzle over the connection, running its queries through a DrizzleClient; `$client` is the
 * connection itself, for the code that uses it directly.
 */
export function drizzleOver<S extends Record<string, unknown>>(
  sqlite: Database.Database,
  schema?: S,
): BetterSQLite3Database<S> & { $client: Database.Database } {
  const db = drizzle(new DrizzleClient(sqlite) as unknown as Database.Database, { schema });
  db.$client = sqlite;
  return db;
}

/** The client of a database made by drizzleOver, from the database or any of its transactions. */
export function clientOf(dbOrTx: object): DrizzleClient {
  return drizzleClientOf(dbOrTx) as DrizzleClient;
}
