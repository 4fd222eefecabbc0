import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { PersonSchema } from '../people/schemas.js';
import { SubscriberParams } from './schemas.js';

// Who hears when an action is answered. PUT is idempotent (RFC 9110 §9.2.2): subscribing twice
// leaves one subscription and answers 204 both times.

const tags = ['actions'];

export const subscriberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { subscribers } = app.services;

  app.get('/actions/:id/subscribers', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listActionSubscribers', tags,
      summary: 'The people told when the action gets a progress update or a response, by id',
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(PersonSchema) }), ...problemResponses(404) },
    },
  }, async (request) => ({ data: await subscribers.list(actorOf(request), request.params.id) }));

  app.put('/actions/:id/subscribers/:personId', {
    config: { scope: 'write' },
    schema: {
      operationId: 'addActionSubscriber', tags,
      summary: 'Subscribe a person to the action (idempotent: already subscribed is no change)',
      params: SubscriberParams,
      response: { 204: Type.Null({ description: 'The person is subscribed' }), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await subscribers.subscribe(actorOf(request), request.params.id, request.params.personId);
    return reply.code(204).send(null);
  });

  app.delete('/actions/:id/subscribers/:personId', {
    config: { scope: 'write' },
    schema: {
      operationId: 'removeActionSubscriber', tags,
      summary: 'End a subscription; 404 when the person is not subscribed',
      params: SubscriberParams,
      response: { 204: Type.Null(), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await subscribers.unsubscribe(actorOf(request), request.params.id, request.params.personId);
    return reply.code(204).send(null);
  });
};
