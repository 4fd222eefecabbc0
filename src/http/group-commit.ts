import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/client.js';

// Group commit. With synchronous=FULL every COMMIT waits for the disk (an fsync, milliseconds),
// so one transaction per request caps writes at a few hundred a second. Instead, the write
// requests that arrive together share one outer transaction: each repository transaction inside
// it becomes a SAVEPOINT (better-sqlite3 nests them), so a failing request still rolls back
// alone, and one COMMIT — one fsync — makes the whole group durable. Nothing is answered before
// the data it shows is durable: every response waits for the group that was open while it ran.

interface Group {
  committed: Promise<void>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export default fp<{ db: Db }>(
  async function groupCommit(app: FastifyInstance, { db }) {
    const sqlite = db.$client;
    let open: Group | undefined;
    const joined = new WeakMap<FastifyRequest, Group>();
    const failed = new WeakSet<FastifyRequest>();

    function begin(): Group {
      sqlite.exec('BEGIN IMMEDIATE');
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const group: Group = { committed: new Promise<void>((res, rej) => ((resolve = res), (reject = rej))) };
      group.committed.catch(() => undefined); // awaited by each request; never unhandled
      // After the I/O callbacks of this turn of the event loop: every request that arrived
      // with this one has run its handler by then.
      setImmediate(() => {
        open = undefined;
        try {
          sqlite.exec('COMMIT');
          resolve();
        } catch (err) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          reject(err);
        }
      });
      return group;
    }

    app.addHook('preHandler', async (request) => {
      if (!WRITES.has(request.method)) return;
      // Code outside any request (a script sharing the connection) may hold a transaction: then
      // the request's writes simply join it, as they would without grouping.
      if (!open && !sqlite.inTransaction) open = begin();
      if (open) joined.set(request, open);
    });

    // Registered after idempotency, so a stored replay record commits in the same group.
    app.addHook('onSend', async (request, _reply, payload) => {
      if (failed.has(request)) return payload; // the error response for a failed commit
      const groups = [joined.get(request), open].filter((g): g is Group => g !== undefined);
      if (groups.length === 0) return payload;
      try {
        await Promise.all(groups.map((g) => g.committed));
      } catch (err) {
        failed.add(request);
        throw err;
      }
      return payload;
    });
  },
  { name: 'group-commit', dependencies: ['idempotency'] },
);
