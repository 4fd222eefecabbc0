import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { sendPage } from '../../http/links.js';
import { NotAcceptableError, NotFoundError } from '../../errors.js';
import { seesCommittee, type Reader } from '../../domain/visibility.js';
import { problemOf, sendProblem } from '../../http/problem.js';
import { ListOf } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { contentTypes } from '../../jobs/report-formats.js';
import type { OverdueReport } from '../../jobs/overdue-report.js';
import { documentCsv } from '../../documents/csv.js';
import { negotiateDocument, offeredTypes, renderDocument } from '../../documents/formats.js';
import { documentContent } from '../tracker/schemas.js';
import { sendDocument } from '../tracker/send.js';
import { ActionSchema } from '../actions/schemas.js';
import { ActionLogQuery, FlagSchema, FlagsQuery, OverdueReportSchema, ReportQuery, ScanBody } from './schemas.js';

const tags = ['reports'];

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(OverdueReportSchema);
  const { scans, reports, documents } = app.services;
  /** 404 unless the committee exists and the reader sees it: another council's is as a missing one. */
  const committeeSeenBy = (reader: Reader, id: number) => {
    if (!seesCommittee(reader, id)) throw new NotFoundError('Committee', id);
    return app.services.committees.get(id);
  };

  app.get('/reports/overdue', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getOverdueReport', tags,
      summary: 'Overdue and due-soon actions per committee before its next meeting (JSON, CSV, Markdown, HTML or Word)',
      description:
        'JSON lists the report as data. CSV is one line per action with its values, as the committee tracker\'s CSV ' +
        '(with the section, committee, meeting and as-of day of each). Markdown, HTML and Word are the agenda-pack ' +
        'document, as the committee tracker: full texts, dates in words, latest progress, RAG with its key.',
      querystring: ReportQuery,
      response: { 200: { description: 'The report', content: documentContent(Type.Ref('OverdueReport')) }, ...problemResponses(404, 406) },
    },
  }, async (request, reply) => {
    const format = negotiateDocument(request.query.format, request.headers.accept);
    if (!format) return sendProblem(reply, problemOf(new NotAcceptableError(offeredTypes)));
    const actor = actorOf(request);
    if (request.query.committeeId) await committeeSeenBy(actor, request.query.committeeId);
    if (format === 'json' || format === 'csv') {
      reply.header('vary', 'accept');
      const csvOf = async (report: OverdueReport) => documentCsv(await documents.overdueReport(actor, report));
      return reply.type(contentTypes[format]).send(await scans.reportBody(actor, request.query, format, csvOf));
    }
    const model = await documents.overdueReport(actor, await scans.report(actor, request.query));
    return sendDocument(reply, await renderDocument(model, format), format, `overdue-report-${model.asOf}`);
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
    if (body.committeeId) await committeeSeenBy(actorOf(request), body.committeeId);
    const { report, flagsRecorded } = await scans.scan(actorOf(request), { asOf: body.asOf, committeeId: body.committeeId });
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
  }, async (request, reply) => sendPage(request, reply, await reports.flags(actorOf(request), request.query)));

  app.get('/meetings/:id/action-log', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getMeetingActionLog', tags: ['meetings'],
      summary: 'Everything due at (or flagged at) this meeting, answered or not (JSON, CSV, Markdown, HTML or Word)',
      description:
        'JSON lists the actions as GET /v1/actions does. CSV, Markdown, HTML and Word are the agenda-pack document, as the ' +
        'committee tracker: still to be answered, then answered, closed or withdrawn.',
      params: IdParams, querystring: ActionLogQuery,
      response: {
        200: { description: 'The action log', content: documentContent(Type.Object({ data: Type.Array(ActionSchema) })) },
        ...problemResponses(404, 406),
      },
    },
  }, async (request, reply) => {
    const format = negotiateDocument(request.query.format, request.headers.accept);
    if (!format) return sendProblem(reply, problemOf(new NotAcceptableError(offeredTypes)));
    const actor = actorOf(request);
    if (format === 'json') {
      // Read before any header is set: a missing meeting's 404 must be the very answer a meeting
      // of another council gets (council-limit.ts), which never reaches this handler.
      const data = await reports.actionLog(actor, request.params.id, request.query.asOf);
      reply.header('vary', 'accept');
      return { data };
    }
    const model = await documents.actionLog(actor, request.params.id, request.query.asOf);
    return sendDocument(reply, await renderDocument(model, format), format, `action-log-meeting-${request.params.id}-${model.asOf}`);
  });
};
