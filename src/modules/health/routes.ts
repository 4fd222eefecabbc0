import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { migrationsApplied } from '../../db/sqlite/client.js';
import { NotReadyError } from '../../errors.js';
import { sendProblem, problemOf } from '../../http/problem.js';

const tags = ['operations'];
const Status = Type.Object({ status: Type.String() });

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: {
      operationId: 'getHealth', tags, summary: 'Liveness: the process is up',
      response: { 200: Status },
    },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: {
      operationId: 'getReadiness', tags, summary: 'Readiness: database reachable and migrations applied',
      response: { 200: Status, 503: Type.Ref('Problem') },
    },
  }, async (_request, reply) => {
    try {
      const { engine } = app;
      // PostgreSQL: the engine applied the migrations when it opened (or the server never started).
      if (engine.kind === 'postgres') {
        await engine.pool.query('SELECT 1');
        return { status: 'ready' };
      }
      engine.db.$client.prepare('SELECT 1').get();
      if (!migrationsApplied(engine.db)) {
        return sendProblem(reply, problemOf(new NotReadyError('Database migrations are not applied')));
      }
    } catch {
      return sendProblem(reply, problemOf(new NotReadyError('The database is not reachable')));
    }
    return { status: 'ready' };
  });
};
