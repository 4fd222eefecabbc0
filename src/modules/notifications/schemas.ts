import { Type, type Static } from 'typebox';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, RECIPIENT_ROLES } from '../../domain/notifications.js';
import { ID_MAX, ListQuery, Nullable, StringEnum } from '../shared/schema-types.js';

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const NotificationSchema = Type.Object(
  {
    id: Type.Integer(),
    asOf: Type.String({ format: 'date', description: 'The day the pass was run as of' }),
    personId: Nullable(Type.Integer({ description: 'The recipient; null for a committee contact officer' })),
    email: Nullable(Type.String({ description: 'Where it went (null when the person has no email)' })),
    kind: StringEnum(NOTIFICATION_KINDS),
    recipientRole: StringEnum(RECIPIENT_ROLES, { description: 'owner; chair (copied from the second flag); contact (an action with no owner); requester and subscriber (response notices)' }),
    actionIds: Type.Array(Type.Integer()),
    subject: Nullable(Type.String()),
    status: StringEnum(NOTIFICATION_STATUSES),
    reason: Nullable(Type.String({ description: 'not_sent: why (e.g. "no SMTP", "no email", "opted out"); failed: the SMTP error' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Notification', additionalProperties: false },
);
export type Notification = Static<typeof NotificationSchema>;

export const ListNotificationsQuery = Type.Object(
  {
    ...ListQuery,
    personId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
    actionId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
    kind: Type.Optional(StringEnum(NOTIFICATION_KINDS)),
    status: Type.Optional(StringEnum(NOTIFICATION_STATUSES)),
  },
  { additionalProperties: false },
);
export type ListNotificationsQuery = Static<typeof ListNotificationsQuery>;

export const RunNotificationsSchema = Type.Object(
  {
    asOf: Type.Optional(Day),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'true: decide and report, send and record nothing' })),
  },
  { additionalProperties: false },
);
export type RunNotifications = Static<typeof RunNotificationsSchema>;

export const NotificationEmailSchema = Type.Object(
  {
    personId: Nullable(Type.Integer()),
    email: Nullable(Type.String()),
    recipientRoles: Type.Array(StringEnum(RECIPIENT_ROLES)),
    kinds: Type.Array(StringEnum(NOTIFICATION_KINDS)),
    actionIds: Type.Array(Type.Integer()),
    subject: Type.String(),
    status: Type.Union([StringEnum(NOTIFICATION_STATUSES), Type.Literal('would_send')], { description: 'would_send: a dry run' }),
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const NotificationRunSchema = Type.Object(
  {
    asOf: Type.String({ format: 'date' }),
    dryRun: Type.Boolean(),
    emails: Type.Array(NotificationEmailSchema),
  },
  { $id: 'NotificationRun', additionalProperties: false },
);
export type NotificationRun = Static<typeof NotificationRunSchema>;
export type NotificationEmail = Static<typeof NotificationEmailSchema>;
