import t from 'tap';
import { build, sqlRows, sqlRun } from '../helper.js';
import { onPostgres, testDatabase } from '../pg.js';
import { form, formFields, issueLink, linkedAction } from './response-links-fixture.js';

const NOW = new Date('2024-07-20T09:00:00Z');

t.test('issuing a link: the owner only, a URL on PUBLIC_BASE_URL, valid RESPONSE_LINK_DAYS', async (t) => {
  const api = await build(t, { publicBaseUrl: 'https://tracker.example.gov.uk', responseLinkDays: 10 }, { clock: () => NOW });
  const { actionId, ownerId, otherId } = await linkedAction(api);
  const res = await api.request({ method: 'POST', url: `/v1/actions/${actionId}/response-links`, payload: { personId: ownerId }, as: api.keys.writer });
  t.equal(res.statusCode, 201);
  t.match(res.json().url, /^https:\/\/tracker\.example\.gov\.uk\/respond\/\d+\.[A-Za-z0-9_-]{43}$/);
  t.equal(res.json().expiresAt, '2024-07-30T09:00:00.000Z');
  const notOwner = await api.request({ method: 'POST', url: `/v1/actions/${actionId}/response-links`, payload: { personId: otherId } });
  t.equal(notOwner.statusCode, 400);
  t.match(notOwner.json().errors, [{ pointer: '/body/personId' }]);
  const reader = await api.request({ method: 'POST', url: `/v1/actions/${actionId}/response-links`, payload: { personId: ownerId }, as: api.keys.reader });
  t.equal(reader.statusCode, 403);
  const service = await api.app.services.responseLinks.issue(actionId, ownerId, NOW);
  t.match(service.url, /\/respond\//);
  const list = await api.request({ method: 'GET', url: `/v1/actions/${actionId}/response-links` });
  t.equal(list.json().data.length, 2);
  t.notMatch(list.body, /respond/);
});

t.test("an owner's links at once (the notification pass): only actions still theirs and unfinished, each audited and working", async (t) => {
  const api = await build(t, { publicBaseUrl: 'https://tracker.example.gov.uk', responseLinkDays: 10 }, { clock: () => NOW });
  const { actionId, ownerId, otherId, raisedAt } = await linkedAction(api);
  const create = async (payload: Record<string, unknown>) => (await api.request({
    method: 'POST', url: '/v1/actions', payload: { meetingId: raisedAt, kind: 'update', title: 'Another update', ...payload },
  })).json().id as number;
  const someoneElses = await create({ ownerId: otherId });
  const finished = await create({ ownerId });
  await sqlRun(api.app, "UPDATE actions SET status = 'closed' WHERE id = ?", finished);
  const links = await api.app.services.responseLinks.issueForOwner(ownerId, [actionId, someoneElses, finished, actionId], NOW);
  t.same([...links.keys()], [actionId], 'one link, for the action still theirs and open');
  t.equal(links.get(actionId)!.expiresAt, '2024-07-30T09:00:00.000Z');
  const page = await api.request({ method: 'GET', url: new URL(links.get(actionId)!.url).pathname, as: null });
  t.equal(page.statusCode, 200, 'the link opens its page');
  const audited = await sqlRows<{ entity_id: string }>(api.app, "SELECT entity_id FROM audit_events WHERE entity_type = 'response_link'");
  t.same(audited.map((a) => Number(a.entity_id)), [links.get(actionId)!.id], 'issued once, audited');
  t.same([...(await api.app.services.responseLinks.issueForOwner(999_999, [actionId], NOW)).keys()], [], 'no such person: no links');
});

t.test('the page: the action, no-store, no-referrer, a CSP without unsafe-inline', async (t) => {
  const api = await build(t, {}, { clock: () => NOW });
  const { actionId, ownerId } = await linkedAction(api);
  const link = await issueLink(api, actionId, ownerId);
  t.match(link.url, /^http:\/\/localhost\/respond\//, 'no PUBLIC_BASE_URL: the origin the API was called at');
  const viaHost = await api.request({ method: 'POST', url: `/v1/actions/${actionId}/response-links`, payload: { personId: ownerId }, headers: { host: 'tracker.internal:8080' } });
  t.match(viaHost.json().url, /^http:\/\/tracker\.internal:8080\/respond\//);
  const page = await api.request({ method: 'GET', url: link.path, as: null });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.equal(page.headers['cache-control'], 'no-store');
  t.equal(page.headers['referrer-policy'], 'no-referrer');
  t.match(page.headers['content-security-policy'], /style-src 'sha256-/);
  t.notMatch(page.headers['content-security-policy'], /unsafe-inline/);
  t.match(page.body, '<h1>Update on school transport</h1>');
  t.match(page.body, 'Health Scrutiny Committee, meeting on Monday 15 July 2024 at 6:30pm');
  t.match(page.body, /Due by<\/dt><dd>Friday 6 September 2024, for the agenda of the meeting on Monday 16 September 2024/);
  t.match(page.body, '<label for="update-text">Your update</label>');
  t.match(page.body, '<label for="response-text">Your response</label>');
  t.notMatch(page.body, /<script/);
});

t.test('an update and a response through the page, audited as the person', async (t) => {
  const api = await build(t, {}, { clock: () => NOW });
  const { actionId, ownerId } = await linkedAction(api);
  const link = await issueLink(api, actionId, ownerId);
  const page = await api.request({ method: 'GET', url: link.path, as: null });
  const sent = await api.request({ method: 'POST', url: link.path, as: null, ...form({ intent: 'update', text: 'Figures due next week.', rag: 'amber', ...formFields(page.body) }) });
  t.equal(sent.statusCode, 303);
  t.equal(sent.headers.location, `${link.path}?sent=update`);
  const confirmation = await api.request({ method: 'GET', url: sent.headers.location as string, as: null });
  t.match(confirmation.body, '<h1>Update recorded</h1>');
  const updates = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}/updates` })).json().data;
  t.match(updates, [{ text: 'Figures due next week.', rag: 'amber', authorId: ownerId, recordedBy: 'Jane Officer (response link)' }]);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${actionId}` })).json().rag, 'amber');

  const again = await api.request({ method: 'GET', url: link.path, as: null });
  t.match(again.body, 'Figures due next week.');
  const responded = await api.request({ method: 'POST', url: link.path, as: null, ...form({ intent: 'response', text: 'The figures are attached.', ...formFields(again.body) }) });
  t.equal(responded.statusCode, 303);
  const action = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}` })).json();
  t.match(action, { status: 'responded', response: 'The figures are attached.', respondedOn: '2024-07-20' });
  const history = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}/history` })).json().data;
  t.equal(history[0].actor, 'Jane Officer (response link)');
});

