import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { created, sendPage } from '../../http/links.js';
import { ListOf } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import {
  CommitteeSchema,
  CreateCommitteeSchema,
  ListCommitteesQuery,
  MembershipSchema,
  MembersParams,
  PutMembershipSchema,
  UpdateCommitteeSchema,
} from './schemas.js';

const tags = ['committees'];

export const committeeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const committees = app.services.committees;

  app.get('/committees', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listCommittees', tags, summary: 'List committees',
      querystring: ListCommitteesQuery,
      response: { 200: ListOf(CommitteeSchema), ...problemResponses() },
    },
  }, async (request, reply) => sendPage(request, reply, await committees.list(actorOf(request), request.query)));

  app.post('/committees', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createCommittee', tags, summary: 'Create a committee',
      body: CreateCommitteeSchema,
      response: { 201: CommitteeSchema, ...problemResponses(409, 422) },
    },
  }, async (request, reply) => {
    const committee = await committees.create(actorOf(request), request.body);
    setEtag(reply, committee);
    return created(reply, `/v1/committees/${committee.id}`, committee);
  });

  app.get('/committees/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getCommittee', tags, summary: 'Get a committee',
      params: IdParams,
      response: { 200: CommitteeSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const committee = await committees.get(request.params.id);
    setEtag(reply, committee);
    return committee;
  });

  app.patch('/committees/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'updateCommittee', tags, summary: 'Update a committee',
      params: IdParams, body: UpdateCommitteeSchema,
      response: { 200: CommitteeSchema, ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    const committee = await committees.update(actorOf(request), request.params.id, request.body, (row) =>
      checkIfMatch(request, row),
    );
    setEtag(reply, committee);
    return committee;
  });

  app.delete('/committees/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'deleteCommittee', tags, summary: 'Delete a committee that nothing refers to',
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    await committees.remove(actorOf(request), request.params.id, (row) => checkIfMatch(request, row));
    return reply.code(204).send(null);
  });

  app.get('/committees/:id/members', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listCommitteeMembers', tags, summary: "List a committee's members",
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(MembershipSchema) }), ...problemResponses(404) },
    },
  }, async (request) => ({ data: await committees.members(request.params.id) }));

  app.put('/committees/:id/members/:personId', {
    config: { scope: 'write' },
    schema: {
      operationId: 'putCommitteeMember', tags, summary: 'Add a member or change their role',
      params: MembersParams, body: PutMembershipSchema,
      response: { 200: MembershipSchema, 201: MembershipSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const { id, personId } = request.params;
    const result = await committees.putMember(actorOf(request), id, personId, request.body);
    const membership = (await committees.members(id)).find((m) => m.personId === personId)!;
    return reply.code(result.created ? 201 : 200).send(membership);
  });

  app.delete('/committees/:id/members/:personId', {
    config: { scope: 'write' },
    schema: {
      operationId: 'deleteCommitteeMember', tags, summary: 'Remove a member from a committee',
      params: MembersParams,
      response: { 204: Type.Null(), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await committees.removeMember(actorOf(request), request.params.id, request.params.personId);
    return reply.code(204).send(null);
  });
};
