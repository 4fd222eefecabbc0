import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build } from '../helper.js';
import {
  bodyValue, boundaryValue, forgedCursors, forgedEtags, forgedIdempotencyKeys, hostileStrings, rawBodies,
  resolverFor, validValue, type JsonSchema, type KnownIds, type Resolver,
} from './arbitraries.js';
import { changedTables, tableChecksums, type Checksums } from './db-checksum.js';
import { isProblem } from './probe.js';
import { seedBusiness, type Seed } from './seed.js';

// Requests generated from the OpenAPI document, for every operation, as an admin (who gets
// furthest into each handler): never a 5xx, every error a problem+json, and every rejected
// request leaves each table exactly as it was. Reproduce a failure with FC_SEED=<seed>.

const SEED = Number(process.env.FC_SEED ?? 20240823);
const RUNS = Number(process.env.FC_RUNS ?? 20);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Parameter { name: string; in: 'path' | 'query' | 'header'; schema: JsonSchema }
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface OpenApi {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: { schemas: Record<string, JsonSchema> };
}

interface Generated {
  path: string;
  query: string;
  headers: Record<string, string>;
  payload?: unknown;
}

/**
 * Path segments no id or date parses to, or that parse to ids no fixture owns. (Ajv coerces
 * " 1" and "1.0" to 1, which on DELETE /v1/api-keys/{id} would revoke the test's own key.)
 */
const hostileSegments = [
  '0', '-1', '2147483648', '9007199254740991', '9007199254740992', '99999999999999999999', '1e5', '1.5', '0x186A0', ' 100000',
  'abc', '', '%00', '%E0%A4%A', '%', '%ZZ', '..%2F..%2Fetc%2Fpasswd', '..', 'null', 'x'.repeat(2000),
  '2024-02-30', '2024-13-01', '0000-00-00',
  ...["'; DROP TABLE actions;--", '<script>alert(1)</script>', '😀', '\u202Eevil', 'a\u0000b', 'title:* OR NEAR('].map(encodeURIComponent),
];

