import t, { type Test } from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build, committee, meeting, type TestApp } from '../helper.js';

// No write lowers what a record effectively is, except an admin's explicit declassification
// (issue 19, defects 2 and 10). An action is as hidden as the stricter of its item and its own
// visibility; what was written about it while hidden (detail, updates, history) stays hidden.

const PART_2 = 'PART-2-TENDER-PRICES';

interface Setting {
  api: TestApp;
  /** A write key that may also read exempt business, but is not an admin. */
  clerk: string;
  held: number;
  item: (visibility?: 'public' | 'exempt' | 'confidential', as?: string) => Promise<number>;
  action: (body: Record<string, unknown>, as?: string) => Promise<number>;
}

async function setting(t: Test): Promise<Setting> {
  const api = await build(t);
  const clerk = (await api.app.services.apiKeys.create(scriptActor('test'), 'clerk', ['write', 'read:exempt'])).key;
  const committeeId = await committee(api);
  const held = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  await meeting(api, committeeId, { startsAt: '2024-09-02T18:30:00+01:00' });
  const item: Setting['item'] = async (visibility = 'public', as = clerk) => {
    const paragraph = visibility === 'public' ? {} : { exemptParagraph: 3 };
    const res = await api.request({ method: 'POST', url: `/v1/meetings/${held}/items`, as, payload: { title: 'Contract award', visibility, ...paragraph } });
    if (res.statusCode !== 201) throw new Error(`item: ${res.statusCode} ${res.body}`);
    return res.json().id;
  };
  const action: Setting['action'] = async (body, as = clerk) => {
    const res = await api.request({ method: 'POST', url: '/v1/actions', as, payload: { meetingId: held, kind: 'task', title: 'Report back', ...body } });
    if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
    return res.json().id;
  };
  return { api, clerk, held, item, action };
}

/** What anonymous callers get for the action and everything written about it. */
async function anonymousView(api: TestApp, id: number) {
  const urls = [`/v1/actions/${id}`, `/v1/actions/${id}/updates`, `/v1/actions/${id}/history`, '/v1/actions', `/v1/actions?q=tender`];
  const responses = await Promise.all(urls.map((url) => api.request({ method: 'GET', url, as: null })));
  return {
    statuses: responses.slice(0, 3).map((r) => r.statusCode),
    leaks: responses.some((r) => r.body.includes(PART_2)),
  };
}

const hidden = { statuses: [404, 404, 404], leaks: false };

/** An action on a public item that became exempt, with Part 2 content written since. */
async function madeExempt(s: Setting) {
  const before = await s.item('public');
  const id = await s.action({ itemId: before });
  const exempt = await s.api.request({ method: 'PATCH', url: `/v1/items/${before}`, as: s.clerk, payload: { visibility: 'exempt', exemptParagraph: 3 } });
  if (exempt.statusCode !== 200) throw new Error(`tighten: ${exempt.body}`);
  const update = await s.api.request({ method: 'POST', url: `/v1/actions/${id}/updates`, as: s.clerk, payload: { text: `Bids: ${PART_2}` } });
  if (update.statusCode !== 201) throw new Error(`update: ${update.body}`);
  const edit = await s.api.request({ method: 'PATCH', url: `/v1/actions/${id}`, as: s.clerk, payload: { detail: `Prices ${PART_2}`, title: 'Report back on the tender' } });
  if (edit.statusCode !== 200) throw new Error(`edit: ${edit.body}`);
  return { id, before };
}

t.test('moving an action keeps it as hidden as it was (defect 2)', async (t) => {
  const s = await setting(t);
  const { id } = await madeExempt(s);
  t.same(await anonymousView(s.api, id), hidden, 'hidden once its item is exempt');
  const publicItem = await s.item('public');
  const resolution = (await s.api.request({ method: 'POST', url: `/v1/items/${publicItem}/resolutions`, as: s.clerk, payload: { text: 'Noted', kind: 'noted' } })).json().id;

  const moves: [string, Record<string, unknown>][] = [
    ['to a public item', { itemId: publicItem }],
    ['off any item', { itemId: null }],
    ['to a public resolution', { itemId: publicItem, resolutionId: resolution }],
  ];
  for (const [name, payload] of moves) {
    const { id: moved } = name === moves[0]![0] ? { id } : await madeExempt(s);
    const res = await s.api.request({ method: 'PATCH', url: `/v1/actions/${moved}`, as: s.clerk, payload });
    t.equal(res.statusCode, 200, `${name}: ${res.body}`);
    t.equal(res.json().visibility, 'exempt', `${name}: still exempt`);
    t.same(await anonymousView(s.api, moved), hidden, `${name}: the action, its updates and history stay hidden`);
    const exemptReader = await s.api.request({ method: 'GET', url: `/v1/actions/${moved}/updates`, as: s.api.keys.exempt });
    t.ok(exemptReader.body.includes(PART_2), `${name}: still readable with read:exempt`);
  }

  // Asking for public on the way is refused, and an admin's move alone lowers nothing either.
  const { id: another } = await madeExempt(s);
  const asked = await s.api.request({ method: 'PATCH', url: `/v1/actions/${another}`, as: s.clerk, payload: { itemId: publicItem, visibility: 'public' } });
  t.equal(asked.statusCode, 400);
  t.match(asked.json().errors, [{ pointer: '/body/visibility' }]);
  const byAdmin = await s.api.request({ method: 'PATCH', url: `/v1/actions/${another}`, payload: { itemId: publicItem } });
  t.equal(byAdmin.json().visibility, 'exempt', 'an admin moving it does not declassify it');
  t.same(await anonymousView(s.api, another), hidden);
  const declassified = await s.api.request({ method: 'PATCH', url: `/v1/actions/${another}`, payload: { visibility: 'public' } });
  t.equal(declassified.statusCode, 200, 'an admin may declassify it explicitly');
  t.equal((await s.api.request({ method: 'GET', url: `/v1/actions/${another}`, as: null })).statusCode, 200);
});

