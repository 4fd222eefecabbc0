import { Type, type Static } from 'typebox';
import { ID_MAX, Nullable } from '../shared/schema-types.js';

const Id = Type.Integer({ minimum: 1, maximum: ID_MAX });

export const IssueResponseLinkSchema = Type.Object(
  { personId: Id },
  { additionalProperties: false },
);
export type IssueResponseLink = Static<typeof IssueResponseLinkSchema>;

export const IssuedResponseLinkSchema = Type.Object(
  {
    id: Type.Integer({ description: 'The link, to revoke it' }),
    url: Type.String({ description: '`{PUBLIC_BASE_URL}/respond/{token}`: personal, send it to the person only' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'IssuedResponseLink', additionalProperties: false },
);

export const ResponseLinkSchema = Type.Object(
  {
    id: Type.Integer(),
    actionId: Type.Integer(),
    personId: Type.Integer(),
    expiresAt: Type.String({ format: 'date-time' }),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ResponseLink', additionalProperties: false },
);

export const ResponseLinkParams = Type.Object({ id: Id, linkId: Id });
