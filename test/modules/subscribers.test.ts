import t from 'tap';
import { build, committee, meeting, sqlRows, sqlRun, type TestApp } from '../helper.js';

// An action's subscribers: PUT is idempotent, DELETE says when there was nothing to remove,
// every change is audited, and an action the caller may not see has no subscribers to show.

async function person(api: TestApp, name: string): Promise<number> {
  const res = await api.request({ method: 'POST', url: '/v1/people', payload: { name, kind: 'officer', email: 'someone@example.gov.uk' } });
  t.equal(res.statusCode, 201);
  return res.json().id;
}

async function action(api: TestApp, visibility: 'public' | 'exempt' = 'public'): Promise<number> {
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-01T18:30:00Z', status: 'held' });
  const res = await api.request({
    method: 'POST',
    url: '/v1/actions',
    payload: { meetingId, kind: 'information', title: 'Figures on school transport', dueDate: '2024-09-01', visibility },
  });
  t.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

const subscribersOf = async (api: TestApp, actionId: number, as?: string) =>
  api.request({ method: 'GET', url: `/v1/actions/${actionId}/subscribers`, as });

t.test('subscribe, list, subscribe again, unsubscribe', async (t) => {
  const api = await build(t);
  const actionId = await action(api);
  const jane = await person(api, 'Jane Officer');
  const raj = await person(api, 'Raj Clerk');

  t.same((await subscribersOf(api, actionId, api.keys.reader)).json(), { data: [] });
  for (const id of [raj, jane, jane]) {
    const put = await api.request({ method: 'PUT', url: `/v1/actions/${actionId}/subscribers/${id}`, as: api.keys.writer });
    t.equal(put.statusCode, 204, 'PUT answers 204, the second time too');
    t.equal(put.body, '');
  }
  const listed = await subscribersOf(api, actionId, api.keys.reader);
  t.equal(listed.statusCode, 200);
  t.match(listed.json().data, [{ id: jane, name: 'Jane Officer', kind: 'officer' }, { id: raj, name: 'Raj Clerk' }], 'people, by id, once each');
  t.equal(listed.json().data.length, 2);

  const removed = await api.request({ method: 'DELETE', url: `/v1/actions/${actionId}/subscribers/${jane}`, as: api.keys.writer });
  t.equal(removed.statusCode, 204);
  const again = await api.request({ method: 'DELETE', url: `/v1/actions/${actionId}/subscribers/${jane}`, as: api.keys.writer });
  t.equal(again.statusCode, 404, 'not subscribed: 404');
  t.equal(again.json().code, 'SCRUTINY_NOT_FOUND');
  t.match((await subscribersOf(api, actionId)).json().data, [{ id: raj }]);

  const audit = await sqlRows(api.app, `SELECT entity_id AS "entityId", operation, actor FROM audit_events WHERE entity_type = 'action_subscriber' ORDER BY id`);
  t.same(audit, [
    { entityId: `${actionId}:${raj}`, operation: 'create', actor: 'test-writer' },
    { entityId: `${actionId}:${jane}`, operation: 'create', actor: 'test-writer' },
    { entityId: `${actionId}:${jane}`, operation: 'delete', actor: 'test-writer' },
  ], 'each change audited once; the repeated PUT changed nothing and recorded nothing');
});

t.test('scopes, bad ids and unknown people', async (t) => {
  const api = await build(t);
  const actionId = await action(api);
  const jane = await person(api, 'Jane Officer');
  const put = (url: string, as?: string | null) => api.request({ method: 'PUT', url, as });

  t.equal((await put(`/v1/actions/${actionId}/subscribers/${jane}`, api.keys.reader)).statusCode, 403, 'read key cannot subscribe');
  t.equal((await api.request({ method: 'DELETE', url: `/v1/actions/${actionId}/subscribers/${jane}`, as: api.keys.reader })).statusCode, 403);
  t.equal((await put(`/v1/actions/${actionId}/subscribers/${jane}`, null)).statusCode, 401);
  t.equal((await put(`/v1/actions/${actionId}/subscribers/999999`)).statusCode, 404, 'no such person');
  t.equal((await put(`/v1/actions/999999/subscribers/${jane}`)).statusCode, 404, 'no such action');
  t.equal((await subscribersOf(api, 999999)).statusCode, 404);
  for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
    t.equal((await subscribersOf(api, bad as unknown as number)).statusCode, 400, `GET action id ${bad}`);
    t.equal((await put(`/v1/actions/${actionId}/subscribers/${bad}`)).statusCode, 400, `PUT person id ${bad}`);
    t.equal((await api.request({ method: 'DELETE', url: `/v1/actions/${bad}/subscribers/${jane}` })).statusCode, 400, `DELETE action id ${bad}`);
  }
  t.same((await subscribersOf(api, actionId)).json(), { data: [] }, 'nothing was subscribed by the refused requests');
});

t.test("an exempt action's subscribers are a 404 to a key that cannot read it", async (t) => {
  const api = await build(t);
  const actionId = await action(api, 'exempt');
  const jane = await person(api, 'Jane Officer');
  t.equal((await api.request({ method: 'PUT', url: `/v1/actions/${actionId}/subscribers/${jane}` })).statusCode, 204, 'admin can');

  const hidden = await subscribersOf(api, actionId, api.keys.reader);
  const missing = await subscribersOf(api, 999999, api.keys.reader);
  t.equal(hidden.statusCode, 404);
  t.equal(hidden.json().detail.replace(String(actionId), 'N'), missing.json().detail.replace('999999', 'N'), 'the same 404 as an action that does not exist');
  t.notMatch(hidden.body, /Jane/);
  t.equal((await subscribersOf(api, actionId, api.keys.exempt)).statusCode, 200, 'read:exempt sees it');
  for (const method of ['PUT', 'DELETE'] as const) {
    const res = await api.request({ method, url: `/v1/actions/${actionId}/subscribers/${jane}`, as: api.keys.writer });
    t.equal(res.statusCode, 404, `${method} by a writer without read:exempt`);
  }
  t.match((await subscribersOf(api, actionId)).json().data, [{ id: jane }], 'still subscribed');
});

t.test('a subscription goes with its person and with its action', async (t) => {
  const api = await build(t);
  const actionId = await action(api);
  const jane = await person(api, 'Jane Officer');
  const raj = await person(api, 'Raj Clerk');
  for (const id of [jane, raj]) await api.request({ method: 'PUT', url: `/v1/actions/${actionId}/subscribers/${id}` });
  t.equal((await api.request({ method: 'DELETE', url: `/v1/people/${jane}` })).statusCode, 204, 'a subscription does not stop a person being deleted');
  t.match((await subscribersOf(api, actionId)).json().data, [{ id: raj }]);
  t.equal((await subscribersOf(api, actionId)).json().data.length, 1);
  await sqlRun(api.app, 'DELETE FROM actions WHERE id = ?', actionId);
  t.same(await sqlRows(api.app, 'SELECT CAST(count(*) AS integer) AS n FROM action_subscribers'), [{ n: 0 }]);
});