t.test('bad input: the form again with an error summary, 400, nothing stored', async (t) => {
  const api = await build(t, {}, { clock: () => NOW });
  const { actionId, ownerId } = await linkedAction(api);
  const link = await issueLink(api, actionId, ownerId);
  const page = await api.request({ method: 'GET', url: link.path, as: null });
  const empty = await api.request({ method: 'POST', url: link.path, as: null, ...form({ intent: 'update', text: '  ', rag: 'purple', ...formFields(page.body) }) });
  t.equal(empty.statusCode, 400);
  t.match(empty.body, '<h2 id="error-summary-title">There is a problem</h2>');
  t.match(empty.body, '<a href="#update-text">Enter your update</a>');
  t.match(empty.body, '<a href="#update-rag">Choose red, amber, green or no change</a>');
  t.match(empty.body, 'aria-invalid="true"');
  t.match(empty.body, '<title>Error: ');
  const long = await api.request({ method: 'POST', url: link.path, as: null, ...form({ intent: 'response', text: 'x'.repeat(20_001), ...formFields(page.body) }) });
  t.equal(long.statusCode, 400);
  t.match(long.body, '20,000 characters or fewer');
  t.same((await api.request({ method: 'GET', url: `/v1/actions/${actionId}/updates` })).json().data, []);
});

