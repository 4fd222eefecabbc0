import t, { type Test } from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';

// JSON bodies are taken as sent: a value of the wrong type is a 400 naming the field, never
// coerced. Path and query text is parsed strictly: ids are digits, booleans true/false.
// And one date-time format for every field: what the schema accepts, the service can compute with.

async function withMeeting(t: Test) {
  const api = await build(t);
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });
  return { api, committeeId, meetingId };
}

function pointers(res: { json: () => { errors?: { pointer: string }[] } }) {
  return (res.json().errors ?? []).map((e) => e.pointer);
}

t.test('a JSON body of the wrong types is a 400 naming each field, and nothing is stored', async (t) => {
  const { api, meetingId } = await withMeeting(t);
  const cases: [Record<string, unknown>, string][] = [
    [{ meetingId: true, kind: 'task', title: 'Report back' }, '/body/meetingId'],
    [{ meetingId, kind: 'task', title: 12345 }, '/body/title'],
    [{ meetingId: [meetingId], kind: 'task', title: 'Report back' }, '/body/meetingId'],
    [{ meetingId: String(meetingId), kind: 'task', title: 'Report back' }, '/body/meetingId'],
    [{ meetingId, kind: 'task', title: 'Report back', ownerId: false }, '/body/ownerId'],
    [{ meetingId, kind: 'task', title: ['Report back'] }, '/body/title'],
  ];
  for (const [payload, pointer] of cases) {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.ok(pointers(res).includes(pointer), `${JSON.stringify(payload)} names ${pointer}`);
  }
  t.equal((await api.request({ method: 'GET', url: '/v1/actions' })).json().data.length, 0, 'no action was created');

  const committeeId = await committee(api, { name: 'Audit Committee' });
  const bad = await api.request({ method: 'PATCH', url: `/v1/committees/${committeeId}`, payload: { despatchClearDays: null } });
  t.equal(bad.statusCode, 400, 'null is not 0');
  t.same(pointers(bad), ['/body/despatchClearDays']);
  const text = await api.request({ method: 'PATCH', url: `/v1/committees/${committeeId}`, payload: { despatchClearDays: '7' } });
  t.equal(text.statusCode, 400, '"7" is not 7');
  const commit = await api.request({
    method: 'POST', url: '/v1/imports/minutes', payload: { text: 'Minutes', committeeId, commit: 'false' },
  });
  t.equal(commit.statusCode, 400, '"false" is not false');
  t.same(pointers(commit), ['/body/commit']);
});

t.test('path ids are decimal digits only', async (t) => {
  const { api, committeeId, meetingId } = await withMeeting(t);
  t.equal((await api.request({ method: 'GET', url: `/v1/committees/${committeeId}` })).statusCode, 200);
  t.equal((await api.request({ method: 'GET', url: `/v1/committees/0${committeeId}` })).statusCode, 200, 'a leading zero is still digits');
  for (const id of ['0x1', '1.0', '+1', '1e0', '%201', '1%20', '0b1', '']) {
    const res = await api.request({ method: 'GET', url: `/v1/committees/${id}/members` });
    t.equal(res.statusCode, 400, `id ${JSON.stringify(id)}`);
    t.same(pointers(res), ['/params/id'], `id ${JSON.stringify(id)} names the parameter`);
  }
  // Every kind of record, read, edited and deleted: id 1 exists for each, so a coerced id would act.
  const item = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Apologies' } });
  const action = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'task', title: 'Report back' } });
  t.same([item.json().id, action.json().id], [1, 1], 'record 1 of each kind exists');
  const edits: Record<string, [Record<string, string>, boolean]> = {
    meetings: [{ venue: 'Renamed' }, true],
    items: [{ title: 'Renamed' }, true],
    actions: [{ title: 'Renamed' }, false],
  };
  for (const [resource, [edit, deletable]] of Object.entries(edits)) {
    const before = (await api.request({ method: 'GET', url: `/v1/${resource}/1` })).json();
    for (const id of ['0x1', '1.0', '+1']) {
      for (const [method, payload] of [['GET', undefined], ['PATCH', edit], ...(deletable ? [['DELETE', undefined] as const] : [])] as const) {
        const res = await api.request({ method, url: `/v1/${resource}/${encodeURIComponent(id)}`, ...(payload ? { payload } : {}) });
        t.equal(res.statusCode, 400, `${method} /v1/${resource}/${id}`);
        t.same(pointers(res), ['/params/id'], `${method} /v1/${resource}/${id} names the parameter`);
      }
    }
    t.same((await api.request({ method: 'GET', url: `/v1/${resource}/1` })).json(), before, `${resource}/1 untouched`);
  }
  const patched = await api.request({ method: 'PATCH', url: '/v1/committees/0x1', payload: { contactName: 'X' } });
  t.equal(patched.statusCode, 400, 'a write to 0x1 changes nothing');
  t.equal((await api.request({ method: 'GET', url: `/v1/committees/${committeeId}` })).json().contactName, null);
});

