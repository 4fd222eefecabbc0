import t from 'tap';
import { build, committee, meeting, sqlRows } from '../helper.js';
import { receiver, verifies } from './webhooks/receiver.js';

// The worker fans out and claims in one transaction and settles the attempts answered together
// in another, with commits that do not wait for the disk (modules/webhooks/delivery-rows.ts):
// every delivery still arrives, once, signed, with one attempt recorded, and the connection the
// requests write on is left as durable as it was opened.

t.test('many events to several webhooks in one pass: each delivered once, with one attempt recorded', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  const inboxes = [await receiver(t), await receiver(t), await receiver(t)];
  const hooks: { id: number; secret: string }[] = [];
  for (const inbox of inboxes) {
    const res = await api.request({ method: 'POST', url: '/v1/webhooks', payload: { url: inbox.url, events: ['action.created'], scopes: ['read'] } });
    t.equal(res.statusCode, 201);
    hooks.push(res.json() as { id: number; secret: string });
  }
  const titles = Array.from({ length: 20 }, (_, i) => `Action ${i + 1}`);
  for (const title of titles) {
    t.equal((await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'update', title } })).statusCode, 201);
  }
  // SQLite's synchronous pragma on the connection; PostgreSQL's synchronous_commit outside any
  // transaction (the pass's SET LOCAL must end with its transaction).
  const synchronous = async () => {
    const { engine } = api.app;
    if (engine.kind === 'sqlite') return engine.db.$client.pragma('synchronous', { simple: true });
    return (await sqlRows(api.app, 'SHOW synchronous_commit'))[0]!.synchronous_commit;
  };
  const before = await synchronous();

  t.equal(await api.app.services.webhookDeliveries.tick(), 60, 'sixty attempts in the pass');
  t.equal(await synchronous(), before, 'the connection is as durable as before the pass');
  for (const [i, inbox] of inboxes.entries()) {
    t.same(inbox.received.map((r) => r.json.data.title).sort(), [...titles].sort(), `webhook ${i + 1} got every action once`);
    t.ok(inbox.received.every((r) => verifies(hooks[i]!.secret, r)), `webhook ${i + 1}: every signature verifies`);
    const list = (await api.request({ method: 'GET', url: `/v1/webhooks/${hooks[i]!.id}/deliveries` })).json().data as { status: string; attempts: unknown[] }[];
    t.equal(list.length, 20);
    t.ok(list.every((d) => d.status === 'delivered' && d.attempts.length === 1), 'each delivered, with its one attempt');
  }
  t.equal(await api.app.services.webhookDeliveries.tick(), 0, 'nothing is sent twice');
  t.equal(inboxes.reduce((n, inbox) => n + inbox.received.length, 0), 60);
});
