import { Type, type Static } from 'typebox';
import { DELIVERY_STATUSES, WEBHOOK_EVENTS, READ_SCOPES } from '../../domain/webhooks.js';
import { CouncilLimitSchema, ID_MAX, ListQuery, NonEmpty, Nullable, StringEnum, Text, Timestamps, UpdateOf } from '../shared/schema-types.js';

// Event names are checked by the repository rather than by an enum here, so that a 400 can name
// the unknown event (Ajv's enum message does not say which value it refused).
const EventName = Text(64, { minLength: 1, description: `One of: ${WEBHOOK_EVENTS.join(', ')}` });

const fields = {
  url: NonEmpty(2000, { description: 'Absolute http or https URL the events are POSTed to' }),
  events: Type.Array(EventName, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true }),
  scopes: Type.Array(StringEnum(READ_SCOPES), {
    minItems: 1, maxItems: READ_SCOPES.length, uniqueItems: true,
    description: 'What it may be told about, as an API key with these scopes may read',
  }),
  enabled: Type.Boolean({ default: true }),
};

export const WebhookSchema = Type.Object(
  {
    id: Type.Integer(),
    url: Type.String(),
    events: Type.Array(StringEnum(WEBHOOK_EVENTS)),
    scopes: Type.Array(StringEnum(READ_SCOPES)),
    enabled: Type.Boolean(),
    disabledReason: Nullable(Type.String({ description: 'Why it was disabled, e.g. the receiver answered 410 Gone' })),
    limit: Type.Union([CouncilLimitSchema, Type.Null()], { description: 'The council it hears of; null: every committee' }),
    ...Timestamps,
  },
  { $id: 'Webhook', additionalProperties: false },
);
export type Webhook = Static<typeof WebhookSchema>;

export const NewWebhookSchema = Type.Object(
  {
    ...WebhookSchema.properties,
    secret: Type.String({ description: 'The signing secret (`whsec_` + base64): shown once, in this response only' }),
  },
  { additionalProperties: false },
);

export const CreateWebhookSchema = Type.Object(
  {
    url: fields.url, events: fields.events, scopes: fields.scopes, enabled: Type.Optional(fields.enabled),
    limit: Type.Optional(CouncilLimitSchema),
  },
  { additionalProperties: false },
);
export type CreateWebhook = Static<typeof CreateWebhookSchema>;

export const UpdateWebhookSchema = UpdateOf(CreateWebhookSchema);
export type UpdateWebhook = Static<typeof UpdateWebhookSchema>;

export const WebhookAttemptSchema = Type.Object(
  {
    attemptedAt: Type.String({ format: 'date-time' }),
    statusCode: Nullable(Type.Integer({ description: "The receiver's HTTP status; null when none came" })),
    error: Nullable(Type.String()),
    durationMs: Type.Integer(),
    nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'When it is tried again; null when not' })),
  },
  { additionalProperties: false },
);

export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.Integer(),
    webhookId: Type.Integer(),
    eventId: Type.Integer(),
    type: StringEnum(WEBHOOK_EVENTS),
    status: StringEnum(DELIVERY_STATUSES),
    nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    attempts: Type.Array(WebhookAttemptSchema),
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
);
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

export const ListDeliveriesQuery = Type.Object(
  { ...ListQuery, status: Type.Optional(StringEnum(DELIVERY_STATUSES)) },
  { additionalProperties: false },
);
export type ListDeliveriesQuery = Static<typeof ListDeliveriesQuery>;

export const DeliveryParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: ID_MAX }), deliveryId: Type.Integer({ minimum: 1, maximum: ID_MAX }) },
  { additionalProperties: false },
);
