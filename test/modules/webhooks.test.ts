import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { count } from 'drizzle-orm';
import { first, tx } from '../../src/db/program.js';
import { webhookEvents } from '../../src/db/tables.js';
import { build, committee, meeting, sqlRows, type TestApp } from '../helper.js';
import { receiver, verifies } from './webhooks/receiver.js';

// Signed webhooks: the subscriptions, the outbox written with the change, and the delivery
// worker against a real HTTP receiver. The worker is not started by these inject-only apps: each
// test runs its pass (tick) itself, after moving the injected clock on where backoff matters.

const A = '2024-07-15T18:30:00+01:00';
const B = '2024-09-02T18:30:00+01:00';

/** A clock the test moves on by hand. */
function manualClock(start = '2024-08-01T09:00:00.000Z') {
  let now = Date.parse(start);
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms), now: () => now };
}

async function setup(api: TestApp) {
  const committeeId = await committee(api);
  const a = await meeting(api, committeeId, { startsAt: A, status: 'held' });
  const b = await meeting(api, committeeId, { startsAt: B });
  return { committeeId, a, b };
}

async function subscribe(api: TestApp, body: Record<string, unknown>) {
  const res = await api.request({ method: 'POST', url: '/v1/webhooks', payload: { events: ['action.created'], scopes: ['read'], ...body } });
  if (res.statusCode !== 201) throw new Error(`webhook: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number; secret: string };
}

async function createAction(api: TestApp, body: Record<string, unknown>) {
  const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'Update on SEND transport', ...body } });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return res.json();
}

const countOf = async (api: TestApp, table: string) => (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n;
const eventCount = (api: TestApp) => countOf(api, 'webhook_events');
const deliveries = async (api: TestApp, id: number) => (await api.request({ method: 'GET', url: `/v1/webhooks/${id}/deliveries` })).json().data;
const tick = (api: TestApp) => api.app.services.webhookDeliveries.tick();
const pointers = (body: { errors?: { pointer: string }[] }) => (body.errors ?? []).map((e) => e.pointer);

t.test('a webhook is created with a secret shown once, then read, changed and deleted', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://example.gov.uk/hooks', events: ['action.created', 'scan.completed'], scopes: ['read'] } });
  t.equal(res.statusCode, 201);
  const created = res.json();
  t.equal(res.headers.location, `/v1/webhooks/${created.id}`);
  t.equal(res.headers['cache-control'], 'no-store');
  t.match(created, { url: 'https://example.gov.uk/hooks', events: ['action.created', 'scan.completed'], scopes: ['read'], enabled: true, disabledReason: null });
  t.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  const key = Buffer.from(created.secret.slice(6), 'base64');
  t.ok(key.length >= 24 && key.length <= 32, 'the key is 24 to 32 random bytes');

  const one = await api.request({ method: 'GET', url: `/v1/webhooks/${created.id}` });
  t.equal(one.statusCode, 200);
  t.notOk('secret' in one.json(), 'never shown again');
  t.notOk((await api.request({ method: 'GET', url: '/v1/webhooks' })).body.includes(created.secret.slice(6)));

  const patched = await api.request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, payload: { events: ['meeting.updated'], enabled: false }, headers: { 'if-match': one.headers.etag as string } });
  t.equal(patched.statusCode, 200);
  t.match(patched.json(), { events: ['meeting.updated'], enabled: false, scopes: ['read'] });
  const stale = await api.request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, payload: { enabled: true }, headers: { 'if-match': one.headers.etag as string } });
  t.equal(stale.statusCode, 412);

  t.equal((await api.request({ method: 'GET', url: '/v1/webhooks', as: api.keys.writer })).statusCode, 403, 'admin only');
  t.equal((await api.request({ method: 'DELETE', url: `/v1/webhooks/${created.id}` })).statusCode, 204);
  t.equal((await api.request({ method: 'GET', url: `/v1/webhooks/${created.id}` })).statusCode, 404);
});

t.test('a retried create with the same Idempotency-Key: refused, naming the webhook, its secret never stored', async (t) => {
  const api = await build(t);
  const headers = { 'idempotency-key': 'create-hook-1' };
  const payload = { url: 'https://example.gov.uk/hooks', events: ['action.created'], scopes: ['read'] };
  const first = await api.request({ method: 'POST', url: '/v1/webhooks', payload, headers });
  t.equal(first.statusCode, 201);
  const { id, secret } = first.json();
  const stored = await sqlRows<{ response_body: string; response_headers: string }>(api.app, 'SELECT response_body, response_headers FROM idempotency_records');
  t.equal(stored.length, 1, 'the request is on record');
  t.notOk(JSON.stringify(stored).includes(secret.slice(6)), 'but not its secret');

  const retry = await api.request({ method: 'POST', url: '/v1/webhooks', payload, headers });
  t.equal(retry.statusCode, 409);
  t.match(retry.headers['content-type'], /^application\/problem\+json/);
  t.equal(retry.headers.location, `/v1/webhooks/${id}`, 'where the first request created it');
  t.match(retry.json(), { status: 409, code: 'SCRUTINY_IDEMPOTENT_SECRET_NOT_KEPT', detail: /create-hook-1.*\/v1\/webhooks\/\d+.*shown once.*Nothing new was created/ });
  t.notOk(retry.body.includes(secret.slice(6)));
  t.equal((await api.request({ method: 'GET', url: '/v1/webhooks' })).json().data.length, 1, 'nothing new was created');
  const other = await api.request({ method: 'POST', url: '/v1/webhooks', payload: { ...payload, url: 'https://example.gov.uk/other' }, headers });
  t.equal(other.statusCode, 422, 'the same key with another body is still refused as reused');
});

t.test('bad input to every webhook route is a problem naming the field', async (t) => {
  const api = await build(t);
  const hook = await subscribe(api, { url: 'https://example.gov.uk/hooks' });
  const post = (payload: Record<string, unknown>) => api.request({ method: 'POST', url: '/v1/webhooks', payload });
  const good = { url: 'https://example.gov.uk/hooks', events: ['action.created'], scopes: ['read'] };
  const cases: [string, Promise<import('fastify').LightMyRequestResponse>, string][] = [
    ['a relative URL', post({ ...good, url: '/hooks' }), '/body/url'],
    ['an ftp URL', post({ ...good, url: 'ftp://example.gov.uk/hooks' }), '/body/url'],
    ['a javascript: URL', post({ ...good, url: 'javascript:alert(1)' }), '/body/url'],
    ['an empty URL', post({ ...good, url: '' }), '/body/url'],
    ['an unknown event', post({ ...good, events: ['action.created', 'action.deleted'] }), '/body/events/1'],
    ['no events', post({ ...good, events: [] }), '/body/events'],
    ['a scope beyond reading', post({ ...good, scopes: ['write'] }), '/body/scopes/0'],
    ['no url', post({ events: ['action.created'], scopes: ['read'] }), '/body/url'],
    ['an unknown field', post({ ...good, secret: 'whsec_mine' }), '/body/secret'],
    ['enabled not a boolean', post({ ...good, enabled: 'yes' }), '/body/enabled'],
    ['an empty PATCH', api.request({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, payload: {} }), '/body'],
    ['a PATCH to a bad URL', api.request({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, payload: { url: 'mailto:clerk@example.gov.uk' } }), '/body/url'],
    ['a PATCH with an unknown event', api.request({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, payload: { events: ['nope'] } }), '/body/events/0'],
    ['a bad id', api.request({ method: 'GET', url: '/v1/webhooks/abc' }), '/params/id'],
    ['a bad id to delete', api.request({ method: 'DELETE', url: '/v1/webhooks/0' }), '/params/id'],
    ['a bad limit', api.request({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries?limit=0` }), '/querystring/limit'],
    ['a bad status filter', api.request({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries?status=lost` }), '/querystring/status'],
    ['a bad cursor', api.request({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries?cursor=zzz` }), '/querystring/cursor'],
    ['a bad delivery id', api.request({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/x/retry` }), '/params/deliveryId'],
  ];
  for (const [what, pending, pointer] of cases) {
    const res = await pending;
    t.equal(res.statusCode, 400, what);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', what);
    t.ok(pointers(res.json()).includes(pointer), `${what}: ${res.body}`);
  }
  const unknown = await post({ ...good, events: ['action.deleted'] });
  t.match(unknown.json().errors[0].detail, /"action\.deleted" is not an event/, 'the unknown event is named');
  t.equal((await api.request({ method: 'GET', url: '/v1/webhooks/999' })).statusCode, 404);
  t.equal((await api.request({ method: 'GET', url: '/v1/webhooks/999/deliveries' })).statusCode, 404);
  t.equal((await api.request({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/999/retry` })).statusCode, 404);
});

