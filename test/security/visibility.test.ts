import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { build, sqlRows } from '../helper.js';
import { callers, checkProbe, isProblem, maskedProblem, MISSING_ID, openApiGets } from './probe.js';
import { AS_OF, LEVEL_MARKER, levels, seedBusiness, type Seed } from './seed.js';
import { getRoutes, undocumentedGets } from './visibility-table.js';

// The leak matrix (DESIGN.md "Access, visibility and audit"): for every caller and every GET
// operation in the OpenAPI document, hidden business is absent from the response — in every
// format, on every page — while what the caller may read is there, and a direct read of a
// hidden record is the same 404 as a read of a record that never existed.

t.test('every GET endpoint shows each caller exactly what its scopes allow', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const documented = await openApiGets(api);

  t.test('the table covers every GET path of the OpenAPI document', async (t) => {
    for (const path of documented.keys()) t.ok(getRoutes[path], `GET ${path} has an entry in visibility-table.ts`);
    for (const path of Object.keys(getRoutes)) t.ok(documented.has(path), `table entry ${path} is a documented GET`);
    t.ok(documented.size >= 25, 'the document lists the read API');
  });

  for (const caller of callers) {
    t.test(caller.name, async (t) => {
      for (const [template, op] of documented) {
        const fill = getRoutes[template];
        if (!fill) continue;
        for (const probe of fill(seed)) await checkProbe(t, api, seed, caller, template, op, probe);
      }
      for (const url of undocumentedGets) {
        const res = await api.request({ method: 'GET', url, as: caller.key(api) });
        t.ok(res.statusCode < 500, `${caller.name} GET ${url}: answered`);
        for (const level of levels) {
          if (!caller.sees.includes(level)) t.notOk(res.body.includes(LEVEL_MARKER[level]), `${caller.name} GET ${url}: no ${level} marker`);
        }
      }
    });
  }
});

t.test('only an admin may run the overdue scan', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const flags = async () => (await sqlRows<{ n: number }>(api.app, 'SELECT CAST(count(*) AS integer) AS n FROM overdue_flags'))[0]!;
  const before = (await flags()).n;
  for (const caller of callers.filter((c) => c.name !== 'admin')) {
    const as = caller.key(api);
    const res = await api.request({ method: 'POST', url: '/v1/scans/overdue', as, payload: { asOf: '2024-09-20' } });
    t.equal(res.statusCode, as === null ? 401 : 403, `${caller.name} is refused`);
    t.ok(isProblem(res), `${caller.name}: problem+json`);
    if (as === null) t.ok(res.headers['www-authenticate'], 'anonymous is told how to authenticate');
    for (const level of levels) t.notOk(res.body.includes(LEVEL_MARKER[level]), `${caller.name}: no ${level} marker`);
  }
  t.equal((await flags()).n, before, 'no refused scan recorded a flag');
  const admin = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: AS_OF } });
  t.equal(admin.statusCode, 200);
  for (const key of Object.keys(seed.actions) as (keyof Seed['actions'])[]) {
    t.ok(admin.body.includes(seed.actions[key].marker), `admin's scan report shows action ${key}`);
  }
});

