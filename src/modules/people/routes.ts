import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { created, sendPage } from '../../http/links.js';
import { ListOf } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { CreatePersonSchema, ListPeopleQuery, PersonSchema, UpdatePersonSchema } from './schemas.js';

const tags = ['people'];

export const personRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const people = app.services.people;

  app.get('/people', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listPeople', tags, summary: 'List councillors, co-optees, officers and partners',
      querystring: ListPeopleQuery,
      response: { 200: ListOf(PersonSchema), ...problemResponses() },
    },
  }, async (request, reply) => sendPage(request, reply, await people.list(request.query)));

  app.post('/people', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createPerson', tags, summary: 'Record a person',
      body: CreatePersonSchema,
      response: { 201: PersonSchema, ...problemResponses(422) },
    },
  }, async (request, reply) => {
    const person = await people.create(actorOf(request), request.body);
    setEtag(reply, person);
    return created(reply, `/v1/people/${person.id}`, person);
  });

  app.get('/people/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getPerson', tags, summary: 'Get a person',
      params: IdParams,
      response: { 200: PersonSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const person = await people.get(request.params.id);
    setEtag(reply, person);
    return person;
  });

  app.patch('/people/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'updatePerson', tags, summary: 'Update a person',
      params: IdParams, body: UpdatePersonSchema,
      response: { 200: PersonSchema, ...problemResponses(404, 412) },
    },
  }, async (request, reply) => {
    const person = await people.update(actorOf(request), request.params.id, request.body, (row) =>
      checkIfMatch(request, row),
    );
    setEtag(reply, person);
    return person;
  });

  app.delete('/people/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'deletePerson', tags,
      summary: 'Delete a person named in no membership, attendance, declaration or action',
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    await people.remove(actorOf(request), request.params.id, (row) => checkIfMatch(request, row));
    return reply.code(204).send(null);
  });
};