t.test('a confidential action moved to an exempt item stays confidential', async (t) => {
  const s = await setting(t);
  const admin = s.api.keys.admin;
  const confidential = await s.item('confidential', admin);
  const exempt = await s.item('exempt', admin);
  const id = await s.action({ itemId: confidential, detail: PART_2 }, admin);
  const res = await s.api.request({ method: 'PATCH', url: `/v1/actions/${id}`, payload: { itemId: exempt } });
  t.equal(res.json().visibility, 'confidential');
  t.equal((await s.api.request({ method: 'GET', url: `/v1/actions/${id}`, as: s.api.keys.exempt })).statusCode, 404);
});

t.test("declassifying an item takes its actions with it, unless tightened on their own (defect 10)", async (t) => {
  const s = await setting(t);
  const item = await s.item('exempt');
  const follows = await s.action({ itemId: item });
  const echoed = await s.action({ itemId: item, visibility: 'exempt' });
  const tightened = await s.action({ itemId: item, visibility: 'confidential' }, s.api.keys.admin);
  const tightenedFirst = await s.action({ itemId: await s.item('public') });
  await s.api.request({ method: 'PATCH', url: `/v1/actions/${tightenedFirst}`, as: s.clerk, payload: { visibility: 'exempt' } });
  // A clerk sending back what it read changes nothing.
  const resent = await s.api.request({ method: 'PATCH', url: `/v1/actions/${follows}`, as: s.clerk, payload: { visibility: 'exempt', title: 'Report back' } });
  t.equal(resent.statusCode, 200, resent.body);

  const clerkTry = await s.api.request({ method: 'PATCH', url: `/v1/items/${item}`, as: s.clerk, payload: { visibility: 'public' } });
  t.equal(clerkTry.statusCode, 400, 'only an admin may declassify an item');
  const declassify = await s.api.request({ method: 'PATCH', url: `/v1/items/${item}`, payload: { visibility: 'public' } });
  t.equal(declassify.statusCode, 200, declassify.body);

  const anonymous = async (id: number) => (await s.api.request({ method: 'GET', url: `/v1/actions/${id}`, as: null })).statusCode;
  t.equal(await anonymous(follows), 200, 'an action that followed its item is public with it');
  t.equal(await anonymous(echoed), 200, 'so is one created naming the item\'s own level');
  t.equal(await anonymous(tightened), 404, 'an action tightened beyond its item stays hidden');
  const read = await s.api.request({ method: 'GET', url: `/v1/actions/${tightened}` });
  t.equal(read.json().visibility, 'confidential');
  t.equal(await anonymous(tightenedFirst), 404, 'untouched: another item');

  const unhide = await s.api.request({ method: 'PATCH', url: `/v1/actions/${tightened}`, payload: { visibility: 'public' } });
  t.equal(unhide.statusCode, 200, `an admin can make it public too: ${unhide.body}`);
  t.equal(await anonymous(tightened), 200);
});

t.test('an action tightened on its own stays so when its item is tightened and declassified', async (t) => {
  const s = await setting(t);
  const item = await s.item('public');
  const id = await s.action({ itemId: item, visibility: 'exempt' });
  await s.api.request({ method: 'PATCH', url: `/v1/items/${item}`, as: s.clerk, payload: { visibility: 'exempt', exemptParagraph: 3 } });
  await s.api.request({ method: 'PATCH', url: `/v1/items/${item}`, payload: { visibility: 'public' } });
  t.equal((await s.api.request({ method: 'GET', url: `/v1/actions/${id}`, as: null })).statusCode, 404);
});

t.test('a clerk edits an exempt item without resending its visibility, and it stays exempt (defect 1)', async (t) => {
  const s = await setting(t);
  const item = await s.item('exempt');
  for (const payload of [{ title: `Contract award ${PART_2}` }, { position: 9 }, { minutes: `Bids ${PART_2}` }]) {
    const res = await s.api.request({ method: 'PATCH', url: `/v1/items/${item}`, as: s.clerk, payload });
    t.equal(res.statusCode, 200, `${JSON.stringify(payload)}: ${res.body}`);
    t.match(res.json(), { visibility: 'exempt', exemptParagraph: 3 }, `${JSON.stringify(payload)}: still exempt, paragraph 3`);
  }
  t.equal((await s.api.request({ method: 'GET', url: `/v1/items/${item}`, as: null })).statusCode, 404, 'hidden from anonymous callers');
  const list = await s.api.request({ method: 'GET', url: `/v1/meetings/${s.held}/items`, as: null });
  t.notOk(list.body.includes(PART_2), 'and from the meeting\'s item list');
});
