import t from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';
import { formatReference } from '../../src/domain/reference.js';

// Every action has a reference, unique within its committee (DESIGN.md "References"): given, or
// generated as "{referencePrefix} ({yy/yy}) {nn}" from the municipal year of the meeting it was
// raised at, numbered from 01 per committee and year.

const post = async (api: TestApp, body: Record<string, unknown>) =>
  api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'Update on the action plan', ...body } });
const create = async (api: TestApp, body: Record<string, unknown>) => {
  const res = await post(api, body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json() as { id: number; reference: string; committeeId: number };
};
const list = async (api: TestApp, query: string, as?: string) =>
  (await api.request({ method: 'GET', url: `/v1/actions?${query}`, as })).json().data as { id: number; reference: string }[];

t.test('generated references: per committee, per municipal year, numbered from 01', async (t) => {
  const api = await build(t);
  const cypf = await committee(api, { name: 'Children, Young People and Families Scrutiny Committee' });
  const economy = await committee(api, { name: 'Economy Scrutiny Committee' });
  const july = await meeting(api, cypf, { startsAt: '2024-07-15T18:30:00+01:00' });
  const lastDay = await meeting(api, cypf, { startsAt: '2025-04-30T18:30:00+01:00' });
  // 23:30Z on 30 April is 00:30 on 1 May in London: the committee's new year.
  const firstDay = await meeting(api, cypf, { startsAt: '2025-04-30T23:30:00Z' });
  const economyMeeting = await meeting(api, economy, { startsAt: '2024-07-16T18:30:00+01:00' });

  const committees = (await api.request({ method: 'GET', url: '/v1/committees' })).json().data as { id: number; referencePrefix: string }[];
  t.same(committees.map((c) => c.referencePrefix), ['CYPF', 'ESC'], 'default prefixes from the names');

  t.equal((await create(api, { meetingId: july })).reference, 'CYPF (24/25) 01');
  t.equal((await create(api, { meetingId: july })).reference, 'CYPF (24/25) 02');
  t.equal((await create(api, { meetingId: economyMeeting })).reference, 'ESC (24/25) 01', 'another committee counts from 01');
  t.equal((await create(api, { meetingId: firstDay })).reference, 'CYPF (25/26) 01', 'a new municipal year counts from 01');
  t.equal((await create(api, { meetingId: lastDay })).reference, 'CYPF (24/25) 03', '30 April is still in 24/25');
  const read = await api.request({ method: 'GET', url: '/v1/actions?committeeId=' + cypf });
  t.same(read.json().data.map((a: { reference: string }) => a.reference), ['CYPF (24/25) 01', 'CYPF (24/25) 02', 'CYPF (25/26) 01', 'CYPF (24/25) 03']);
});

t.test('a prefix given or changed applies to the references generated afterwards', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Scrutiny Review Panel', kind: 'scrutiny', referencePrefix: 'SR' } });
  t.equal(res.statusCode, 201);
  t.equal(res.json().referencePrefix, 'SR');
  const id = res.json().id as number;
  const m = await meeting(api, id, { startsAt: '2025-06-02T18:30:00+01:00' });
  t.equal((await create(api, { meetingId: m })).reference, 'SR (25/26) 01');
  const patched = await api.request({ method: 'PATCH', url: `/v1/committees/${id}`, payload: { referencePrefix: 'SRP' } });
  t.equal(patched.statusCode, 200);
  t.equal(patched.json().referencePrefix, 'SRP');
  t.equal((await create(api, { meetingId: m })).reference, 'SRP (25/26) 02', 'the year keeps counting');
  for (const referencePrefix of ['', ' SR', 'SR ', 'X'.repeat(21), 7]) {
    const bad = await api.request({ method: 'PATCH', url: `/v1/committees/${id}`, payload: { referencePrefix } });
    t.equal(bad.statusCode, 400, JSON.stringify(referencePrefix));
    t.match(bad.json().errors, [{ pointer: '/body/referencePrefix' }]);
  }
});

