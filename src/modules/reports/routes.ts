import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { todayIn } from '../../domain/clock.js';
import { actorOf } from '../../http/context.js';
import { sendPage } from '../../http/links.js';
import { problem, sendProblem } from '../../http/problem.js';
import { IdParams, ListOf, problemResponses } from '../../http/schemas.js';
import { compactJson, contentTypes, negotiate, render, write } from '../../jobs/report-formats.js';
import { createReportThread } from '../../jobs/report-thread.js';
import { ActionSchema } from '../actions/schemas.js';
import { createReportRepository } from './repository.js';
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
  const { scans, committees } = app.services;
  const reports = createReportRepository(app.db);
  // A worker needs the database file; an in-memory database (tests) is built on the main thread.
  const reportThread = app.db.$client.memory ? undefined : createReportThread(app.db.$client.name);
  if (reportThread) {
    app.addHook('onClose', () => reportThread.close());
    // Started once the server listens (never for inject-only apps), so the first whole report
    // does not also wait for the worker to load its modules and open the database.
    app.addHook('onListen', (done) => {
      reportThread.start();
      done();
    });
  }

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
    if (!format) return sendProblem(reply, problem(406, 'Supported formats: application/json, text/csv, text/markdown, text/html', 'SCRUTINY_NOT_ACCEPTABLE'));
    if (request.query.committeeId) committees.get(request.query.committeeId);
    reply.header('vary', 'accept');
    if (reportThread && !request.query.committeeId) {
      // Every committee at once is the one report too big for the event loop. A client that
      // gives up on it (closes the connection first) cancels it: the worker moves on to the next.
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      const asOf = request.query.asOf ?? todayIn('Europe/London');
      try {
        // Streamed as the worker writes it: the whole report is never held in memory.
        const body = await reportThread.render({ asOf, visibilities: [...actorOf(request).visibilities], format }, gone.signal);
        return reply.type(contentTypes[format]).send(body);
      } catch (err) {
        // 499 (nginx's "client closed request"), outside the documented responses: no one reads
        // it, but the request log and metrics say what happened.
        if (gone.signal.aborted) return (reply as FastifyReply).code(499).send();
        throw err;
      }
    }
    const report = scans.report(actorOf(request), request.query);
    return reply.type(contentTypes[format]).send(format === 'json' ? write(compactJson, report) : render(report, format));
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
    const { report, flagsRecorded } = scans.scan(actorOf(request), { asOf: body.asOf ?? todayIn('Europe/London'), committeeId: body.committeeId });
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
    data: reports.actionLog(actorOf(request), request.params.id, request.query.asOf ?? todayIn('Europe/London')),
  }));
};
