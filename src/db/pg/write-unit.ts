import type pg from 'pg';
import type { PgRunner } from './run.js';
import { TransactionClient } from './transaction-client.js';

// One PostgreSQL transaction per write request (docs/postgres-plan.md §3.4): what SQLite's group
// commit gives each request, here on a client of its own. http/database.ts begins the unit before
// the handler, runs the handler inside it, and commits it once the response (and its idempotency
// record) is ready, before anything is sent; a failed commit is the 503 the group commit's
// failure is. A repository's own transaction inside the unit rolls back alone when it fails, as
// on SQLite: a savepoint, or, for the first one before anything else in the unit changed, the
// unit rolled back and begun again (run.ts). READ COMMITTED, with the named locks of §3.5.
// BEGIN is sent with the unit's first statement (transaction-client.ts): a request that asks
// nothing of the database (refused by validation, say) sends nothing.

export interface RequestUnit {
  /** Runs `fn` (the handler and what it starts) inside the unit. */
  enter<T>(fn: () => T): T;
  /** COMMIT, then the client goes back to the pool. */
  commit(): Promise<void>;
  /** ROLLBACK (nothing if already finished), then the client goes back to the pool. */
  rollback(): Promise<void>;
}

export interface RequestUnits {
  begin(): Promise<RequestUnit>;
  /**
   * The SQLite group commit's open group, for code that must not write into a request's (the
   * webhook worker): none here, where every unit is a transaction of its own.
   */
  open(): undefined;
}

/** An idle transaction left by a stuck request is ended by the server after this long. */
const IDLE_IN_TRANSACTION_MS = 30_000;

const BEGIN = `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_MS}`;

export function createRequestUnits(pool: pg.Pool, runner: Pick<PgRunner, 'enter'>): RequestUnits {
  return {
    open: () => undefined,
    async begin() {
      const client = await pool.connect();
      const transaction = new TransactionClient(client, BEGIN);
      let finished = false;
      const finish = async (end: 'commit' | 'rollback') => {
        if (finished) return;
        finished = true;
        let broken: Error | undefined;
        try {
          await transaction[end]();
        } catch (err) {
          broken = err as Error;
          if (end === 'commit') {
            await transaction.rollback().catch(() => {});
            throw err;
          }
        } finally {
          // A client whose transaction could not be ended is discarded, not reused.
          client.release(broken);
        }
      };
      return {
        enter: (fn) => runner.enter(transaction, fn, true),
        commit: () => finish('commit'),
        rollback: () => finish('rollback'),
      };
    },
  };
}
