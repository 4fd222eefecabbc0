import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { created, sendPage } from '../../http/links.js';
import { ListOf } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { HistorySchema } from '../audit/schemas.js';
import { HistoryQuery } from '../items/schemas.js';
import {
  CreateResolutionSchema,
  ListResolutionsQuery,
  ResolutionSchema,
  UpdateResolutionSchema,
} from './schemas.js';

const tags = ['resolutions'];
const hiddenNote = 'Resolutions of exempt and confidential items are 404 to callers without the matching read scope.';

export const resolutionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const resolutions = app.services.resolutions;

  app.get('/items/:id/resolutions', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listItemResolutions', tags, summary: 'What the committee resolved on an agenda item',
      description: hiddenNote,
      params: IdParams, querystring: ListResolutionsQuery,
      response: { 200: ListOf(ResolutionSchema), ...problemResponses(404) },
    },
  }, async (request, reply) =>
    sendPage(request, reply, await resolutions.list(actorOf(request), request.params.id, request.query)));

  app.post('/items/:id/resolutions', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createResolution', tags, summary: 'Record a resolution on an agenda item',
      description: hiddenNote,
      params: IdParams, body: CreateResolutionSchema,
      response: { 201: ResolutionSchema, ...problemResponses(404, 422) },
    },
  }, async (request, reply) => {
    const resolution = await resolutions.create(actorOf(request), request.params.id, request.body);
    setEtag(reply, resolution);
    return created(reply, `/v1/resolutions/${resolution.id}`, resolution);
  });

  app.get('/resolutions/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getResolution', tags, summary: 'Get a resolution', description: hiddenNote,
      params: IdParams,
      response: { 200: ResolutionSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const resolution = await resolutions.getVisible(actorOf(request), request.params.id);
    setEtag(reply, resolution);
    return resolution;
  });

  app.patch('/resolutions/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'updateResolution', tags, summary: 'Update a resolution; `vote: null` clears the vote',
      description: hiddenNote,
      params: IdParams, body: UpdateResolutionSchema,
      response: { 200: ResolutionSchema, ...problemResponses(404, 412) },
    },
  }, async (request, reply) => {
    const resolution = await resolutions.update(actorOf(request), request.params.id, request.body, (row) =>
      checkIfMatch(request, row),
    );
    setEtag(reply, resolution);
    return resolution;
  });

  app.delete('/resolutions/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'deleteResolution', tags, summary: 'Delete a resolution no action refers to',
      description: hiddenNote,
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    await resolutions.remove(actorOf(request), request.params.id, (row) => checkIfMatch(request, row));
    return reply.code(204).send(null);
  });

  app.get('/resolutions/:id/history', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getResolutionHistory', tags, summary: "A resolution's changes, newest first",
      description: hiddenNote,
      params: IdParams, querystring: HistoryQuery,
      response: { 200: HistorySchema, ...problemResponses(404) },
    },
  }, async (request, reply) =>
    sendPage(request, reply, await resolutions.history(actorOf(request), request.params.id, request.query)));
};
