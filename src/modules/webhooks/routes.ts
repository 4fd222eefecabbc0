import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { created, sendPage } from '../../http/links.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { ListOf } from '../shared/schema-types.js';
import {
  CreateWebhookSchema,
  DeliveryParams,
  ListDeliveriesQuery,
  NewWebhookSchema,
  UpdateWebhookSchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from './schemas.js';

const tags = ['webhooks'];

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const webhooks = app.services.webhooks;
  const config = { scope: 'admin' as const };

  app.get('/webhooks', {
    config,
    schema: {
      operationId: 'listWebhooks', tags, summary: 'List webhooks (never their secrets)',
      response: { 200: Type.Object({ data: Type.Array(WebhookSchema) }), ...problemResponses() },
    },
  }, async (request) => ({ data: await webhooks.list(actorOf(request)) }));

  app.post('/webhooks', {
    config,
    schema: {
      operationId: 'createWebhook', tags, summary: 'Subscribe a URL to events; the signing secret is in this response only',
      description: 'With `Idempotency-Key`, a retry is refused (409, `Location` naming the webhook the first request created): '
        + 'the answer held the secret, which is never stored, so it cannot be repeated, and nothing new is created.',
      body: CreateWebhookSchema,
      response: { 201: NewWebhookSchema, ...problemResponses(409, 422) },
    },
  }, async (request, reply) => {
    const webhook = await webhooks.create(actorOf(request), request.body);
    setEtag(reply, webhook);
    reply.header('cache-control', 'no-store');
    return created(reply, `/v1/webhooks/${webhook.id}`, webhook);
  });

  app.get('/webhooks/:id', {
    config,
    schema: {
      operationId: 'getWebhook', tags, summary: 'Get a webhook',
      params: IdParams,
      response: { 200: WebhookSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const webhook = await webhooks.get(actorOf(request), request.params.id);
    setEtag(reply, webhook);
    return webhook;
  });

  app.patch('/webhooks/:id', {
    config,
    schema: {
      operationId: 'updateWebhook', tags, summary: 'Change a webhook: its URL, events, scopes, or enable it again',
      params: IdParams, body: UpdateWebhookSchema,
      response: { 200: WebhookSchema, ...problemResponses(404, 412) },
    },
  }, async (request, reply) => {
    const webhook = await webhooks.update(actorOf(request), request.params.id, request.body, (row) => checkIfMatch(request, row));
    setEtag(reply, webhook);
    return webhook;
  });

  app.delete('/webhooks/:id', {
    config,
    schema: {
      operationId: 'deleteWebhook', tags, summary: 'Delete a webhook and its deliveries',
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404, 412) },
    },
  }, async (request, reply) => {
    await webhooks.remove(actorOf(request), request.params.id, (row) => checkIfMatch(request, row));
    return reply.code(204).send(null);
  });

  app.get('/webhooks/:id/deliveries', {
    config,
    schema: {
      operationId: 'listWebhookDeliveries', tags, summary: "A webhook's deliveries, newest first, each with its attempts",
      params: IdParams, querystring: ListDeliveriesQuery,
      response: { 200: ListOf(WebhookDeliverySchema), ...problemResponses(404) },
    },
  }, async (request, reply) => sendPage(request, reply, await webhooks.deliveries(actorOf(request), request.params.id, request.query)));

  app.post('/webhooks/:id/deliveries/:deliveryId/retry', {
    config,
    schema: {
      operationId: 'retryWebhookDelivery', tags, summary: 'Send a delivery again now, whatever became of it',
      params: DeliveryParams,
      response: { 202: Type.Null(), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await webhooks.retry(actorOf(request), request.params.id, request.params.deliveryId);
    return reply.code(202).send(null);
  });
};
