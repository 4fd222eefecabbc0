import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { sendPage } from '../../http/links.js';
import { NotAcceptableError } from '../../errors.js';
import { problemOf, sendProblem } from '../../http/problem.js';
import { ListOf } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { contentTypes, negotiate } from '../../jobs/report-formats.js';
import { ActionSchema } from '../actions/schemas.js';
import { ActionLogQuery, FlagSchema, FlagsQuery, OverdueReportSchema, ReportQuery, ScanBody } from './schemas.js';

const tags = ['reports'];
const reportContent = {
  'application/json': { schema: Type.Ref('OverdueReport') },
  'text/csv': { schema: Type.String() },
  'text/markdown': { schema: Type.String() },
  'text/html': { schema: Type.String() },
};

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(OverdueReportSchema);
  const { scans, reports, committees } = app.services;

  app.get('/reports/overdue', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getOverdueReport', tags,
      summary: 'Overdue and due-soon actions per committee before its next meeting (JSON, CSV, Markdown or HTML)',
      querystring: ReportQuery,
      response: { 200: { description: 'The report', content: reportContent }, ...problemResponses(404, 406) },
    },
  }, async (request, reply) => {
    const format = negotiate(request.query.format, request.headers.accept);
    if (!format) return sendProblem(reply, problemOf(new NotAcceptableError('application/json, text/csv, text/markdown, text/html')));
    if (request.query.committeeId) committees.get(request.query.committeeId);
    reply.header('vary', 'accept');
    return reply.type(contentTypes[format]).send(scans.reportBody(actorOf(request), request.query, format));
  });

  app.post('/scans/overdue', {
    config: { scope: 'admin' },
    schema: {
      operationId: 'runOverdueScan', tags,
      summary: 'Run the overdue scan now: record flags, then return the report',
      body: Type.Optional(ScanBody),
      response: { 200: Type.Ref('OverdueReport'), ...problemResponses(404) },
    },
  }, async (request) => {
    const body = request.body ?? {};
    if (body.committeeId) committees.get(body.committeeId);
    const { report, flagsRecorded } = scans.scan(actorOf(request), { asOf: body.asOf, committeeId: body.committeeId });
    request.log.info({ flagsRecorded, asOf: report.asOf }, 'overdue scan run');
    return report;
  });

  app.get('/flags', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listFlags', tags, summary: 'Overdue flags, newest first',
      querystring: FlagsQuery,
      response: { 200: ListOf(FlagSchema), ...problemResponses() },
    },
  }, async (request, reply) => sendPage(request, reply, reports.flags(actorOf(request), request.query)));

  app.get('/meetings/:id/action-log', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getMeetingActionLog', tags: ['meetings'],
      summary: 'Everything due at (or flagged at) this meeting, answered or not',
      params: IdParams, querystring: ActionLogQuery,
      response: { 200: Type.Object({ data: Type.Array(ActionSchema) }), ...problemResponses(404) },
    },
  }, async (request) => ({
    data: reports.actionLog(actorOf(request), request.params.id, request.query.asOf),
  }));
};
