import t from 'tap';
import { build, committee, meeting, sqlRun, type TestApp } from '../helper.js';

/** The distinct fields a 400 names, sorted (Ajv can report one field under several rules). */
const pointers = (body: { errors?: { pointer: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.pointer))].sort();

async function setUp(api: TestApp, itemBody: Record<string, unknown> = {}) {
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });
  const item = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { number: '16', title: 'Children in Care', ...itemBody } });
  return { committeeId, meetingId, itemId: item.json().id as number };
}

async function resolve(api: TestApp, itemId: number, body: Record<string, unknown> = {}): Promise<number> {
  const res = await api.request({ method: 'POST', url: `/v1/items/${itemId}/resolutions`, payload: { text: 'That the report be noted.', kind: 'noted', ...body } });
  if (res.statusCode !== 201) throw new Error(`resolution: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

t.test('create, read, update and delete a resolution with its vote', async (t) => {
  const api = await build(t);
  const { itemId } = await setUp(api);
  const created = await api.request({
    method: 'POST', url: `/v1/items/${itemId}/resolutions`, as: api.keys.writer,
    payload: { number: '1', text: 'That the Executive Board be recommended to review placement sufficiency.', kind: 'recommendation', vote: { for: 7, against: 2, abstentions: 1, method: 'show of hands' } },
  });
  t.equal(created.statusCode, 201);
  const body = created.json();
  t.equal(created.headers.location, `/v1/resolutions/${body.id}`);
  t.match(body, { itemId, number: '1', kind: 'recommendation', visibility: 'public', vote: { for: 7, against: 2, abstentions: 1, method: 'show of hands' } });
  t.notOk('voteFor' in body, 'the vote columns stay inside');

  const read = await api.request({ method: 'GET', url: `/v1/resolutions/${body.id}`, as: null });
  t.equal(read.statusCode, 200);
  t.equal(read.headers.etag, created.headers.etag);

  const stale = await api.request({ method: 'PATCH', url: `/v1/resolutions/${body.id}`, payload: { vote: null }, headers: { 'if-match': `"${body.id}.5"` } });
  t.equal(stale.statusCode, 412);
  const partial = await api.request({ method: 'PATCH', url: `/v1/resolutions/${body.id}`, payload: { vote: { method: 'carried unanimously' } }, headers: { 'if-match': String(created.headers.etag) } });
  t.equal(partial.statusCode, 200);
  t.same(partial.json().vote, { for: null, against: null, abstentions: null, method: 'carried unanimously' }, 'a vote is replaced whole');
  const cleared = await api.request({ method: 'PATCH', url: `/v1/resolutions/${body.id}`, payload: { vote: null, kind: 'agreed' } });
  t.match(cleared.json(), { vote: null, kind: 'agreed' });
  const unvoted = await resolve(api, itemId);
  t.equal((await api.request({ method: 'GET', url: `/v1/resolutions/${unvoted}` })).json().vote, null);

  t.equal((await api.request({ method: 'DELETE', url: `/v1/resolutions/${body.id}`, headers: { 'if-match': String(created.headers.etag) } })).statusCode, 412);
  t.equal((await api.request({ method: 'DELETE', url: `/v1/resolutions/${body.id}` })).statusCode, 204);
  t.equal((await api.request({ method: 'GET', url: `/v1/resolutions/${body.id}` })).statusCode, 404);
  t.equal((await api.request({ method: 'POST', url: '/v1/items/999/resolutions', payload: { text: 'x', kind: 'noted' } })).statusCode, 404);
});

t.test('bad input is a 400 naming each field', async (t) => {
  const api = await build(t);
  const { itemId } = await setUp(api);
  const res = await api.request({
    method: 'POST', url: `/v1/items/${itemId}/resolutions`,
    payload: { text: ' ', kind: 'resolved', vote: { for: -1, carried: true }, seconder: 'Cllr X' },
  });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  t.same(pointers(res.json()), ['/body/kind', '/body/seconder', '/body/text', '/body/vote', '/body/vote/carried', '/body/vote/for']);
  t.same(pointers((await api.request({ method: 'POST', url: `/v1/items/${itemId}/resolutions`, payload: { text: 'x', kind: 'noted', vote: {} } })).json()), ['/body/vote'], 'an empty vote');
  t.same((await api.request({ method: 'GET', url: `/v1/items/${itemId}/resolutions` })).json().data, [], 'nothing stored');
});

t.test("lists an item's resolutions in order, filtered and paged", async (t) => {
  const api = await build(t);
  const { itemId } = await setUp(api);
  const other = await api.request({ method: 'POST', url: `/v1/meetings/${(await api.request({ method: 'GET', url: `/v1/items/${itemId}` })).json().meetingId}/items`, payload: { title: 'Other' } });
  await resolve(api, other.json().id);
  const ids: number[] = [];
  for (const [number, kind] of [['1', 'noted'], ['2', 'request'], ['3', 'agreed'], ['4', 'request'], ['5', 'noted']]) {
    ids.push(await resolve(api, itemId, { number, kind }));
  }
  const seen: number[] = [];
  let url: string | undefined = `/v1/items/${itemId}/resolutions?limit=2`;
  while (url) {
    const res = await api.request({ method: 'GET', url, as: null });
    seen.push(...res.json().data.map((r: { id: number }) => r.id));
    const link = res.headers.link as string | undefined;
    url = link ? /<([^>]+)>/.exec(link)![1] : undefined;
  }
  t.same(seen, ids, 'every resolution of this item once, in the order minuted');
  const requests = await api.request({ method: 'GET', url: `/v1/items/${itemId}/resolutions?kind=request` });
  t.same(requests.json().data.map((r: { number: string }) => r.number), ['2', '4']);
});

t.test('resolutions of exempt and confidential items are invisible without the scope', async (t) => {
  const api = await build(t);
  const { meetingId, itemId: publicItem } = await setUp(api);
  const hiddenItem = async (visibility: string) =>
    (await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: `${visibility} item`, visibility, exemptParagraph: 3 } })).json().id as number;
  const items = { public: publicItem, exempt: await hiddenItem('exempt'), confidential: await hiddenItem('confidential') };
  const resolutions = {
    public: await resolve(api, items.public),
    exempt: await resolve(api, items.exempt, { text: 'That the contract be awarded to the preferred bidder.' }),
    confidential: await resolve(api, items.confidential),
  };
  t.equal((await api.request({ method: 'GET', url: `/v1/resolutions/${resolutions.exempt}` })).json().visibility, 'exempt', 'inherited from the item');

  const callers: [string, string | null, string[]][] = [
    ['anonymous', null, ['public']],
    ['reader', api.keys.reader, ['public']],
    ['writer', api.keys.writer, ['public']],
    ['exempt', api.keys.exempt, ['public', 'exempt']],
    ['confidential', api.keys.confidential, ['public', 'exempt', 'confidential']],
  ];
  for (const [name, key, sees] of callers) {
    for (const level of ['public', 'exempt', 'confidential'] as const) {
      const expected = sees.includes(level) ? 200 : 404;
      for (const url of [`/v1/resolutions/${resolutions[level]}`, `/v1/resolutions/${resolutions[level]}/history`, `/v1/items/${items[level]}/resolutions`]) {
        t.equal((await api.request({ method: 'GET', url, as: key })).statusCode, expected, `${name}: GET ${url}`);
      }
    }
  }
  const hiddenRead = await api.request({ method: 'GET', url: `/v1/resolutions/${resolutions.exempt}`, as: api.keys.reader });
  t.equal(hiddenRead.json().detail, `Resolution ${resolutions.exempt} was not found`, 'hidden reads exactly like missing');

  const writes = [
    { method: 'PATCH' as const, url: `/v1/resolutions/${resolutions.exempt}`, payload: { text: 'Changed' } },
    { method: 'DELETE' as const, url: `/v1/resolutions/${resolutions.exempt}` },
    { method: 'POST' as const, url: `/v1/items/${items.exempt}/resolutions`, payload: { text: 'Planted', kind: 'noted' } },
  ];
  for (const write of writes) {
    t.equal((await api.request({ ...write, as: api.keys.writer })).statusCode, 404, `writer ${write.method} ${write.url}`);
  }
  const after = await api.request({ method: 'GET', url: `/v1/items/${items.exempt}/resolutions` });
  t.same(after.json().data.map((r: { id: number; text: string }) => [r.id, r.text]), [[resolutions.exempt, 'That the contract be awarded to the preferred bidder.']], 'untouched');

  // Tightening the item hides its resolutions at once: visibility is read through the item.
  await api.request({ method: 'PATCH', url: `/v1/items/${items.public}`, payload: { visibility: 'exempt', exemptParagraph: 1 } });
  t.equal((await api.request({ method: 'GET', url: `/v1/resolutions/${resolutions.public}`, as: null })).statusCode, 404);
});

t.test('a resolution an action refers to cannot be deleted; history is newest first', async (t) => {
  const api = await build(t);
  const { committeeId, meetingId, itemId } = await setUp(api);
  const id = await resolve(api, itemId, { kind: 'request' });
  await api.request({ method: 'PATCH', url: `/v1/resolutions/${id}`, payload: { number: '2' } });

  const history = await api.request({ method: 'GET', url: `/v1/resolutions/${id}/history`, as: null });
  t.equal(history.statusCode, 200);
  t.match(history.json().data, [{ operation: 'update', before: { number: null }, after: { number: '2' } }, { operation: 'create', before: null }]);

  // Set up through the database: the action is the reference under test, not the actions API.
  await sqlRun(api.app, `INSERT INTO actions (committee_id, meeting_id, item_id, resolution_id, kind, title, due_rule, due_date)
    VALUES (?, ?, ?, ?, 'update', 'Update on placements', 'date', '2024-09-30')`, committeeId, meetingId, itemId, id);
  const refused = await api.request({ method: 'DELETE', url: `/v1/resolutions/${id}` });
  t.equal(refused.statusCode, 409);
  t.match(refused.json().detail, /actions/);
  t.equal((await api.request({ method: 'GET', url: `/v1/resolutions/${id}` })).statusCode, 200, 'still there');
});