/** Ids that exist for each path parameter, so valid-ish requests reach the handlers. */
function pathValues(seed: Seed, spareKeyId: number): (path: string, name: string) => (string | number)[] {
  const meetings = Object.values(seed.meetings);
  const byPrefix: [RegExp, (string | number)[]][] = [
    [/^\/v1\/committees\/\{id\}/, [seed.committeeId]],
    [/^\/v1\/people\//, [seed.personId]],
    [/^\/v1\/meetings\//, meetings],
    [/^\/v1\/items\//, Object.values(seed.ids.item)],
    [/^\/v1\/declarations\//, Object.values(seed.ids.declaration)],
    [/^\/v1\/resolutions\//, Object.values(seed.ids.resolution)],
    [/^\/v1\/actions\//, Object.values(seed.actions).map((a) => a.id)],
    [/^\/v1\/api-keys\//, [spareKeyId]],
    [/^\/v1\/holidays\//, ['2024-08-26', '2025-01-02', '2024-12-25']],
  ];
  return (path, name) => {
    if (name === 'personId') return [seed.personId];
    return byPrefix.find(([pattern]) => pattern.test(path))?.[1] ?? [];
  };
}

function knownIds(seed: Seed): KnownIds {
  const meetings = Object.values(seed.meetings);
  const people = [seed.personId];
  return {
    committeeId: [seed.committeeId],
    meetingId: meetings, dueMeetingId: meetings, respondedMeetingId: meetings,
    itemId: Object.values(seed.ids.item),
    resolutionId: Object.values(seed.ids.resolution),
    actionId: Object.values(seed.actions).map((a) => a.id),
    personId: people, ownerId: people, requestedById: people, authorId: people,
  };
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

function hostileQueryValue(p: Parameter, r: Resolver, cursors: string[]): fc.Arbitrary<string> {
  if (p.name === 'cursor') return fc.oneof(fc.constantFrom(...cursors), fc.constantFrom(...hostileStrings));
  return fc.oneof(boundaryValue(p.schema, r).map(asText), fc.constantFrom(...hostileStrings));
}

const rawQueryExtras = ['unknownParam=1', 'limit=1&limit=2', 'limit=%ZZ', '&&&=', 'limit[]=1', 'q=%00', `sort=${encodeURIComponent('id; DROP TABLE actions')}`];

/**
 * One request to one operation. Most are either clean (every part valid-ish, so the handler
 * runs and writes) or clean but for one hostile part — path, query, headers or body — so each
 * refusal is the refusal of that part; a few are hostile throughout.
 */
function requestFor(
  path: string, op: Operation, r: Resolver, ids: KnownIds, cursors: string[],
  valuesFor: (path: string, name: string) => (string | number)[],
): fc.Arbitrary<Generated> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query' && p.name !== 'cursor');
  const cursorParam = params.find((p) => p.in === 'query' && p.name === 'cursor');

  const cleanSegment = (p: Parameter) => {
    const known = valuesFor(path, p.name).map((v) => encodeURIComponent(String(v)));
    const fresh = /date/i.test(p.name)
      ? validValue(p.schema, r, ids, p.name).map((v) => encodeURIComponent(String(v)))
      : fc.oneof(fc.integer({ min: 6, max: 60 }), fc.integer({ min: 100_000, max: 2 ** 31 })).map(String);
    return known.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fresh }) : fresh;
  };
  const pathOf = (hostile: boolean) =>
    fc
      .tuple(...pathParams.map((p) => (hostile ? fc.oneof(cleanSegment(p), fc.constantFrom(...hostileSegments)) : cleanSegment(p))))
      .map((segments) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, segments[i]!), path));

  const cleanQuery = fc
    .record(Object.fromEntries(queryParams.map((p) => [p.name, validValue(p.schema, r, ids, p.name).map(asText)])), { requiredKeys: [] })
    .map((values) => new URLSearchParams(values as Record<string, string>).toString());
  const hostileParams = [...queryParams, ...(cursorParam ? [cursorParam] : [])];
  const hostileQuery = fc
    .tuple(
      cleanQuery,
      hostileParams.length
        ? fc.oneof(
          { weight: 3, arbitrary: fc.oneof(...hostileParams.map((p) => hostileQueryValue(p, r, cursors).map((v) => new URLSearchParams({ [p.name]: v }).toString()))) },
          { weight: 1, arbitrary: fc.constantFrom(...rawQueryExtras) },
        )
        : fc.constantFrom(...rawQueryExtras),
    )
    .map((parts) => parts.filter(Boolean).join('&'));

  const hostileHeaders = fc.record(
    {
      'if-match': fc.constantFrom(...forgedEtags, '*'),
      'idempotency-key': fc.oneof(fc.constantFrom(...forgedIdempotencyKeys), fc.uuid()),
      accept: fc.constantFrom('application/json', 'text/csv', 'text/html;q=0', 'application/xml', '*/*;q=abc', ''),
      'x-request-id': fc.constantFrom(...hostileStrings.filter((s) => s.length < 3000)),
    },
    { requiredKeys: [] },
  );

  type Body = { payload?: unknown; type?: string };
  const schema = op.requestBody?.content['application/json']?.schema;
  const json = (payload: unknown): Body => ({ payload, type: 'application/json' });
  const cleanBody: fc.Arbitrary<Body> = schema ? validValue(schema, r, ids).map(json) : fc.constant({});
  const hostileBody: fc.Arbitrary<Body> = schema
    ? fc.oneof(
      { weight: 12, arbitrary: bodyValue(schema, r, ids).map(json) },
      { weight: 2, arbitrary: fc.constantFrom(...rawBodies).map((raw) => ({ payload: raw, type: 'application/json' })) },
      { weight: 1, arbitrary: fc.constantFrom({ payload: 'title=x', type: 'application/x-www-form-urlencoded' }, { payload: 'x', type: 'text/plain' }) },
    )
    : fc.constantFrom(...rawBodies.slice(0, 6)).map(json);

  const shaped = (mode: 'clean' | 'path' | 'query' | 'headers' | 'body' | 'all') =>
    fc.record({
      path: pathOf(mode === 'path' || mode === 'all'),
      query: mode === 'query' || mode === 'all' ? hostileQuery : cleanQuery,
      headers: mode === 'headers' || mode === 'all' ? hostileHeaders : fc.constant({}),
      body: mode === 'body' || mode === 'all' ? hostileBody : cleanBody,
    });
  return fc
    .oneof(
      { weight: 3, arbitrary: shaped('clean') },
      ...(['path', 'query', 'headers', 'body'] as const).map((mode) => ({ weight: 2, arbitrary: shaped(mode) })),
      { weight: 1, arbitrary: shaped('all') },
    )
    .map(({ path: url, query, headers, body }) => ({
      path: url,
      query,
      headers: { ...headers, ...(body.type ? { 'content-type': body.type } : {}) },
      payload: body.payload === undefined ? undefined : typeof body.payload === 'string' ? body.payload : JSON.stringify(body.payload),
    }));
}

const brief = (text: string, max = 600) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** Checks one response against the properties; returns what is wrong, or nothing. */
function violation(res: LightMyRequestResponse, before: Checksums, after: Checksums): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode}: ${brief(res.body)}`;
  if (res.statusCode < 400) return undefined;
  if (!isProblem(res)) return `${res.statusCode} is not problem+json with type/title/status/detail: ${res.headers['content-type']} ${brief(res.body)}`;
  const changed = changedTables(before, after);
  if (changed.length > 0) return `${res.statusCode} rejected, yet changed ${changed.join(', ')}: ${brief(res.body)}`;
  return undefined;
}

async function setUp(t: Test) {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const spare = await api.app.services.apiKeys.create(scriptActor('test'), 'spare', ['read']);
  const doc = (await api.request({ method: 'GET', url: '/openapi.json', as: null })).json() as OpenApi;
  // A second committee whose actions are not overdue: one due far ahead, one with no next meeting.
  const other = (await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Audit and Governance Committee', kind: 'other' } })).json();
  const held = (await api.request({ method: 'POST', url: `/v1/committees/${other.id}/meetings`, payload: { startsAt: '2024-06-03T10:00:00+01:00', status: 'held' } })).json();
  for (const due of [{ dueDate: '2999-12-31' }, {}]) {
    await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: held.id, kind: 'recommendation', title: 'Report to the Executive', receivedOn: '2024-06-10', ...due } });
  }
  const cursorOf = async (url: string) => {
    const cursor = (await api.request({ method: 'GET', url })).json().nextCursor;
    if (typeof cursor !== 'string') throw new Error(`no cursor from ${url}`);
    return cursor;
  };
  const realCursors = await Promise.all([
    '/v1/actions?limit=1', '/v1/actions?limit=1&sort=-title', '/v1/committees?limit=1&sort=name', '/v1/flags?limit=1',
    `/v1/meetings/${seed.meetings.raisedAt}/items?limit=1`, `/v1/committees/${seed.committeeId}/meetings?limit=1`,
  ].map(cursorOf));
  return { api, seed, spare, doc, realCursors };
}

t.test('generated requests to every operation: no 5xx, problem+json errors, nothing written on rejection', async (t) => {
  const { api, seed, spare, doc, realCursors } = await setUp(t);
  const r = resolverFor(doc.components.schemas);
  const ids = knownIds(seed);
  const cursors = forgedCursors(realCursors);
  const valuesFor = pathValues(seed, spare.id);
  // Reads first and deletes last, so the seeded records are still there for most requests.
  const operations = METHODS.flatMap((method) =>
    Object.entries(doc.paths).flatMap(([path, item]) => (item[method] ? [{ method, path, op: item[method]! }] : [])),
  );
  t.ok(operations.length >= 45, `${operations.length} operations in the OpenAPI document`);

  let current = await tableChecksums(api.app);
  for (const [index, { method, path, op }] of operations.entries()) {
    const where = `${method.toUpperCase()} ${path}`;
    const statuses = new Map<number, number>();
    const started = Date.now();
    const property = fc.asyncProperty(requestFor(path, op, r, ids, cursors, valuesFor), async (req) => {
      const before = current;
      const res = await api.request({
        method: method.toUpperCase() as 'GET', url: req.query ? `${req.path}?${req.query}` : req.path,
        headers: req.headers, payload: req.payload as string | undefined,
      });
      current = await tableChecksums(api.app);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const wrong = violation(res, before, current);
      if (wrong) throw new Error(`${method.toUpperCase()} ${brief(req.path, 200)}?${brief(req.query, 200)} → ${wrong}`);
    });
    const run = await fc.check(property, { seed: SEED + index, numRuns: RUNS });
    const why = run.failed ? brief(String((run.errorInstance as Error | undefined)?.message ?? run.errorInstance), 1200) : '';
    const seen = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
    t.notOk(run.failed, `${where}: ${seen} in ${Date.now() - started} ms${run.failed ? ` — FC_SEED=${SEED} (seed ${run.seed}, path ${run.counterexamplePath}): ${why}` : ''}`);
  }
});

t.test('forged and foreign cursors are refused on every list', async (t) => {
  const { api, doc, realCursors, seed } = await setUp(t);
  const lists = Object.entries(doc.paths).filter(([, item]) => item.get?.parameters?.some((p) => p.name === 'cursor'));
  t.ok(lists.length >= 10, `${lists.length} paginated lists`);
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const forged = [
    'garbage', '!!!', '%00', 'a'.repeat(513), b64('not json'), b64('null'), b64([]), b64({}),
    b64({ s: 'id', v: null, i: -1 }), b64({ s: 'id', v: null, i: 1.5 }), b64({ s: 'id', v: null, i: 2 ** 60 }),
    b64({ s: 'id', v: { $gt: 0 }, i: 1 }), b64('{"s":"id","v":1,"i":1e400}'), b64({ s: 'id; DROP TABLE actions', v: 1, i: 1 }),
  ];
  const valuesFor = pathValues(seed, 0);
  const before = await tableChecksums(api.app);
  for (const [path] of lists) {
    const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => String(valuesFor(path, name)[0]));
    for (const cursor of [...forged, ...realCursors]) {
      const res = await api.request({ method: 'GET', url: `${url}?cursor=${encodeURIComponent(cursor)}` });
      const ok = res.statusCode === 400 ? isProblem(res) && /cursor/.test(res.body) : res.statusCode === 200 && realCursors.includes(cursor);
      if (!ok || forged.includes(cursor) && res.statusCode !== 400) t.fail(`${url} cursor ${brief(cursor, 40)}: ${res.statusCode} ${brief(res.body)}`);
    }
    // A cursor another list issued for another sort is not this list's.
    const foreign = await api.request({ method: 'GET', url: `${url}?cursor=${realCursors[2]}` });
    t.equal(foreign.statusCode, 400, `${url}: another list's cursor (sorted by name) is refused`);
  }
  t.same(changedTables(before, await tableChecksums(api.app)), [], 'nothing written');
});