t.test('CSRF: a post without the page\'s check, with another link\'s, or from another site is refused', async (t) => {
  const api = await build(t, {}, { clock: () => NOW });
  const { actionId, ownerId } = await linkedAction(api);
  const link = await issueLink(api, actionId, ownerId);
  const other = await issueLink(api, actionId, ownerId);
  const otherPage = await api.request({ method: 'GET', url: other.path, as: null });
  const page = await api.request({ method: 'GET', url: link.path, as: null });
  const fields = formFields(page.body);
  const attempts = [
    form({ intent: 'update', text: 'forged' }),
    form({ intent: 'update', text: 'forged', nonce: fields.nonce, check: fields.check.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
    form({ intent: 'update', text: 'forged', ...formFields(otherPage.body) }),
  ];
  for (const attempt of attempts) {
    const res = await api.request({ method: 'POST', url: link.path, as: null, ...attempt });
    t.equal(res.statusCode, 403);
    t.match(res.body, 'The form could not be sent');
  }
  const crossSite = await api.request({ method: 'POST', url: link.path, as: null, ...form({ intent: 'update', text: 'forged', ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' } });
  t.equal(crossSite.statusCode, 403);
  const evilOrigin = await api.request({ method: 'POST', url: link.path, as: null, ...form({ intent: 'update', text: 'forged', ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
  t.equal(evilOrigin.statusCode, 403);
  t.same((await api.request({ method: 'GET', url: `/v1/actions/${actionId}/updates` })).json().data, []);
});

t.test('unknown, tampered and expired tokens get one 404 page; so do revoked links and closed, withdrawn or reassigned actions', async (t) => {
  let now = NOW;
  const api = await build(t, { responseLinkDays: 30 }, { clock: () => now });
  const notFound = async (path: string) => {
    const res = await api.request({ method: 'GET', url: path, as: null });
    t.equal(res.statusCode, 404, path);
    t.equal(res.headers['cache-control'], 'no-store');
    return res.body;
  };
  const { actionId, ownerId, otherId } = await linkedAction(api);
  const link = await issueLink(api, actionId, ownerId);
  const [id, signature] = link.path.replace('/respond/', '').split('.') as [string, string];
  const bodies = [
    await notFound('/respond/999.' + signature),
    await notFound(`/respond/${id}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`),
    await notFound(`/respond/${Number(id) + 1}.${signature}`),
    await notFound('/respond/nonsense'),
    await notFound('/respond/' + 'x'.repeat(90)),
  ];
  now = new Date(Date.parse(link.expiresAt) + 1);
  bodies.push(await notFound(link.path));
  now = NOW;
  t.equal(new Set(bodies).size, 1, 'the same page whatever the reason');
  t.notMatch(bodies[0], /school transport|Health Scrutiny/);
  t.equal((await api.request({ method: 'GET', url: link.path, as: null })).statusCode, 200);

  // Revoked.
  const revoked = await api.request({ method: 'DELETE', url: `/v1/actions/${actionId}/response-links/${link.id}`, as: api.keys.writer });
  t.equal(revoked.statusCode, 204);
  t.equal(await notFound(link.path), bodies[0]);
  t.equal((await api.request({ method: 'DELETE', url: `/v1/actions/${actionId}/response-links/9999` })).statusCode, 404);

  // Owner changed; then back.
  const second = await issueLink(api, actionId, ownerId);
  await api.request({ method: 'PATCH', url: `/v1/actions/${actionId}`, payload: { ownerId: otherId } });
  t.equal(await notFound(second.path), bodies[0]);
  await api.request({ method: 'PATCH', url: `/v1/actions/${actionId}`, payload: { ownerId } });
  t.equal((await api.request({ method: 'GET', url: second.path, as: null })).statusCode, 200);

  // A page opened before the action was withdrawn cannot post after.
  const page = await api.request({ method: 'GET', url: second.path, as: null });
  await api.request({ method: 'PATCH', url: `/v1/actions/${actionId}`, payload: { status: 'withdrawn' } });
  t.equal(await notFound(second.path), bodies[0]);
  const late = await api.request({ method: 'POST', url: second.path, as: null, ...form({ intent: 'update', text: 'late', ...formFields(page.body) }) });
  t.equal(late.statusCode, 404);

  // Closed.
  const closedCase = await linkedAction(api, { title: 'Another' }, 'Adult Social Care Scrutiny Committee');
  const third = await issueLink(api, closedCase.actionId, closedCase.ownerId);
  await api.request({ method: 'PATCH', url: `/v1/actions/${closedCase.actionId}`, payload: { status: 'responded', response: 'Done.' } });
  t.equal((await api.request({ method: 'GET', url: third.path, as: null })).statusCode, 200, 'a responded action still takes updates');
  await api.request({ method: 'PATCH', url: `/v1/actions/${closedCase.actionId}`, payload: { status: 'closed' } });
  t.equal(await notFound(third.path), bodies[0]);
  const onClosed = await api.request({ method: 'POST', url: `/v1/actions/${closedCase.actionId}/response-links`, payload: { personId: closedCase.ownerId } });
  t.equal(onClosed.statusCode, 409);
});

t.test('the secret is generated once and kept: links survive a restart', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-links-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The same database each time: a file, or in the PostgreSQL run one test database.
  const database = onPostgres() ? { databaseUrl: (await testDatabase(t)).url } : { databasePath: join(dir, 'db.sqlite') };
  const first = await build(t, database, { clock: () => NOW });
  const { actionId, ownerId } = await linkedAction(first);
  const link = await issueLink(first, actionId, ownerId);
  await first.app.close();
  const second = await build(t, database, { clock: () => NOW });
  t.equal((await second.request({ method: 'GET', url: link.path, as: null })).statusCode, 200);
  const configured = await build(t, { ...database, linkSecret: 'another-secret-of-at-least-32-characters' }, { clock: () => NOW });
  t.equal((await configured.request({ method: 'GET', url: link.path, as: null })).statusCode, 404, 'LINK_SECRET set: links signed with another key do not work');
});

t.test('the pages are rate-limited as the API is, and say so as a page', async (t) => {
  const api = await build(t, { rateLimitPerMinute: 2 }, { clock: () => NOW });
  const statuses: number[] = [];
  let last = '';
  for (let i = 0; i < 3; i++) {
    const res = await api.request({ method: 'GET', url: '/respond/1.nothing', as: null, remoteAddress: '192.0.2.9' });
    statuses.push(res.statusCode);
    last = res.body;
  }
  t.same(statuses, [404, 404, 429]);
  t.match(last, '<h1>Too many requests</h1>');
});