t.test('a delivery is signed as Standard Webhooks says, and carries the action as the API returns it', async (t) => {
  const time = manualClock();
  const api = await build(t, {}, { clock: time.clock });
  const m = await setup(api);
  const inbox = await receiver(t);
  const hook = await subscribe(api, { url: inbox.url, events: ['action.created', 'action.updated', 'action.responded'] });
  const action = await createAction(api, { meetingId: m.a });
  t.equal(inbox.received.length, 0, 'the request did not wait for the delivery');
  t.equal(await tick(api), 1);
  t.equal(inbox.received.length, 1);
  const [message] = inbox.received;
  t.ok(verifies(hook.secret, message!), 'the signature verifies over the exact body');
  t.notOk(verifies(`whsec_${Buffer.alloc(32).toString('base64')}`, message!), 'and not with another key');
  t.equal(message!.headers['webhook-timestamp'], String(Math.floor(time.now() / 1000)));
  t.match(message!.headers['webhook-id'], /^msg_\d+$/);
  t.equal(message!.headers['content-type'], 'application/json');
  const read = (await api.request({ method: 'GET', url: `/v1/actions/${action.id}` })).json();
  t.same(message!.json, { type: 'action.created', timestamp: new Date(time.now()).toISOString(), data: read });

  const responded = await api.request({ method: 'PATCH', url: `/v1/actions/${action.id}`, payload: { status: 'responded', response: 'Figures attached.' } });
  t.equal(responded.statusCode, 200);
  await tick(api);
  t.same(inbox.received.slice(1).map((r) => r.json.type).sort(), ['action.responded', 'action.updated']);
  t.same(inbox.received[1]!.json.data, responded.json());

  const list = await deliveries(api, hook.id);
  t.equal(list.length, 3);
  t.match(list[2], { status: 'delivered', type: 'action.created', nextAttemptAt: null, attempts: [{ statusCode: 204, error: null, nextAttemptAt: null }] });
  t.type(list[2].attempts[0].durationMs, 'number');
});

