import { Type, type Static } from 'typebox';
import { visibilities } from '../../domain/visibility.js';
import { RESOLUTION_KINDS } from '../../domain/vocabulary.js';
import { ListQuery, NonEmpty, Nullable, StringEnum, Text, Timestamps, UpdateOf } from '../shared/schema-types.js';

const Count = Type.Integer({ minimum: 0, maximum: 10_000 });

// Minutes often record only part of a vote ("carried on a show of hands"), so every part is
// optional; a vote with nothing in it is no vote.
export const VoteInputSchema = Type.Object(
  {
    for: Type.Optional(Nullable(Count)),
    against: Type.Optional(Nullable(Count)),
    abstentions: Type.Optional(Nullable(Count)),
    method: Type.Optional(Nullable(Text(100, { description: 'e.g. "show of hands", "recorded vote"' }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type VoteInput = Static<typeof VoteInputSchema>;

export const VoteSchema = Type.Object(
  {
    for: Nullable(Type.Integer()),
    against: Nullable(Type.Integer()),
    abstentions: Nullable(Type.Integer()),
    method: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const ResolutionSchema = Type.Object(
  {
    id: Type.Integer(),
    itemId: Type.Integer(),
    number: Nullable(Type.String({ description: 'As minuted: "1", "2", "a"' })),
    text: Type.String(),
    kind: StringEnum(RESOLUTION_KINDS),
    vote: Nullable(VoteSchema),
    visibility: StringEnum(visibilities, { description: "Inherited from the agenda item" }),
    ...Timestamps,
  },
  { $id: 'Resolution', additionalProperties: false },
);
export type Resolution = Static<typeof ResolutionSchema>;

export const CreateResolutionSchema = Type.Object(
  {
    number: Type.Optional(Nullable(Text(20, { minLength: 1 }))),
    text: NonEmpty(20_000),
    kind: StringEnum(RESOLUTION_KINDS),
    vote: Type.Optional(Nullable(VoteInputSchema)),
  },
  { additionalProperties: false },
);
export type CreateResolution = Static<typeof CreateResolutionSchema>;

export const UpdateResolutionSchema = UpdateOf(CreateResolutionSchema);
export type UpdateResolution = Static<typeof UpdateResolutionSchema>;

export const ListResolutionsQuery = Type.Object(
  { ...ListQuery, kind: Type.Optional(StringEnum(RESOLUTION_KINDS)) },
  { additionalProperties: false },
);
export type ListResolutionsQuery = Static<typeof ListResolutionsQuery>;
