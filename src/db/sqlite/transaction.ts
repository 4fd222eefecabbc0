import type Database from 'better-sqlite3';
import type { Db } from './client.js';
import { clientOf } from './connection.js';

// The one way this project runs a transaction. better-sqlite3 transactions are synchronous: the
// work runs inside BEGIN … COMMIT (or, inside a group commit or another transaction, inside a
// SAVEPOINT), is committed when it returns and rolled back when it throws; work that returns a
// promise is refused, since an `await` inside would escape the transaction.

/**
 * What a write runs on. The work gets the database itself, whose connection is then in the
 * transaction: every statement on it runs inside, as on drizzle's transaction object, without
 * building that object and better-sqlite3's wrapper on every call (together some 10 µs, a few
 * percent of a whole write request). Neither is rolled back by hand (drizzle's `tx.rollback()`
 * does not exist on both): a write throws and the transaction undoes it.
 */
export type Tx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Runs `work` in a transaction on the database's connection (see above). */
export function transaction<T>(db: Db, work: (tx: Tx) => T): T {
  return clientOf(db).run(() => work(db));
}

/**
 * As transaction(), but beginning with BEGIN IMMEDIATE: the write lock is taken at once, so a
 * lock held by another process fails (or waits) at the start rather than at the first write.
 * Inside another transaction it is a savepoint as well.
 */
export function immediateTransaction<T>(db: Db, work: (tx: Tx) => T): T {
  return db.$client.transaction(() => work(db)).immediate();
}

/**
 * Runs `work` with commits that do not wait for the disk (synchronous = NORMAL, which in WAL
 * mode keeps the database whole across a power cut and every commit across a process crash),
 * unless a transaction is open: then that one's commit decides. For book-keeping whose loss can
 * only make work happen again (program.ts TxOptions.unsynced): the fsync a commit would cost
 * holds up the event loop, and with it every request.
 */
export function unsynced<T>(sqlite: Database.Database, work: () => T): T {
  if (sqlite.inTransaction) return work();
  const level = sqlite.pragma('synchronous', { simple: true }) as number;
  if (level <= 1) return work();
  sqlite.pragma('synchronous = NORMAL');
  try {
    return work();
  } finally {
    sqlite.pragma(`synchronous = ${level}`);
  }
}
