import fc from 'fast-check';

// fast-check arbitraries from the API's own OpenAPI schemas: values a well-meaning client
// would send, values at and just past each boundary, and values a hostile one would.

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
};

/** Record ids that exist, by the property or parameter names that refer to them. */
export type KnownIds = Record<string, readonly number[]>;

export const HUGE = 'x'.repeat(100 * 1024 + 1);

/** Text an attacker (or a careless paste) might put in any field. */
export const hostileStrings: readonly string[] = [
  '', ' ', '\t\n', '0', '-1', 'null', 'true', '[]', '{}',
  "'; DROP TABLE actions;--", "Robert'); DROP TABLE people;--", '1 OR 1=1', '" OR ""="',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '{{7*7}}', '${7*7}',
  '../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2f', 'file:///etc/passwd',
  'title:* OR NEAR(', 'NEAR(a b, 5)', '"unterminated', '*', 'a* OR b*', '^title', 'AND', 'NOT',
  '%', '_', '\\', '\u0000', 'a\u0000b', '\u202Eevil\u202C', 'مرحبا بالعالم', '😀👩‍👩‍👧‍👦🏴󠁧󠁢󠁥󠁮󠁧󠁿', '\uFEFF', '\uD800',
  'Z̴̡̛͓a̶l̷g̶o̷', '2024-02-30', '2024-13-01', '0000-00-00', '9999-12-31', '2024-07-15T25:61:00Z',
  '1970-01-01T00:00:00+14:00', '275760-09-13T00:00:00Z', '2024-25 Q5', 'Mars/Olympus_Mons', 'not-an-email',
  'x'.repeat(1000), '😀'.repeat(500), HUGE,
];

export const hostileNumbers: readonly number[] = [
  0, -1, 1.5, -0.5, 2 ** 31, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e21, 1e308, -1e308, Number.MIN_VALUE,
];

/** Any JSON value that is not what a field expects, as often as what it does. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.constantFrom(...hostileNumbers),
  fc.constantFrom(null, true, false, [], {}, [1, 2, 3], { $gt: '' }, JSON.parse('{"__proto__":{"polluted":true}}'), [[[[[]]]]]),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

export interface Resolver {
  resolve(schema: JsonSchema): JsonSchema;
}

export function resolverFor(components: Record<string, JsonSchema>): Resolver {
  return {
    resolve(schema) {
      let current = schema;
      for (let depth = 0; current.$ref && depth < 10; depth++) {
        const name = current.$ref.split('/').pop()!;
        const found = components[name];
        if (!found) throw new Error(`unresolved $ref ${current.$ref}`);
        current = found;
      }
      return current;
    },
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateArb = fc
  .date({ min: new Date('2018-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const dateTimeArb = fc
  .tuple(dateArb, fc.integer({ min: 0, max: 23 }), fc.constantFrom('Z', '+01:00', '+00:00', '-05:00', '+14:00'))
  .map(([d, h, zone]) => `${d}T${pad(h)}:30:00${zone}`);
const words = ['update', 'report', 'SEND', 'transport', 'Children', 'in', 'Care', 'budget', 'Q3', 'ICB', 'Executive Board'];
const councilText = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

/** Values the schema accepts (mostly): the "valid-ish" half of every generated request. */
export function validValue(schema: JsonSchema, r: Resolver, ids: KnownIds, name = ''): fc.Arbitrary<unknown> {
  const s = r.resolve(schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => validValue(a, r, ids, name)));
  if (s.allOf) return validValue(s.allOf[0]!, r, ids, name);
  const type = typesOf(s)[0];
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const known = ids[name];
      const min = s.minimum ?? -1000;
      const max = Math.min(s.maximum ?? 1000, min + 1000);
      const range = fc.integer({ min, max: Math.max(min, max) });
      return known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: range }) : range;
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'string':
      return validString(s, name);
    case 'array': {
      const maxLength = Math.min(s.maxItems ?? 3, 3);
      return fc.array(s.items ? validValue(s.items, r, ids, name) : hostileValue, { minLength: Math.min(s.minItems ?? 0, maxLength), maxLength });
    }
    case 'object':
    default:
      if (!s.properties) return fc.constant({});
      return fc.record(
        Object.fromEntries(Object.entries(s.properties).map(([key, value]) => [key, validValue(value, r, ids, key)])),
        { requiredKeys: s.required ?? [] },
      );
  }
}

function validString(s: JsonSchema, name: string): fc.Arbitrary<string> {
  const maxLength = s.maxLength ?? 200;
  // Mostly ordinary days, sometimes the first and last a council could mean.
  if (s.format === 'date') return fc.oneof({ weight: 6, arbitrary: dateArb }, { weight: 1, arbitrary: fc.constantFrom('1900-01-01', '2999-12-31', '2024-02-29') });
  if (s.format === 'date-time') {
    return fc.oneof({ weight: 6, arbitrary: dateTimeArb }, { weight: 1, arbitrary: fc.constantFrom('1900-01-01T00:00:00+14:00', '2999-12-31T23:59:59-12:00') });
  }
  if (s.format === 'email') return fc.constantFrom('clerk@example.gov.uk', 'democratic.services@halton.gov.uk');
  if (/quarter/i.test(name)) return fc.constantFrom('2024-25 Q3', '2023-24 Q1', '2025-26 Q4');
  if (/timezone/i.test(name)) return fc.constantFrom('Europe/London', 'UTC', 'America/New_York');
  if (s.pattern && s.pattern !== '\\S') {
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= maxLength && v.length >= (s.minLength ?? 0));
  }
  const minLength = Math.max(s.minLength ?? 0, s.pattern === '\\S' ? 1 : 0);
  const cap = Math.min(maxLength, 60);
  return fc
    .oneof(councilText, fc.string({ minLength, maxLength: cap }), fc.string({ unit: 'grapheme', minLength, maxLength: cap }))
    .map((v) => (s.pattern === '\\S' && !/\S/.test(v) ? `${v}x` : v).slice(0, maxLength));
}

