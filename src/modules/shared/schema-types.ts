import { Type, type Static, type TObject, type TEnum, type TSchema, type TSchemaOptions } from 'typebox';

// TypeBox building blocks shared by every module's schemas: no HTTP in them, so repositories and
// read models can use the schemas too.

/**
 * The largest record id: ids are 32-bit on PostgreSQL (integer identity columns), so a larger one
 * names no record on either engine and is refused as invalid rather than reaching the database.
 */
export const ID_MAX = 2 ** 31 - 1;

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

/**
 * What an API key or a webhook is limited to (domain/council-limit.ts): the committees of one
 * authority, as committees record it, or a list of committees.
 */
export const CouncilLimitSchema = Type.Union(
  [
    Type.Object({ authority: NonEmpty(200, { description: 'Every committee whose `authority` is this, now and later' }) }, { additionalProperties: false }),
    Type.Object(
      {
        committeeIds: Type.Array(Type.Integer({ minimum: 1, maximum: ID_MAX }), {
          minItems: 1, maxItems: 200, uniqueItems: true, description: 'These committees only',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Limits to one council: `{ "authority": "…" }` or `{ "committeeIds": [ … ] }`' },
);
