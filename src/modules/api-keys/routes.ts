import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { created } from '../../http/links.js';
import { CouncilLimitSchema, NonEmpty, StringEnum } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { scopes } from './repository.js';

const tags = ['api-keys'];

const ApiKeySchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
    scopes: Type.Array(StringEnum(scopes)),
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    limit: Type.Union([CouncilLimitSchema, Type.Null()], {
      description: 'The council the key is limited to; null: every committee',
    }),
  },
  { $id: 'ApiKey', additionalProperties: false },
);
const NewApiKeySchema = Type.Object(
  {
    ...ApiKeySchema.properties,
    key: Type.String({ description: 'The secret: shown once, in this response only' }),
  },
  { additionalProperties: false },
);

export const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const apiKeys = app.services.apiKeys;

  app.get('/api-keys', {
    config: { scope: 'admin' },
    schema: {
      operationId: 'listApiKeys', tags, summary: 'List API keys (never their secrets)',
      response: { 200: Type.Object({ data: Type.Array(ApiKeySchema) }), ...problemResponses() },
    },
  }, async (request) => ({ data: await apiKeys.list(actorOf(request)) }));

  app.post('/api-keys', {
    config: { scope: 'admin' },
    schema: {
      operationId: 'createApiKey', tags, summary: 'Create an API key; the secret is in this response only',
      description:
        'With `limit`, the key sees and changes only the records of those committees: `{ "authority": "…" }` (every committee ' +
        'of that authority, including ones added later) or `{ "committeeIds": [ … ] }`. An admin key that is itself limited ' +
        'creates only keys within its own limit.',
      body: Type.Object(
        {
          name: NonEmpty(100),
          scopes: Type.Array(StringEnum(scopes), { minItems: 1, maxItems: 5, uniqueItems: true }),
          limit: Type.Optional(CouncilLimitSchema),
        },
        { additionalProperties: false },
      ),
      response: { 201: NewApiKeySchema, ...problemResponses(422) },
    },
  }, async (request, reply) => {
    const key = await apiKeys.create(actorOf(request), request.body.name.trim(), request.body.scopes, request.body.limit);
    reply.header('cache-control', 'no-store');
    return created(reply, `/v1/api-keys/${key.id}`, key);
  });

  app.delete('/api-keys/:id', {
    config: { scope: 'admin' },
    schema: {
      operationId: 'revokeApiKey', tags, summary: 'Revoke an API key, with immediate effect',
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await apiKeys.revoke(actorOf(request), request.params.id);
    return reply.code(204).send(null);
  });
};
