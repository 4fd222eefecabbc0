import { Type, type TSchema } from 'typebox';
import { ID_MAX } from '../modules/shared/schema-types.js';

// The HTTP edge's own schemas: problem documents and path ids. The TypeBox building blocks every
// module's schemas use are in modules/shared/schema-types.ts.

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() })),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

const problemDescriptions: Record<number, string> = {
  400: 'Invalid input; `errors[]` names each bad field',
  401: 'Missing or invalid credentials',
  403: 'The API key lacks the scope this operation needs',
  404: 'No such record, or not visible to this caller',
  409: 'Conflicts with the current state of the record',
  412: 'If-Match does not match the current ETag',
  422: 'Idempotency-Key reused with a different body',
  429: 'Rate limit exceeded',
  503: 'Temporarily unavailable (the search index is being built); try again after Retry-After seconds',
};

/** Documented problem responses for a route, always including 400, 401, 403 and 429. */
export function problemResponses(...statuses: number[]): Record<number, TSchema> {
  const all = [...new Set([400, 401, 403, 429, ...statuses])].sort();
  return Object.fromEntries(
    all.map((status) => [
      status,
      Type.Ref('Problem', { description: problemDescriptions[status] ?? 'Error' }),
    ]),
  );
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: ID_MAX }) });
