import { connect } from 'node:net';
import t from 'tap';
import { build, committee } from '../helper.js';

// The edges of the one error shape: If-Match compares strongly, a failure inside the service
// names no library, and requests Node's parser refuses are problem+json too.

t.test('If-Match uses the strong comparison: a weak ETag never matches (RFC 9110 §13.1.1)', async (t) => {
  const api = await build(t);
  const id = await committee(api);
  const etag = String((await api.request({ method: 'GET', url: `/v1/committees/${id}` })).headers.etag);
  const patch = (ifMatch: string) =>
    api.request({ method: 'PATCH', url: `/v1/committees/${id}`, payload: { contactName: 'Clerk' }, headers: { 'if-match': ifMatch } });

  for (const weak of [`W/${etag}`, `"0.0", W/${etag}`]) {
    const res = await patch(weak);
    t.equal(res.statusCode, 412, weak);
    t.match(res.headers['content-type'], /application\/problem\+json/);
  }
  t.equal((await api.request({ method: 'GET', url: `/v1/committees/${id}` })).json().contactName, null, 'nothing changed');
  t.equal((await patch(`"0.0", ${etag}`)).statusCode, 200, 'the strong tag in a list matches');
  t.equal((await patch('*')).statusCode, 200, '* matches any current representation');
});

t.test("a 500's type and body name no internal code", async (t) => {
  const api = await build(t);
  // A route that fails as a damaged SQLite file would, with the library's code. (A busy
  // database is a 503 to retry: test/http/busy-database.test.ts.)
  api.app.get('/v1/test-failure', { schema: { hide: true } }, async () => {
    throw Object.assign(new Error('database disk image is malformed (secret internal detail)'), {
      code: 'SQLITE_CORRUPT',
    });
  });
  const res = await api.request({ method: 'GET', url: '/v1/test-failure' });
  t.equal(res.statusCode, 500);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  const body = res.json();
  t.equal(body.type, 'urn:scrutiny-tracker:problem:http-500');
  t.equal(body.title, 'Internal Server Error');
  t.equal(body.code, undefined);
  t.notMatch(res.body, /sqlite|corrupt|malformed|secret/i, 'nothing internal in the body');
});

/** Sends raw bytes to the listening app and returns everything it answers before closing. */
async function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
    socket.on('close', () => resolve(answer));
    socket.write(request);
  });
}

function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  const header = (name: string) =>
    headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  return { status: Number(statusLine.split(' ')[1]), header, body };
}

t.test("requests Node's parser refuses are answered with problem+json", async (t) => {
  const api = await build(t);
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = api.app.server.address() as { port: number };

  const tooLarge = parse(await raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
  t.equal(tooLarge.status, 431);
  t.match(tooLarge.header('content-type'), /^application\/problem\+json/);
  t.match(JSON.parse(tooLarge.body), { status: 431, title: 'Request Header Fields Too Large' });
  t.equal(Number(tooLarge.header('content-length')), Buffer.byteLength(tooLarge.body));

  for (const malformed of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n']) {
    const answer = parse(await raw(port, malformed));
    t.equal(answer.status, 400, JSON.stringify(malformed));
    t.match(answer.header('content-type'), /^application\/problem\+json/);
    t.match(JSON.parse(answer.body), { status: 400, title: 'Bad Request', type: 'urn:scrutiny-tracker:problem:malformed-request' });
  }
});

t.test('a field error points where the route takes the field, whatever stray query parameters say', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const meetingId = (await api.request({ method: 'POST', url: `/v1/committees/${committeeId}/meetings`, payload: { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' } })).json().id;
  const action = (await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'update', title: 'Figures on bus lane enforcement' } })).json();
  const item = (await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: { title: 'Depot disposal', visibility: 'public' } })).json();
  for (const query of ['', '?response=x']) {
    const res = await api.request({ method: 'PATCH', url: `/v1/actions/${action.id}${query}`, payload: { status: 'responded' } });
    t.equal(res.statusCode, 400, `responded without a response${query}`);
    t.same(res.json().errors.map((e: { pointer: string }) => e.pointer), ['/body/response'], `the body's field${query}`);
  }
  for (const query of ['', '?exemptParagraph=3']) {
    const res = await api.request({ method: 'PATCH', url: `/v1/items/${item.id}${query}`, payload: { visibility: 'exempt' } });
    t.equal(res.statusCode, 400, `exempt without a paragraph${query}`);
    t.same(res.json().errors.map((e: { pointer: string }) => e.pointer), ['/body/exemptParagraph'], `the body's field${query}`);
  }
});
