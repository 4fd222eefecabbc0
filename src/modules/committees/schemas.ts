import { Type, type Static } from 'typebox';
import { DEFAULT_TIME_ZONE } from '../../domain/clock.js';
import { REFERENCE_PREFIX_MAX } from '../../domain/reference.js';
import { Email, Slug } from '../shared/schemas.js';
import { COMMITTEE_KINDS, MEMBERSHIP_ROLES } from '../../domain/vocabulary.js';
import { ID_MAX, ListQuery, NonEmpty, Nullable, SortQuery, StringEnum, Text, Timestamps, UpdateOf } from '../shared/schema-types.js';

const fields = {
  name: NonEmpty(200),
  slug: Slug,
  kind: StringEnum(COMMITTEE_KINDS),
  authority: Nullable(Text(200)),
  contactName: Nullable(Text(200)),
  contactEmail: Nullable(Email),
  contactPhone: Nullable(Text(50)),
  despatchClearDays: Type.Integer({ minimum: 0, maximum: 30, default: 5 }),
  reminderWorkingDays: Type.Integer({ minimum: 0, maximum: 60, default: 10 }),
  timezone: Type.String({ maxLength: 64, default: DEFAULT_TIME_ZONE, description: 'IANA time zone' }),
  referencePrefix: Type.String({
    minLength: 1,
    maxLength: REFERENCE_PREFIX_MAX,
    pattern: '^\\S(?:.*\\S)?$',
    description:
      'Starts the references generated for its actions ("CYPF" in "CYPF (24/25) 07"). Default: the initials of the ' +
      "name's subject words, leaving out and/of/the/for… and scrutiny/committee/board/panel… (\"Children, Young People " +
      'and Families Scrutiny Committee" → "CYPF"); with fewer than two subject words the initials of every word ' +
      '("Economy Scrutiny Committee" → "ESC"); a one-word name its first three letters ("Cabinet" → "CAB"). A change applies ' +
      'to references generated afterwards',
    examples: ['CYPF'],
  }),
};

export const CommitteeSchema = Type.Object(
  {
    id: Type.Integer(), ...fields,
    externalId: Type.Optional(Nullable(Type.String({ description: 'The Modern.gov committee id it is synced from' }))),
    ...Timestamps,
  },
  { $id: 'Committee', additionalProperties: false },
);
export type Committee = Static<typeof CommitteeSchema>;

export const CreateCommitteeSchema = Type.Object(
  {
    ...fields,
    slug: Type.Optional(Slug),
    authority: Type.Optional(fields.authority),
    contactName: Type.Optional(fields.contactName),
    contactEmail: Type.Optional(fields.contactEmail),
    contactPhone: Type.Optional(fields.contactPhone),
    despatchClearDays: Type.Optional(fields.despatchClearDays),
    reminderWorkingDays: Type.Optional(fields.reminderWorkingDays),
    timezone: Type.Optional(fields.timezone),
    referencePrefix: Type.Optional(fields.referencePrefix),
  },
  { additionalProperties: false },
);
export type CreateCommittee = Static<typeof CreateCommitteeSchema>;

export const UpdateCommitteeSchema = UpdateOf(CreateCommitteeSchema);
export type UpdateCommittee = Static<typeof UpdateCommitteeSchema>;

export const committeeSortFields = ['id', 'name', 'createdAt'] as const;
export const ListCommitteesQuery = Type.Object(
  {
    ...ListQuery,
    kind: Type.Optional(StringEnum(COMMITTEE_KINDS)),
    authority: Type.Optional(Text(200)),
    sort: SortQuery(committeeSortFields),
  },
  { additionalProperties: false },
);
export type ListCommitteesQuery = Static<typeof ListCommitteesQuery>;

export const MembershipSchema = Type.Object(
  {
    committeeId: Type.Integer(),
    personId: Type.Integer(),
    role: StringEnum(MEMBERSHIP_ROLES),
    from: Nullable(Type.String({ format: 'date' })),
    to: Nullable(Type.String({ format: 'date' })),
    person: Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() }),
    ...Timestamps,
  },
  { $id: 'Membership', additionalProperties: false },
);
export const PutMembershipSchema = Type.Object(
  {
    role: StringEnum(MEMBERSHIP_ROLES),
    from: Type.Optional(Nullable(Type.String({ format: 'date', maxLength: 10 }))),
    to: Type.Optional(Nullable(Type.String({ format: 'date', maxLength: 10 }))),
  },
  { additionalProperties: false },
);
export type PutMembership = Static<typeof PutMembershipSchema>;
export const MembersParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: ID_MAX }),
  personId: Type.Integer({ minimum: 1, maximum: ID_MAX }),
});
