import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { PgEngine, SqliteEngine } from '../db/engine.js';
import type { ReadScope } from '../db/pg/run.js';
import type { RequestUnit, RequestUnits } from '../db/pg/write-unit.js';
import type { WriteGroups } from '../db/sqlite/group-commit.js';
import { CommitFailedError, WriteOutsideGroupError } from '../errors.js';

// The database at the HTTP edge: the hooks through which every write request becomes one write
// of the engine — on SQLite a part of the group commit (db/sqlite/group-commit.ts explains it), on
// PostgreSQL a transaction of its own (db/pg/write-unit.ts) — and the start of the engine's workers
// with the server. (The engine is closed by app.ts, after every plugin's own onClose hook.)

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * SQLite: the write is too large to share a group commit (a spreadsheet import of thousands
     * of rows). Its handler runs once no group is open, and its own transaction is a transaction
     * of its own, committed alone, not a savepoint of a group (db/sqlite/group-commit.ts says
     * why). Like any write handler, it must not await before it writes. PostgreSQL: no
     * difference, every write request is a transaction of its own.
     */
    ownTransaction?: boolean;
    /**
     * PostgreSQL: the route's work runs outside the request and commits its own transactions
     * (the Modern.gov sync, the notification pass), for longer than a request's transaction may
     * sit idle: no request transaction is begun for it.
     */
    worksOutside?: boolean;
  }
}

export interface DatabasePluginOptions {
  /** Only the write path and the workers' start: the rest of the engine is the services'. */
  engine: Pick<SqliteEngine, 'kind' | 'writes' | 'startWorkers'> | Pick<PgEngine, 'kind' | 'writes' | 'startWorkers'>;
  /** Start the engine's worker threads once listening (the server; never for inject-only apps). */
  workers?: boolean;
  /**
   * Fail, as a 500, a write whose handler was still running when the group it joined committed:
   * it awaited something before (or while) writing, so its writes ran outside the group. On in
   * tests (test/helper.ts), so that every write route the suite calls is held to the rule. (SQLite
   * only: on PostgreSQL the whole handler runs inside its transaction, awaits and all.)
   */
  checkHandlers?: boolean;
}

/** SQLite: each write request joins the open group and answers once the group is durable. */
function groupCommit(app: FastifyInstance, writes: WriteGroups, checkHandlers: boolean) {
  const firstGroup = new WeakMap<FastifyRequest, number>();
  const failed = new WeakSet<FastifyRequest>();
  const joined = new WeakMap<FastifyRequest, number>();

  app.addHook('onRequest', (request, _reply, done) => {
    firstGroup.set(request, writes.current());
    done();
  });

  app.addHook('preHandler', (request, _reply, done) => {
    if (!WRITES.has(request.method)) return done();
    if (request.routeOptions.config.ownTransaction) {
      // The groups open while it waited are over, and its handler reads and writes after them in
      // a transaction of its own: their fate is not its own (a failed one, say).
      return writes.whenIdle(() => {
        firstGroup.set(request, writes.current());
        done();
      });
    }
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
}

/**
 * PostgreSQL: every program of a read request (its authentication, its handler's) takes the same
 * cache stamp, the database snapshot the first one reads (db/pg/run.ts): one statement per read
 * request rather than one per program; a write request's take none. Registered before
 * authentication (app.ts).
 */
export function readScopes(app: FastifyInstance, engine: Pick<PgEngine, 'readScope'>): void {
  const scopes = new WeakMap<FastifyRequest, ReadScope>();
  app.addHook('onRequest', (request, _reply, done) => {
    // A write request's programs take no stamp (run.ts ReadScope.uncached): its own commit, or any
    // other, would have made a cached entry useless by the next write.
    const scope: ReadScope = WRITES.has(request.method) ? { uncached: true } : {};
    scopes.set(request, scope);
    engine.readScope(scope, () => done());
  });
  // Ended with the request: what it started and left running takes stamps of its own.
  const end = async (request: FastifyRequest) => {
    const scope = scopes.get(request);
    if (scope) scope.ended = true;
  };
  app.addHook('onResponse', end);
  app.addHook('onRequestAbort', end);
}

/**
 * PostgreSQL: each write request is one transaction, begun before its handler, which runs inside
 * it, and committed once the response (and its idempotency record) is ready, before it is sent.
 * A request that ends any other way (an error thrown past onSend, a dropped connection) is rolled back.
 */
function requestUnits(app: FastifyInstance, units: RequestUnits) {
  const open = new WeakMap<FastifyRequest, RequestUnit>();

  // Before validation, so that idempotency's preHandler (its key's lock and the stored answer)
  // runs inside the unit too.
  app.addHook('preValidation', (request, _reply, done) => {
    if (!WRITES.has(request.method) || request.routeOptions.config.worksOutside) return done();
    units.begin().then(
      (unit) => {
        open.set(request, unit);
        unit.enter(() => done());
      },
      (err: Error) => done(new CommitFailedError(err.message)),
    );
  });

  // Registered after idempotency, so a stored replay record commits in the same transaction.
  app.addHook('onSend', (request, _reply, payload, done) => {
    const unit = open.get(request);
    if (!unit) return done(null, payload);
    open.delete(request);
    unit.commit().then(
      () => done(null, payload),
      (err: Error) => done(new CommitFailedError(err.message)),
    );
  });

  const abandon = (request: FastifyRequest) => {
    const unit = open.get(request);
    open.delete(request);
    return unit?.rollback();
  };
  app.addHook('onResponse', async (request) => abandon(request));
  app.addHook('onRequestAbort', async (request) => abandon(request));
}

export default fp<DatabasePluginOptions>(
  async function database(app: FastifyInstance, { engine, workers = false, checkHandlers = false }) {
    if (workers) {
      app.addHook('onListen', (done) => {
        engine.startWorkers();
        done();
      });
    }
    if (engine.kind === 'postgres') requestUnits(app, engine.writes);
    else groupCommit(app, engine.writes, checkHandlers);
  },
  { name: 'database', dependencies: ['idempotency'] },
);
