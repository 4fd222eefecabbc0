import t from 'tap';
import { build, committee } from '../helper.js';

t.test('create, read, update and delete a committee', async (t) => {
  const api = await build(t);
  const created = await api.request({
    method: 'POST',
    url: '/v1/committees',
    payload: { name: 'Health Policy and Performance Board', kind: 'policy_and_performance_board', authority: 'Mersey Vale Borough Council' },
  });
  t.equal(created.statusCode, 201);
  const body = created.json();
  t.equal(created.headers.location, `/v1/committees/${body.id}`);
  t.match(body, { slug: 'health-policy-and-performance-board', despatchClearDays: 5, reminderWorkingDays: 10, timezone: 'Europe/London' });
  t.ok(created.headers.etag);

  const read = await api.request({ method: 'GET', url: `/v1/committees/${body.id}`, as: null });
  t.equal(read.statusCode, 200);
  t.equal(read.headers.etag, created.headers.etag);

  const stale = await api.request({
    method: 'PATCH', url: `/v1/committees/${body.id}`, payload: { despatchClearDays: 3 }, headers: { 'if-match': '"999.1"' },
  });
  t.equal(stale.statusCode, 412);
  t.match(stale.headers['content-type'], /application\/problem\+json/);

  const fresh = await api.request({
    method: 'PATCH', url: `/v1/committees/${body.id}`, payload: { despatchClearDays: 3 }, headers: { 'if-match': String(created.headers.etag) },
  });
  t.equal(fresh.statusCode, 200);
  t.equal(fresh.json().despatchClearDays, 3);
  t.not(fresh.headers.etag, created.headers.etag);

  const del = await api.request({ method: 'DELETE', url: `/v1/committees/${body.id}` });
  t.equal(del.statusCode, 204);
  t.equal((await api.request({ method: 'GET', url: `/v1/committees/${body.id}` })).statusCode, 404);
});

t.test('unknown and malformed fields are a 400 naming each field', async (t) => {
  const api = await build(t);
  const res = await api.request({
    method: 'POST', url: '/v1/committees',
    payload: { name: 'X', kind: 'parish', colour: 'blue', timezone: 'Mars/Olympus' },
  });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
  t.ok(pointers.includes('/body/colour'), 'names the unknown field');
  t.ok(pointers.includes('/body/kind'), 'names the bad enum');
  const tz = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'X', kind: 'other', timezone: 'Mars/Olympus' } });
  t.equal(tz.statusCode, 400);
  t.same(tz.json().errors.map((e: { pointer: string }) => e.pointer), ['/body/timezone']);
  t.equal((await api.request({ method: 'GET', url: '/v1/committees?limit=0' })).statusCode, 400);
  const stored = await api.request({ method: 'GET', url: '/v1/committees' });
  t.same(stored.json().data, [], 'nothing half-written');
});

t.test('writes need a key with write scope', async (t) => {
  const api = await build(t);
  const anon = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'A', kind: 'other' }, as: null });
  t.equal(anon.statusCode, 401);
  t.match(anon.headers['www-authenticate'], /Bearer/);
  const reader = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'A', kind: 'other' }, as: api.keys.reader });
  t.equal(reader.statusCode, 403);
  const bad = await api.request({ method: 'GET', url: '/v1/committees', as: 'st_notarealkey_0000000000000000' });
  t.equal(bad.statusCode, 401);
});

t.test('pages through every committee exactly once, in either direction', async (t) => {
  const api = await build(t);
  for (let i = 0; i < 23; i++) await committee(api, { name: `Committee ${String(i).padStart(2, '0')}` });
  for (const sort of ['id', '-id', 'name', '-name']) {
    const seen: number[] = [];
    let url: string | undefined = `/v1/committees?limit=5&sort=${sort}`;
    while (url) {
      const res = await api.request({ method: 'GET', url });
      t.equal(res.statusCode, 200);
      const page = res.json();
      seen.push(...page.data.map((c: { id: number }) => c.id));
      const link = res.headers.link as string | undefined;
      t.equal(Boolean(link), page.nextCursor !== null, 'Link header iff a next page');
      url = link ? /<([^>]+)>/.exec(link)![1] : undefined;
    }
    t.equal(seen.length, 23, `${sort}: every record`);
    t.equal(new Set(seen).size, 23, `${sort}: none twice`);
  }
  const tampered = await api.request({ method: 'GET', url: '/v1/committees?cursor=eyJzIjoiaWQiLCJ2IjpudWxsfQ' });
  t.equal(tampered.statusCode, 400);
  t.equal(tampered.json().errors[0].pointer, '/querystring/cursor');
});

t.test('Idempotency-Key replays the first response and refuses a different body', async (t) => {
  const api = await build(t);
  const send = (name: string) =>
    api.request({ method: 'POST', url: '/v1/committees', payload: { name, kind: 'scrutiny' }, headers: { 'idempotency-key': 'abc-123' } });
  const first = await send('Audit Committee');
  const again = await send('Audit Committee');
  t.equal(first.statusCode, 201);
  t.equal(again.statusCode, 201);
  t.same(again.json(), first.json());
  t.equal(again.headers.location, first.headers.location);
  const list = await api.request({ method: 'GET', url: '/v1/committees' });
  t.equal(list.json().data.length, 1, 'created once');
  const other = await send('Standards Committee');
  t.equal(other.statusCode, 422);
});

t.test('a committee with meetings cannot be deleted', async (t) => {
  const api = await build(t);
  const id = await committee(api);
  await api.request({ method: 'POST', url: `/v1/committees/${id}/meetings`, payload: { startsAt: '2024-07-15T18:30:00+01:00' } });
  const res = await api.request({ method: 'DELETE', url: `/v1/committees/${id}` });
  t.equal(res.statusCode, 409);
  t.match(res.json().detail, /meetings/);
});
