import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build, committee, sqlRows, type TestApp } from '../helper.js';

// Stored import drafts (issue 15): minutes saved for review, listed, edited candidate by
// candidate, committed once (a second commit saves nothing new) or discarded, and never shown to
// a caller who cannot read the business in them.

const minutes = (items: Array<[title: string, text: string]>) => `PLANNING SCRUTINY COMMITTEE

At a meeting of this Committee held on Monday, 12th October, 2026 6.30 p.m.

${items.map(([title, text], i) => `${i + 1} ${title}\n\n${text}\n`).join('\n')}`;

const PUBLIC = minutes([
  ['APOLOGIES FOR ABSENCE', 'There were no apologies.'],
  ['LOCAL PLAN REVIEW', 'Members requested a timetable for the review. Officers would provide a note on housing numbers.'],
]);
const EXEMPT = minutes([
  ['LOCAL PLAN REVIEW', 'Members requested a timetable for the review.'],
  ['LAND DISPOSAL AT MILL LANE', 'This item involved exempt information as defined in paragraph 3 of Part 1 of Schedule 12A. Members asked for a note on the valuation.'],
]);

const count = async (api: TestApp, table: string) => (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n;

async function save(api: TestApp, text: string, committeeId: number, as?: string) {
  const res = await api.request({ method: 'POST', url: '/v1/imports/minutes', payload: { text, committeeId, save: true }, as });
  return res;
}

t.test('save stores the draft; edit drops, changes and adds candidates; commit saves once', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const saved = await save(api, PUBLIC, committeeId, api.keys.writer);
  t.equal(saved.statusCode, 201, saved.body);
  const id = saved.json().saved.id;
  t.equal(saved.headers.location, `/v1/imports/${id}`);
  t.equal(await count(api, 'meetings'), 0, 'saving a draft writes no meeting');

  const got = await api.request({ method: 'GET', url: `/v1/imports/${id}`, as: null });
  t.equal(got.statusCode, 200);
  const draft = got.json();
  t.equal(draft.status, 'draft');
  t.equal(draft.source, 'minutes');
  t.same(draft.candidates.map((c: { title: string }) => c.title), ['Members requested a timetable for the review', 'Note on housing numbers'], 'the request and the promised note are candidates');
  // The edit below keeps the first, renamed, and leaves the second out: dropped.
  const [first] = draft.candidates;

  const patched = await api.request({
    method: 'PATCH', url: `/v1/imports/${id}`, as: api.keys.writer, headers: { 'if-match': got.headers.etag as string },
    payload: { candidates: [
      { id: first.id, title: 'Timetable for the local plan review', kind: 'information', owner: 'Head of Planning', dueHint: { rule: 'date', date: '2026-12-01' } },
      { itemIndex: 1, kind: 'task', title: 'Circulate the consultation map' },
      { itemIndex: 0, kind: 'update', title: 'Apologies register' },
    ] },
  });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal(patched.json().candidates.length, 3);
  const [kept, added, dropped] = patched.json().candidates;
  const dropping = await api.request({
    method: 'PATCH', url: `/v1/imports/${id}`, as: api.keys.writer, headers: { 'if-match': patched.headers.etag as string },
    payload: { candidates: [{ id: kept.id }, { id: added.id }] },
  });
  t.equal(dropping.statusCode, 200, dropping.body);
  const edited = dropping.json();
  t.same(edited.candidates.map((c: { title: string }) => c.title), ['Timetable for the local plan review', 'Circulate the consultation map']);
  t.notOk(edited.candidates.some((c: { id: string }) => c.id === dropped.id), 'the dropped candidate is gone');
  t.equal(edited.candidates[0].owner, 'Head of Planning');
  t.equal(edited.candidates[0].kind, 'information');

  const stale = await api.request({ method: 'PATCH', url: `/v1/imports/${id}`, headers: { 'if-match': got.headers.etag as string }, payload: { candidates: [] } });
  t.equal(stale.statusCode, 412, 'a stale ETag is refused');

  const bad = await api.request({ method: 'PATCH', url: `/v1/imports/${id}`, payload: { candidates: [{ id: 'c999' }, { title: 'x' }] } });
  t.equal(bad.statusCode, 400);
  t.same(bad.json().errors.map((e: { pointer: string }) => e.pointer).sort(), ['/body/candidates/0/id', '/body/candidates/1/itemIndex']);

  const committed = await api.request({ method: 'POST', url: `/v1/imports/${id}/commit`, as: api.keys.writer });
  t.equal(committed.statusCode, 200, committed.body);
  t.equal(committed.json().status, 'committed');
  t.equal(committed.json().result.counts.actions, 2);
  const actions = await api.request({ method: 'GET', url: `/v1/actions?committeeId=${committeeId}` });
  t.same(actions.json().data.map((a: { title: string }) => a.title).sort(), ['Circulate the consultation map', 'Timetable for the local plan review']);
  const timetable = actions.json().data.find((a: { title: string }) => a.title.startsWith('Timetable'));
  t.equal(timetable.dueDate, '2026-12-01');
  t.equal(timetable.ownerText, 'Head of Planning');

  const events = await count(api, 'audit_events');
  const again = await api.request({ method: 'POST', url: `/v1/imports/${id}/commit`, as: api.keys.writer });
  t.equal(again.statusCode, 200);
  t.same(again.json().result, committed.json().result, 'the same answer');
  t.equal(await count(api, 'actions'), 2, 'no duplicates');
  t.equal(await count(api, 'audit_events'), events, 'nothing written');

  t.equal((await api.request({ method: 'PATCH', url: `/v1/imports/${id}`, payload: { candidates: [] } })).statusCode, 409, 'a committed draft cannot be edited');
  t.equal((await api.request({ method: 'DELETE', url: `/v1/imports/${id}` })).statusCode, 409, 'nor discarded');

  const history = await sqlRows(api.app, "SELECT operation, actor FROM audit_events WHERE entity_type = 'import' ORDER BY id");
  t.same(history, [
    { operation: 'create', actor: 'test-writer' },
    { operation: 'update', actor: 'test-writer' },
    { operation: 'update', actor: 'test-writer' },
    { operation: 'update', actor: 'test-writer' },
  ]);
});

