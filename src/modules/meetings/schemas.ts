import { Type, type Static } from 'typebox';
import { MEETING_STATUSES } from '../../domain/due.js';
import { ATTENDANCE_STATUSES } from '../../domain/vocabulary.js';
import { DateString, ID_MAX, ListQuery, Nullable, SUPPORTED_YEARS, SortQuery, StringEnum, Text, Timestamps, UpdateOf } from '../shared/schema-types.js';

// An instant with an explicit offset: "2024-07-15T18:30:00+01:00" (or Z).
const StartsAt = Type.String({
  format: 'date-time',
  maxLength: 40,
  pattern: SUPPORTED_YEARS,
  description: 'ISO 8601 date-time with offset; the local date is taken in the committee time zone',
});

export const MeetingSchema = Type.Object(
  {
    id: Type.Integer(),
    committeeId: Type.Integer(),
    startsAt: Type.String(),
    venue: Nullable(Type.String()),
    status: StringEnum(MEETING_STATUSES),
    externalId: Nullable(Type.String()),
    minutesApprovedOn: Nullable(Type.String({ format: 'date' })),
    localDate: Type.String({ format: 'date', description: 'The meeting date in the committee time zone' }),
    agendaDespatchBy: Type.String({
      format: 'date',
      description: 'Last working day to publish the agenda: despatchClearDays clear working days before the meeting',
    }),
    ...Timestamps,
  },
  { $id: 'Meeting', additionalProperties: false },
);

export const CreateMeetingSchema = Type.Object(
  {
    startsAt: StartsAt,
    venue: Type.Optional(Nullable(Text(300))),
    status: Type.Optional(StringEnum(MEETING_STATUSES)),
    externalId: Type.Optional(Nullable(Text(100, { minLength: 1 }))),
    minutesApprovedOn: Type.Optional(Nullable(DateString())),
  },
  { additionalProperties: false },
);
export type CreateMeeting = Static<typeof CreateMeetingSchema>;

export const UpdateMeetingSchema = UpdateOf(CreateMeetingSchema);
export type UpdateMeeting = Static<typeof UpdateMeetingSchema>;

export const meetingSortFields = ['startsAt', 'id'] as const;
export const ListMeetingsQuery = Type.Object(
  {
    ...ListQuery,
    status: Type.Optional(StringEnum(MEETING_STATUSES)),
    from: Type.Optional(DateString({ description: 'Meetings on or after this local date' })),
    to: Type.Optional(DateString({ description: 'Meetings on or before this local date' })),
    externalId: Type.Optional(Text(100)),
    sort: SortQuery(meetingSortFields),
  },
  { additionalProperties: false },
);
export type ListMeetingsQuery = Static<typeof ListMeetingsQuery>;

export const AttendanceEntrySchema = Type.Object(
  { personId: Type.Integer({ minimum: 1, maximum: ID_MAX }), status: StringEnum(ATTENDANCE_STATUSES) },
  { additionalProperties: false },
);
export const AttendanceSchema = Type.Object({
  data: Type.Array(
    Type.Object({
      personId: Type.Integer(),
      status: StringEnum(ATTENDANCE_STATUSES),
      person: Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() }),
    }),
  ),
});
export const PutAttendanceSchema = Type.Array(AttendanceEntrySchema, { maxItems: 500 });
