import { Type, type Static } from 'typebox';
import { ACTION_STATUSES } from '../../domain/action-lifecycle.js';
import { DUE_RULES } from '../../domain/due.js';
import { EXECUTIVE_RESPONSES } from '../../domain/executive-response.js';
import { REFERENCE_MAX } from '../../domain/reference.js';
import { visibilities } from '../../domain/visibility.js';
import { ACTION_KINDS, RAG_RATINGS } from '../../domain/vocabulary.js';
import { DateString, ID_MAX, ListQuery, NonEmpty, Nullable, SortQuery, StringEnum, Text, Timestamps, withoutDefaults } from '../shared/schema-types.js';

const Id = Type.Integer({ minimum: 1, maximum: ID_MAX });
const Rag = StringEnum(RAG_RATINGS);
/** As councils cite actions; generated ones read "CYPF (24/25) 07". */
export const Reference = Type.String({
  minLength: 1,
  maxLength: REFERENCE_MAX,
  pattern: '^\\S(?:.*\\S)?$',
  description: 'Unique within the committee; without one, the next of the committee\'s "{referencePrefix} ({yy/yy}) {nn}" for the municipal year of the meeting it was raised at',
  examples: ['CYPF (24/25) 07'],
});
const Quarter = Type.String({
  maxLength: 10,
  description: 'Local-government financial quarter, e.g. "2024-25 Q3" (Q1 = April–June)',
  examples: ['2024-25 Q3'],
});

export const ActionSchema = Type.Object(
  {
    id: Type.Integer(),
    reference: Type.String({ description: 'How the council cites it, unique within the committee, e.g. "CYPF (24/25) 07"' }),
    committeeId: Type.Integer(),
    meetingId: Type.Integer({ description: 'The meeting the action was raised at' }),
    itemId: Nullable(Type.Integer()),
    resolutionId: Nullable(Type.Integer()),
    kind: StringEnum(ACTION_KINDS),
    title: Type.String(),
    detail: Nullable(Type.String()),
    requestedById: Nullable(Type.Integer()),
    ownerId: Nullable(Type.Integer()),
    ownerText: Nullable(Type.String()),
    dueRule: StringEnum(DUE_RULES),
    dueMeetingId: Nullable(Type.Integer()),
    dueDate: Nullable(Type.String({ format: 'date', description: 'The effective due-by date' })),
    dueQuarter: Nullable(Type.String()),
    status: StringEnum(ACTION_STATUSES),
    rag: Nullable(Rag),
    response: Nullable(Type.String()),
    respondedOn: Nullable(Type.String({ format: 'date' })),
    respondedMeetingId: Nullable(Type.Integer()),
    visibility: StringEnum(visibilities, { description: "The stricter of the action's own and its item's" }),
    directedTo: Nullable(Type.String()),
    receivedOn: Nullable(Type.String({ format: 'date' })),
    noticeOn: Nullable(Type.String({ format: 'date' })),
    responseDueOn: Nullable(Type.String({ format: 'date', description: 'Executive response due (LGA 2000 s9FE)' })),
    executiveResponse: Nullable(StringEnum(EXECUTIVE_RESPONSES)),
    responseReason: Nullable(Type.String()),
    overdue: Type.Boolean(),
    timesFlagged: Type.Integer(),
    ...Timestamps,
  },
  { $id: 'Action', additionalProperties: false },
);
export type Action = Static<typeof ActionSchema>;

const writable = {
  itemId: Nullable(Id),
  resolutionId: Nullable(Id),
  kind: StringEnum(ACTION_KINDS),
  title: NonEmpty(300),
  detail: Nullable(Text(10000)),
  requestedById: Nullable(Id),
  ownerId: Nullable(Id),
  ownerText: Nullable(Text(300)),
  dueMeetingId: Nullable(Id),
  dueDate: Nullable(DateString()),
  dueQuarter: Nullable(Quarter),
  rag: Nullable(Rag),
  visibility: StringEnum(visibilities),
  directedTo: Nullable(Text(300)),
  receivedOn: Nullable(DateString()),
  noticeOn: Nullable(DateString()),
  executiveResponse: Nullable(StringEnum(EXECUTIVE_RESPONSES)),
  responseReason: Nullable(Text(10000)),
};
const optional = <T extends Record<string, import('typebox').TSchema>>(o: T) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>> };

export const CreateActionSchema = Type.Object(
  {
    meetingId: Id,
    committeeId: Type.Optional(Id),
    reference: Type.Optional(Reference),
    ...optional(writable),
    kind: writable.kind,
    title: writable.title,
  },
  { additionalProperties: false },
);
export type CreateAction = Static<typeof CreateActionSchema>;

export const UpdateActionSchema = withoutDefaults(Type.Object(
  {
    ...optional(writable),
    reference: Type.Optional(Reference),
    status: Type.Optional(StringEnum(ACTION_STATUSES)),
    response: Type.Optional(Nullable(Text(20000))),
    respondedOn: Type.Optional(Nullable(DateString())),
    respondedMeetingId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false, minProperties: 1 },
));
export type UpdateAction = Static<typeof UpdateActionSchema>;

export const actionSortFields = ['id', 'createdAt', 'updatedAt', 'dueDate', 'title'] as const;
const Bool = StringEnum(['true', 'false']);
export const ListActionsQuery = Type.Object(
  {
    ...ListQuery,
    committeeId: Type.Optional(Id),
    meetingId: Type.Optional(Id),
    dueMeetingId: Type.Optional(Id),
    itemId: Type.Optional(Id),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: REFERENCE_MAX, description: 'Exactly this reference' })),
    status: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: `^(${ACTION_STATUSES.join('|')})(,(${ACTION_STATUSES.join('|')}))*$`,
        description: 'Comma-separated statuses',
      }),
    ),
    kind: Type.Optional(StringEnum(ACTION_KINDS)),
    ownerId: Type.Optional(Id),
    overdue: Type.Optional(Bool),
    asOf: Type.Optional(DateString({ description: "The day `overdue` is judged on; default today in the action's committee's time zone" })),
    dueBefore: Type.Optional(DateString()),
    dueAfter: Type.Optional(DateString()),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Full text over title, detail and response' })),
    sort: SortQuery(actionSortFields),
    format: Type.Optional(StringEnum(['json', 'csv'], { description: 'csv: every matching action as a spreadsheet (not one page; limit and cursor do not apply), as `Accept: text/csv` asks too' })),
    bom: Type.Optional(StringEnum(['true', 'false'], { description: 'With CSV: begin with a UTF-8 byte order mark, so that Excel reads the file as UTF-8' })),
  },
  { additionalProperties: false },
);
export type ListActionsQuery = Static<typeof ListActionsQuery>;

export const AsOfQuery = Type.Object(
  { asOf: Type.Optional(DateString({ description: "The day `overdue` is judged on; default today in the action's committee's time zone" })) },
  { additionalProperties: false },
);

export const ActionUpdateSchema = Type.Object(
  {
    id: Type.Integer(),
    actionId: Type.Integer(),
    text: Type.String(),
    rag: Nullable(Rag),
    authorId: Nullable(Type.Integer()),
    recordedBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ActionUpdate', additionalProperties: false },
);
export const CreateActionUpdateSchema = Type.Object(
  { text: NonEmpty(10000), rag: Type.Optional(Nullable(Rag)), authorId: Type.Optional(Nullable(Id)) },
  { additionalProperties: false },
);
export type CreateActionUpdate = Static<typeof CreateActionUpdateSchema>;