t.test('nothing is written when no enabled webhook wants the event, one row when one does', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  await createAction(api, { meetingId: m.a });
  t.equal(await eventCount(api), 0, 'no webhook: no event');
  const hook = await subscribe(api, { url: 'https://example.gov.uk/hooks', events: ['meeting.updated'] });
  await createAction(api, { meetingId: m.a });
  t.equal(await eventCount(api), 0, 'a webhook for other events: no event');
  await api.request({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, payload: { events: ['action.created'] } });
  await createAction(api, { meetingId: m.a });
  t.equal(await eventCount(api), 1, 'the subscriptions are read again once the webhook changes');
  await api.request({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, payload: { enabled: false } });
  await createAction(api, { meetingId: m.a });
  t.equal(await eventCount(api), 1, 'a disabled webhook wants nothing');
});

t.test('the event is written in the transaction of the change: a failing write leaves none', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  await subscribe(api, { url: 'https://example.gov.uk/hooks' });
  const { db, engine, services } = api.app;
  const actionsBefore = await countOf(api, 'actions');
  // (On SQLite engine.run is synchronous and throws: the async function makes that a rejection.)
  await t.rejects(async () => engine.run(tx(function* () {
    yield* services.programs.actions.createIn(scriptActor('test'), { meetingId: m.a, kind: 'update', title: 'Rolled back' });
    // Read in the transaction itself: on PostgreSQL another connection would not see it yet.
    t.equal((yield* first(db.select({ n: count() }).from(webhookEvents)))?.n, 1, 'written with the action');
    throw new Error('the write fails after the action was inserted');
  })), /the write fails/);
  t.equal(await eventCount(api), 0, 'the event went with it');
  t.equal(await countOf(api, 'actions'), actionsBefore);
  const refused = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m.a, kind: 'update', title: 'x', ownerId: 999 } });
  t.equal(refused.statusCode, 400);
  t.equal(await eventCount(api), 0, 'a refused request leaves no event');
});