/** Values at and just past the schema's limits, and values of the wrong type. */
export function boundaryValue(schema: JsonSchema, r: Resolver): fc.Arbitrary<unknown> {
  const s = r.resolve(schema);
  const edges: unknown[] = [];
  for (const type of typesOf(s)) {
    if (type === 'integer' || type === 'number') {
      if (s.minimum !== undefined) edges.push(s.minimum, s.minimum - 1);
      if (s.maximum !== undefined) edges.push(s.maximum, s.maximum + 1);
      edges.push(String(s.minimum ?? 1), 'one');
    }
    if (type === 'string') {
      if (s.format === 'date') edges.push('0001-01-01', '1899-12-31', '1900-01-01', '2999-12-31', '3000-01-01', '9999-12-31', '2024-02-29', '2023-02-29');
      if (s.format === 'date-time') {
        edges.push('0001-01-01T00:00:00+14:00', '1900-01-01T00:00:00+14:00', '2999-12-31T23:59:59-12:00', '9999-12-31T23:59:59-12:00', '2024-03-31T01:30:00Z', '2024-10-27T01:30:00+01:00');
      }
      if (s.maxLength !== undefined) edges.push('a'.repeat(s.maxLength), 'a'.repeat(s.maxLength + 1), '😀'.repeat(s.maxLength));
      if (s.minLength) edges.push('a'.repeat(s.minLength - 1));
      edges.push(123, ['a']);
    }
    if (type === 'array') edges.push(Array.from({ length: (s.maxItems ?? 50) + 1 }, () => ({})), 'not an array', {});
    if (type === 'object') edges.push([], 'not an object', 1);
  }
  return edges.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...edges) }, { weight: 1, arbitrary: hostileValue }) : hostileValue;
}

/** A JSON body: valid-ish, with one field hostile, with an unknown or missing field, or broken. */
export function bodyValue(schema: JsonSchema, r: Resolver, ids: KnownIds): fc.Arbitrary<unknown> {
  const s = r.resolve(schema);
  const valid = validValue(s, r, ids);
  const keys = Object.keys(s.properties ?? {});
  const arbitraries: fc.WeightedArbitrary<unknown>[] = [
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: boundaryValue(s, r) },
  ];
  if (keys.length > 0) {
    const oneField = fc.oneof(
      ...keys.map((key) =>
        fc.tuple(fc.constant(key), fc.oneof(boundaryValue(s.properties![key]!, r), hostileValue)),
      ),
    );
    arbitraries.push(
      {
        weight: 5,
        arbitrary: fc.tuple(valid, oneField).map(([body, [key, value]]) => ({ ...(body as object), [key]: value })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(valid, fc.constantFrom('unknownField', 'id', 'createdAt', 'version', '__proto__', 'constructor'), hostileValue)
          // A computed key makes "__proto__" an own property, sent as JSON like any other.
          .map(([body, key, value]) => ({ ...(body as object), [key]: value })),
      },
    );
    if (s.required?.length) {
      arbitraries.push({
        weight: 1,
        arbitrary: fc.tuple(valid, fc.constantFrom(...s.required)).map(([body, key]) => {
          const copy = { ...(body as Record<string, unknown>) };
          delete copy[key];
          return copy;
        }),
      });
    }
  }
  return fc.oneof(...arbitraries);
}

/** Request bodies that are not JSON of any shape the schema could accept. */
export const rawBodies: readonly string[] = [
  '', '{', '{"a":', 'null', '[]', '"string"', '123', 'true', '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}', '\uFEFF{}', '{"title":"a","title":"b"}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`, `{"title":"${'x'.repeat(1024 * 1024 + 10)}"}`, '\u0000',
];

/** Cursors a client might forge: garbage, tampered, or well-formed with hostile contents. */
export function forgedCursors(real: readonly string[]): string[] {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const flipped = real.map((c) => `${c.slice(0, -2)}${c.at(-1) === 'A' ? 'B' : 'A'}${c.at(-1)}`);
  return [
    ...real, ...flipped, 'garbage', '!!!', 'eyJ', '=', 'a'.repeat(512), 'a'.repeat(513), '%00',
    b64('not json'), b64('null'), b64('[]'), b64({}), b64({ s: 'id', v: null, i: -1 }), b64({ s: 'id', v: null, i: 1.5 }),
    b64({ s: 'id', v: { $gt: 0 }, i: 1 }), b64({ s: 'id', v: null, i: 2 ** 60 }), b64('{"s":"id","v":1,"i":1e400}'),
    b64({ s: '-title', v: "'; DROP TABLE actions;--", i: 1 }), b64({ s: 'startsAt', v: [1], i: 1 }),
    b64({ s: 'position', v: 'x'.repeat(300), i: 1 }), b64({ s: 'id', v: 1, i: 1, extra: true }),
  ];
}

export const forgedEtags: readonly string[] = [
  'garbage', '"', '""', '"1.1"', '"999999.1"', 'W/"1.1"', '*, garbage', ',,,', '"1.1", "2.1"', 'x'.repeat(5000), 'a\u0000b', '"\u00e9"',
];

export const forgedIdempotencyKeys: readonly string[] = [
  '', ' ', 'a'.repeat(255), 'a'.repeat(256), 'k'.repeat(300), 'key\u0001with\u001fcontrol', 'tab\tkey', 'ключ', '😀', 'a\u0000b', 'valid-key-1',
];
