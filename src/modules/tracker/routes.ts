import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotAcceptableError } from '../../errors.js';
import { actorOf } from '../../http/context.js';
import { problemOf, sendProblem } from '../../http/problem.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { negotiateDocument, offeredTypes } from '../../documents/formats.js';
import { documentContent, DocumentSchema, TrackerQuery } from './schemas.js';
import { sendDocument } from './send.js';

// The recommendation tracker a committee reviews at each meeting (DESIGN.md "Documents and
// calendars for the agenda pack"), in every format from one model (documents/model.ts).

export const trackerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(DocumentSchema);
  const { renderedDocuments } = app.services;

  app.get('/committees/:id/tracker', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getCommitteeTracker', tags: ['committees'],
      summary: "The committee's recommendation tracker for its agenda pack (JSON, CSV, Markdown, HTML or Word)",
      description:
        'Reference, where each action was raised (meeting date and minute number), its full text, owner, what it is due by, ' +
        'the latest progress update with its date, RAG (word and colour, with a key), status and how many meetings it has been ' +
        "flagged overdue at. Human formats (HTML, Markdown, Word) write dates in words in the committee's time zone; the HTML " +
        'prints on landscape A4 with a running header and page numbers. Format by ?format= or Accept.',
      params: IdParams, querystring: TrackerQuery,
      response: { 200: { description: 'The tracker', content: documentContent(Type.Ref('AgendaDocument')) }, ...problemResponses(404, 406) },
    },
  }, async (request, reply) => {
    const { format: asked, ...query } = request.query;
    const format = negotiateDocument(asked, request.headers.accept);
    if (!format) return sendProblem(reply, problemOf(new NotAcceptableError(offeredTypes)));
    const id = request.params.id;
    const { rendered, asOf } = await renderedDocuments.tracker(actorOf(request), id, query, format);
    return sendDocument(reply, rendered, format, `tracker-committee-${id}-${asOf}`);
  });
};