t.test('discard, list filters and pages', async (t) => {
  const api = await build(t);
  const a = await committee(api);
  const b = await committee(api, { name: 'Economy Scrutiny Committee' });
  const one = (await save(api, PUBLIC, a)).json().saved.id;
  const two = (await save(api, PUBLIC, a)).json().saved.id;
  const three = (await save(api, PUBLIC, b)).json().saved.id;
  t.equal((await api.request({ method: 'DELETE', url: `/v1/imports/${two}` })).statusCode, 204);
  t.equal((await api.request({ method: 'DELETE', url: `/v1/imports/${two}` })).statusCode, 204, 'discarding twice is fine');
  t.equal((await api.request({ method: 'POST', url: `/v1/imports/${two}/commit` })).statusCode, 409, 'a discarded draft cannot be committed');

  const ids = async (query: string) => (await api.request({ method: 'GET', url: `/v1/imports?${query}` })).json().data.map((d: { id: number }) => d.id);
  t.same(await ids(''), [one, two, three]);
  t.same(await ids('status=draft'), [one, three]);
  t.same(await ids('status=discarded'), [two]);
  t.same(await ids(`committeeId=${b}`), [three]);
  t.same(await ids('sort=-id'), [three, two, one]);
  const page = await api.request({ method: 'GET', url: '/v1/imports?limit=2' });
  t.same(page.json().data.map((d: { id: number }) => d.id), [one, two]);
  t.match(page.headers.link, /rel="next"/);
  const rest = await api.request({ method: 'GET', url: `/v1/imports?limit=2&cursor=${page.json().nextCursor}` });
  t.same(rest.json().data.map((d: { id: number }) => d.id), [three]);
  t.equal(rest.json().nextCursor, null);
});

t.test('a draft holding exempt business is hidden from callers who cannot read it', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const refused = await save(api, EXEMPT, committeeId, api.keys.writer);
  t.equal(refused.statusCode, 400, 'a key that cannot read exempt business cannot store it');
  t.equal(await count(api, 'imports'), 0);

  const clerk = (await api.app.services.apiKeys.create(scriptActor('test'), 'test-clerk', ['write', 'read:exempt'])).key;
  const saved = await save(api, EXEMPT, committeeId, clerk);
  t.equal(saved.statusCode, 201, saved.body);
  const id = saved.json().saved.id;
  const publicOne = (await save(api, PUBLIC, committeeId)).json().saved.id;

  for (const as of [null, api.keys.reader, api.keys.writer]) {
    const res = await api.request({ method: 'GET', url: `/v1/imports/${id}`, as });
    t.equal(res.statusCode, 404);
    t.notMatch(res.body, /MILL LANE/);
    const list = await api.request({ method: 'GET', url: '/v1/imports', as });
    t.same(list.json().data.map((d: { id: number }) => d.id), [publicOne]);
    t.notMatch(list.body, /MILL LANE|valuation/);
    t.equal((await api.request({ method: 'PATCH', url: `/v1/imports/${id}`, payload: { candidates: [] }, as })).statusCode, as === null ? 401 : as === api.keys.reader ? 403 : 404);
  }
  const seen = await api.request({ method: 'GET', url: `/v1/imports/${id}`, as: api.keys.exempt });
  t.equal(seen.statusCode, 200);
  t.equal(seen.json().visibility, 'exempt');
  t.match(seen.body, /MILL LANE/);
  t.equal((await api.request({ method: 'POST', url: `/v1/imports/${id}/commit`, as: api.keys.writer })).statusCode, 404);
  const committed = await api.request({ method: 'POST', url: `/v1/imports/${id}/commit`, as: clerk });
  t.equal(committed.statusCode, 200, committed.body);
});

t.test('a committee with stored drafts cannot be deleted; a hidden draft is not named', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const clerk = (await api.app.services.apiKeys.create(scriptActor('test'), 'test-clerk', ['write', 'read:exempt'])).key;
  t.equal((await save(api, EXEMPT, committeeId, clerk)).statusCode, 201);
  const refused = await api.request({ method: 'DELETE', url: `/v1/committees/${committeeId}`, as: api.keys.writer });
  t.equal(refused.statusCode, 409);
  t.notMatch(refused.body, /import drafts/, 'a key that cannot read the draft is not told what it is');
  const named = await api.request({ method: 'DELETE', url: `/v1/committees/${committeeId}` });
  t.equal(named.statusCode, 409);
  t.match(named.body, /import drafts/);
});
