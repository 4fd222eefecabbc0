import t from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';

async function person(api: TestApp, body: Record<string, unknown> = {}): Promise<number> {
  const res = await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Cllr Tom McInerney', kind: 'councillor', ...body } });
  if (res.statusCode !== 201) throw new Error(`person: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

const pointers = (body: { errors?: { pointer: string }[] }) => (body.errors ?? []).map((e) => e.pointer);

t.test('create, read, update and delete a person', async (t) => {
  const api = await build(t);
  const created = await api.request({
    method: 'POST', url: '/v1/people',
    payload: { name: 'Ann McIntyre', kind: 'officer', role: "Operational Director, Children's Services", organisation: 'Halton Borough Council', email: 'ann.mcintyre@example.gov.uk' },
  });
  t.equal(created.statusCode, 201);
  const body = created.json();
  t.equal(created.headers.location, `/v1/people/${body.id}`);
  t.match(body, { name: 'Ann McIntyre', kind: 'officer', title: null, organisation: 'Halton Borough Council' });
  t.notOk('version' in body, 'the version is in the ETag, not the body');

  const read = await api.request({ method: 'GET', url: `/v1/people/${body.id}`, as: null });
  t.equal(read.statusCode, 200, 'people are public');
  t.equal(read.headers.etag, created.headers.etag);

  const stale = await api.request({ method: 'PATCH', url: `/v1/people/${body.id}`, payload: { title: 'Dr' }, headers: { 'if-match': `"${body.id}.99"` } });
  t.equal(stale.statusCode, 412);
  t.equal((await api.request({ method: 'GET', url: `/v1/people/${body.id}` })).json().title, null, 'a stale write changes nothing');

  const fresh = await api.request({ method: 'PATCH', url: `/v1/people/${body.id}`, payload: { title: 'Dr' }, headers: { 'if-match': String(created.headers.etag) } });
  t.equal(fresh.statusCode, 200);
  t.equal(fresh.json().title, 'Dr');
  t.not(fresh.headers.etag, created.headers.etag);

  const staleDelete = await api.request({ method: 'DELETE', url: `/v1/people/${body.id}`, headers: { 'if-match': String(created.headers.etag) } });
  t.equal(staleDelete.statusCode, 412);
  t.equal((await api.request({ method: 'DELETE', url: `/v1/people/${body.id}`, as: api.keys.writer })).statusCode, 204);
  t.equal((await api.request({ method: 'GET', url: `/v1/people/${body.id}` })).statusCode, 404);
  t.equal((await api.request({ method: 'PATCH', url: `/v1/people/${body.id}`, payload: { title: 'Dr' } })).statusCode, 404);
});

t.test('bad input is a 400 naming each field, and stores nothing', async (t) => {
  const api = await build(t);
  const res = await api.request({
    method: 'POST', url: '/v1/people',
    payload: { name: '', kind: 'alderman', email: 'not-an-email', party: 'Labour', role: 'x'.repeat(301) },
  });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  const named = pointers(res.json());
  for (const field of ['/body/name', '/body/kind', '/body/email', '/body/party', '/body/role']) {
    t.ok(named.includes(field), `names ${field}`);
  }
  const id = await person(api);
  t.equal((await api.request({ method: 'PATCH', url: `/v1/people/${id}`, payload: {} })).statusCode, 400, 'an empty PATCH');
  t.equal((await api.request({ method: 'GET', url: '/v1/people?sort=email' })).statusCode, 400, 'sort only by offered fields');
  t.equal((await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'A', kind: 'officer' }, as: api.keys.reader })).statusCode, 403);
  t.equal((await api.request({ method: 'GET', url: '/v1/people' })).json().data.length, 1);
});

t.test('filters by kind and by part of the name, with LIKE characters taken literally', async (t) => {
  const api = await build(t);
  await person(api, { name: 'Cllr Mark Dennett' });
  await person(api, { name: 'Cllr Marie Wright' });
  await person(api, { name: 'Mr Harry Marsh', kind: 'co_optee' });
  await person(api, { name: '100% Healthy Partnership', kind: 'partner' });
  await person(api, { name: 'Jo_Bloggs', kind: 'officer' });
  const names = async (query: string) =>
    (await api.request({ method: 'GET', url: `/v1/people?${query}`, as: null })).json().data.map((p: { name: string }) => p.name);

  t.same(await names('kind=co_optee'), ['Mr Harry Marsh']);
  t.same(await names('q=MAR&sort=name'), ['Cllr Marie Wright', 'Cllr Mark Dennett', 'Mr Harry Marsh'], 'case-insensitive substring');
  t.same(await names('q=mar&kind=councillor&sort=-name'), ['Cllr Mark Dennett', 'Cllr Marie Wright']);
  t.same(await names(`q=${encodeURIComponent('%')}`), ['100% Healthy Partnership'], '% is not a wildcard');
  t.same(await names('q=_'), ['Jo_Bloggs'], '_ is not a wildcard');
});

t.test('pages through every person exactly once in each sort', async (t) => {
  const api = await build(t);
  // Repeated names make the id tie-breaker matter.
  for (let i = 0; i < 17; i++) await person(api, { name: `Councillor ${i % 4}` });
  for (const sort of ['id', '-id', 'name', '-name', 'createdAt', '-createdAt']) {
    const seen: number[] = [];
    let url: string | undefined = `/v1/people?limit=3&sort=${sort}`;
    while (url) {
      const res = await api.request({ method: 'GET', url });
      t.equal(res.statusCode, 200);
      seen.push(...res.json().data.map((p: { id: number }) => p.id));
      const link = res.headers.link as string | undefined;
      url = link ? /<([^>]+)>/.exec(link)![1] : undefined;
    }
    t.equal(seen.length, 17, `${sort}: every person`);
    t.equal(new Set(seen).size, 17, `${sort}: none twice`);
  }
  const wrongSort = await api.request({ method: 'GET', url: '/v1/people?limit=3&sort=id' });
  const cursor = wrongSort.json().nextCursor;
  t.equal((await api.request({ method: 'GET', url: `/v1/people?sort=name&cursor=${cursor}` })).statusCode, 400, 'a cursor is bound to its sort');
});

t.test('a person named in a membership, attendance or declaration cannot be deleted', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });

  const member = await person(api);
  await api.request({ method: 'PUT', url: `/v1/committees/${committeeId}/members/${member}`, payload: { role: 'chair' } });
  const refused = await api.request({ method: 'DELETE', url: `/v1/people/${member}` });
  t.equal(refused.statusCode, 409);
  t.match(refused.json().detail, /committee memberships/);
  await api.request({ method: 'DELETE', url: `/v1/committees/${committeeId}/members/${member}` });
  t.equal((await api.request({ method: 'DELETE', url: `/v1/people/${member}` })).statusCode, 204, 'deletable once no longer a member');

  const attendee = await person(api);
  await api.request({ method: 'PUT', url: `/v1/meetings/${meetingId}/attendance`, payload: [{ personId: attendee, status: 'apologies' }] });
  const attended = await api.request({ method: 'DELETE', url: `/v1/people/${attendee}` });
  t.equal(attended.statusCode, 409);
  t.match(attended.json().detail, /attendance/);

  const declarer = await person(api);
  const item = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Minutes' } });
  await api.request({ method: 'POST', url: `/v1/items/${item.json().id}/declarations`, payload: { personId: declarer, kind: 'other_registrable' } });
  const declared = await api.request({ method: 'DELETE', url: `/v1/people/${declarer}` });
  t.equal(declared.statusCode, 409);
  t.match(declared.json().detail, /declarations of interest/);
  t.equal((await api.request({ method: 'GET', url: `/v1/people/${declarer}` })).statusCode, 200, 'still there');
});

t.test('a 409 does not reveal which exempt record names the person', async (t) => {
  const api = await build(t);
  const meetingId = await meeting(api, await committee(api), { startsAt: '2024-07-15T18:30:00+01:00' });
  const declarer = await person(api);
  const item = await api.request({
    method: 'POST', url: `/v1/meetings/${meetingId}/items`,
    payload: { title: 'Children in care placement costs', visibility: 'exempt', exemptParagraph: 1 },
  });
  await api.request({ method: 'POST', url: `/v1/items/${item.json().id}/declarations`, payload: { personId: declarer, kind: 'disclosable_pecuniary' } });
  const writer = await api.request({ method: 'DELETE', url: `/v1/people/${declarer}`, as: api.keys.writer });
  t.equal(writer.statusCode, 409);
  t.notMatch(writer.json().detail, /declaration/);
  t.match(writer.json().detail, /other records/);
  const admin = await api.request({ method: 'DELETE', url: `/v1/people/${declarer}` });
  t.match(admin.json().detail, /declarations of interest/);
});
