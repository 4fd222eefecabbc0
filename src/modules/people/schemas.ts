import { Type, type Static } from 'typebox';
import { Email } from '../shared/schemas.js';
import { PERSON_KINDS } from '../../domain/vocabulary.js';
import { ListQuery, NonEmpty, Nullable, SortQuery, StringEnum, Text, Timestamps, UpdateOf } from '../shared/schema-types.js';

const fields = {
  name: NonEmpty(200),
  title: Nullable(Text(100, { description: 'e.g. "Councillor", "Dr"' })),
  kind: StringEnum(PERSON_KINDS),
  role: Nullable(Text(300, { description: `e.g. "Director of Children's Services", "Roman Catholic Church Representative"` })),
  organisation: Nullable(Text(300)),
  email: Nullable(Email),
  notify: Type.Boolean({ description: 'false: the person has opted out of notification emails' }),
};

export const PersonSchema = Type.Object(
  { id: Type.Integer(), ...fields, ...Timestamps },
  { $id: 'Person', additionalProperties: false },
);
export type Person = Static<typeof PersonSchema>;

export const CreatePersonSchema = Type.Object(
  {
    name: fields.name,
    kind: fields.kind,
    title: Type.Optional(fields.title),
    role: Type.Optional(fields.role),
    organisation: Type.Optional(fields.organisation),
    email: Type.Optional(fields.email),
    notify: Type.Optional(Type.Boolean({ default: true, description: 'false: the person has opted out of notification emails' })),
  },
  { additionalProperties: false },
);
export type CreatePerson = Static<typeof CreatePersonSchema>;

export const UpdatePersonSchema = UpdateOf(CreatePersonSchema);
export type UpdatePerson = Static<typeof UpdatePersonSchema>;

export const personSortFields = ['id', 'name', 'createdAt'] as const;
export const ListPeopleQuery = Type.Object(
  {
    ...ListQuery,
    kind: Type.Optional(StringEnum(PERSON_KINDS)),
    q: Type.Optional(Text(200, { minLength: 1, description: 'Part of the name, any case' })),
    sort: SortQuery(personSortFields),
  },
  { additionalProperties: false },
);
export type ListPeopleQuery = Static<typeof ListPeopleQuery>;
