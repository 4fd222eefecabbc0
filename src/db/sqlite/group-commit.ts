import type Database from 'better-sqlite3';
import { busyTimeoutMs, isBusy, withoutWaiting } from './busy.js';
import type { Checkpointer } from './checkpointer.js';
import { DatabaseBusyError } from '../../errors.js';

// Group commit. With synchronous=FULL every COMMIT waits for the disk (an fsync, milliseconds),
// so one transaction per request caps writes at a few hundred a second. Instead, the write
// requests that arrive together share one outer transaction: each repository transaction inside
// it becomes a SAVEPOINT (better-sqlite3 nests them), so a failing request still rolls back
// alone, and one COMMIT — one fsync — makes the whole group durable.
//
// Nothing is answered before the data it shows is durable. Groups run one after another and are
// numbered. A request notes the first group that could have been open while it ran (the open one
// when it arrived, else the next); before its response is sent it waits for every group from
// that one on. Reads are included: on the shared connection a read sees a group's uncommitted
// rows, so a read answered during a group that then fails to commit would show data that never
// existed. If any of those groups failed, the response is a 503 instead.
//
// A group begins only when this process can take the write lock. While another process holds it
// (db/sqlite/busy.ts), the writes that would begin one try again every few milliseconds, without
// holding up the event loop, for as long as the connection's busy timeout; then they are a 503.
// Reads never need the lock and are answered meanwhile.

// The HTTP edge (http/database.ts) calls the three steps below from its hooks: note the group
// when a request arrives, join one before a write's handler runs, and wait for durability
// before the response is sent. A write handler must not await before it writes: the group it
// joined commits after the current turn of the event loop, and a write after that would run
// outside any group (its own transaction, fsynced alone, or stalled on another process's lock).
// With `checkHandlers` the edge fails such a request loudly (see http/database.ts).
//
// A write of thousands of rows (a spreadsheet import) is not put in a group: as a savepoint,
// every statement in it costs more the more it has written (SQLite keeps a copy of each page the
// savepoint changed in its sub-journal, and at the end of every statement walks that in-memory
// journal to trim the statement's own entries: an import of 10,000 rows spent most of its time
// there). Such a route waits until no group is open (`whenIdle`) and runs as a transaction of its
// own, committed (and fsynced) alone.

interface Group {
  seq: number;
  committed: Promise<void>;
}

export interface WriteGroupsOptions {
  /** The checkpointer, while one runs (db/sqlite/checkpointer.ts). */
  checkpointer(): Checkpointer | undefined;
  /** The search index, whose read queue rows are trimmed in each group (db/sqlite/search.ts). */
  search: { trimQueue(): void };
  log: { error(details: object, message: string): void; warn(details: object, message: string): void };
}

export interface WriteGroups {
  /** The first group a request arriving now could see: the open one, else the next. */
  current(): number;
  /** The group open now, if any. */
  open(): number | undefined;
  /**
   * Joins the open group, or begins one (waiting, off the event loop, while the log restarts or
   * another process holds the write lock); `done` gets DatabaseBusyError once that wait is over.
   */
  join(done: (err?: Error) => void): void;
  /**
   * Calls `done` once no group is open (the open one has committed or failed) and the log is not
   * restarting, for a write too large to share a group: it then runs as a transaction of its own
   * before the next group begins (see `ownTransaction` in http/database.ts).
   */
  whenIdle(done: () => void): void;
  /**
   * Calls `done` once every group from `first` on has committed, at once when they have; with
   * the reason when one of them failed.
   */
  whenDurable(first: number, done: (failure?: string) => void): void;
}

/** How often a write waiting for another process's lock asks again. */
const LOCK_RETRY_MS = 20;

export function createWriteGroups(sqlite: Database.Database, { checkpointer, search, log }: WriteGroupsOptions): WriteGroups {
  let open: Group | undefined;
  let nextSeq = 1;
  /** The number of the last group whose COMMIT failed (0: none). */
  let lastFailed: { seq: number; reason: string } = { seq: 0, reason: '' };

  /** Begins a group if the write lock is free now; false when another process holds it. */
  function tryBegin(): boolean {
    try {
      withoutWaiting(sqlite, () => sqlite.exec('BEGIN IMMEDIATE'));
    } catch (err) {
      if (isBusy(err)) return false;
      throw err;
    }
    open = startGroup();
    return true;
  }

  function startGroup(): Group {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const group: Group = { seq: nextSeq++, committed: new Promise<void>((res, rej) => ((resolve = res), (reject = rej))) };
    group.committed.catch(() => undefined); // awaited by each request; never unhandled
    // After the I/O callbacks of this turn of the event loop: every request that arrived
    // with this one has run its handler by then.
    setImmediate(() => {
      open = undefined;
      try {
        // Changes the search index has read are forgotten in the same transaction.
        search.trimQueue();
        sqlite.exec('COMMIT');
        resolve();
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        lastFailed = { seq: group.seq, reason: err instanceof Error ? err.message : String(err) };
        log.error({ err, group: group.seq }, 'group commit failed; its requests are answered 503');
        reject(err);
        return;
      }
      try {
        checkpointer()?.afterCommit();
      } catch (err) {
        log.warn({ err }, 'checkpoint after commit failed; the worker carries on');
      }
    });
    return group;
  }

  // Code outside any request (a script sharing the connection) may hold a transaction: then
  // the request's writes simply join it, as they would without grouping. `deadline`: when a
  // write that found the lock taken stops waiting for it.
  function join(done: (err?: Error) => void, deadline?: number): void {
    if (open || sqlite.inTransaction) return done();
    // While the log restarts (db/sqlite/checkpointer.ts) the next group waits a few milliseconds.
    const restart = checkpointer()?.beforeBegin();
    if (restart !== undefined) {
      void restart.then(() => join(done, deadline));
      return;
    }
    try {
      if (tryBegin()) return done();
    } catch (err) {
      return done(err as Error);
    }
    const now = Date.now();
    const until = deadline ?? now + busyTimeoutMs(sqlite);
    if (now >= until) return done(new DatabaseBusyError());
    setTimeout(() => join(done, until), LOCK_RETRY_MS);
  }

  function whenIdle(done: () => void): void {
    if (open) {
      const again = () => whenIdle(done);
      open.committed.then(again, again);
      return;
    }
    const restart = checkpointer()?.beforeBegin();
    if (restart !== undefined) {
      void restart.then(() => whenIdle(done));
      return;
    }
    done();
  }

  return {
    current: () => open?.seq ?? nextSeq,
    open: () => open?.seq,
    join,
    whenIdle,
    whenDurable(first, done) {
      // Groups before the open one have settled; a failure among those since `first` counts.
      if (lastFailed.seq >= first) return done(lastFailed.reason);
      if (!open || open.seq < first) return done();
      open.committed.then(
        () => done(),
        (err: unknown) => done(err instanceof Error ? err.message : String(err)),
      );
    },
  };
}