t.test('forged If-Match and Idempotency-Key values are refused cleanly', async (t) => {
  const { api, seed } = await setUp(t);
  const writes: [string, string, Record<string, unknown>?][] = [
    ['PATCH', `/v1/committees/${seed.committeeId}`, { contactName: 'Clerk' }],
    ['PATCH', `/v1/people/${seed.personId}`, { role: 'Chair' }],
    ['PATCH', `/v1/meetings/${seed.meetings.later}`, { venue: 'Council Chamber' }],
    ['PATCH', `/v1/items/${seed.ids.item.public}`, { title: 'Renamed' }],
    ['PATCH', `/v1/resolutions/${seed.ids.resolution.public}`, { text: 'Resolved again' }],
    ['PATCH', `/v1/actions/${seed.actions.public.id}`, { status: 'in_progress' }],
    ['DELETE', `/v1/meetings/${seed.meetings.later}`],
    ['DELETE', `/v1/people/${seed.personId}`],
  ];
  const stale = forgedEtags.filter((tag) => !/^\*|"\d+\.\d+"/.test(tag));
  const before = await tableChecksums(api.app);
  for (const [method, url, payload] of writes) {
    for (const tag of stale) {
      const res = await api.request({ method: method as 'PATCH', url, payload, headers: { 'if-match': tag } });
      if (res.statusCode !== 412 || !isProblem(res)) t.fail(`${method} ${url} If-Match ${brief(tag, 30)}: ${res.statusCode} ${brief(res.body)}`);
    }
  }
  t.same(changedTables(before, await tableChecksums(api.app)), [], 'no write with a forged If-Match changed anything');

  const create = (key: string, name = 'Cllr Idempotent') =>
    api.request({ method: 'POST', url: '/v1/people', payload: { name, kind: 'councillor' }, headers: { 'idempotency-key': key } });
  for (const key of forgedIdempotencyKeys.filter((k) => !/^[\x21-\x7e]{1,255}$/.test(k))) {
    const res = await create(key);
    t.equal(res.statusCode, 400, `Idempotency-Key ${JSON.stringify(brief(key, 20))} is refused`);
    t.ok(isProblem(res) && /idempotency-key/.test(res.body), 'naming the header');
  }
  t.same(changedTables(before, await tableChecksums(api.app)), [], 'no request with a malformed Idempotency-Key wrote');

  const key = 'k'.repeat(255);
  const first = await create(key);
  t.equal(first.statusCode, 201, 'a 255-character key is fine');
  const afterFirst = await tableChecksums(api.app);
  t.equal((await create(key)).headers['idempotent-replayed'], 'true', 'a retry is a replay');
  const reused = await create(key, 'Cllr Somebody Else');
  t.equal(reused.statusCode, 422, 'the same key with another body is refused');
  t.ok(isProblem(reused));
  t.same(changedTables(afterFirst, await tableChecksums(api.app)), [], 'neither the replay nor the refusal wrote');
});

