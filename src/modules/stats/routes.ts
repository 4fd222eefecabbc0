import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { NotAcceptableError } from '../../errors.js';
import { problemOf, sendProblem } from '../../http/problem.js';
import { problemResponses } from '../../http/schemas.js';
import { contentTypes, negotiate } from '../../jobs/report-formats.js';
import { statsCsv } from './csv.js';
import { StatsQuerySchema, StatsSchema, statsFormats, type StatsFormat } from './schemas.js';

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(StatsSchema);
  const { stats } = app.services;

  app.get('/stats', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getStats', tags: ['reports'],
      summary: 'Response statistics per committee and per owner for actions raised in a period (JSON or CSV)',
      querystring: StatsQuerySchema,
      response: {
        200: {
          description: 'The statistics',
          content: { 'application/json': { schema: Type.Ref('Stats') }, 'text/csv': { schema: Type.String() } },
        },
        ...problemResponses(404, 406),
      },
    },
  }, async (request, reply) => {
    // The reports' negotiation, of which only JSON and CSV are offered here.
    const negotiated = negotiate(request.query.format, request.headers.accept);
    const format = (statsFormats as readonly string[]).includes(negotiated ?? '') ? (negotiated as StatsFormat) : undefined;
    if (!format) return sendProblem(reply, problemOf(new NotAcceptableError(statsFormats.map((f) => contentTypes[f].split(';')[0]).join(', '))));
    const { format: _format, ...query } = request.query;
    const body = await stats.stats(actorOf(request), query);
    reply.header('vary', 'accept');
    return format === 'csv' ? reply.type(contentTypes.csv).send(statsCsv(body)) : reply.type(contentTypes.json).send(body);
  });
};
