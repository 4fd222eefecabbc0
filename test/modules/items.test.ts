import t from 'tap';
import { build, committee, meeting, sqlRows, type TestApp } from '../helper.js';

/** The distinct fields a 400 names, sorted (Ajv can report one field under several rules). */
const pointers = (body: { errors?: { pointer: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.pointer))].sort();

let committees = 0;
async function setUp(api: TestApp) {
  const committeeId = await committee(api, { name: `Scrutiny Committee ${++committees}` });
  return meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });
}

async function item(api: TestApp, meetingId: number, body: Record<string, unknown> = {}): Promise<number> {
  const res = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Minutes of the last meeting', ...body } });
  if (res.statusCode !== 201) throw new Error(`item: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

t.test('create, read, update and delete an agenda item', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const created = await api.request({
    method: 'POST', url: `/v1/meetings/${meetingId}/items`, as: api.keys.writer,
    payload: { number: '16', title: 'Children in Care Annual Report', minutes: 'The Board received the annual report.' },
  });
  t.equal(created.statusCode, 201);
  const body = created.json();
  t.equal(created.headers.location, `/v1/items/${body.id}`);
  t.match(body, { meetingId, number: '16', visibility: 'public', exemptParagraph: null, position: 1 });
  t.ok(created.headers.etag);

  const read = await api.request({ method: 'GET', url: `/v1/items/${body.id}`, as: null });
  t.equal(read.statusCode, 200);
  t.equal(read.headers.etag, created.headers.etag);

  const stale = await api.request({ method: 'PATCH', url: `/v1/items/${body.id}`, payload: { number: '16a' }, headers: { 'if-match': `"${body.id}.7"` } });
  t.equal(stale.statusCode, 412);
  const fresh = await api.request({ method: 'PATCH', url: `/v1/items/${body.id}`, payload: { number: '16a' }, headers: { 'if-match': String(created.headers.etag) } });
  t.equal(fresh.statusCode, 200);
  t.equal(fresh.json().number, '16a');
  t.not(fresh.headers.etag, created.headers.etag);

  t.equal((await api.request({ method: 'DELETE', url: `/v1/items/${body.id}`, headers: { 'if-match': String(created.headers.etag) } })).statusCode, 412);
  t.equal((await api.request({ method: 'DELETE', url: `/v1/items/${body.id}` })).statusCode, 204);
  t.equal((await api.request({ method: 'GET', url: `/v1/items/${body.id}` })).statusCode, 404);
  t.equal((await api.request({ method: 'GET', url: '/v1/meetings/999/items' })).statusCode, 404, 'no such meeting');
  t.equal((await api.request({ method: 'POST', url: '/v1/meetings/999/items', payload: { title: 'X' } })).statusCode, 404);
});

t.test('lists items in agenda order, paging through each exactly once', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const other = await setUp(api);
  await item(api, other, { title: 'Another meeting' });
  for (const [number, position] of [['3', 3], ['1', 1], ['2', 2], ['2a', 2], ['4', undefined]] as const) {
    await item(api, meetingId, { number, position });
  }
  const numbers: string[] = [];
  let url: string | undefined = `/v1/meetings/${meetingId}/items?limit=2`;
  while (url) {
    const res = await api.request({ method: 'GET', url, as: null });
    t.equal(res.statusCode, 200);
    numbers.push(...res.json().data.map((i: { number: string }) => i.number));
    const link = res.headers.link as string | undefined;
    url = link ? /<([^>]+)>/.exec(link)![1] : undefined;
  }
  t.same(numbers, ['1', '2', '2a', '3', '4'], 'by position, then by id; an unplaced item goes last');
});

t.test('exempt business names its Schedule 12A paragraph; public business has none', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const post = (payload: Record<string, unknown>) => api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Placement costs', ...payload } });

  const missing = await post({ visibility: 'exempt' });
  t.equal(missing.statusCode, 400);
  t.same(pointers(missing.json()), ['/body/exemptParagraph']);
  const onPublic = await post({ exemptParagraph: 3 });
  t.equal(onPublic.statusCode, 400);
  t.same(pointers(onPublic.json()), ['/body/exemptParagraph']);
  t.same(pointers((await post({ visibility: 'exempt', exemptParagraph: 8 })).json()), ['/body/exemptParagraph']);
  t.same(pointers((await post({ visibility: 'secret', exemptParagraph: 1 })).json()), ['/body/visibility']);
  t.same(pointers((await post({ title: '', colour: 'red' })).json()), ['/body/colour', '/body/title']);

  const exempt = await post({ visibility: 'exempt', exemptParagraph: 3 });
  t.equal(exempt.statusCode, 201);
  const id = exempt.json().id;
  const loosened = await api.request({ method: 'PATCH', url: `/v1/items/${id}`, payload: { visibility: 'public' } });
  t.equal(loosened.statusCode, 200);
  t.match(loosened.json(), { visibility: 'public', exemptParagraph: null }, 'made public, the paragraph goes');
  const tightened = await api.request({ method: 'PATCH', url: `/v1/items/${id}`, payload: { visibility: 'exempt' } });
  t.equal(tightened.statusCode, 400);
  t.same(pointers(tightened.json()), ['/body/exemptParagraph']);
  t.equal((await api.request({ method: 'GET', url: `/v1/items/${id}` })).json().visibility, 'public', 'a refused PATCH changes nothing');
});

t.test('confidential business (LGA 1972 s100A(3)) has no Schedule 12A paragraph, so needs none', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const stored = async (id: number) =>
    (await sqlRows(api.app, 'SELECT visibility, exempt_paragraph AS paragraph FROM agenda_items WHERE id = ?', id))[0];

  const created = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Care package', visibility: 'confidential' } });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { visibility: 'confidential', exemptParagraph: null });
  t.same(await stored(created.json().id), { visibility: 'confidential', paragraph: null });
  const explicitNull = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Court order', visibility: 'confidential', exemptParagraph: null } });
  t.equal(explicitNull.statusCode, 201, explicitNull.body);
  const withParagraph = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Mixed', visibility: 'confidential', exemptParagraph: 1 } });
  t.equal(withParagraph.statusCode, 201, 'a confidential item may still record a paragraph for the exempt information it also holds');
  t.equal(withParagraph.json().exemptParagraph, 1);

  const publicId = await item(api, meetingId, { title: 'Placement sufficiency' });
  const tightened = await api.request({ method: 'PATCH', url: `/v1/items/${publicId}`, payload: { visibility: 'confidential' } });
  t.equal(tightened.statusCode, 200, tightened.body);
  t.match(tightened.json(), { visibility: 'confidential', exemptParagraph: null });
  t.same(await stored(publicId), { visibility: 'confidential', paragraph: null });
  const cleared = await api.request({ method: 'PATCH', url: `/v1/items/${withParagraph.json().id}`, payload: { exemptParagraph: null } });
  t.equal(cleared.statusCode, 200, cleared.body);
  t.same(await stored(withParagraph.json().id), { visibility: 'confidential', paragraph: null });

  // Exempt business still names its paragraph, whichever way it gets there.
  const exempt = await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Tender', visibility: 'exempt' } });
  t.equal(exempt.statusCode, 400);
  t.same(pointers(exempt.json()), ['/body/exemptParagraph']);
  const reclassified = await api.request({ method: 'PATCH', url: `/v1/items/${publicId}`, payload: { visibility: 'exempt' } });
  t.equal(reclassified.statusCode, 400, 'confidential to exempt needs the paragraph');
  t.same(pointers(reclassified.json()), ['/body/exemptParagraph']);
  const anonymous = await api.request({ method: 'GET', url: `/v1/items/${publicId}`, as: null });
  t.equal(anonymous.statusCode, 404, 'confidential without a paragraph is still hidden');
});

t.test('exempt and confidential items are invisible without the scope', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const publicId = await item(api, meetingId, { title: 'Public item' });
  const exemptId = await item(api, meetingId, { title: 'Exempt item', visibility: 'exempt', exemptParagraph: 1 });
  const confidentialId = await item(api, meetingId, { title: 'Confidential item', visibility: 'confidential', exemptParagraph: 5 });
  const callers: [string, string | null, number[]][] = [
    ['anonymous', null, [publicId]],
    ['reader', api.keys.reader, [publicId]],
    ['writer', api.keys.writer, [publicId]],
    ['exempt', api.keys.exempt, [publicId, exemptId]],
    ['confidential', api.keys.confidential, [publicId, exemptId, confidentialId]],
    ['admin', api.keys.admin, [publicId, exemptId, confidentialId]],
  ];
  for (const [name, key, visible] of callers) {
    const list = await api.request({ method: 'GET', url: `/v1/meetings/${meetingId}/items`, as: key });
    t.same(list.json().data.map((i: { id: number }) => i.id), visible, `${name}: the list`);
    for (const id of [publicId, exemptId, confidentialId]) {
      const expected = visible.includes(id) ? 200 : 404;
      for (const suffix of ['', '/history', '/declarations', '/resolutions']) {
        const res = await api.request({ method: 'GET', url: `/v1/items/${id}${suffix}`, as: key });
        t.equal(res.statusCode, expected, `${name}: GET /v1/items/${id}${suffix}`);
      }
    }
  }
  const hidden = await api.request({ method: 'GET', url: `/v1/items/${exemptId}`, as: api.keys.reader });
  const missing = await api.request({ method: 'GET', url: '/v1/items/999', as: api.keys.reader });
  t.equal(hidden.json().detail, `Item ${exemptId} was not found`, 'hidden reads exactly like missing');
  t.equal(missing.json().detail, 'Item 999 was not found');

  // A writer without read:exempt cannot touch what it cannot see.
  for (const method of ['PATCH', 'DELETE'] as const) {
    const res = await api.request({ method, url: `/v1/items/${exemptId}`, as: api.keys.writer, ...(method === 'PATCH' ? { payload: { title: 'Leaked' } } : {}) });
    t.equal(res.statusCode, 404, `writer ${method} of a hidden item`);
  }
  const declared = await api.request({ method: 'POST', url: `/v1/items/${exemptId}/declarations`, as: api.keys.writer, payload: { personId: 1, kind: 'non_registrable' } });
  t.equal(declared.statusCode, 404);
  t.equal((await api.request({ method: 'GET', url: `/v1/items/${exemptId}` })).json().title, 'Exempt item', 'untouched');
});

t.test('a writer cannot file or move an item beyond what it can read', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const filed = await api.request({
    method: 'POST', url: `/v1/meetings/${meetingId}/items`, as: api.keys.writer,
    payload: { title: 'Legal advice', visibility: 'exempt', exemptParagraph: 5 },
  });
  t.equal(filed.statusCode, 400);
  t.same(pointers(filed.json()), ['/body/visibility']);
  const id = await item(api, meetingId);
  const moved = await api.request({ method: 'PATCH', url: `/v1/items/${id}`, as: api.keys.writer, payload: { visibility: 'exempt', exemptParagraph: 5 } });
  t.equal(moved.statusCode, 400);
  t.same(pointers(moved.json()), ['/body/visibility']);
  const list = await api.request({ method: 'GET', url: `/v1/meetings/${meetingId}/items`, as: api.keys.writer });
  t.same(list.json().data.map((i: { id: number; visibility: string }) => [i.id, i.visibility]), [[id, 'public']], 'nothing filed, nothing moved');
});

t.test('declarations of interest on an item', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const id = await item(api, meetingId, { number: '5', title: 'Declarations of Interest' });
  const person = (await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Cllr Dennett', kind: 'councillor' } })).json().id;
  const made = await api.request({
    method: 'POST', url: `/v1/items/${id}/declarations`, as: api.keys.writer,
    payload: { personId: person, kind: 'other_registrable', detail: 'Board member of Halton Housing' },
  });
  t.equal(made.statusCode, 201);
  t.match(made.json(), { itemId: id, personId: person, person: { name: 'Cllr Dennett' }, kind: 'other_registrable' });
  t.equal((await api.request({ method: 'GET', url: String(made.headers.location), as: null })).statusCode, 200, 'Location resolves');

  const noSuchPerson = await api.request({ method: 'POST', url: `/v1/items/${id}/declarations`, payload: { personId: 999, kind: 'non_registrable' } });
  t.equal(noSuchPerson.statusCode, 400);
  t.same(pointers(noSuchPerson.json()), ['/body/personId']);
  const badKind = await api.request({ method: 'POST', url: `/v1/items/${id}/declarations`, payload: { personId: person, kind: 'pecuniary', note: 'x' } });
  t.same(pointers(badKind.json()), ['/body/kind', '/body/note']);

  const list = await api.request({ method: 'GET', url: `/v1/items/${id}/declarations`, as: null });
  t.same(list.json().data.map((d: { personId: number }) => d.personId), [person], 'only the good one stored');
  const refused = await api.request({ method: 'DELETE', url: `/v1/items/${id}` });
  t.equal(refused.statusCode, 409);
  t.match(refused.json().detail, /declarations of interest/);

  const exempt = await item(api, meetingId, { visibility: 'exempt', exemptParagraph: 1 });
  const hidden = await api.request({ method: 'POST', url: `/v1/items/${exempt}/declarations`, payload: { personId: person, kind: 'disclosable_pecuniary' } });
  t.equal((await api.request({ method: 'GET', url: `/v1/declarations/${hidden.json().id}`, as: null })).statusCode, 404);
  t.equal((await api.request({ method: 'GET', url: `/v1/declarations/${hidden.json().id}`, as: api.keys.exempt })).statusCode, 200);
});

t.test('an item with resolutions cannot be deleted; its history is newest first', async (t) => {
  const api = await build(t);
  const id = await item(api, await setUp(api));
  await api.request({ method: 'PATCH', url: `/v1/items/${id}`, payload: { minutes: 'Members noted the report.' } });
  await api.request({ method: 'POST', url: `/v1/items/${id}/resolutions`, payload: { text: 'That the report be noted.', kind: 'noted' } });
  const refused = await api.request({ method: 'DELETE', url: `/v1/items/${id}` });
  t.equal(refused.statusCode, 409);
  t.match(refused.json().detail, /resolutions/);

  const first = await api.request({ method: 'GET', url: `/v1/items/${id}/history?limit=1`, as: null });
  t.equal(first.statusCode, 200);
  t.match(first.json().data, [{ operation: 'update', actor: 'test-admin', after: { minutes: 'Members noted the report.' } }]);
  const second = await api.request({ method: 'GET', url: `/v1/items/${id}/history?limit=1&cursor=${first.json().nextCursor}` });
  t.match(second.json(), { data: [{ operation: 'create', before: null }], nextCursor: null });
});

t.test('only an admin may make exempt business public', async (t) => {
  const api = await build(t);
  const meetingId = await setUp(api);
  const id = await item(api, meetingId, { title: 'Commercial terms', visibility: 'exempt', exemptParagraph: 3 });
  // A key that can read exempt business and write, but is not an admin.
  const editor = (await api.app.services.apiKeys.create({ name: 'test', visibilities: ['public'] }, 'editor', ['write', 'read:exempt'])).key;
  const refused = await api.request({ method: 'PATCH', url: `/v1/items/${id}`, as: editor, payload: { visibility: 'public' } });
  t.equal(refused.statusCode, 400);
  t.same(pointers(refused.json()), ['/body/visibility']);
  t.equal((await api.request({ method: 'GET', url: `/v1/items/${id}`, as: null })).statusCode, 404, 'still hidden');
  const declassified = await api.request({ method: 'PATCH', url: `/v1/items/${id}`, payload: { visibility: 'public' } });
  t.equal(declassified.statusCode, 200, 'admin may declassify');
});
