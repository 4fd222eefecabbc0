import { Type, type Static } from 'typebox';
import { visibilities } from '../../domain/visibility.js';
import { DECLARATION_KINDS } from '../../domain/vocabulary.js';
import { ID_MAX, ListQuery, NonEmpty, Nullable, StringEnum, Text, Timestamps, UpdateOf } from '../shared/schema-types.js';

const Id = Type.Integer({ minimum: 1, maximum: ID_MAX });
// Schedule 12A Local Government Act 1972 lists seven descriptions of exempt information.
const ExemptParagraph = Type.Integer({
  minimum: 1,
  maximum: 7,
  description: 'Schedule 12A paragraph (1–7); required when the item is exempt, optional when confidential, null when public',
});

export const ItemSchema = Type.Object(
  {
    id: Type.Integer(),
    meetingId: Type.Integer(),
    number: Nullable(Type.String({ description: 'As printed on the agenda: "16", "5a"' })),
    title: Type.String(),
    minutes: Nullable(Type.String()),
    position: Type.Integer({ description: 'Order on the agenda' }),
    visibility: StringEnum(visibilities),
    exemptParagraph: Nullable(ExemptParagraph),
    externalId: Type.Optional(Nullable(Type.String({ description: 'The Modern.gov agenda item id it is synced from' }))),
    ...Timestamps,
  },
  { $id: 'AgendaItem', additionalProperties: false },
);
export type Item = Static<typeof ItemSchema>;

export const CreateItemSchema = Type.Object(
  {
    number: Type.Optional(Nullable(Text(20, { minLength: 1 }))),
    title: NonEmpty(500),
    minutes: Type.Optional(Nullable(Text(100_000))),
    position: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000, description: 'Defaults to after the last item' }),
    ),
    visibility: Type.Optional(StringEnum(visibilities, { default: 'public' })),
    exemptParagraph: Type.Optional(Nullable(ExemptParagraph)),
  },
  { additionalProperties: false },
);
export type CreateItem = Static<typeof CreateItemSchema>;

export const UpdateItemSchema = UpdateOf(CreateItemSchema);
export type UpdateItem = Static<typeof UpdateItemSchema>;

export const ListItemsQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export type ListItemsQuery = Static<typeof ListItemsQuery>;

export const DeclarationSchema = Type.Object(
  {
    id: Type.Integer(),
    itemId: Type.Integer(),
    personId: Type.Integer(),
    person: Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() }),
    kind: StringEnum(DECLARATION_KINDS),
    detail: Nullable(Type.String()),
    ...Timestamps,
  },
  { $id: 'Declaration', additionalProperties: false },
);
export type Declaration = Static<typeof DeclarationSchema>;

export const CreateDeclarationSchema = Type.Object(
  { personId: Id, kind: StringEnum(DECLARATION_KINDS), detail: Type.Optional(Nullable(Text(2000))) },
  { additionalProperties: false },
);
export type CreateDeclaration = Static<typeof CreateDeclarationSchema>;

/** `limit` and `cursor` for the `…/history` routes, which return the shared HistorySchema. */
export const HistoryQuery = ListItemsQuery;
export type HistoryQuery = Static<typeof HistoryQuery>;