t.test('writes that would loosen visibility are refused', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const actionCount = async () => (await sqlRows<{ n: number }>(api.app, 'SELECT CAST(count(*) AS integer) AS n FROM actions'))[0]!.n;
  const count = await actionCount();
  const patch = (id: number, payload: Record<string, unknown>) => api.request({ method: 'PATCH', url: `/v1/actions/${id}`, payload });

  const cases: [string, () => Promise<LightMyRequestResponse>][] = [
    ['PATCH an exempt item\'s action to public', () => patch(seed.actions.exempt.id, { visibility: 'public' })],
    ['PATCH a confidential item\'s action to exempt', () => patch(seed.actions.confidential.id, { visibility: 'exempt' })],
    ['PATCH a confidential item\'s action to public', () => patch(seed.actions.confidential.id, { visibility: 'public' })],
    ['create a public action on an exempt item', () => api.request({
      method: 'POST', url: '/v1/actions',
      payload: { meetingId: seed.meetings.raisedAt, itemId: seed.ids.item.exempt, kind: 'task', title: 'Loosened', visibility: 'public' },
    })],
    ['create a public action on a confidential resolution', () => api.request({
      method: 'POST', url: '/v1/actions',
      payload: { meetingId: seed.meetings.raisedAt, resolutionId: seed.ids.resolution.confidential, kind: 'task', title: 'Loosened', visibility: 'public' },
    })],
    ['create an exempt action on a confidential item', () => api.request({
      method: 'POST', url: '/v1/actions',
      payload: { meetingId: seed.meetings.raisedAt, itemId: seed.ids.item.confidential, kind: 'task', title: 'Loosened', visibility: 'exempt' },
    })],
  ];
  for (const [name, send] of cases) {
    const res = await send();
    t.equal(res.statusCode, 400, `${name}: 400`);
    t.ok(isProblem(res), `${name}: problem+json`);
    t.match(res.json().errors, [{ pointer: '/body/visibility' }], `${name}: names visibility`);
  }
  t.equal(await actionCount(), count, 'no action was created');
  for (const key of ['exempt', 'confidential'] as const) {
    const res = await api.request({ method: 'GET', url: `/v1/actions/${seed.actions[key].id}` });
    t.equal(res.json().visibility, key, `the ${key} action is still ${key}`);
    t.equal((await api.request({ method: 'GET', url: `/v1/actions/${seed.actions[key].id}`, as: null })).statusCode, 404);
  }

  // A key files nothing it could not read back: it would vanish from its own view.
  const writer = api.keys.writer;
  const filed = [
    await api.request({ method: 'POST', url: `/v1/meetings/${seed.meetings.raisedAt}/items`, as: writer, payload: { title: 'Part 2', visibility: 'exempt', exemptParagraph: 3 } }),
    await api.request({ method: 'POST', url: '/v1/actions', as: writer, payload: { meetingId: seed.meetings.raisedAt, kind: 'task', title: 'Secret', visibility: 'exempt' } }),
    await api.request({ method: 'PATCH', url: `/v1/actions/${seed.actions.public.id}`, as: writer, payload: { visibility: 'confidential' } }),
  ];
  for (const res of filed) t.equal(res.statusCode, 400, `a public-only writer cannot file hidden business: ${res.body}`);
});

t.test('writes naming hidden records answer as if they did not exist', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const writer = api.keys.writer;
  const same = async (name: string, send: (id: number) => Promise<LightMyRequestResponse>, hiddenId: number) => {
    const hidden = await send(hiddenId);
    const missing = await send(MISSING_ID);
    t.equal(hidden.statusCode, missing.statusCode, `${name}: same status as a missing id (${hidden.statusCode})`);
    t.ok(hidden.statusCode >= 400 && isProblem(hidden), `${name}: refused with problem+json`);
    t.same(maskedProblem(hidden, hiddenId), maskedProblem(missing, MISSING_ID), `${name}: same problem as a missing id`);
  };
  for (const level of ['exempt', 'confidential'] as const) {
    const item = seed.ids.item[level];
    const resolution = seed.ids.resolution[level];
    const action = seed.actions[level].id;
    const tightened = seed.actions[level === 'exempt' ? 'tightenedExempt' : 'tightenedConfidential'].id;
    await same(`PATCH ${level} item`, (id) => api.request({ method: 'PATCH', url: `/v1/items/${id}`, as: writer, payload: { title: 'Renamed' } }), item);
    await same(`DELETE ${level} item`, (id) => api.request({ method: 'DELETE', url: `/v1/items/${id}`, as: writer }), item);
    await same(`POST resolution on ${level} item`, (id) => api.request({ method: 'POST', url: `/v1/items/${id}/resolutions`, as: writer, payload: { text: 'x', kind: 'noted' } }), item);
    await same(`POST declaration on ${level} item`, (id) => api.request({ method: 'POST', url: `/v1/items/${id}/declarations`, as: writer, payload: { personId: seed.personId, kind: 'other_registrable' } }), item);
    await same(`PATCH ${level} resolution`, (id) => api.request({ method: 'PATCH', url: `/v1/resolutions/${id}`, as: writer, payload: { text: 'x' } }), resolution);
    await same(`DELETE ${level} resolution`, (id) => api.request({ method: 'DELETE', url: `/v1/resolutions/${id}`, as: writer }), resolution);
    for (const [name, id] of [[`${level} action`, action], [`tightened ${level} action`, tightened]] as const) {
      await same(`PATCH ${name}`, (i) => api.request({ method: 'PATCH', url: `/v1/actions/${i}`, as: writer, payload: { status: 'withdrawn' } }), id);
      await same(`POST update on ${name}`, (i) => api.request({ method: 'POST', url: `/v1/actions/${i}/updates`, as: writer, payload: { text: 'x' } }), id);
    }
    const create = (body: Record<string, unknown>) => api.request({
      method: 'POST', url: '/v1/actions', as: writer, payload: { meetingId: seed.meetings.raisedAt, kind: 'task', title: 'Follow-up', ...body },
    });
    await same(`POST action on ${level} item`, (id) => create({ itemId: id }), item);
    await same(`POST action on ${level} resolution`, (id) => create({ resolutionId: id }), resolution);
    await same(`PATCH public action onto ${level} resolution`, (id) =>
      api.request({ method: 'PATCH', url: `/v1/actions/${seed.actions.public.id}`, as: writer, payload: { resolutionId: id } }), resolution);
    await same(`PATCH public action onto ${level} item`, (id) =>
      api.request({ method: 'PATCH', url: `/v1/actions/${seed.actions.public.id}`, as: writer, payload: { itemId: id, resolutionId: null } }), item);
    await same(`PATCH public action onto ${level} item, asking for ${level}`, (id) =>
      api.request({ method: 'PATCH', url: `/v1/actions/${seed.actions.public.id}`, as: writer, payload: { itemId: id, resolutionId: null, visibility: level } }), item);
  }
  const unchanged = await api.request({ method: 'GET', url: `/v1/actions/${seed.actions.public.id}` });
  t.equal(unchanged.json().resolutionId, seed.ids.resolution.public, 'the public action was not moved');
});

