import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { withoutQueryKey } from '../../src/http/redact-url.js';
import { build, committee } from '../helper.js';
import { onPostgres, testDatabase } from '../pg.js';

// Calendar apps subscribe by URL, so .ics paths also take the key as ?key= (http/auth.ts):
// read-only keys only, on those paths only, and never written to the log.

t.test('?key= is accepted on .ics paths, for read-only keys only', async (t) => {
  const api = await build(t, { publicRead: false });
  const id = await committee(api);
  const ics = (query: string, headers?: Record<string, string>) =>
    api.app.inject({ method: 'GET', url: `/v1/committees/${id}/calendar.ics${query}`, headers });

  t.equal((await ics('')).statusCode, 401, 'no key, no public read: 401');
  for (const key of [api.keys.reader, api.keys.exempt, api.keys.confidential]) {
    const res = await ics(`?key=${key}`);
    t.equal(res.statusCode, 200, 'a read-only key in the URL');
    t.match(res.headers['content-type'], /^text\/calendar/);
  }
  t.equal((await ics('', { authorization: `Bearer ${api.keys.writer}` })).statusCode, 200, 'any key that reads, in the header');

  for (const [name, key, scope] of [['write', api.keys.writer, 'write'], ['admin', api.keys.admin, 'admin']] as const) {
    const res = await ics(`?key=${key}`);
    t.equal(res.statusCode, 403, `a ${name} key in the URL is refused`);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(res.json().code, 'SCRUTINY_QUERY_KEY_NOT_READ_ONLY');
    t.match(res.json().detail, new RegExp(`must be read-only.*has the ${scope} scope`));
    t.notOk(res.body.includes(key), 'the refusal does not echo the key');
  }

  t.equal((await ics('?key=st_not-a-real-key-0123456789')).statusCode, 401, 'an unknown key is a 401');
  t.equal((await ics('?key=short')).statusCode, 401, 'a malformed key is a 401');
  t.equal((await ics(`?key=${api.keys.reader}&key=${api.keys.reader}`)).statusCode, 401, 'a repeated key is malformed');
  const both = await ics(`?key=${api.keys.reader}`, { authorization: `Bearer ${api.keys.reader}` });
  t.equal(both.statusCode, 400, 'a key in the header and the URL at once is refused');
  t.equal(both.json().code, 'SCRUTINY_KEY_IN_QUERY');

  const person = (await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Jo', kind: 'officer' } })).json().id;
  t.equal((await api.app.inject({ method: 'GET', url: `/v1/people/${person}/calendar.ics?key=${api.keys.reader}` })).statusCode, 200, 'the person feed too');
});

t.test('?key= anywhere but an .ics path is a 400, even with a good key', async (t) => {
  const api = await build(t, { publicRead: true });
  const id = await committee(api);
  for (const url of [
    `/v1/committees/${id}?key=${api.keys.reader}`,
    `/v1/committees/${id}/meetings?key=${api.keys.reader}`,
    `/v1/actions?k%65y=${api.keys.reader}`,
    `/v1/reports/overdue?format=csv&key=${api.keys.admin}`,
    `/healthz?key=${api.keys.reader}`,
  ]) {
    const res = await api.app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 400, `${withoutQueryKey(url)}: 400`);
    t.equal(res.json().code, 'SCRUTINY_KEY_IN_QUERY');
    t.match(res.json().detail, /only on calendar feeds \(\.ics paths\)/);
    t.notOk(res.body.includes(api.keys.reader) || res.body.includes(api.keys.admin), 'the key is not echoed');
  }
  const write = await api.app.inject({ method: 'POST', url: `/v1/committees?key=${api.keys.admin}`, payload: { name: 'X', kind: 'other' } });
  t.equal(write.statusCode, 400, 'nor does a write take one');
  t.equal((await api.request({ method: 'GET', url: '/v1/committees' })).json().data.length, 1, 'nothing was written');
});

t.test('withoutQueryKey replaces every spelling of the key parameter and nothing else', async (t) => {
  t.equal(withoutQueryKey('/v1/x.ics?key=abc&a=1'), '/v1/x.ics?key=[Redacted]&a=1');
  t.equal(withoutQueryKey('/v1/x.ics?a=1&k%65y=abc&KEY=def&key'), '/v1/x.ics?a=1&k%65y=[Redacted]&KEY=[Redacted]&key=[Redacted]');
  t.equal(withoutQueryKey('/v1/x.ics?keys=1&monkey=2'), '/v1/x.ics?keys=1&monkey=2');
  t.equal(withoutQueryKey('/v1/x.ics'), '/v1/x.ics');
});

t.test('keys never reach the request log: the header and ?key= are redacted', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // The app with a logger of the test's own, on the engine of the run (test/helper.ts build()).
  const settings = { ...defaultConfig, scheduler: false, scanOnStart: false, rateLimitPerMinute: 100000 };
  const db = onPostgres() ? undefined : openDatabase({ path: ':memory:' });
  const app = await buildApp(
    db ? settings : { ...settings, databaseUrl: (await testDatabase(t)).url },
    { db, logger: { level: 'info', stream } },
  );
  t.teardown(async () => {
    await app.close();
    db?.$client.close();
  });
  const reader = (await app.services.apiKeys.create(scriptActor('test'), 'calendar', ['read'])).key;
  const admin = (await app.services.apiKeys.create(scriptActor('test'), 'admin', ['admin'])).key;
  const created = await app.inject({
    method: 'POST', url: '/v1/committees', payload: { name: 'Audit', kind: 'other' }, headers: { authorization: `Bearer ${admin}` },
  });
  const id = created.json().id;

  t.equal((await app.inject({ method: 'GET', url: `/v1/committees/${id}/calendar.ics?key=${reader}` })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: `/v1/committees/${id}/calendar.ics?key=${admin}` })).statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url: `/v1/committees/${id}?k%65y=${reader}` })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: `/v1/nowhere?key=${reader}` })).statusCode, 400);

  const logged = lines.join('\n');
  t.ok(logged.includes(`/v1/committees/${id}/calendar.ics?key=[Redacted]`), 'the request is logged, with its key redacted');
  t.ok(logged.includes(`/v1/committees/${id}?k%65y=[Redacted]`), 'an encoded name is redacted too');
  t.notOk(logged.includes(reader), 'the read key never appears in the log');
  t.notOk(logged.includes(admin), 'the admin key never appears in the log');
  t.ok(lines.length >= 8, `every request was logged (${lines.length} lines)`);
});
