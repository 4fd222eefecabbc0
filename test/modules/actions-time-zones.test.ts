import t, { type Test } from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';

// An action's `overdue`, the `overdue` filter and the day a response is recorded on follow its
// committee's time zone when no asOf is given (DESIGN.md "Local date"). The clock is fixed at an
// instant when London is still on Thursday 22 August 2024 and Auckland already on Friday the 23rd;
// each committee has an open action due on the 22nd: late in Auckland, due today in London.

const LONDON_AFTERNOON = new Date('2024-08-22T13:00:00Z');

interface Action { id: number; overdue: boolean; respondedOn: string | null }

async function actionIn(api: TestApp, name: string, timezone: string, offset: string) {
  const id = await committee(api, { name, timezone });
  const held = await meeting(api, id, { startsAt: `2024-07-15T18:30:00${offset}`, status: 'held' });
  const res = await api.request({
    method: 'POST', url: '/v1/actions',
    payload: { meetingId: held, kind: 'update', title: `Update on bus lanes for ${name}`, dueDate: '2024-08-22' },
  });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return { committeeId: id, action: res.json() as Action };
}

async function get<T>(api: TestApp, url: string): Promise<T> {
  const res = await api.request({ method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

const ids = (page: { data: { id: number }[] }) => page.data.map((a) => a.id).sort((a, b) => a - b);

for (const cacheEntries of [0, 1000]) {
  t.test(`each action is judged as of today where its committee sits (read cache ${cacheEntries ? 'on' : 'off'})`, async (t: Test) => {
    const api = await build(t, { actionReadCacheEntries: cacheEntries }, { clock: () => LONDON_AFTERNOON });
    const london = await actionIn(api, 'Economy Scrutiny Committee', 'Europe/London', '+01:00');
    const auckland = await actionIn(api, 'Auckland Transport Panel', 'Pacific/Auckland', '+12:00');

    t.equal(london.action.overdue, false, 'created: due today in London, not overdue');
    t.equal(auckland.action.overdue, true, 'created: due yesterday in Auckland, overdue');
    for (let round = 0; round < 2; round++) {
      // Twice: the second read may come from the read cache.
      t.equal((await get<Action>(api, `/v1/actions/${london.action.id}`)).overdue, false, `GET London's (${round})`);
      t.equal((await get<Action>(api, `/v1/actions/${auckland.action.id}`)).overdue, true, `GET Auckland's (${round})`);
      const all = await get<{ data: Action[] }>(api, '/v1/actions');
      t.same(all.data.map((a) => [a.id, a.overdue]), [[london.action.id, false], [auckland.action.id, true]], `the list judges each on its own day (${round})`);
      t.same(ids(await get(api, '/v1/actions?overdue=true')), [auckland.action.id], `overdue=true (${round})`);
      t.same(ids(await get(api, '/v1/actions?overdue=false')), [london.action.id], `overdue=false (${round})`);
      t.same(ids(await get(api, `/v1/actions?overdue=true&committeeId=${auckland.committeeId}`)), [auckland.action.id], 'one committee: its day');
      t.same(ids(await get(api, `/v1/actions?overdue=true&committeeId=${london.committeeId}`)), [], 'London: not yet');
    }
    // A given asOf is one day for everyone, as before.
    t.same(ids(await get(api, '/v1/actions?overdue=true&asOf=2024-08-23')), [london.action.id, auckland.action.id], 'asOf the 23rd: both');
    t.same(ids(await get(api, '/v1/actions?overdue=true&asOf=2024-08-22')), [], 'asOf the 22nd: neither');
    t.equal((await get<Action>(api, `/v1/actions/${auckland.action.id}?asOf=2024-08-22`)).overdue, false, 'GET with asOf');

    for (const [which, expected] of [[london, '2024-08-22'], [auckland, '2024-08-23']] as const) {
      const res = await api.request({
        method: 'PATCH', url: `/v1/actions/${which.action.id}`,
        payload: { status: 'responded', response: 'Bus lane enforcement figures circulated to members.' },
      });
      t.equal(res.statusCode, 200);
      t.equal(res.json().respondedOn, expected, `responded on the committee's own today (${expected})`);
    }
  });
}

t.test('committees that share a zone are judged on that one day, as before', async (t) => {
  // 23:30 BST on the 22nd: London's today is the 22nd while UTC's is already the 23rd.
  const api = await build(t, { actionReadCacheEntries: 1000 }, { clock: () => new Date('2024-08-22T22:30:00Z') });
  const first = await actionIn(api, 'Economy Scrutiny Committee', 'Europe/London', '+01:00');
  const second = await actionIn(api, 'Health Scrutiny Committee', 'Europe/London', '+01:00');
  t.same(ids(await get(api, '/v1/actions?overdue=true')), [], 'due today in London: neither overdue');
  t.same(ids(await get(api, '/v1/actions?overdue=false')), [first.action.id, second.action.id]);

  // A committee that moves zone is judged on its new day at once (the zones are cached).
  const moved = await api.request({ method: 'PATCH', url: `/v1/committees/${second.committeeId}`, payload: { timezone: 'Pacific/Auckland' } });
  t.equal(moved.statusCode, 200);
  t.same(ids(await get(api, '/v1/actions?overdue=true')), [second.action.id], 'its actions are judged on Auckland\'s 23rd');
  t.equal((await get<Action>(api, `/v1/actions/${second.action.id}`)).overdue, true);
  t.equal((await get<Action>(api, `/v1/actions/${first.action.id}`)).overdue, false);
});
