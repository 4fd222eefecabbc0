import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { build, committee, meeting, sqlRows, type TestApp } from '../helper.js';
import { receiver } from './webhooks/receiver.js';

// The outbox does not grow for ever: deliveries done with (delivered, failed) are removed with
// their attempts WEBHOOK_RETENTION_DAYS after they were set going, then the events no delivery
// needs; a pending delivery and its event stay. The worker is not started by these inject-only
// apps: the test runs the purge itself after moving the injected clock on.

const DAY = 86_400_000;

function manualClock(start = '2024-08-01T09:00:00.000Z') {
  let now = Date.parse(start);
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const count = async (api: TestApp, table: string) => (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n;
const deliveries = async (api: TestApp, id: number) => (await api.request({ method: 'GET', url: `/v1/webhooks/${id}/deliveries` })).json().data as { id: number; status: string; eventId: number }[];

async function subscribe(api: TestApp, url: string): Promise<number> {
  const res = await api.request({ method: 'POST', url: '/v1/webhooks', payload: { url, events: ['action.created'], scopes: ['read'] } });
  if (res.statusCode !== 201) throw new Error(`webhook: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

t.test('delivered and failed history past the retention is removed; pending deliveries and their events stay', async (t) => {
  const time = manualClock();
  const api = await build(t, { webhookRetentionDays: 30 }, { clock: time.clock });
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  const createAction = async (title: string) => {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'task', title } });
    t.equal(res.statusCode, 201);
  };
  const ok = await receiver(t, 200);
  const gone = await receiver(t, 410);
  const flaky = await receiver(t, 500);
  const okHook = await subscribe(api, ok.url);
  const goneHook = await subscribe(api, gone.url);

  // The first event: delivered to one webhook, failed (410 Gone) at the other.
  await createAction('Circulate the ward figures');
  await api.app.services.webhookDeliveries.tick();
  const flakyHook = await subscribe(api, flaky.url);
  // The second: delivered, and pending at a receiver that keeps failing.
  await createAction('Report on library opening hours');
  await api.app.services.webhookDeliveries.tick();
  t.same((await deliveries(api, okHook)).map((d) => d.status), ['delivered', 'delivered']);
  t.same((await deliveries(api, goneHook)).map((d) => d.status), ['failed']);
  t.same((await deliveries(api, flakyHook)).map((d) => d.status), ['pending']);
  t.equal(await count(api, 'webhook_events'), 2);
  const attemptsBefore = await count(api, 'webhook_attempts');

  time.advance(29 * DAY);
  t.same(await api.app.services.webhookDeliveries.purge(), { deliveries: 0, events: 0, interrupted: false }, 'within the retention: nothing goes');
  t.equal(await count(api, 'webhook_deliveries'), 4);

  time.advance(2 * DAY);
  t.same(await api.app.services.webhookDeliveries.purge(), { deliveries: 3, events: 1, interrupted: false },
    'past it: the delivered and failed deliveries, and the first event, which none needs now');
  t.same(await deliveries(api, okHook), []);
  t.same(await deliveries(api, goneHook), []);
  const [pending] = await deliveries(api, flakyHook);
  t.match(pending, { status: 'pending' }, 'a pending delivery stays, however old');
  t.equal(await count(api, 'webhook_events'), 1, 'and the event it will send');
  t.same(await sqlRows(api.app, 'SELECT id FROM webhook_events'), [{ id: pending!.eventId }]);
  t.equal(await count(api, 'webhook_attempts'), 1, 'the attempts went with their deliveries');
  t.ok(attemptsBefore > 1);
  t.same(await api.app.services.webhookDeliveries.purge(), { deliveries: 0, events: 0, interrupted: false }, 'a second run finds nothing');

  // Once it is delivered, it too goes after the retention, and its event with it.
  flaky.fallback = 200;
  const retried = await api.request({ method: 'POST', url: `/v1/webhooks/${flakyHook}/deliveries/${pending!.id}/retry` });
  t.equal(retried.statusCode, 202);
  await api.app.services.webhookDeliveries.tick();
  t.same((await deliveries(api, flakyHook)).map((d) => d.status), ['delivered']);
  t.same(await api.app.services.webhookDeliveries.purge(), { deliveries: 0, events: 0, interrupted: false }, 'retried today: kept');
  time.advance(31 * DAY);
  t.same(await api.app.services.webhookDeliveries.purge(), { deliveries: 1, events: 1, interrupted: false });
  t.equal(await count(api, 'webhook_events') + await count(api, 'webhook_deliveries') + await count(api, 'webhook_attempts'), 0);
});

t.test('WEBHOOK_RETENTION_DAYS: 30 by default, a whole number of days', async (t) => {
  t.equal(loadConfig({}).webhookRetentionDays, 30);
  t.equal(loadConfig({ WEBHOOK_RETENTION_DAYS: '90' }).webhookRetentionDays, 90);
  for (const bad of ['0', '-1', '1.5', 'thirty', '100000']) {
    t.throws(() => loadConfig({ WEBHOOK_RETENTION_DAYS: bad }), ConfigError, bad);
    t.throws(() => loadConfig({ WEBHOOK_RETENTION_DAYS: bad }), /WEBHOOK_RETENTION_DAYS/);
  }
});
