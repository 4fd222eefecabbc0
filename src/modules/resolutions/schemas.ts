import { Type, type Static } from 'typebox';
import { visibilityValues } from '../../db/schema.js';
import { ListQuery, NonEmpty, Nullable, Text, Timestamps, UpdateOf } from '../../http/schemas.js';

export const resolutionKinds = ['noted', 'agreed', 'recommendation', 'request', 'referral', 'other'] as const;

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
    kind: Type.Enum(resolutionKinds),
    vote: Nullable(VoteSchema),
    visibility: Type.Enum(visibilityValues, { description: "Inherited from the agenda item" }),
    ...Timestamps,
  },
  { $id: 'Resolution', additionalProperties: false },
);
export type Resolution = Static<typeof ResolutionSchema>;

export const CreateResolutionSchema = Type.Object(
  {
    number: Type.Optional(Nullable(Text(20, { minLength: 1 }))),
    text: NonEmpty(20_000),
    kind: Type.Enum(resolutionKinds),
    vote: Type.Optional(Nullable(VoteInputSchema)),
  },
  { additionalProperties: false },
);
export type CreateResolution = Static<typeof CreateResolutionSchema>;

export const UpdateResolutionSchema = UpdateOf(CreateResolutionSchema);
export type UpdateResolution = Static<typeof UpdateResolutionSchema>;

export const ListResolutionsQuery = Type.Object(
  { ...ListQuery, kind: Type.Optional(Type.Enum(resolutionKinds)) },
  { additionalProperties: false },
);
export type ListResolutionsQuery = Static<typeof ListResolutionsQuery>;
