import type { SwaggerOptions } from '@fastify/swagger';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../domain/webhooks.js';

// The payloads receivers get, as OpenAPI 3.1 `webhooks` (one entry per event type), with the
// Standard Webhooks headers they are signed with. The resources are referenced from the
// components the routes already publish.

const action = { $ref: '#/components/schemas/Action' };
const data: Record<WebhookEvent, Record<string, unknown>> = {
  'action.created': action,
  'action.updated': action,
  'action.responded': action,
  'action.reminded': action,
  'action.flagged': {
    type: 'object',
    required: ['action', 'meetingId', 'flaggedOn', 'reason'],
    properties: {
      action,
      meetingId: { type: 'integer', description: 'The meeting it was flagged against' },
      flaggedOn: { type: 'string', format: 'date' },
      reason: { type: 'string' },
    },
  },
  'meeting.updated': { $ref: '#/components/schemas/Meeting' },
  'scan.completed': {
    type: 'object',
    required: ['asOf', 'committeeId', 'flagsRecorded'],
    properties: {
      asOf: { type: ['string', 'null'], format: 'date', description: "The day asked for; null: each committee's today" },
      committeeId: { type: ['integer', 'null'] },
      flagsRecorded: { type: 'integer', description: 'Flags the scan added to public actions' },
    },
  },
};

const summaries: Record<WebhookEvent, string> = {
  'action.created': 'An action was created',
  'action.updated': 'An action was changed (a progress update with a RAG included)',
  'action.responded': 'An action became responded',
  'action.flagged': 'The overdue scan flagged an action',
  'action.reminded': 'An action owner was reminded',
  'meeting.updated': 'A meeting was changed',
  'scan.completed': 'An overdue scan finished',
};

const header = (name: string, description: string) => ({ name, in: 'header' as const, required: true, description, schema: { type: 'string' } });

type Webhooks = Extract<NonNullable<Extract<SwaggerOptions, { openapi?: unknown }>['openapi']>, { webhooks?: unknown }>['webhooks'];

/** The document's `webhooks` (checked by the OpenAPI lint, not by this type: the schemas are plain JSON). */
export const webhookDocs = Object.fromEntries(
  WEBHOOK_EVENTS.map((type) => [
    type,
    {
      post: {
        operationId: `webhook${type.split('.').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`,
        summary: summaries[type],
        description:
          'Sent only to webhooks subscribed to the event whose scopes can read the record. A 2xx answer is a delivery; ' +
          'anything else is retried with exponential backoff for at least 24 hours; 410 Gone disables the webhook. ' +
          'Redirects are not followed.',
        tags: ['webhooks'],
        // The receiver checks the signature, not an API key.
        security: [],
        parameters: [
          header('webhook-id', 'The message id, the same on every retry: use it to ignore duplicates'),
          header('webhook-timestamp', 'Unix seconds when it was sent'),
          header('webhook-signature', '`v1,` + base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" keyed with the secret\'s base64-decoded bytes after `whsec_`'),
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['type', 'timestamp', 'data'],
                properties: {
                  type: { type: 'string', const: type },
                  timestamp: { type: 'string', format: 'date-time', description: 'When the event happened' },
                  data: data[type],
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'Received (any 2xx)' },
          '410': { description: 'Gone: the webhook is disabled' },
        },
      },
    },
  ]),
) as Webhooks;
