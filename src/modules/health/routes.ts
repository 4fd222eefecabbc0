import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { migrationsApplied } from '../../db/client.js';
import { sendProblem, problem } from '../../http/problem.js';

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
      app.db.$client.prepare('SELECT 1').get();
      if (!migrationsApplied(app.db)) {
        return sendProblem(reply, problem(503, 'Database migrations are not applied', 'SCRUTINY_NOT_READY'));
      }
    } catch {
      return sendProblem(reply, problem(503, 'The database is not reachable', 'SCRUTINY_NOT_READY'));
    }
    return { status: 'ready' };
  });
};