t.test('an id past 32 bits, in any path or query parameter, is refused cleanly on every operation', async (t) => {
  // PostgreSQL's ids are 32-bit: such an id must be refused (or missing), never reach a query that fails.
  const api = await build(t);
  const doc = (await api.request({ method: 'GET', url: '/openapi.json', as: null })).json() as OpenApi;
  const r = resolverFor(doc.components.schemas);
  const isInteger = (p: Parameter) => r.resolve(p.schema).type === 'integer';
  let probed = 0;
  for (const method of METHODS) {
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item[method];
      const integers = (op?.parameters ?? []).filter((p) => p.in !== 'header' && isInteger(p) && /(^id|Id)$/.test(p.name));
      if (!op || integers.length === 0) continue;
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => (integers.some((p) => p.name === name) ? String(2 ** 31) : '2024-12-25'));
      const query = integers.filter((p) => p.in === 'query').map((p) => `${p.name}=${2 ** 31}`).join('&');
      const res = await api.request({ method: method.toUpperCase() as 'GET', url: query ? `${url}?${query}` : url, ...(method === 'get' || method === 'delete' ? {} : { payload: {} }) });
      probed++;
      if (res.statusCode >= 500 || !isProblem(res)) t.fail(`${method.toUpperCase()} ${url}?${query}: ${res.statusCode} ${brief(res.body)}`);
    }
  }
  t.ok(probed >= 30, `${probed} operations take an id`);
});
