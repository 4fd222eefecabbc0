import { Type } from 'typebox';
import { DateString, ID_MAX, ListQuery, Nullable, StringEnum } from '../shared/schema-types.js';
import { DOCUMENT_FORMATS } from '../../documents/formats.js';

const ReportedAction = Type.Object({
  id: Type.Integer(),
  reference: Type.String({ description: 'How the council cites the action, e.g. "CYPF (24/25) 07"' }),
  title: Type.String(),
  kind: Type.String(),
  owner: Nullable(Type.String()),
  dueRule: Type.String(),
  dueMeetingId: Nullable(Type.Integer()),
  dueDate: Nullable(Type.String({ format: 'date' })),
  daysOverdue: Type.Optional(Type.Integer({ description: 'Calendar days from the due-by date to asOf' })),
  timesFlagged: Type.Integer({ description: 'How many meetings it has been flagged overdue at' }),
  status: Type.String(),
  rag: Nullable(Type.String()),
});

export const OverdueReportSchema = Type.Object(
  {
    asOf: Type.String({ format: 'date' }),
    meetings: Type.Array(
      Type.Object({
        committee: Type.Object({ id: Type.Integer(), name: Type.String() }),
        meeting: Nullable(
          Type.Object({
            id: Type.Integer(),
            startsAt: Type.String(),
            agendaDespatchBy: Type.String({ format: 'date' }),
            venue: Nullable(Type.String()),
          }),
        ),
        overdue: Type.Array(ReportedAction),
        dueSoon: Type.Array(ReportedAction),
      }),
    ),
  },
  { $id: 'OverdueReport' },
);

export const ReportQuery = Type.Object(
  {
    asOf: Type.Optional(DateString({ description: "Default today in the committee's time zone" })),
    committeeId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
    format: Type.Optional(StringEnum(DOCUMENT_FORMATS, { description: 'Overrides the Accept header' })),
  },
  { additionalProperties: false },
);

export const ScanBody = Type.Object(
  {
    asOf: Type.Optional(DateString({ description: "Default today in the committee's time zone" })),
    committeeId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
  },
  { additionalProperties: false },
);

export const FlagSchema = Type.Object(
  {
    id: Type.Integer(),
    actionId: Type.Integer(),
    meetingId: Type.Integer(),
    flaggedOn: Type.String({ format: 'date' }),
    reason: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'OverdueFlag', additionalProperties: false },
);

export const FlagsQuery = Type.Object(
  {
    ...ListQuery,
    meetingId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
    actionId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
  },
  { additionalProperties: false },
);

export const ActionLogQuery = Type.Object(
  {
    asOf: Type.Optional(DateString({ description: "Default today in the committee's time zone" })),
    format: Type.Optional(StringEnum(DOCUMENT_FORMATS, { description: 'Overrides the Accept header' })),
  },
  { additionalProperties: false },
);
