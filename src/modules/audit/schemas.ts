import { Type } from 'typebox';
import { AUDIT_OPERATIONS } from '../../domain/vocabulary.js';
import { ListOf, StringEnum } from '../shared/schema-types.js';

export const AuditEventSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: "The API key's name, or the script that made the change" }),
    operation: StringEnum(AUDIT_OPERATIONS),
    before: Type.Unknown(),
    after: Type.Unknown(),
    requestId: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditEvent', additionalProperties: false },
);

export const HistorySchema = ListOf(AuditEventSchema);
