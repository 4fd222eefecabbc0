import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/client.js';
import { busyTimeoutMs, isBusy, withoutWaiting } from '../db/busy.js';
import { checkpointerOf } from '../db/checkpointer.js';
import { existingSearchIndex } from '../db/search.js';
import { CommitFailedError, DatabaseBusyError } from '../errors.js';

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
// (db/busy.ts), the writes that would begin one try again every few milliseconds, without
// holding up the event loop, for as long as the connection's busy timeout; then they are a 503.
// Reads never need the lock and are answered meanwhile.

interface Group {
  seq: number;
  committed: Promise<void>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How often a write waiting for another process's lock asks again. */
const LOCK_RETRY_MS = 20;

export default fp<{ db: Db }>(
  async function groupCommit(app: FastifyInstance, { db }) {
    const sqlite = db.$client;
    let open: Group | undefined;
    let nextSeq = 1;
    /** The number of the last group whose COMMIT failed (0: none). */
    let lastFailed: { seq: number; reason: string } = { seq: 0, reason: '' };
    const firstGroup = new WeakMap<FastifyRequest, number>();
    const failed = new WeakSet<FastifyRequest>();

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
          const search = existingSearchIndex(db);
          search?.trimQueue();
          sqlite.exec('COMMIT');
          resolve();
        } catch (err) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          lastFailed = { seq: group.seq, reason: err instanceof Error ? err.message : String(err) };
          app.log.error({ err, group: group.seq }, 'group commit failed; its requests are answered 503');
          reject(err);
          return;
        }
        try {
          checkpointerOf(sqlite)?.afterCommit();
        } catch (err) {
          app.log.warn({ err }, 'checkpoint after commit failed; the worker carries on');
        }
      });
      return group;
    }

    app.addHook('onRequest', (request, _reply, done) => {
      firstGroup.set(request, open?.seq ?? nextSeq);
      done();
    });

    // Code outside any request (a script sharing the connection) may hold a transaction: then
    // the request's writes simply join it, as they would without grouping. `deadline`: when a
    // write that found the lock taken stops waiting for it.
    function join(done: (err?: Error) => void, deadline?: number): void {
      if (open || sqlite.inTransaction) return done();
      // While the log restarts (db/checkpointer.ts) the next group waits a few milliseconds.
      const restart = checkpointerOf(sqlite)?.beforeBegin();
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

    app.addHook('preHandler', (request, _reply, done) => {
      if (!WRITES.has(request.method)) return done();
      join(done);
    });

    // Registered after idempotency, so a stored replay record commits in the same group.
    app.addHook('onSend', (request, _reply, payload, done) => {
      if (failed.has(request)) return done(null, payload); // the error response for a failed commit
      const first = firstGroup.get(request) ?? nextSeq;
      const fail = (reason: string) => {
        failed.add(request);
        done(new CommitFailedError(reason));
      };
      // Groups before the open one have settled; a failure among those since `first` counts.
      if (lastFailed.seq >= first) return fail(lastFailed.reason);
      if (!open || open.seq < first) return done(null, payload);
      open.committed.then(
        () => done(null, payload),
        (err: unknown) => fail(err instanceof Error ? err.message : String(err)),
      );
    });
  },
  { name: 'group-commit', dependencies: ['idempotency'] },
);