t.test('a refused delete does not name business the caller cannot read', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const created = async (url: string, payload: Record<string, unknown>) => {
    const res = await api.request({ method: 'POST', url, payload });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.body}`);
    return res.json().id as number;
  };
  const meetingAt = (startsAt: string) => created(`/v1/committees/${seed.committeeId}/meetings`, { startsAt });
  // An item whose only action was tightened to exempt; a meeting whose only item is exempt;
  // a meeting at which only an exempt action was raised.
  const item = await created(`/v1/meetings/${seed.meetings.later}/items`, { title: 'Any other business' });
  await created('/v1/actions', { meetingId: seed.meetings.later, itemId: item, kind: 'task', title: `Hidden ${LEVEL_MARKER.exempt}`, visibility: 'exempt' });
  const withItem = await meetingAt('2024-11-18T18:30:00Z');
  await created(`/v1/meetings/${withItem}/items`, { title: `Part 2 ${LEVEL_MARKER.exempt}`, visibility: 'exempt', exemptParagraph: 3 });
  const withAction = await meetingAt('2024-12-09T18:30:00Z');
  await created('/v1/actions', { meetingId: withAction, kind: 'task', title: `Hidden ${LEVEL_MARKER.exempt}`, visibility: 'exempt' });

  const cases: [string, string, string][] = [
    ['an item with a hidden action', `/v1/items/${item}`, 'actions'],
    ['a meeting with a hidden item', `/v1/meetings/${withItem}`, 'agenda items'],
    ['a meeting with a hidden action', `/v1/meetings/${withAction}`, 'actions raised at it'],
  ];
  for (const [name, url, named] of cases) {
    const writer = await api.request({ method: 'DELETE', url, as: api.keys.writer });
    t.equal(writer.statusCode, 409, `${name}: still refused`);
    t.ok(isProblem(writer), `${name}: problem+json`);
    t.match(writer.json().detail, /while other records refer to it$/, `${name}: in neutral words to a public-only writer`);
    const admin = await api.request({ method: 'DELETE', url });
    t.match(admin.json().detail, new RegExp(`while ${named} refer to it$`), `${name}: named to an admin`);
  }
});

t.test('an Idempotency-Key replay never hands one key another key\'s response', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  // Two keys may share a name (a team's "clerk" key, reissued with fewer scopes).
  const make = async (scopes: ('write' | 'read:exempt')[]) =>
    (await api.app.services.apiKeys.create({ name: 'test', visibilities: ['public'] }, 'clerk', scopes)).key;
  const clerkExempt = await make(['write', 'read:exempt']);
  const clerkPublic = await make(['write']);
  const payload = { meetingId: seed.meetings.raisedAt, itemId: seed.ids.item.exempt, kind: 'task', title: `Follow-up ${LEVEL_MARKER.exempt}-replayed` };
  const headers = { 'idempotency-key': 'clerk-retry-1' };
  const first = await api.request({ method: 'POST', url: '/v1/actions', as: clerkExempt, payload, headers });
  t.equal(first.statusCode, 201);
  const replay = await api.request({ method: 'POST', url: '/v1/actions', as: clerkExempt, payload, headers });
  t.equal(replay.statusCode, 201, 'the same key gets its own response again');
  t.equal(replay.json().id, first.json().id);
  const other = await api.request({ method: 'POST', url: '/v1/actions', as: clerkPublic, payload, headers });
  t.notOk(other.body.includes(LEVEL_MARKER.exempt), 'another key with the same name is not handed the exempt action');
  t.not(other.headers['idempotent-replayed'], 'true', 'and it is not a replay');
});
