import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SearchUnavailableError } from '../../errors.js';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { created, sendPage } from '../../http/links.js';
import { ListOf, ListQuery } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { HistorySchema } from '../audit/schemas.js';
import { sendActionsCsv, wantsCsv } from '../spreadsheets/export-route.js';
import type { PageJson } from './read-model.js';
import {
  ActionSchema,
  ActionUpdateSchema,
  AsOfQuery,
  CreateActionSchema,
  CreateActionUpdateSchema,
  ListActionsQuery,
  UpdateActionSchema,
} from './schemas.js';

const tags = ['actions'];
/** How long a client is asked to wait when the search index is not ready (503). */
const SEARCH_RETRY_AFTER_S = 5;
const JSON_TYPE = 'application/json; charset=utf-8';

export const actionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A shared schema, so that the document has an Action component: the list's 200 is a content
  // map (JSON or CSV), inside which @fastify/swagger writes a schema out rather than naming it,
  // and the webhook payloads (webhooks/openapi.ts) refer to #/components/schemas/Action.
  app.addSchema(ActionSchema);
  const { actions, actionReads } = app.services;

  app.get('/actions', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listActions', tags, summary: 'List and search follow-up actions (JSON pages, or every match as CSV)',
      description: 'With `?format=csv` or `Accept: text/csv`: every action the filters match as one CSV file (columns in the README, "Spreadsheets"), streamed.',
      querystring: ListActionsQuery,
      response: {
        200: { description: 'A page of actions, or every matching action as CSV', content: { 'application/json': { schema: ListOf(ActionSchema) }, 'text/csv': { schema: Type.String() } } },
        ...problemResponses(503),
      },
    },
  }, async (request, reply) => {
    // Decided once, first: the JSON list below is untouched by the spreadsheet (spreadsheets/export-route.ts).
    if (wantsCsv(request.query.format, request.headers.accept)) return sendActionsCsv(request, reply, request.query);
    // A search (q) waits for the full-text index; anything else is answered at once.
    let page: PageJson;
    try {
      page = await actionReads.listJson(actorOf(request), request.query);
    } catch (err) {
      if (err instanceof SearchUnavailableError) reply.header('retry-after', String(SEARCH_RETRY_AFTER_S));
      throw err;
    }
    sendPage(request, reply, page);
    return reply.type(JSON_TYPE).send(page.body as never); // already JSON (read-model.ts): sent as it is
  });

  app.post('/actions', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createAction', tags,
      summary: 'Record a follow-up raised at a meeting; with no due given it is due at the next meeting',
      body: CreateActionSchema,
      response: { 201: ActionSchema, ...problemResponses(409, 422) },
    },
  }, async (request, reply) => {
    const action = await actions.create(actorOf(request), request.body);
    setEtag(reply, action);
    return created(reply, `/v1/actions/${action.id}`, action);
  });

  app.get('/actions/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getAction', tags, summary: 'Get an action with its due date and overdue state',
      params: IdParams, querystring: AsOfQuery,
      response: { 200: ActionSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    // The hot read: a cached (or SQLite-read) action is no promise, and awaiting one would cost a
    // microtask per request (as auth, http/auth.ts).
    const found = actionReads.getRendered(actorOf(request), request.params.id, request.query.asOf);
    const action = found instanceof Promise ? await found : found;
    setEtag(reply, action);
    return reply.type(JSON_TYPE).send(action.json as never); // already JSON: sent as it is
  });

  app.patch('/actions/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'updateAction', tags,
      summary: 'Update an action, respond to it, close, reopen or withdraw it',
      params: IdParams, body: UpdateActionSchema,
      response: { 200: ActionSchema, ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    const action = await actions.update(actorOf(request), request.params.id, request.body, (row) =>
      checkIfMatch(request, row),
    );
    setEtag(reply, action);
    return action;
  });

  app.get('/actions/:id/updates', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listActionUpdates', tags, summary: "The action's progress updates, oldest first",
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(ActionUpdateSchema) }), ...problemResponses(404) },
    },
  }, async (request) => ({ data: await actions.updates(actorOf(request), request.params.id) }));

  app.post('/actions/:id/updates', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createActionUpdate', tags, summary: 'Add a progress update (and optionally a new RAG)',
      params: IdParams, body: CreateActionUpdateSchema,
      response: { 201: ActionUpdateSchema, ...problemResponses(404, 422) },
    },
  }, async (request, reply) => {
    const update = await actions.addUpdate(actorOf(request), request.params.id, request.body);
    return created(reply, `/v1/actions/${request.params.id}/updates`, update);
  });

  app.get('/actions/:id/history', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getActionHistory', tags, summary: 'Every change to the action, newest first',
      params: IdParams, querystring: Type.Object(ListQuery, { additionalProperties: false }),
      response: { 200: HistorySchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await actions.assertVisible(actorOf(request), request.params.id);
    const page = await app.services.history.list('action', request.params.id, request.query.limit ?? 50, request.query.cursor);
    return sendPage(request, reply, page);
  });
};
