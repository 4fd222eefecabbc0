import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { defaultConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { committee, meeting, sqlRows, until, type TestApp } from '../helper.js';
import { onPostgres, testDatabase } from '../pg.js';
import { receiver } from './webhooks/receiver.js';

// Pending deliveries are rows: they survive the app being closed and built again on the same
// database (file, or PostgreSQL database in the suite's PostgreSQL twin), and a delivery whose attempt was cut short (the process stopped or died while
// waiting for the receiver) is sent again once its claim runs out.

/** Where the apps keep their data: a database file, or in the suite's PostgreSQL run a test database. */
async function databaseFor(t: Test): Promise<string> {
  if (onPostgres()) return (await testDatabase(t)).url;
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-webhooks-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'scrutiny.sqlite');
}

/** An app on that database; `release` closes what the app does not (SQLite's connection), after app.close(). */
async function openApp(where: string, config: Partial<Config>, options: Omit<BuildOptions, 'db'>): Promise<{ app: FastifyInstance; release: () => void }> {
  const settings = { ...defaultConfig, scheduler: false, scanOnStart: false, ...config };
  if (onPostgres()) return { app: await buildApp({ ...settings, databaseUrl: where }, { logger: false, ...options }), release: () => {} };
  const db = openDatabase({ path: where });
  return { app: await buildApp(settings, { db, logger: false, ...options }), release: () => db.$client.close() };
}

/** The app on the database; `admin`: the key made by the first app on it (else one is made). */
async function appOn(where: string, clock: () => Date, key?: string): Promise<TestApp & { close: () => Promise<void> }> {
  const { app, release } = await openApp(where, { rateLimitPerMinute: 100000 }, { clock });
  const admin = key ?? (await app.services.apiKeys.create(scriptActor('test'), 'admin', ['admin'])).key;
  return {
    app,
    keys: { admin, writer: admin, reader: admin, exempt: admin, confidential: admin },
    request: ({ as: _as, headers, ...options }) => app.inject({ ...options, headers: { authorization: `Bearer ${admin}`, ...headers } }),
    close: async () => {
      await app.close();
      release();
    },
  };
}

t.test('deliveries survive a rebuild of the app on the same database file', async (t) => {
  const path = await databaseFor(t);
  let now = Date.parse('2024-08-01T09:00:00.000Z');
  const clock = () => new Date(now);
  const inbox = await receiver(t);
  // The first attempt never gets an answer: the app is closed while it waits.
  let hung = 0;
  inbox.answers.push(500, () => void hung++);

  const first = await appOn(path, clock);
  const committeeId = await committee(first);
  const meetingId = await meeting(first, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  const hook = (await first.request({ method: 'POST', url: '/v1/webhooks', payload: { url: inbox.url, events: ['action.created'], scopes: ['read'] } })).json();
  for (const title of ['First', 'Second']) {
    const res = await first.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'update', title } });
    t.equal(res.statusCode, 201);
  }
  // First: answered 500, pending a retry. Second: waiting for an answer when the app closes.
  const pass = first.app.services.webhookDeliveries.tick();
  while (inbox.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  t.equal(hung, 1);
  // The receiver has both requests; the worker records the 500 only once its answer is read.
  const failedAttempts = async () => (await sqlRows<{ n: number }>(first.app, 'SELECT CAST(count(*) AS integer) AS n FROM webhook_attempts WHERE status_code = 500'))[0]!.n;
  await until(async () => (await failedAttempts()) === 1, 'the failed attempt to be recorded');
  await first.close();
  await pass;

  now += 60_000; // past the first's backoff and the second's claim
  const second = await appOn(path, clock, first.keys.admin);
  t.teardown(second.close);
  await second.app.services.webhookDeliveries.tick();
  t.same(inbox.received.slice(2).map((r) => r.json.data.title).sort(), ['First', 'Second'], 'both sent again by the new app');
  const list = (await second.request({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries` })).json().data;
  t.same(list.map((d: { status: string }) => d.status), ['delivered', 'delivered']);
  const attempts = list.map((d: { attempts: unknown[] }) => d.attempts.length).sort();
  t.same(attempts, [1, 2], 'the attempt cut short is not recorded; the failed one is');
});

t.test('the listening server delivers on its own, and stops the worker when it closes', async (t) => {
  const { app, release } = await openApp(await databaseFor(t), {}, { deliverWebhooks: true });
  t.teardown(release);
  const inbox = await receiver(t);
  const admin = (await app.services.apiKeys.create(scriptActor('test'), 'admin', ['admin'])).key;
  const api: TestApp = {
    app,
    keys: { admin, writer: admin, reader: admin, exempt: admin, confidential: admin },
    request: ({ as: _as, headers, ...options }) => app.inject({ ...options, headers: { authorization: `Bearer ${admin}`, ...headers } }),
  };
  await app.listen({ port: 0, host: '127.0.0.1' });
  const committeeId = await committee(api);
  const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  await api.request({ method: 'POST', url: '/v1/webhooks', payload: { url: inbox.url, events: ['action.created'], scopes: ['read'] } });
  await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'update', title: 'Sent by the worker' } });
  await until(() => inbox.received.length === 1, 'the worker to deliver', 10_000);
  t.equal(inbox.received[0]!.json.data.title, 'Sent by the worker');
  await app.close();
  await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'update', title: 'After close' } }).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.equal(inbox.received.length, 1, 'nothing is sent once the server has closed');
});