t.test('a given reference is kept, refused when the committee already uses it, and never generated again', async (t) => {
  const api = await build(t);
  const cypf = await committee(api, { name: 'Children, Young People and Families Scrutiny Committee' });
  const other = await committee(api, { name: 'Health Scrutiny Committee' });
  const m = await meeting(api, cypf, { startsAt: '2024-07-15T18:30:00+01:00' });
  const otherMeeting = await meeting(api, other, { startsAt: '2024-07-15T18:30:00+01:00' });

  const given = await create(api, { meetingId: m, reference: 'CYPF 24/07' });
  t.equal(given.reference, 'CYPF 24/07');
  const taken = await post(api, { meetingId: m, reference: 'CYPF 24/07' });
  t.equal(taken.statusCode, 409, 'as a slug already used');
  t.match(taken.json(), { code: 'SCRUTINY_CONFLICT', detail: /CYPF 24\/07/ });
  t.notMatch(taken.json().detail, /action \d/, 'not which action holds it');
  t.equal((await post(api, { meetingId: otherMeeting, reference: 'CYPF 24/07' })).statusCode, 201, 'unique within a committee only');

  // A given reference written as a generated one holds its number back.
  t.equal((await create(api, { meetingId: m })).reference, 'CYPF (24/25) 01');
  t.equal((await create(api, { meetingId: m, reference: 'CYPF (24/25) 05' })).reference, 'CYPF (24/25) 05');
  t.equal((await create(api, { meetingId: m })).reference, 'CYPF (24/25) 06');
  t.equal((await post(api, { meetingId: m, reference: 'CYPF (24/25) 06' })).statusCode, 409);

  for (const reference of ['', ' CYPF 1', 'CYPF 1 ', 'CYPF\n1', 'R'.repeat(101), null, 12]) {
    const bad = await post(api, { meetingId: m, reference });
    t.equal(bad.statusCode, 400, JSON.stringify(reference));
    t.match(bad.json().errors, [{ pointer: '/body/reference' }]);
  }
});

t.test('generated numbers are written as formatReference writes them, past 9 and past 99', async (t) => {
  const api = await build(t);
  const id = await committee(api, { name: 'Housing Scrutiny Committee', referencePrefix: 'H' });
  const m = await meeting(api, id, { startsAt: '2024-07-15T18:30:00+01:00' });
  for (const [given, next] of [['H (24/25) 08', 'H (24/25) 09'], ['H (24/25) 98', 'H (24/25) 99'], ['H (24/25) 100', 'H (24/25) 101']]) {
    await create(api, { meetingId: m, reference: given });
    t.equal((await create(api, { meetingId: m })).reference, next, `after ${given}`);
  }
  t.equal((await create(api, { meetingId: m })).reference, formatReference('H', '24/25', 102));
});

t.test('a number whose reference another action holds already is passed over', async (t) => {
  const api = await build(t);
  const id = await committee(api, { name: 'Housing Scrutiny Committee', referencePrefix: 'H' });
  const m = await meeting(api, id, { startsAt: '2024-07-15T18:30:00+01:00' });
  t.equal((await create(api, { meetingId: m })).reference, 'H (24/25) 01');
  // Given while the prefix was H: not one of H's numbers, so the counter does not know it.
  await create(api, { meetingId: m, reference: 'HSC (24/25) 02' });
  await api.request({ method: 'PATCH', url: `/v1/committees/${id}`, payload: { referencePrefix: 'HSC' } });
  t.equal((await create(api, { meetingId: m })).reference, 'HSC (24/25) 03');
});

t.test('PATCH changes a reference, under the same rule', async (t) => {
  const api = await build(t);
  const id = await committee(api, { name: 'Children, Young People and Families Scrutiny Committee' });
  const m = await meeting(api, id, { startsAt: '2024-07-15T18:30:00+01:00' });
  const a = await create(api, { meetingId: m });
  const b = await create(api, { meetingId: m });
  const patch = (actionId: number, payload: Record<string, unknown>) => api.request({ method: 'PATCH', url: `/v1/actions/${actionId}`, payload });

  const changed = await patch(a.id, { reference: 'CYPF 24/01' });
  t.equal(changed.statusCode, 200);
  t.equal(changed.json().reference, 'CYPF 24/01', 'the answer shows the new reference');
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${a.id}` })).json().reference, 'CYPF 24/01');
  t.equal((await patch(a.id, { reference: 'CYPF 24/01', title: 'Renamed' })).statusCode, 200, 'its own reference again');
  const taken = await patch(b.id, { reference: 'CYPF 24/01' });
  t.equal(taken.statusCode, 409);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${b.id}` })).json().reference, 'CYPF (24/25) 02', 'unchanged');
  t.equal((await patch(b.id, { reference: '' })).statusCode, 400);
  t.equal((await patch(b.id, { reference: null })).statusCode, 400);

  // Moving to a generated-looking number holds it back too.
  t.equal((await patch(b.id, { reference: 'CYPF (24/25) 09' })).statusCode, 200);
  t.equal((await create(api, { meetingId: m })).reference, 'CYPF (24/25) 10');
  const history = (await api.request({ method: 'GET', url: `/v1/actions/${a.id}/history` })).json().data;
  t.ok(history.some((e: { before?: { reference?: string }; after?: { reference?: string } }) => e.before?.reference === 'CYPF (24/25) 01' && e.after?.reference === 'CYPF 24/01'), 'audited');
});

