import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Engine } from '../db/engine.js';
import { CommitFailedError, WriteOutsideGroupError } from '../errors.js';

// The database at the HTTP edge: the hooks through which every request takes part in the group
// commit (db/sqlite/group-commit.ts explains it), and the start of the engine's workers with the server.
// (The engine is closed by app.ts, after every plugin's own onClose hook.)

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface DatabasePluginOptions {
  /** Only the group commit and the workers' start: the rest of the engine is the services'. */
  engine: Pick<Engine, 'writes' | 'startWorkers'>;
  /** Start the engine's worker threads once listening (the server; never for inject-only apps). */
  workers?: boolean;
  /**
   * Fail, as a 500, a write whose handler was still running when the group it joined committed:
   * it awaited something before (or while) writing, so its writes ran outside the group. On in
   * tests (test/helper.ts), so that every write route the suite calls is held to the rule.
   */
  checkHandlers?: boolean;
}

export default fp<DatabasePluginOptions>(
  async function database(app: FastifyInstance, { engine, workers = false, checkHandlers = false }) {
    const { writes } = engine;
    const firstGroup = new WeakMap<FastifyRequest, number>();
    const failed = new WeakSet<FastifyRequest>();
    const joined = new WeakMap<FastifyRequest, number>();

    if (workers) {
      app.addHook('onListen', (done) => {
        engine.startWorkers();
        done();
      });
    }

    app.addHook('onRequest', (request, _reply, done) => {
      firstGroup.set(request, writes.current());
      done();
    });

    app.addHook('preHandler', (request, _reply, done) => {
      if (!WRITES.has(request.method)) return done();
      if (!checkHandlers) return writes.join(done);
      writes.join((err) => {
        const group = writes.open();
        if (err === undefined && group !== undefined) joined.set(request, group);
        done(err);
      });
    });

    // Registered after idempotency, so a stored replay record commits in the same group.
    app.addHook('onSend', (request, _reply, payload, done) => {
      if (failed.has(request)) return done(null, payload); // the error response for a failed commit
      if (checkHandlers && joined.has(request) && writes.open() !== joined.get(request)) {
        failed.add(request);
        return done(new WriteOutsideGroupError(request.method, request.url));
      }
      writes.whenDurable(firstGroup.get(request) ?? writes.current(), (failure) => {
        if (failure === undefined) return done(null, payload);
        failed.add(request);
        done(new CommitFailedError(failure));
      });
    });
  },
  { name: 'database', dependencies: ['idempotency'] },
);
