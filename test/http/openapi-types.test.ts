import { readFileSync } from 'node:fs';
import t from 'tap';
import { build } from '../helper.js';

// Swagger UI and client generators show a schema without a `type` as "any": an enum written as
// a bare `enum` (or a union of constants) documents nothing of what the field holds.

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Genuinely any JSON: the audit trail's `before` and `after` (any record as it was) and an
 * import's `draft` (described in prose, its shape the parser's).
 */
const UNTYPED_ON_PURPOSE = new Set(['before', 'after', 'draft']);

/** Whether a schema says what it holds: a `type`, a `$ref`, or branches that each do. */
function typed(schema: Json): boolean {
  if (schema.type !== undefined || typeof schema.$ref === 'string') return true;
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return branches.every((b) => isObject(b) && typed(b));
  }
  return false;
}

/** Every parameter schema and property schema in the document, with where it is. */
function* schemasIn(value: unknown, where: string, name?: string): Generator<[string, string | undefined, Json]> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* schemasIn(item, `${where}/${index}`, name);
    return;
  }
  if (!isObject(value)) return;
  if (typeof value.in === 'string' && typeof value.name === 'string' && isObject(value.schema)) {
    yield [`${where}/schema`, value.name, value.schema];
  }
  if (isObject(value.properties)) {
    for (const [property, schema] of Object.entries(value.properties)) {
      if (isObject(schema)) yield [`${where}/properties/${property}`, property, schema];
    }
  }
  if (isObject(value.items)) yield [`${where}/items`, name, value.items];
  for (const [key, child] of Object.entries(value)) yield* schemasIn(child, `${where}/${key}`, key === 'properties' ? undefined : name);
}

function untypedIn(doc: unknown): string[] {
  const untyped = new Set<string>();
  for (const [where, name, schema] of schemasIn(doc, '')) {
    if (name !== undefined && UNTYPED_ON_PURPOSE.has(name)) continue;
    if (!typed(schema)) untyped.add(where);
  }
  return [...untyped];
}

t.test('every parameter and property in the committed document has a type', async (t) => {
  const doc: unknown = JSON.parse(readFileSync('openapi/openapi.json', 'utf8'));
  t.same(untypedIn(doc), [], 'give enums StringEnum(values), not Type.Enum or a union of literals');
});

t.test('the check finds an enum without a type', async (t) => {
  const doc = {
    paths: { '/x': { get: { parameters: [{ in: 'query', name: 'kind', schema: { enum: ['a', 'b'] } }] } } },
    components: {
      schemas: {
        X: { type: 'object', properties: { sort: { anyOf: [{ const: 'a' }, { const: 'b' }] }, ok: { type: 'string', enum: ['a'] } } },
      },
    },
  };
  t.same(untypedIn(doc).sort(), ['/components/schemas/X/properties/sort', '/paths//x/get/parameters/0/schema']);
});

t.test('the kind and sort query parameters of GET /v1/actions are strings', async (t) => {
  const api = await build(t);
  const doc = (await api.request({ method: 'GET', url: '/openapi.json', as: null })).json();
  const parameters = doc.paths['/v1/actions'].get.parameters as { name: string; schema: Json }[];
  for (const name of ['kind', 'sort', 'overdue']) {
    const schema = parameters.find((p) => p.name === name)?.schema;
    t.equal(schema?.type, 'string', `${name} has type string`);
    t.ok(Array.isArray(schema?.enum), `${name} lists its values`);
  }
});

t.test('a value of the wrong type for an enum field is still named by the enum alone', async (t) => {
  const api = await build(t);
  for (const kind of [5, true, ['scrutiny'], 'nonsense']) {
    const res = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Scrutiny', kind } });
    t.equal(res.statusCode, 400, JSON.stringify(kind));
    t.same(res.json().errors, [{ pointer: '/body/kind', detail: 'must be equal to one of the allowed values' }], JSON.stringify(kind));
  }
  const res = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Scrutiny', kind: 'scrutiny' } });
  t.equal(res.statusCode, 201);
  const query = await api.request({ method: 'GET', url: '/v1/actions?kind=5' });
  t.equal(query.statusCode, 400);
  t.same(query.json().errors, [{ pointer: '/querystring/kind', detail: 'must be equal to one of the allowed values' }]);
  const nullable = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: 1, kind: 'task', title: 'A task', rag: 5 } });
  t.equal(nullable.statusCode, 400);
  t.same(nullable.json().errors, [{ pointer: '/body/rag', detail: 'must be equal to one of the allowed values' }]);
});
