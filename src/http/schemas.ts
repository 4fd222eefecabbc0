import { Type, type Static, type TObject, type TEnum, type TSchema, type TSchemaOptions } from 'typebox';

// Building blocks shared by every module's schemas.

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

/** Where a schema keyword holds subschemas (a map of them, one, or a list). */
const subschemaMaps = ['properties', 'patternProperties', '$defs'];
const subschemaKeys = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'];
const subschemaLists = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];

/**
 * A copy of a schema with every `default` removed, at any depth. Defaults belong to creation:
 * Ajv fills them in wherever they appear, so an update schema that kept them would overwrite
 * fields a PATCH never sent (a title edit making exempt business public). TypeBox's own
 * non-enumerable markers are kept, so the copy is still a TypeBox schema.
 */
export function withoutDefaults<T extends TSchema>(schema: T): T {
  const descriptors = Object.getOwnPropertyDescriptors(schema) as Record<string, PropertyDescriptor>;
  delete descriptors.default;
  const strip = (value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? withoutDefaults(value as TSchema) : value;
  for (const [key, descriptor] of Object.entries(descriptors)) {
    const value: unknown = descriptor.value;
    if (subschemaMaps.includes(key) && value !== null && typeof value === 'object') {
      descriptor.value = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strip(sub)]));
    } else if (subschemaKeys.includes(key)) {
      descriptor.value = strip(value);
    } else if (subschemaLists.includes(key) && Array.isArray(value)) {
      descriptor.value = value.map(strip);
    }
  }
  return Object.create(Object.getPrototypeOf(schema), descriptors) as T;
}

/**
 * The body of a PATCH: every field of the create schema optional, at least one given, unknown
 * ones refused, and no defaults — a field the request does not send is left as it is.
 */
export function UpdateOf<T extends TObject>(create: T) {
  return withoutDefaults(Type.Partial(create, { additionalProperties: false, minProperties: 1 }));
}

/**
 * One of a closed list of strings, written `{ type: 'string', enum }`: without the `type`,
 * Swagger UI and client generators show the field as "any". Always from a list in src/domain.
 */
export function StringEnum<const Values extends string[]>(values: readonly [...Values], options: TSchemaOptions = {}): TEnum<Values> {
  return Type.Enum(values, { ...options, type: 'string' });
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

/**
 * Years 1900–2999. Calendar arithmetic (working days, despatch dates, the s9FE two months, a
 * time zone's shift of the local date) must stay within four-digit years: "9999-12-31" is a
 * valid date format-wise, but the day after it is not one this service can name.
 */
export const SUPPORTED_YEARS = '^(19|2[0-9])[0-9]{2}-';
export const DateString = (options: Record<string, unknown> = {}) =>
  Type.String({ format: 'date', maxLength: 10, pattern: SUPPORTED_YEARS, ...options });
export const DateTimeString = (options: Record<string, unknown> = {}) =>
  Type.String({ format: 'date-time', maxLength: 40, pattern: SUPPORTED_YEARS, ...options });
export const Text = (maxLength: number, options: Record<string, unknown> = {}) =>
  Type.String({ maxLength, ...options });
export const NonEmpty = (maxLength: number, options: Record<string, unknown> = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', ...options });
/**
 * The schema or null. For scalars and enums written as a type list (`type: ["string", "null"]`,
 * or `null` added to the enum) rather than `anyOf`: the response serialiser writes a type list directly, whereas for
 * `anyOf` it runs the validator on every value to choose a branch — for an action's dozen
 * nullable fields, most of the cost of writing it. Both mean the same in JSON Schema 2020-12.
 */
export const Nullable = <T extends TSchema>(schema: T) => {
  const plain = { ...schema } as Record<string, unknown>;
  const scalar = ['string', 'integer', 'number', 'boolean'].includes(plain.type as string);
  // Objects and arrays keep anyOf, so a bad nested value still names the field itself too.
  if (!scalar && !(plain.type === undefined && Array.isArray(plain.enum))) return Type.Union([schema, Type.Null()]);
  if (Array.isArray(plain.enum)) plain.enum = [...(plain.enum as unknown[]), null];
  if (scalar) plain.type = [plain.type, 'null'];
  return Type.Unsafe<Static<T> | null>(plain);
};

export const Timestamps = {
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

export function SortQuery(fields: readonly string[]) {
  const values = fields.flatMap((f) => [f, `-${f}`]);
  return Type.Optional(StringEnum(values, { description: 'Field to sort by; `-field` for descending' }));
}

export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    nextCursor: Nullable(Type.String()),
  });
}
