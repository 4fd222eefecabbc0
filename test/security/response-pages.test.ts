import t from 'tap';
import { build } from '../helper.js';
import { form, formFields } from '../modules/response-links-fixture.js';
import { LEVEL_MARKER, levels, seedBusiness, type RecordKey } from './seed.js';

// The leak matrix for the response page (/respond/{token}): an exempt or confidential action's
// link opens that action for its owner and shows nothing else hidden (no item, resolution,
// declaration or other action); the page is reachable only with the token; the 404 page, the
// form's error page and the refusals carry no marker of any level; and only a key that can read
// the action can issue or list its links.

const others = (own: RecordKey[]) => (body: string, records: Record<RecordKey, { marker: string }>) =>
  (Object.entries(records) as [RecordKey, { marker: string }][])
    .filter(([key, record]) => !own.includes(key) && body.includes(record.marker))
    .map(([key]) => key);

t.test('an exempt or confidential action through its link: its own text only', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const owner = await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Officer Owen', kind: 'officer' } });
  const ownerId = owner.json().id as number;

  for (const key of ['exempt', 'confidential', 'tightenedExempt'] as const) {
    const action = seed.actions[key];
    await api.request({ method: 'PATCH', url: `/v1/actions/${action.id}`, payload: { ownerId } });
    // A key that cannot read the action cannot learn of it by asking for a link.
    for (const as of [api.keys.writer, api.keys.reader, null]) {
      const refused = await api.request({ method: 'POST', url: `/v1/actions/${action.id}/response-links`, payload: { personId: ownerId }, as });
      t.ok([401, 403, 404].includes(refused.statusCode), `${key}: ${refused.statusCode}`);
      t.notMatch(refused.body, action.marker);
    }
    const issued = await api.request({ method: 'POST', url: `/v1/actions/${action.id}/response-links`, payload: { personId: ownerId } });
    t.equal(issued.statusCode, 201);
    const path = new URL(issued.json().url).pathname;

    const page = await api.request({ method: 'GET', url: path, as: null });
    t.equal(page.statusCode, 200);
    t.match(page.body, `Action ${action.marker}`);
    t.match(page.body, `Progress ${LEVEL_MARKER[action.level]}-update-${key}`);
    const own: RecordKey[] = [`action.${key}`, `update.${key}`];
    t.same(others(own)(page.body, seed.records), [], `${key}: no other business on the page`);

    // The form's error page and the confirmation: the same.
    const bad = await api.request({ method: 'POST', url: path, as: null, ...form({ intent: 'update', text: '', ...formFields(page.body) }) });
    t.equal(bad.statusCode, 400);
    t.same(others(own)(bad.body, seed.records), []);
    const sent = await api.request({ method: 'POST', url: path, as: null, ...form({ intent: 'update', text: 'Through the link', ...formFields(page.body) }) });
    t.equal(sent.statusCode, 303);
    const confirmation = await api.request({ method: 'GET', url: sent.headers.location as string, as: null });
    t.same(others(own)(confirmation.body, seed.records), []);

    // What was sent is as hidden as the action.
    const asReader = await api.request({ method: 'GET', url: `/v1/actions/${action.id}/updates`, as: api.keys.reader });
    t.equal(asReader.statusCode, 404);

    // Without the token: the one 404 page, naming nothing.
    const [id] = path.replace('/respond/', '').split('.');
    for (const guess of [`/respond/${id}`, `/respond/${id}.${'A'.repeat(43)}`, `/respond/${action.id}`]) {
      const res = await api.request({ method: 'GET', url: guess, as: null });
      t.equal(res.statusCode, 404);
      t.notOk(levels.some((level) => res.body.includes(LEVEL_MARKER[level])), guess);
      t.notMatch(res.body, 'Children and Young People');
    }
    // Its links are listed only to a key that can read it.
    t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}/response-links`, as: api.keys.writer })).statusCode, 404);
  }
});
