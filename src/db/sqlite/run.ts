import { BUSY, type Op, type Program } from '../program.js';
import { isBusy, withoutWaiting } from './busy.js';
import type { Db } from './client.js';
import { insertReturning, insertRow, rowById, updateReturning } from './prepared.js';
import { immediateTransaction, transaction, unsynced } from './transaction.js';

// The SQLite runner of programs (db/program.ts): synchronous. Each operation runs at once on the
// one connection and its result goes straight back into the generator (`g.next(result)`); a
// failing one is thrown into it (`g.throw(err)`), where the program may catch it. A transaction
// runs inside transaction.ts's wrapper, the statements of its body inside. No promise, no
// microtask anywhere: a program behaves exactly as the same code written with `.get()`/`.all()`
// did, so the group commit's rule (no await before the write) holds by construction.

interface SqliteQuery {
  all(params?: unknown): unknown;
  get(params?: unknown): unknown;
  run(params?: unknown): { changes: number };
  values(params?: unknown): unknown;
}

function execute(db: Db, op: Op): unknown {
  switch (op.kind) {
    case 'all':
      return (op.query as SqliteQuery).all(op.params);
    case 'first':
      return (op.query as SqliteQuery).get(op.params);
    case 'run':
      return { changes: (op.query as SqliteQuery).run(op.params).changes };
    case 'values':
      return (op.query as SqliteQuery).values(op.params);
    case 'rowById':
      return rowById(op.db, op.table, op.id);
    case 'insertReturning':
      return insertReturning(op.db, op.table, op.values, op.unlessTaken, op.computed);
    case 'insertRow':
      return insertRow(op.db, op.table, op.values);
    case 'updateReturning':
      return updateReturning(op.db, op.table, op.id, op.values, op.fixed);
    case 'tx': {
      const { body, options } = op;
      if (!options.ifFree && !options.immediate && !options.unsynced) return transaction(db, () => runSqlite(db, body()));
      const work = () => runSqlite(db, body());
      const begun = options.ifFree || options.immediate ? () => immediateTransaction(db, work) : () => transaction(db, work);
      const committed = options.unsynced ? () => unsynced(db.$client, begun) : begun;
      if (!options.ifFree) return committed();
      try {
        return withoutWaiting(db.$client, committed);
      } catch (err) {
        if (isBusy(err)) return BUSY;
        throw err;
      }
    }
    case 'lock':
      // Writes are serial on SQLite: nothing to lock.
      return undefined;
    case 'stamp':
      return op.source.stamp();
    case 'together': {
      // Synchronous: one after the other, the first failure thrown once all have run (as on PostgreSQL).
      let failure: { error: unknown } | undefined;
      const results = op.programs.map((program) => {
        try {
          return runSqlite(db, program);
        } catch (error) {
          failure ??= { error };
          return undefined;
        }
      });
      if (failure) throw failure.error;
      return results;
    }
    case 'batched':
      // Synchronous: nothing else runs meanwhile to share the read with.
      return runSqlite(db, op.reads.one(op.key));
  }
}

/**
 * Runs a program to its end on this database, now. Also the bridge for code not yet written as
 * programs (SQLite-only until its module is converted) calling one that is.
 */
export function runSqlite<T>(db: Db, program: Program<T>): T {
  let step = program.next();
  while (!step.done) {
    let result: unknown;
    try {
      result = execute(db, step.value);
    } catch (err) {
      step = program.throw(err);
      continue;
    }
    step = program.next(result);
  }
  return step.value;
}
