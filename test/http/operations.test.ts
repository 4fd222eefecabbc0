import t from 'tap';
import { build } from '../helper.js';

t.test('health, readiness and metrics', async (t) => {
  const api = await build(t);
  t.same((await api.request({ method: 'GET', url: '/healthz', as: null })).json(), { status: 'ok' });
  t.same((await api.request({ method: 'GET', url: '/readyz', as: null })).json(), { status: 'ready' });
  await api.request({ method: 'GET', url: '/v1/committees', as: null });
  const metrics = await api.request({ method: 'GET', url: '/metrics', as: null });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.headers['content-type'], /text\/plain/);
  t.match(metrics.body, /http_requests_total\{method="GET",route="\/v1\/committees",status_code="200"\} 1/);
  t.match(metrics.body, /http_request_duration_seconds_bucket/);
});

t.test('readiness fails when the database is gone', async (t) => {
  const api = await build(t);
  const { engine } = api.app;
  // The connection (SQLite's, which the test opened) or the pool (PostgreSQL's engine's) closed.
  if (engine.kind === 'postgres') await engine.close();
  else engine.db.$client.close();
  const res = await api.request({ method: 'GET', url: '/readyz', as: null });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /problem\+json/);
});

t.test('x-request-id is accepted, echoed, or generated', async (t) => {
  const api = await build(t);
  const given = await api.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'agenda-42' } });
  t.equal(given.headers['x-request-id'], 'agenda-42');
  const made = await api.request({ method: 'GET', url: '/healthz' });
  t.match(made.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const hostile = await api.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'x\u00e9<script>' } });
  t.not(hostile.headers['x-request-id'], 'x\u00e9<script>');
});

t.test('security headers, no CORS unless configured, unknown routes are problems', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'GET', url: '/v1/committees', headers: { origin: 'https://evil.example' } });
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  t.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
  t.equal(res.headers['x-frame-options'], 'DENY');
  t.equal(res.headers['referrer-policy'], 'no-referrer');
  t.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
  t.notOk(res.headers['x-xss-protection'], 'no legacy browser headers on JSON');
  // The documentation page runs Swagger UI's inline script and styles: its own, wider CSP.
  const docs = await api.request({ method: 'GET', url: '/docs/', as: null });
  t.match(docs.headers['content-security-policy'], /script-src 'self' 'unsafe-inline'/);
  t.equal(docs.headers['x-content-type-options'], 'nosniff');
  t.notOk(res.headers['access-control-allow-origin']);
  const cors = await build(t, { corsOrigins: ['https://intranet.example.gov.uk'] });
  const allowed = await cors.request({ method: 'GET', url: '/v1/committees', headers: { origin: 'https://intranet.example.gov.uk' } });
  t.equal(allowed.headers['access-control-allow-origin'], 'https://intranet.example.gov.uk');
  const missing = await api.request({ method: 'GET', url: '/v1/nothing-here' });
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /problem\+json/);
});

t.test('rate limiting answers 429 as a problem with RateLimit headers', async (t) => {
  const api = await build(t, { rateLimitPerMinute: 3 });
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 4; i++) {
    last = await api.request({ method: 'GET', url: '/v1/committees', as: null });
    statuses.push(last.statusCode);
  }
  t.same(statuses, [200, 200, 200, 429]);
  t.match(last!.headers['content-type'], /problem\+json/);
  t.ok(last!.headers['ratelimit-limit'] ?? last!.headers['ratelimit-policy'], 'RateLimit headers');
  t.equal(last!.json().status, 429);
});

t.test('the rate limit counts per key, however the Authorization header spells it', async (t) => {
  const api = await build(t, { rateLimitPerMinute: 3 });
  const get = (authorization?: string, remoteAddress = '10.0.0.1') =>
    api.app.inject({ method: 'GET', url: '/v1/committees', headers: authorization ? { authorization } : {}, remoteAddress });
  const key = api.keys.reader;
  const spellings = [`Bearer ${key}`, `Bearer  ${key}`, `bearer ${key}`, `BEARER ${key}`];
  const statuses: number[] = [];
  for (const spelling of spellings) statuses.push((await get(spelling)).statusCode);
  t.same(statuses, [200, 200, 200, 429], 'one budget for one key');
  t.equal((await get(`Bearer ${key}`, '10.0.0.2')).statusCode, 429, 'the key is limited from any address');
  t.equal((await get(`Bearer ${api.keys.writer}`)).statusCode, 200, 'another key has its own budget');
  t.equal((await get(undefined)).statusCode, 200, 'anonymous callers are counted by address');

  // A bad key is counted against the caller's address: guessing keys spends the same budget.
  const bad = 'st_nonsense_' + 'x'.repeat(30);
  const guesses: number[] = [];
  for (const spelling of [`Bearer ${bad}`, `bearer ${bad}1`, `Bearer ${bad}2`]) guesses.push((await get(spelling, '10.0.0.3')).statusCode);
  t.same(guesses, [401, 401, 401]);
  t.equal((await get(`Bearer ${bad}3`, '10.0.0.3')).statusCode, 429, 'the fourth guess is refused by the limit');
  t.equal((await get(undefined, '10.0.0.3')).statusCode, 429, 'and so is the address itself');
});

t.test('bodies over the limit are refused with 413', async (t) => {
  const api = await build(t, { bodyLimitBytes: 1024 });
  const res = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'x'.repeat(5000), kind: 'other' } });
  t.equal(res.statusCode, 413);
  t.match(res.headers['content-type'], /problem\+json/);
});

t.test('malformed JSON and wrong content types are 4xx problems', async (t) => {
  const api = await build(t);
  const broken = await api.request({ method: 'POST', url: '/v1/committees', payload: '{"name":', headers: { 'content-type': 'application/json' } });
  t.equal(broken.statusCode, 400);
  t.match(broken.headers['content-type'], /problem\+json/);
  const xml = await api.request({ method: 'POST', url: '/v1/committees', payload: '<a/>', headers: { 'content-type': 'application/xml' } });
  t.equal(xml.statusCode, 415);
});
