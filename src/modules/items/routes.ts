import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { created, sendPage } from '../../http/links.js';
import { ListOf } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { HistorySchema } from '../audit/schemas.js';
import {
  CreateDeclarationSchema,
  CreateItemSchema,
  DeclarationSchema,
  HistoryQuery,
  ItemSchema,
  ListItemsQuery,
  UpdateItemSchema,
} from './schemas.js';

const tags = ['items'];
const hiddenNote = 'Exempt and confidential items are 404 to callers without the matching read scope.';

export const itemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const items = app.services.items;

  app.get('/meetings/:id/items', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listMeetingItems', tags, summary: "List a meeting's agenda items in agenda order",
      description: 'Items the caller may not read are left out.',
      params: IdParams, querystring: ListItemsQuery,
      response: { 200: ListOf(ItemSchema), ...problemResponses(404) },
    },
  }, async (request, reply) =>
    sendPage(request, reply, await items.list(actorOf(request), request.params.id, request.query)));

  app.post('/meetings/:id/items', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createItem', tags, summary: 'Add an agenda item to a meeting',
      description: 'Exempt items need `exemptParagraph`; confidential items (LGA 1972 s100A(3)) need none. Both need a key that can read them.',
      params: IdParams, body: CreateItemSchema,
      response: { 201: ItemSchema, ...problemResponses(404, 422) },
    },
  }, async (request, reply) => {
    const item = await items.create(actorOf(request), request.params.id, request.body);
    setEtag(reply, item);
    return created(reply, `/v1/items/${item.id}`, item);
  });

  app.get('/items/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getItem', tags, summary: 'Get an agenda item', description: hiddenNote,
      params: IdParams,
      response: { 200: ItemSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const item = await items.getVisible(actorOf(request), request.params.id);
    setEtag(reply, item);
    return item;
  });

  app.patch('/items/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'updateItem', tags, summary: 'Update an agenda item', description: hiddenNote,
      params: IdParams, body: UpdateItemSchema,
      response: { 200: ItemSchema, ...problemResponses(404, 412) },
    },
  }, async (request, reply) => {
    const item = await items.update(actorOf(request), request.params.id, request.body, (row) => checkIfMatch(request, row));
    setEtag(reply, item);
    return item;
  });

  app.delete('/items/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'deleteItem', tags,
      summary: 'Delete an agenda item with no resolutions, declarations or actions',
      description: hiddenNote,
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    await items.remove(actorOf(request), request.params.id, (row) => checkIfMatch(request, row));
    return reply.code(204).send(null);
  });

  app.get('/items/:id/history', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getItemHistory', tags, summary: "An agenda item's changes, newest first", description: hiddenNote,
      params: IdParams, querystring: HistoryQuery,
      response: { 200: HistorySchema, ...problemResponses(404) },
    },
  }, async (request, reply) =>
    sendPage(request, reply, await items.history(actorOf(request), request.params.id, request.query)));

  app.get('/items/:id/declarations', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listItemDeclarations', tags, summary: 'Declarations of interest made on an item',
      description: hiddenNote,
      params: IdParams, querystring: ListItemsQuery,
      response: { 200: ListOf(DeclarationSchema), ...problemResponses(404) },
    },
  }, async (request, reply) =>
    sendPage(request, reply, await items.declarations(actorOf(request), request.params.id, request.query)));

  app.post('/items/:id/declarations', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createDeclaration', tags, summary: 'Record a declaration of interest on an item',
      description: hiddenNote,
      params: IdParams, body: CreateDeclarationSchema,
      response: { 201: DeclarationSchema, ...problemResponses(404, 422) },
    },
  }, async (request, reply) => {
    const declaration = await items.declare(actorOf(request), request.params.id, request.body);
    return created(reply, `/v1/declarations/${declaration.id}`, declaration);
  });

  app.get('/declarations/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getDeclaration', tags, summary: 'Get a declaration of interest',
      description: 'A declaration on an item the caller may not read is 404.',
      params: IdParams,
      response: { 200: DeclarationSchema, ...problemResponses(404) },
    },
  }, async (request) => items.declaration(actorOf(request), request.params.id));
};