t.test('?reference= finds the one action, within what the caller may read', async (t) => {
  const api = await build(t);
  const cypf = await committee(api, { name: 'Children, Young People and Families Scrutiny Committee' });
  const other = await committee(api, { name: 'Health Scrutiny Committee' });
  const m = await meeting(api, cypf, { startsAt: '2024-07-15T18:30:00+01:00' });
  const otherMeeting = await meeting(api, other, { startsAt: '2024-07-15T18:30:00+01:00' });
  const first = await create(api, { meetingId: m });
  const second = await create(api, { meetingId: m });
  const shared = await create(api, { meetingId: otherMeeting, reference: 'CYPF (24/25) 02' });
  const exempt = await create(api, { meetingId: m, visibility: 'exempt' });

  const q = (reference: string) => `reference=${encodeURIComponent(reference)}`;
  t.same((await list(api, q('CYPF (24/25) 01'))).map((a) => a.id), [first.id]);
  t.same((await list(api, q('CYPF (24/25) 02'))).map((a) => a.id), [second.id, shared.id], 'the same reference in two committees');
  t.same((await list(api, `${q('CYPF (24/25) 02')}&committeeId=${cypf}`)).map((a) => a.id), [second.id]);
  t.same(await list(api, q('cypf (24/25) 01')), [], 'exact match');
  t.same(await list(api, q('CYPF (24/25)')), [], 'not a prefix search');
  t.same((await list(api, q(exempt.reference), api.keys.exempt)).map((a) => a.id), [exempt.id]);
  t.same(await list(api, q(exempt.reference), api.keys.reader), [], 'an exempt action is not found by a public reader');
  const bad = await api.request({ method: 'GET', url: `/v1/actions?reference=` });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors, [{ pointer: '/querystring/reference' }]);
});

t.test('the overdue report cites each action by reference first, escaped as every other cell', async (t) => {
  const api = await build(t);
  const id = await committee(api, { name: 'Children, Young People and Families Scrutiny Committee' });
  const held = await meeting(api, id, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  await meeting(api, id, { startsAt: '2024-09-02T18:30:00+01:00' });
  const plain = await create(api, { meetingId: held, dueDate: '2024-08-01', title: 'Plain' });
  const hostile = await create(api, { meetingId: held, dueDate: '2024-08-02', title: 'Hostile', reference: '=HYPERLINK("x")|*a* <b>' });
  const get = (format: string) => api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=2024-08-23&format=${format}` });

  const json = (await get('json')).json();
  t.same(json.meetings[0].overdue.map((a: { id: number; reference: string }) => [a.id, a.reference]), [[plain.id, 'CYPF (24/25) 01'], [hostile.id, hostile.reference]]);
  t.same(Object.keys(json.meetings[0].overdue[0]).slice(0, 2), ['id', 'reference']);

  const csv = (await get('csv')).body.split('\n');
  // The document model's columns (documents/csv.ts), the reference first; section and as_of after.
  t.match(csv[0], /^reference,table,action_id,.*,section,.*,as_of$/);
  t.match(csv[1], /^CYPF \(24\/25\) 01,Overdue \(2\),.*,overdue,.*,2024-08-23$/);
  t.match(csv[2], /^"'=HYPERLINK\(""x""\)\|\*a\* <b>",Overdue \(2\),.*,2024-08-23$/, 'a formula is made inert');

  // Markdown and HTML are the agenda-pack document (documents/): the reference heads each row.
  const md = (await get('md')).body;
  t.match(md, /^\| Ref\. \| Raised at \| Action \|/m);
  t.match(md, /^\| CYPF \(24\/25\) 01 \| Monday 15 July 2024 \| Plain \|/m);
  t.match(md, /^\| =HYPERLINK\("x"\)\\\|\\\*a\\\* \\<b\\> \| /m, 'Markdown characters escaped');

  const html = (await get('html')).body;
  t.match(html, /<tr><th scope="col">Ref\.<\/th><th scope="col">Raised at<\/th><th scope="col">Action<\/th>/);
  t.match(html, '<tr><th scope="row">CYPF (24/25) 01</th><td>Monday 15 July 2024</td><td>Plain</td>');
  t.match(html, '<th scope="row">=HYPERLINK(&quot;x&quot;)|*a* &lt;b&gt;</th>');
  t.notMatch(html, '<b>');
});