t.test('an exempt event never reaches a webhook that may only read public business', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const publicOnly = await receiver(t);
  const exempt = await receiver(t);
  await subscribe(api, { url: publicOnly.url, scopes: ['read'] });
  await subscribe(api, { url: exempt.url, scopes: ['read', 'read:exempt'] });
  const item = await api.request({ method: 'POST', url: `/v1/meetings/${m.a}/items`, payload: { title: 'Land disposal', visibility: 'exempt', exemptParagraph: 3 } });
  await createAction(api, { meetingId: m.a, itemId: item.json().id, title: 'Valuation HIDDEN-EXEMPT' });
  await createAction(api, { meetingId: m.a, title: 'Public business' });
  await tick(api);
  t.same(publicOnly.received.map((r) => r.json.data.title), ['Public business']);
  t.notOk(publicOnly.received.some((r) => r.body.includes('HIDDEN-EXEMPT')));
  t.same(exempt.received.map((r) => r.json.data.title).sort(), ['Public business', 'Valuation HIDDEN-EXEMPT']);
});

t.test('a receiver that fails is tried again after the backoff, with the same message id', async (t) => {
  const time = manualClock();
  const api = await build(t, {}, { clock: time.clock });
  const m = await setup(api);
  const inbox = await receiver(t);
  inbox.answers.push(500);
  const hook = await subscribe(api, { url: inbox.url });
  await createAction(api, { meetingId: m.a });
  await tick(api);
  t.equal(inbox.received.length, 1);
  let [delivery] = await deliveries(api, hook.id);
  t.match(delivery, { status: 'pending', nextAttemptAt: new Date(time.now() + 30_000).toISOString(), attempts: [{ statusCode: 500, error: 'HTTP 500' }] });
  time.advance(29_000);
  await tick(api);
  t.equal(inbox.received.length, 1, 'not before the backoff is over');
  time.advance(1_000);
  await tick(api);
  t.equal(inbox.received.length, 2);
  t.equal(inbox.received[1]!.headers['webhook-id'], inbox.received[0]!.headers['webhook-id']);
  t.ok(verifies(hook.secret, inbox.received[1]!));
  [delivery] = await deliveries(api, hook.id);
  t.match(delivery, { status: 'delivered', attempts: [{ statusCode: 500 }, { statusCode: 204, nextAttemptAt: null }] });
});