t.test('query parameters: integers decimal, booleans true or false, comma lists and limit still work', async (t) => {
  const { api, meetingId } = await withMeeting(t);
  for (let i = 0; i < 3; i++) {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'task', title: `Report ${i}`, dueDate: '2024-08-01' } });
    t.equal(res.statusCode, 201);
  }
  const ok = async (url: string) => {
    const res = await api.request({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    return res.json().data as unknown[];
  };
  t.equal((await ok('/v1/actions?limit=2')).length, 2, 'limit');
  t.equal((await ok('/v1/actions')).length, 3, 'the default limit');
  t.equal((await ok('/v1/actions?status=open,responded')).length, 3, 'a comma list of statuses');
  t.equal((await ok('/v1/actions?status=closed')).length, 0);
  t.equal((await ok('/v1/actions?overdue=true&asOf=2024-09-01')).length, 3, 'overdue=true');
  t.equal((await ok('/v1/actions?overdue=false&asOf=2024-09-01')).length, 0, 'overdue=false');
  t.equal((await ok(`/v1/actions?meetingId=${meetingId}`)).length, 3, 'an id filter');

  for (const query of ['limit=0x2', 'limit=2.0', 'limit=+2', 'limit=', 'limit=1e1', 'meetingId=0x1', 'overdue=1', 'overdue=TRUE', 'overdue=']) {
    const res = await api.request({ method: 'GET', url: `/v1/actions?${query}` });
    t.equal(res.statusCode, 400, query);
    t.same(pointers(res), [`/querystring/${query.split('=')[0]}`], `${query} names the parameter`);
  }
  const imported = await api.request({
    method: 'POST', url: '/v1/imports/minutes?commit=1', headers: { 'content-type': 'text/plain' }, payload: 'Minutes',
  });
  t.equal(imported.statusCode, 400, 'commit=1 is not a boolean');
  t.same(pointers(imported), ['/querystring/commit']);
});

async function startsAtRefused(t: Test, api: TestApp, method: 'POST' | 'PATCH', url: string, startsAt: string) {
  const res = await api.request({ method, url, payload: { startsAt } });
  t.equal(res.statusCode, 400, `${method} ${url} startsAt ${startsAt}`);
  t.same(pointers(res), ['/body/startsAt'], 'names the field');
}

t.test('date-times luxon cannot read are a 400 naming the field, never a 500', async (t) => {
  const { api, committeeId, meetingId } = await withMeeting(t);
  const refused = [
    '2024-12-31T23:59:60Z', // a leap second
    '2024-06-01 10:00:00Z', // a space for the T
    '2024-06-01T10:00:00', // no offset
    '2024-06-01T10:00Z', // no seconds
    '2024-02-30T10:00:00Z',
    '2024-06-01T24:00:00Z',
    '2024-06-01T10:00:00+25:00',
    '2024-W22-6T10:00:00Z',
    '2024-06-01t10:00:00z',
  ];
  for (const startsAt of refused) {
    await startsAtRefused(t, api, 'POST', `/v1/committees/${committeeId}/meetings`, startsAt);
    await startsAtRefused(t, api, 'PATCH', `/v1/meetings/${meetingId}`, startsAt);
  }
  const imported = await api.request({
    method: 'POST', url: '/v1/imports/minutes', payload: { text: 'Minutes', committeeId, startsAt: '2024-12-31T23:59:60Z' },
  });
  t.equal(imported.statusCode, 400, 'the import takes the same format');
  t.same(pointers(imported), ['/body/startsAt']);

  for (const startsAt of ['2024-06-01T10:00:00Z', '2024-06-01T10:00:00.250+01:00', '2024-12-31T23:59:59-05:00']) {
    const res = await api.request({ method: 'POST', url: `/v1/committees/${committeeId}/meetings`, payload: { startsAt } });
    t.equal(res.statusCode, 201, startsAt);
  }
});
