import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { eq, fillPlaceholders, getTableName, sql, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { BUSY, type Op, type Params, type Program, type TxOptions } from '../program.js';
import { queryShape } from '../shapes.js';
import { insertPlan, shapeOf, writesPreparable } from '../write-shapes.js';
import { createBatches } from './batches.js';
import { sharedRead } from './shared-read.js';
import { TransactionClient } from './transaction-client.js';

// The PostgreSQL runner of programs (db/program.ts): asynchronous, an `await` per operation, over
// drizzle's node-postgres dialect. A transaction op is a PostgreSQL transaction on one pooled
// client (BEGIN … COMMIT, ROLLBACK when the body throws), or a SAVEPOINT on that client when one is
// already open, so a failing inner one rolls back alone, as on SQLite.
//
// Which client a statement runs on is decided when it runs, not when it is built. Drizzle binds a
// query to the client of the `db` it was built from, and the repositories build theirs from the
// engine's one `db` (some once, as prepared statements, when the repository is made). So that
// `db` is given a facade client whose query() goes to the client of the transaction open in the
// current async context (AsyncLocalStorage), else to the pool. Handing each program its
// transaction's client explicitly was the alternative: every query would have to be built from
// a `db` passed down to it (no statement prepared once per repository), or re-aimed at another
// client through drizzle's internals. The store is also where the request's write unit (one
// transaction per write request, docs/postgres-plan.md §3.4) will put its client.

/** Lock names as the two-int advisory lock's first key (hashtext), the id as the second. */
const LOCK_SQL = {
  exclusive: 'SELECT pg_advisory_xact_lock(hashtext($1), $2)',
  shared: 'SELECT pg_advisory_xact_lock_shared(hashtext($1), $2)',
} as const;

/** SQLSTATE 55P03: a lock not obtained within lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

/** A PostgreSQL error's SQLSTATE; drizzle wraps the driver's error as its `cause`. */
function sqlState(err: unknown): unknown {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code ?? e?.cause?.code;
}

/** One run of a program: its stamp, taken once (a read's several caches share it). */
interface RunContext {
  snapshot?: Promise<string>;
}

/**
 * A read request's stamp, shared by its programs (PgRunner.readScope). Ended with the request:
 * work the request started that outlives it (a timer, a worker woken from it) inherits the
 * async context, and must take stamps of its own rather than keep the request's for ever.
 */
export interface ReadScope extends RunContext {
  ended?: boolean;
  /**
   * A write request's scope: its programs take no stamp and so use no cache. Any commit moves the
   * stamp, so under writes a cached entry is seldom still good, and the stamp's statement would
   * be paid for nothing; the write's own reads go to the database.
   */
  uncached?: boolean;
}

interface Unit {
  /** The transaction's connection (transaction-client.ts): BEGIN goes out with its first statement. */
  tx: TransactionClient;
  savepoints: number;
  /**
   * A request's unit (write-unit.ts): its first transaction, begun before anything in the unit
   * has written or locked, runs as the unit itself, without a savepoint; if that transaction
   * fails, the unit is rolled back, and begun again by its next statement, which undoes the same
   * as rolling back to a savepoint would, in one round trip instead of two on every write
   * (SAVEPOINT and RELEASE).
   */
  restart?: boolean;
  /** Something in the unit has written or locked: a transaction inside it is a savepoint. */
  changed?: boolean;
}

interface Executable {
  execute(params?: Params): Promise<unknown>;
}

/** A built query's SQL and parameters (drizzle's toSQL on a builder). */
interface Renderable {
  toSQL(): { sql: string; params: unknown[] };
}

interface Preparable {
  prepare(): Executable;
}

/** What a table looks like to the generic write operations. */
type AnyDb = {
  select(): { from(table: unknown): { where(where: SQL): Executable & Preparable } };
  insert(table: unknown): { values(values: unknown): Executable & Preparable & { returning(): Executable & Preparable } };
  update(table: unknown): { set(values: unknown): { where(where: SQL): { returning(): Executable & Preparable } } };
};

/** drizzle's node-postgres prepared query: the configs it hands pg, by row shape. */
interface PreparedPg {
  queryString: string;
  rawQueryConfig: { name?: string };
  queryConfig: { name?: string };
}

/**
 * A statement prepared once (`.prepare()`, as the repositories write for SQLite) is given a name
 * the first time it runs, so that pg parses it once per pooled connection and PostgreSQL plans it
 * from then on as a prepared statement; unnamed, it is parsed and planned on every execution,
 * which on a read of one action took longer than the read. The name is a hash of the text: pg
 * refuses one name for two texts, and the same text prepared twice shares one statement, so a
 * connection holds at most one statement per distinct text. Queries built per call (a builder's
 * toSQL) stay unnamed.
 */
function named<T>(query: T): T {
  const prepared = query as Partial<PreparedPg>;
  if (prepared.rawQueryConfig && prepared.queryConfig && prepared.rawQueryConfig.name === undefined && typeof prepared.queryString === 'string') {
    const name = `q_${createHash('sha1').update(prepared.queryString).digest('hex').slice(0, 32)}`;
    prepared.rawQueryConfig.name = name;
    prepared.queryConfig.name = name;
  }
  return query;
}

export interface PgRunner {
  /** The db every query is built from; its statements run in the current program's transaction. */
  readonly db: NodePgDatabase;
  /** Runs a program to its end. */
  run<T>(program: Program<T>): Promise<T>;
  /** Whether the current async context is inside a transaction of this runner. */
  inTransaction(): boolean;
  /**
   * Runs `fn`, and everything it starts, inside the transaction already open on `client` (a write
   * request's unit, write-unit.ts): its statements go to that client, its tx() are savepoints.
   */
  enter<T>(tx: TransactionClient, fn: () => T, restart?: boolean): T;
  /**
   * Runs `fn`, and everything it starts, as one read (an HTTP read request): every program in it
   * takes the same stamp, the first one's. Its reads come after that stamp, so what they fill
   * under it is never older than it; what they find under it is as of the request's start.
   */
  readScope<T>(scope: ReadScope, fn: () => T): T;
}

export function createPgRunner(pool: pg.Pool): PgRunner {
  const units = new AsyncLocalStorage<Unit>();
  const reads = new AsyncLocalStorage<ReadScope>();
  const clientNow = (): Pick<TransactionClient, 'query'> => units.getStore()?.tx ?? (pool as unknown as Pick<TransactionClient, 'query'>);
  const facade = {
    query: (...args: unknown[]) => (clientNow().query as (...a: unknown[]) => unknown)(...args),
  } as unknown as pg.Pool;
  const db = drizzle({ client: facade });

  /** Ops that write; outside a transaction each commits on its own (autocommit). */
  const WRITE_OPS = new Set<Op['kind']>(['run', 'insertReturning', 'insertRow', 'updateReturning']);

  async function execute(op: Op, run: RunContext): Promise<unknown> {
    const result = await executeOp(op, run);
    if (WRITE_OPS.has(op.kind) || op.kind === 'lock') {
      const unit = units.getStore();
      if (unit) unit.changed = true;
      // A write committed on its own: the next read of the run (or request) takes a new stamp, as
      // after a transaction (see transaction()).
      else forgetStamps(run);
    }
    return result;
  }

  function forgetStamps(run: RunContext): void {
    run.snapshot = undefined;
    const scope = reads.getStore();
    if (scope) scope.snapshot = undefined;
  }

  async function executeOp(op: Op, run: RunContext): Promise<unknown> {
    switch (op.kind) {
      case 'all':
        return named(op.query as Executable).execute(op.params);
      case 'first':
        return ((await named(op.query as Executable).execute(op.params)) as unknown[])[0];
      case 'run': {
        const result = (await named(op.query as Executable).execute(op.params)) as { rowCount?: number | null };
        return { changes: result.rowCount ?? 0 };
      }
      case 'values': {
        // A builder renders itself (toSQL); a prepared query keeps what it rendered (getQuery).
        const q = named(op.query as Partial<Renderable> & Partial<PreparedPg> & { getQuery?: () => { sql: string; params: unknown[] } });
        const { sql, params } = q.toSQL ? q.toSQL() : q.getQuery!();
        const name = q.toSQL ? undefined : q.queryConfig?.name;
        const result = await clientNow().query({ name, text: sql, values: fillPlaceholders(params, op.params ?? {}), rowMode: 'array' });
        return result.rows;
      }
      // The generic writes and the read by id, prepared once per table and shape of values (as
      // on SQLite, sqlite/prepared.ts): PostgreSQL then plans each once per connection, and
      // drizzle builds each statement's SQL once, where both were paid on every write.
      case 'rowById': {
        const db = op.db as unknown as AnyDb;
        const query = queryShape(op.db, `${getTableName(op.table)}:by-id`, () => db.select().from(op.table).where(eq(op.table.id, sql.placeholder('rowId'))).prepare());
        return ((await named(query).execute({ rowId: op.id })) as unknown[])[0];
      }
      case 'insertReturning': {
        const db = op.db as unknown as AnyDb;
        const plan = insertPlan(op.table, op.values, op.unlessTaken, op.computed);
        const insert = () => plan.onConflict(db.insert(op.table).values(plan.values));
        if (plan.key === undefined) return ((await insert().returning().execute()) as unknown[])[0];
        const query = queryShape(op.db, plan.key, () => insert().returning().prepare());
        return ((await named(query).execute(plan.params)) as unknown[])[0];
      }
      case 'insertRow': {
        const db = op.db as unknown as AnyDb;
        const shape = writesPreparable(op.table) ? shapeOf(op.values) : undefined;
        if (shape === undefined) {
          await db.insert(op.table).values(op.values).execute();
          return undefined;
        }
        const query = named(queryShape(op.db, `${getTableName(op.table)}:insert:${shape.key}`, () => db.insert(op.table).values(shape.template).prepare()));
        const unit = units.getStore();
        if (!op.unanswered || !unit) {
          await query.execute(shape.params);
          return undefined;
        }
        // Nothing reads it before the commit: sent without waiting (transaction-client.ts).
        const { sql, params } = (query as unknown as PreparedPg & { getQuery(): { sql: string; params: unknown[] } }).getQuery();
        unit.tx.send({ name: (query as unknown as PreparedPg).queryConfig.name, text: sql, values: fillPlaceholders(params, shape.params) });
        return undefined;
      }
      case 'updateReturning': {
        const db = op.db as unknown as AnyDb;
        const shape = writesPreparable(op.table) ? shapeOf(op.values, op.fixed) : undefined;
        if (shape === undefined || 'rowId' in shape.params) {
          const rows = await db.update(op.table).set({ ...op.values, ...op.fixed }).where(eq(op.table.id, op.id)).returning().execute();
          return (rows as unknown[])[0];
        }
        const query = queryShape(op.db, `${getTableName(op.table)}:update-returning:${shape.key}`, () =>
          db.update(op.table).set(shape.template).where(eq(op.table.id, sql.placeholder('rowId'))).returning().prepare());
        return ((await named(query).execute({ ...shape.params, rowId: op.id })) as unknown[])[0];
      }
      case 'tx':
        return transaction(op.body, op.options, run);
      case 'lock': {
        const unit = units.getStore();
        if (!unit) throw new Error(`lock(${op.name}) outside a transaction: wrap the program in tx()`);
        await unit.tx.query(LOCK_SQL[op.mode], [op.name, op.key]);
        return undefined;
      }
      case 'together': {
        // Each program's statements go out as it makes them, the others' beside them (pipeline
        // mode on a transaction's connection; outside one, on connections of their own). On a
        // transaction's connection the programs' first statements, asked in this turn, are
        // written to the socket in one write, not one each (transaction-client.ts says why).
        const release = units.getStore()?.tx.hold();
        let running: Promise<unknown>[];
        try {
          running = op.programs.map((program) => drive(program, run));
        } finally {
          release?.();
        }
        const outcomes = await Promise.allSettled(running);
        const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        if (failed) throw failed.reason;
        return outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value);
      }
      case 'batched':
        // Inside a transaction its statements go to the transaction's client, alone.
        if (units.getStore()) return drive(op.reads.one(op.key), run);
        return batches.read(op.reads, op.key);
      case 'stamp': {
        // Inside a transaction its reads may be uncommitted work: nothing may be cached.
        if (units.getStore()) return undefined;
        // A read request's programs (authentication, the handler's) share its first stamp.
        const request = reads.getStore();
        if (request?.uncached && !request.ended) return undefined;
        const scope = request && !request.ended ? request : run;
        return (scope.snapshot ??= currentSnapshot());
      }
    }
  }

  /**
   * The database's snapshot as text (xmin:xmax:in-progress xids): every commit anywhere, by this
   * process or another, moves it; reads never do. It is every cache's stamp on PostgreSQL (the
   * source's own stamp is this process's alone): an entry filled under a snapshot is used only
   * while the snapshot is the same, so a write through another process is seen on the next read.
   * Taken before the reads it stamps, so what is filled under it is never older than it. One
   * read serves every caller who asked before it was sent (shared-read.ts): under load, one
   * round trip for many requests rather than one each.
   */
  const currentSnapshot = sharedRead(async (): Promise<string> => {
    // With the server's start time: after a crash or a failover, transaction ids that never
    // reached durable WAL are given out again, and a snapshot's text could repeat.
    const result = await pool.query<{ snapshot: string }>({
      name: 'scrutiny_snapshot',
      text: "SELECT pg_current_snapshot()::text || '@' || pg_postmaster_start_time()::text AS snapshot",
    });
    return result.rows[0]!.snapshot;
  });

  async function transaction(body: () => Program<unknown>, options: TxOptions, run: RunContext): Promise<unknown> {
    const ifFree = options.ifFree === true;
    const outer = units.getStore();
    if (outer?.restart === true && !outer.changed && outer.savepoints === 0) {
      // The first transaction of a request's unit, before anything in it changed: the unit's own.
      outer.changed = true;
      outer.savepoints++;
      try {
        return await drive(body(), run);
      } catch (err) {
        await outer.tx.rollback();
        outer.changed = false;
        throw err;
      } finally {
        outer.savepoints--;
      }
    }
    if (outer) {
      // Inside a transaction: a savepoint, as on SQLite (a request's write joins its unit).
      const name = `sp${++outer.savepoints}`;
      await outer.tx.query(`SAVEPOINT ${name}`);
      try {
        const result = await drive(body(), run);
        await outer.tx.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await outer.tx.rollbackTo(name);
        throw err;
      } finally {
        outer.savepoints--;
      }
    }
    const client = await pool.connect();
    const opening = ['BEGIN'];
    // Write now or not at all: give up on a lock at once (lock_timeout 0 would mean never).
    if (ifFree) opening.push("SET LOCAL lock_timeout = '1ms'");
    // Book-keeping whose loss only repeats work: the commit need not wait for the WAL flush.
    if (options.unsynced) opening.push('SET LOCAL synchronous_commit = off');
    // Begun by its first statement (transaction-client.ts).
    const transaction = new TransactionClient(client, opening.join('; '));
    let broken: Error | undefined;
    try {
      const result = await units.run({ tx: transaction, savepoints: 0 }, () => drive(body(), run));
      await transaction.commit();
      // What this transaction wrote is newer than the stamp taken before it: the next read of the
      // run (or of the request) takes a new one, so that it never finds its own write's old value.
      forgetStamps(run);
      return result;
    } catch (err) {
      await transaction.rollback().catch((failed: Error) => (broken = failed));
      if (ifFree && sqlState(err) === LOCK_NOT_AVAILABLE) return BUSY;
      throw err;
    } finally {
      // A client whose rollback failed is discarded, not returned to the pool mid-transaction.
      client.release(broken);
    }
  }

  const batches = createBatches((program) => drive(program));

  /** Drives the program: each operation's result (or error) goes back into the generator. */
  async function drive<T>(program: Program<T>, run: RunContext = {}): Promise<T> {
    let step = program.next();
    while (!step.done) {
      let result: unknown;
      try {
        result = await execute(step.value, run);
      } catch (err) {
        step = program.throw(err);
        continue;
      }
      step = program.next(result);
    }
    return step.value;
  }

  return {
    db,
    run: (program) => drive(program),
    inTransaction: () => units.getStore() !== undefined,
    enter: (tx, fn, restart) => units.run({ tx, savepoints: 0, restart }, fn),
    readScope: (scope, fn) => reads.run(scope, fn),
  };
}
