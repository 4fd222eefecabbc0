import type { SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './sqlite/client.js';

// Database work as generator "programs" (docs/postgres-plan.md §3.2 B, "Phase 2 as built"): a
// repository function is a `function*` that `yield*`s the operations below and returns its
// result; it never runs a query itself. Each engine's runner drives the program: SQLite's
// (sqlite/run.ts) synchronously, with no microtask between statements, so the group commit and
// better-sqlite3's transactions behave as before; PostgreSQL's (pg/run.ts) with an `await` per
// operation. One copy of the repository code serves both.
//
// Queries are built as today, from the repository's `db` (on PostgreSQL the pg one, typed as the
// SQLite one: the builder API is the same at run time) and handed to an operation unrun. A
// program that is made but neither `yield*`ed nor run does nothing: eslint's
// local/no-unused-program (eslint-rules/) says so.

/** Values for a prepared query's placeholders (`sql.placeholder('hash')`). */
export type Params = Record<string, unknown>;
type Row = Record<string, unknown>;

/** Something that can change without this process knowing: a cache is valid while its stamp is. */
export interface StampSource {
  stamp(): string | undefined | PromiseLike<string | undefined>;
}

export interface TxOptions {
  /**
   * Write now or not at all: SQLite begins IMMEDIATE without waiting for a lock another process
   * holds, PostgreSQL gives up on a row lock at once; the program then gets BUSY.
   */
  ifFree?: boolean;
  /**
   * Take the write lock before the body reads: SQLite begins IMMEDIATE (waiting for another
   * process's lock as any write does), so a transaction that reads, judges, then writes is not
   * overtaken by another process's write in between (which would fail its commit). PostgreSQL:
   * nothing more; its lock() operations say what the body must hold.
   */
  immediate?: boolean;
  /**
   * The commit need not wait for the disk: book-keeping whose loss can only make work happen
   * again (the webhook worker's claims). SQLite: synchronous = NORMAL for this commit;
   * PostgreSQL: synchronous_commit off. Inside another transaction, that one decides.
   */
  unsynced?: boolean;
}

/**
 * Column values an insert computes in SQL (a subquery), part of its prepared statement: the same
 * SQL for every insert into the table with the same columns (prepared once by shape), its
 * parameters placeholders, whose values are `params`.
 */
export interface Computed {
  values: Record<string, SQL>;
  params: Params;
}

/** What tx() and txIfFree() may be asked besides their body. */
export type TxChoices = Omit<TxOptions, 'ifFree'>;

/** What txIfFree() returns when the write could not begin at once. */
export const BUSY: unique symbol = Symbol('busy');
export type Busy = typeof BUSY;

/** The operations a program yields; only the runners look inside. */
export type Op =
  | { kind: 'all' | 'first' | 'run' | 'values'; query: unknown; params: Params | undefined }
  | { kind: 'insertReturning'; db: Db; table: SQLiteTable; values: Row; unlessTaken?: readonly SQLiteColumn[]; computed?: Computed }
  | { kind: 'insertRow'; db: Db; table: SQLiteTable; values: Row; unanswered?: boolean }
  | { kind: 'rowById'; db: Db; table: SQLiteTable & { id: SQLiteColumn }; id: number }
  | { kind: 'updateReturning'; db: Db; table: SQLiteTable & { id: SQLiteColumn }; id: number; values: Row; fixed: Record<string, SQL> | undefined }
  | { kind: 'tx'; body: () => Program<unknown>; options: TxOptions }
  | { kind: 'lock'; name: string; key: number; mode: 'shared' | 'exclusive' }
  | { kind: 'stamp'; source: StampSource }
  | { kind: 'batched'; reads: Batched<unknown, unknown>; key: unknown }
  | { kind: 'together'; programs: Program<unknown>[] };

/** Database work that, run, returns T. */
export type Program<T> = Generator<Op, T, unknown>;

export type Awaitable<T> = T | Promise<T>;

/** What runs programs: an engine. SQLite's returns T itself, PostgreSQL's a promise. */
export interface ProgramRunner {
  run<T>(program: Program<T>): Awaitable<T>;
}

// The result types flow from the query: a SQLite builder's `.all()`/`.get()`/`.values()` (the
// types the repositories see), or else what a PostgreSQL builder or prepared query resolves to.
type Resolved<Q> = Q extends PromiseLike<infer R> ? R : Q extends { execute: (...args: never[]) => Promise<infer R> } ? R : never;
type Rows<Q> = Q extends { all: (...args: never[]) => infer R } ? R : Resolved<Q>;
type FirstRow<Q> = Q extends { get: (...args: never[]) => infer R } ? R : Resolved<Q> extends readonly (infer R)[] ? R | undefined : never;
type ValueRows<Q> = Q extends { values: (...args: never[]) => infer R } ? R : unknown[][];

/** Every row. */
export function* all<Q extends object>(query: Q, params?: Params): Program<Rows<Q>> {
  return (yield { kind: 'all', query, params }) as Rows<Q>;
}

/** The first row, or undefined. */
export function* first<Q extends object>(query: Q, params?: Params): Program<FirstRow<Q>> {
  return (yield { kind: 'first', query, params }) as FirstRow<Q>;
}

/** A statement without rows (insert, update, delete): how many rows it changed. */
export function* run(query: object, params?: Params): Program<{ changes: number }> {
  return (yield { kind: 'run', query, params }) as { changes: number };
}

/** Every row as an array of column values in select order, undecoded (hot paths' row mappers). */
export function* values<Q extends object>(query: Q, params?: Params): Program<ValueRows<Q>> {
  return (yield { kind: 'values', query, params }) as ValueRows<Q>;
}

/** The row with this id, or undefined (SQLite: prepared once per table). */
export function* rowById<T extends SQLiteTable & { id: SQLiteColumn }>(db: Db, table: T, id: number): Program<T['$inferSelect'] | undefined> {
  return (yield { kind: 'rowById', db, table, id }) as T['$inferSelect'] | undefined;
}

/** Inserts a row and returns it (SQLite: a statement prepared once per shape, sqlite/prepared.ts). */
export function* insertReturning<T extends SQLiteTable>(db: Db, table: T, row: T['$inferInsert']): Program<T['$inferSelect']> {
  return (yield { kind: 'insertReturning', db, table, values: row as Row }) as T['$inferSelect'];
}

/**
 * Inserts a row and returns it, unless the values of `unique` (the columns of a unique index) are
 * another row's already: then nothing is inserted (ON CONFLICT DO NOTHING) and the result is
 * undefined. The index decides, in the insert itself: no read before it, and on PostgreSQL a
 * concurrent transaction's uncommitted row is waited for, not missed.
 */
export function* insertUnlessTaken<T extends SQLiteTable>(
  db: Db, table: T, row: Partial<T['$inferInsert']>, unique: readonly SQLiteColumn[], computed?: Computed,
): Program<T['$inferSelect'] | undefined> {
  return (yield { kind: 'insertReturning', db, table, values: row as Row, unlessTaken: unique, computed }) as T['$inferSelect'] | undefined;
}

/**
 * Inserts a row. `unanswered`: nothing in the transaction depends on the insert's outcome before
 * the commit (an audit event), so PostgreSQL may send it without waiting for its answer
 * (pg/transaction-client.ts): later statements still run after it, and see the row; a failure
 * still fails the transaction, thrown by its next statement or its commit. Inside a transaction
 * only; SQLite: no difference.
 */
export function* insertRow<T extends SQLiteTable>(db: Db, table: T, row: T['$inferInsert'], { unanswered = false } = {}): Program<void> {
  yield { kind: 'insertRow', db, table, values: row as Row, unanswered };
}

/** Updates the row with this id and returns it, or undefined; `fixed`: SQL values (`version + 1`). */
export function* updateReturning<T extends SQLiteTable & { id: SQLiteColumn }>(
  db: Db, table: T, id: number, set: Partial<T['$inferInsert']>, fixed?: Record<string, SQL>,
): Program<T['$inferSelect'] | undefined> {
  return (yield { kind: 'updateReturning', db, table, id, values: set as Row, fixed }) as T['$inferSelect'] | undefined;
}

/**
 * `body` in one transaction: committed when it returns, rolled back when it throws. Inside
 * another transaction (or a request's write on either engine) it is a savepoint, so a failing
 * one rolls back alone, as today. `body` is a generator function, called by the runner.
 */
export function* tx<T>(body: () => Program<T>, options: TxChoices = {}): Program<T> {
  return (yield { kind: 'tx', body, options }) as T;
}

/** As tx(), but only if the write can begin at once; BUSY when another writer holds the lock. */
export function* txIfFree<T>(body: () => Program<T>, options: TxChoices = {}): Program<T | Busy> {
  return (yield { kind: 'tx', body, options: { ...options, ifFree: true } }) as T | Busy;
}

/**
 * A named lock held to the end of the transaction (docs/postgres-plan.md §3.5): nothing on SQLite,
 * whose writes are serial; a transaction-level advisory lock on PostgreSQL.
 */
export function* lock(name: string, key: number, mode: 'shared' | 'exclusive' = 'exclusive'): Program<void> {
  yield { kind: 'lock', name, key, mode };
}

/** The source's change stamp now (SQLite: data_version per turn; PostgreSQL: a snapshot). */
export function* stamp(source: StampSource): Program<string | undefined> {
  return (yield { kind: 'stamp', source }) as string | undefined;
}

/**
 * A read by key that the engine may answer together with other programs' reads of the same
 * kind: `one` alone (SQLite, whose statements cost no round trip; and inside a transaction),
 * `many` for the keys several programs asked for at once (PostgreSQL, db/pg/batches.ts). The
 * same object for every read that may be merged.
 */
export interface Batched<K, V> {
  one(key: K): Program<V | undefined>;
  /** Each key's value; a key without one is absent. */
  many(keys: readonly K[]): Program<ReadonlyMap<K, V>>;
  /**
   * The key is a stamp (or holds one) that the value is read under: a read of the key already
   * sent was sent after that stamp was taken, so it is as fresh as one sent now, and a program
   * asking meanwhile shares it rather than sending its own.
   */
  readonly joinsInFlight?: boolean;
}

/** The value of `key`, read alone or with other programs' reads of the same kind. */
export function* batched<K, V>(reads: Batched<K, V>, key: K): Program<V | undefined> {
  return (yield { kind: 'batched', reads: reads as Batched<unknown, unknown>, key }) as V | undefined;
}

type Results<T extends readonly Program<unknown>[]> = { -readonly [K in keyof T]: T[K] extends Program<infer R> ? R : never };

/**
 * Each program's result, the programs run together: on PostgreSQL their statements go out side by
 * side (inside a transaction, one behind the other on its connection without waiting: one round
 * trip for a statement of each), on SQLite one program after the other. For programs whose
 * results do not depend on each other. Each starts in the order given, so inside a transaction
 * their first statements run in that order (a program's later statements may interleave with
 * the others'). When one fails, the first failure in the order given is thrown once all have
 * ended (attempt() keeps a failure to be thrown later, in the caller's own order).
 */
export function* together<T extends readonly Program<unknown>[]>(...programs: T): Program<Results<T>> {
  return (yield { kind: 'together', programs: [...programs] }) as Results<T>;
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The program's result, or what it threw, as a value (for together()). */
export function* attempt<T>(program: Program<T>): Program<Attempt<T>> {
  try {
    return { ok: true, value: yield* program };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The attempt's result, or its failure thrown now. */
export function outcome<T>(attempted: Attempt<T>): T {
  if (!attempted.ok) throw attempted.error;
  return attempted.value;
}

/** A program with no statement: `value`. */
// eslint-disable-next-line require-yield
export function* nothing<T = undefined>(value?: T): Program<T> {
  return value as T;
}

/** A repository's programs. */
type Programs = Record<string, (...args: never[]) => Program<unknown>>;

/** The same methods, each running its program on the engine. */
export type Ran<R extends Programs> = {
  [K in keyof R]: R[K] extends (...args: infer A) => Program<infer T> ? (...args: A) => Awaitable<T> : never;
};

/**
 * A repository's programs as the services hand them out (routes, jobs, scripts, tests): each
 * method runs its program on the engine and returns the result, itself on SQLite, a promise on
 * PostgreSQL; callers `await` it. On SQLite that `await` comes after the synchronous write, so a
 * write handler still writes before it awaits (http/database.ts). The raw programs stay
 * available to compose into other programs with `yield*`.
 */
export function ran<R extends Programs>(runner: ProgramRunner, programs: R): Ran<R> {
  const out: Record<string, unknown> = {};
  for (const [name, program] of Object.entries(programs)) {
    out[name] = (...args: never[]) => runner.run(program(...args));
  }
  return out as Ran<R>;
}
