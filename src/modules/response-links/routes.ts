import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { created } from '../../http/links.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { IssuedResponseLinkSchema, IssueResponseLinkSchema, ResponseLinkParams, ResponseLinkSchema } from './schemas.js';

// Issuing and revoking response links through the API (write scope). The caller must be able
// to see the action; the link itself then lets its person see that action and nothing else.

const tags = ['actions'];

export const responseLinkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { actions, responseLinks } = app.services;

  app.post('/actions/:id/response-links', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createResponseLink', tags,
      summary: "Issue a personal link with which the action's owner can answer it without an API key",
      description: 'The link works for RESPONSE_LINK_DAYS days, while the action is open, in progress or responded and the person is still its owner.',
      params: IdParams, body: IssueResponseLinkSchema,
      response: { 201: IssuedResponseLinkSchema, ...problemResponses(404, 409, 422) },
    },
  }, async (request, reply) => {
    await actions.assertVisible(actorOf(request), request.params.id);
    // With no PUBLIC_BASE_URL the link points where this request came in (a Host that makes no
    // origin is left out: the link then names this machine).
    const origin = URL.parse(`${request.protocol}://${request.host}`)?.origin;
    const link = await responseLinks.issue(request.params.id, request.body.personId, responseLinks.now(), { actor: actorOf(request), origin });
    reply.header('cache-control', 'no-store');
    return created(reply, `/v1/actions/${request.params.id}/response-links/${link.id}`, link);
  });

  app.get('/actions/:id/response-links', {
    config: { scope: 'write' },
    schema: {
      operationId: 'listResponseLinks', tags, summary: "The action's response links (without their URLs), oldest first",
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(ResponseLinkSchema) }), ...problemResponses(404) },
    },
  }, async (request) => {
    await actions.assertVisible(actorOf(request), request.params.id);
    return { data: await responseLinks.list(request.params.id) };
  });

  app.delete('/actions/:id/response-links/:linkId', {
    config: { scope: 'write' },
    schema: {
      operationId: 'revokeResponseLink', tags, summary: 'Revoke a response link, with immediate effect',
      params: ResponseLinkParams,
      response: { 204: Type.Null(), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await actions.assertVisible(actorOf(request), request.params.id);
    await responseLinks.revoke(actorOf(request), request.params.id, request.params.linkId);
    return reply.code(204).send(null);
  });
};
