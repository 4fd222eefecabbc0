import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { migrationsCurrent } from '../../db/engine.js';
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
      if (!(await migrationsCurrent(app.engine))) {
        return sendProblem(reply, problemOf(new NotReadyError('Database migrations are not applied')));
      }
    } catch {
      return sendProblem(reply, problemOf(new NotReadyError('The database is not reachable')));
    }
    return { status: 'ready' };
  });
};