t.test('a delivery is retried with growing waits for at least 24 hours, then failed; retry sends it again now', async (t) => {
  const time = manualClock();
  const api = await build(t, {}, { clock: time.clock });
  const m = await setup(api);
  const inbox = await receiver(t, 503);
  const hook = await subscribe(api, { url: inbox.url });
  await createAction(api, { meetingId: m.a });
  const start = time.now();
  await tick(api);
  let [delivery] = await deliveries(api, hook.id);
  while (delivery.status === 'pending') {
    time.advance(Date.parse(delivery.nextAttemptAt) - time.now());
    await tick(api);
    [delivery] = await deliveries(api, hook.id);
  }
  t.equal(delivery.status, 'failed');
  const waits = delivery.attempts.slice(1).map((a: { attemptedAt: string }, i: number) => Date.parse(a.attemptedAt) - Date.parse(delivery.attempts[i].attemptedAt));
  t.same(waits.slice(0, 3), [30_000, 60_000, 120_000], 'exponential backoff');
  t.ok(waits.every((w: number, i: number) => i === 0 || w >= waits[i - 1]), 'never shorter');
  t.ok(time.now() - start >= 24 * 3600_000, 'retried for at least 24 hours');
  t.ok(delivery.attempts.length < 40, 'capped waits, not a flood');
  t.equal(inbox.received.length, delivery.attempts.length);

  inbox.fallback = 200;
  const retried = await api.request({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry` });
  t.equal(retried.statusCode, 202);
  await tick(api);
  [delivery] = await deliveries(api, hook.id);
  t.equal(delivery.status, 'delivered');
});

t.test('410 Gone disables the webhook; nothing more is written for it', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const inbox = await receiver(t, 410);
  const hook = await subscribe(api, { url: inbox.url });
  const etag = (await api.request({ method: 'GET', url: `/v1/webhooks/${hook.id}` })).headers.etag;
  await createAction(api, { meetingId: m.a });
  await tick(api);
  const read = await api.request({ method: 'GET', url: `/v1/webhooks/${hook.id}` });
  t.match(read.json(), { enabled: false, disabledReason: /410 Gone/ });
  t.not(read.headers.etag, etag, 'a new version: a PATCH made against the old one is refused');
  t.match((await deliveries(api, hook.id))[0], { status: 'failed', attempts: [{ statusCode: 410 }] });
  const events = await eventCount(api);
  await createAction(api, { meetingId: m.a });
  await tick(api);
  t.equal(await eventCount(api), events, 'no event for a disabled webhook');
  t.equal(inbox.received.length, 1);
});

t.test('a redirect is not followed: it is a failed attempt', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const elsewhere = await receiver(t, 200);
  const inbox = await receiver(t, (res) => res.writeHead(307, { location: elsewhere.url }).end());
  const hook = await subscribe(api, { url: inbox.url });
  await createAction(api, { meetingId: m.a });
  await tick(api);
  t.equal(inbox.received.length, 1);
  t.equal(elsewhere.received.length, 0, 'the signed payload went nowhere else');
  t.match((await deliveries(api, hook.id))[0], { status: 'pending', attempts: [{ statusCode: 307, error: 'redirect not followed' }] });
});

t.test('meeting.updated and action.flagged come from their own transactions', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const inbox = await receiver(t);
  await subscribe(api, { url: inbox.url, events: ['meeting.updated', 'action.flagged', 'scan.completed'] });
  const venue = await api.request({ method: 'PATCH', url: `/v1/meetings/${m.b}`, payload: { venue: 'Council Chamber' } });
  t.equal(venue.statusCode, 200);
  const action = await createAction(api, { meetingId: m.a, dueDate: '2024-08-01' });
  const scan = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: '2024-08-23' } });
  t.equal(scan.statusCode, 200);
  await tick(api);
  const byType = Object.fromEntries(inbox.received.map((r) => [r.json.type, r.json.data]));
  t.same(byType['meeting.updated'], venue.json());
  t.match(byType['action.flagged'], { action: { id: action.id, timesFlagged: 1 }, meetingId: m.b, flaggedOn: '2024-08-23' });
  t.same(byType['scan.completed'], { asOf: '2024-08-23', committeeId: null, flagsRecorded: 1 });
});
