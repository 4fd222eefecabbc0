import pg from 'pg';
import type { ChangeCounters } from '../sqlite/changes.js';
import type { Db } from '../sqlite/client.js';
import type { SearchIndexOfConnection } from '../sqlite/search.js';
import type { Program } from '../program.js';
import { useSchema, type Tables } from '../tables.js';
import { pgDialect } from './dialect.js';
import { migratePg } from './migrate.js';
import { createPgRunner, type PgRunner, type ReadScope } from './run.js';
import * as schema from './schema.js';
import { createRequestUnits, type RequestUnits } from './write-unit.js';

// The PostgreSQL engine (issue 18, docs/postgres-plan.md §3): a pool of connections, programs run
// asynchronously (run.ts), one transaction per write request (write-unit.ts), and the tables of
// pg/schema.ts chosen for every query this process builds (db/tables.ts).
//
// Caches: a program's `stamp` (db/program.ts) is the database's snapshot here (run.ts), which
// every commit by any process moves, so the caches that check it (rendered actions and list
// pages, authenticated keys, committee time zones, the holiday calendar) see a write through
// another process on their next read. The synchronous stamp below is always "unknown"
// (undefined), which a cache reads as "neither use nor keep": the callers that cannot take a
// statement's time (the rendered-document cache, the hot path of GET /v1/actions/{id}) go
// without, or run a program instead.

export interface PgEngineOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  log?: { error(details: object, message: string): void; warn(details: object, message: string): void };
}

export interface PgEngine {
  readonly kind: 'postgres';
  readonly db: Db;
  readonly pool: pg.Pool;
  /** The write unit of each write request (http/database.ts). */
  readonly writes: RequestUnits;
  readonly search: SearchIndexOfConnection;
  readonly changes: ChangeCounters;
  /** One stamp for all the programs `fn` starts (run.ts `readScope`): a read request's. */
  readScope<T>(scope: ReadScope, fn: () => T): T;
  run<T>(program: Program<T>): Promise<T>;
  checkpointer(): undefined;
  startWorkers(): void;
  close(): Promise<void>;
}

/** The synchronous stamps: unknown (see the comment at the top). */
function cachesOff(): ChangeCounters {
  let turn = 0;
  return {
    local: () => 0,
    // Every call is a new "someone else may have written": readers of it (the outbox's webhook
    // subscriptions) read again each time.
    others: () => ++turn,
    stamp: () => undefined,
    forTables: () => ({ stamp: () => undefined }),
  };
}

/** The search "index" is the actions table's own tsvector column: always up to date. */
function searchOn(db: Db): SearchIndexOfConnection {
  return {
    ready: () => Promise.resolve(db),
    trimQueue() {},
    close: () => Promise.resolve(),
    startWorker() {},
  };
}

export function createPgEngine(pool: pg.Pool, options: Pick<PgEngineOptions, 'log'> = {}, runner: PgRunner = createPgRunner(pool)): PgEngine {
  useSchema(schema as unknown as Tables, pgDialect);
  // A connection lost while checked out (a request's transaction, a job's) fails the statement
  // that was running, which is answered as such; without a listener the client's 'error' event
  // would also end the process. Idle connections' errors are the pool's (openPgEngine).
  pool.on('connect', (client) => client.on('error', (err) => options.log?.warn({ err }, 'PostgreSQL connection lost')));
  const db = runner.db as unknown as Db;
  let closed = false;
  return {
    kind: 'postgres',
    db,
    pool,
    writes: createRequestUnits(pool, runner),
    search: searchOn(db),
    changes: cachesOff(),
    run: (program) => runner.run(program),
    readScope: (scope, fn) => runner.readScope(scope, fn),
    checkpointer: () => undefined,
    startWorkers() {},
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Connects to `url`, applies pending migrations (migrate.ts) and returns the engine over it. */
export async function openPgEngine(url: string, options: PgEngineOptions = {}): Promise<PgEngine> {
  // Pipeline mode: a statement goes out without waiting for the answers before it (run.ts sends a
  // transaction's BEGIN and its audit rows so, transaction-client.ts); the answers come in order.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, pipeline: true });
  // An idle client's error (the server restarted) must not crash the process; the pool drops it.
  pool.on('error', (err) => options.log?.warn({ err }, 'PostgreSQL connection lost; the pool replaces it'));
  const engine = createPgEngine(pool, options);
  try {
    await migratePg(pool);
  } catch (err) {
    await engine.close();
    throw err;
  }
  return engine;
}
