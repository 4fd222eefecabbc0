import t from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';

// GET /v1/stats: the numbers checked against actions created through the API with known dates.
// Every action below is raised at meeting A (15 July 2024) unless said otherwise:
//   1 Ada's, due 1 August, responded Friday 19 July: on time, 4 working days
//   2 Ada's, due by meeting B (despatch 22 August), responded 23 August: late, 29 working days
//   3 owner text only, due 1 August, still open: overdue, flagged at B and at C
//   4 owner text only, due by meeting C (despatch 27 September), open: not overdue on 10 September
//   5 Ada's, raised at B (2 September): outside July
//   6 Ada's, exempt, due 1 December, open

const A = '2024-07-15T18:30:00+01:00';
const B = '2024-09-02T18:30:00+01:00';
const C = '2024-10-07T18:30:00+01:00';
const OWNER_TEXT = '=HYPERLINK("http://evil.example","Head of Transport")';
const JULY = 'from=2024-07-01&to=2024-07-31&asOf=2024-09-10';

async function seed(api: TestApp) {
  const committeeId = await committee(api);
  const a = await meeting(api, committeeId, { startsAt: A, status: 'held' });
  const b = await meeting(api, committeeId, { startsAt: B });
  const c = await meeting(api, committeeId, { startsAt: C });
  const person = await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Ada Lovelace', kind: 'officer' } });
  const ada = person.json().id as number;
  const create = async (body: Record<string, unknown>) => {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'Update on SEND transport', meetingId: a, ...body } });
    if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
    return res.json().id as number;
  };
  const respond = async (id: number, respondedOn: string) => {
    const res = await api.request({ method: 'PATCH', url: `/v1/actions/${id}`, payload: { status: 'responded', response: 'Done.', respondedOn } });
    if (res.statusCode !== 200) throw new Error(`respond: ${res.statusCode} ${res.body}`);
  };
  await respond(await create({ ownerId: ada, dueDate: '2024-08-01' }), '2024-07-19');
  await respond(await create({ ownerId: ada, dueMeetingId: b }), '2024-08-23');
  const flaggedTwice = await create({ ownerText: OWNER_TEXT, dueDate: '2024-08-01' });
  await create({ ownerText: OWNER_TEXT, dueMeetingId: c });
  await create({ ownerId: ada, meetingId: b, dueDate: '2024-12-01' });
  await create({ ownerId: ada, dueDate: '2024-12-01', visibility: 'exempt' });
  // Flagged at B (the next meeting on 5 August) and at C (the next on 10 September).
  for (const asOf of ['2024-08-05', '2024-09-10']) {
    const scan = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf, committeeId } });
    if (scan.statusCode !== 200) throw new Error(`scan: ${scan.statusCode} ${scan.body}`);
  }
  const action = await api.request({ method: 'GET', url: `/v1/actions/${flaggedTwice}` });
  if (action.json().timesFlagged !== 2) throw new Error(`flagged ${action.json().timesFlagged} times`);
  return { committeeId, ada };
}

const flagged = (none: number, once: number, twice: number, threeOrMore: number) => ({ none, once, twice, threeOrMore });

t.test('per committee and per owner: raised, on time, late, open, overdue, median, flags', async (t) => {
  const api = await build(t);
  const { committeeId, ada } = await seed(api);
  const res = await api.request({ method: 'GET', url: `/v1/stats?committeeId=${committeeId}&${JULY}` });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.headers['content-type'], /^application\/json/);
  const body = res.json();
  t.same(body.from, '2024-07-01');
  t.same(body.to, '2024-07-31');
  t.equal(body.committees.length, 1);
  const [stats] = body.committees;
  t.match(stats, {
    committee: { id: committeeId }, asOf: '2024-09-10',
    raised: 5, respondedOnTime: 1, respondedLate: 1, open: 3, overdue: 1, medianWorkingDaysToRespond: 16.5,
    timesFlagged: flagged(4, 0, 1, 0),
  });
  // Owners in name order (the owner text starts with '=').
  t.same(stats.owners, [
    {
      owner: { personId: null, name: OWNER_TEXT },
      raised: 2, respondedOnTime: 0, respondedLate: 0, open: 2, overdue: 1, medianWorkingDaysToRespond: null, timesFlagged: flagged(1, 0, 1, 0),
    },
    {
      owner: { personId: ada, name: 'Ada Lovelace' },
      raised: 3, respondedOnTime: 1, respondedLate: 1, open: 1, overdue: 0, medianWorkingDaysToRespond: 16.5, timesFlagged: flagged(3, 0, 0, 0),
    },
  ]);

  // Without a period every action counts, the one raised at B too; before the first flag
  // nothing is overdue yet.
  const all = (await api.request({ method: 'GET', url: `/v1/stats?asOf=2024-08-01` })).json();
  t.match(all.committees[0], { raised: 6, open: 4, overdue: 0 });
  t.same([all.from, all.to], [null, null]);

  // A period with nothing raised in it.
  const empty = (await api.request({ method: 'GET', url: `/v1/stats?from=2025-01-01&to=2025-01-31&asOf=2025-02-01` })).json();
  t.match(empty.committees[0], { raised: 0, medianWorkingDaysToRespond: null, owners: [] });
});

t.test('working days skip weekends and bank holidays', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const a = await meeting(api, committeeId, { startsAt: '2024-08-22T18:30:00+01:00', status: 'held' });
  const action = await api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'x', meetingId: a, dueDate: '2024-09-30' } });
  // Thursday 22 → Tuesday 27 August: Friday 23 and Tuesday 27 (Monday 26 is the summer bank holiday).
  await api.request({ method: 'PATCH', url: `/v1/actions/${action.json().id}`, payload: { status: 'responded', response: 'Done.', respondedOn: '2024-08-27' } });
  const stats = (await api.request({ method: 'GET', url: `/v1/stats?committeeId=${committeeId}&asOf=2024-09-01` })).json();
  t.equal(stats.committees[0].medianWorkingDaysToRespond, 2);
  t.equal(stats.committees[0].respondedOnTime, 1);
});

t.test('CSV by ?format= or Accept, with formula-like cells made inert', async (t) => {
  const api = await build(t);
  const { committeeId } = await seed(api);
  const byFormat = await api.request({ method: 'GET', url: `/v1/stats?committeeId=${committeeId}&${JULY}&format=csv` });
  const byAccept = await api.request({ method: 'GET', url: `/v1/stats?committeeId=${committeeId}&${JULY}`, headers: { accept: 'text/csv' } });
  t.equal(byFormat.statusCode, 200);
  t.match(byFormat.headers['content-type'], /^text\/csv/);
  t.equal(byAccept.body, byFormat.body);
  t.match(byAccept.headers.vary, /accept/);
  const lines = byFormat.body.trim().split('\n');
  t.equal(lines[0], 'committee_id,committee,row,owner_person_id,owner,from,to,as_of,raised,responded_on_time,responded_late,open,overdue,median_working_days_to_respond,flagged_0,flagged_1,flagged_2,flagged_3_or_more');
  t.equal(lines.length, 4, 'the committee and its two owners');
  t.match(lines[1], /,committee,,,2024-07-01,2024-07-31,2024-09-10,5,1,1,3,1,16.5,4,0,1,0$/);
  t.match(lines[3], /,owner,\d+,Ada Lovelace,2024-07-01,2024-07-31,2024-09-10,3,1,1,1,0,16.5,3,0,0,0$/);
  t.ok(lines[2]!.includes(`,owner,,"'=HYPERLINK(""http://evil.example"",""Head of Transport"")",`), lines[2]!);
  t.notOk(byFormat.body.includes(',=HYPERLINK') || byFormat.body.includes(',"=HYPERLINK'), 'no cell starts with =');

  const html = await api.request({ method: 'GET', url: '/v1/stats', headers: { accept: 'text/html' } });
  t.equal(html.statusCode, 406);
  t.equal((await api.request({ method: 'GET', url: '/v1/stats?format=html' })).statusCode, 400);
});

t.test('bad input is a 400 naming the field; an unknown committee a 404', async (t) => {
  const api = await build(t);
  await committee(api);
  const pointers = async (query: string) => {
    const res = await api.request({ method: 'GET', url: `/v1/stats?${query}` });
    t.equal(res.statusCode, 400, `${query}: 400`);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    return (res.json().errors as { pointer: string }[]).map((e) => e.pointer);
  };
  t.same(await pointers('from=2024-08-01&to=2024-07-31'), ['/querystring/from']);
  t.ok((await pointers('from=2024-13-01')).includes('/querystring/from'));
  t.ok((await pointers('to=yesterday')).includes('/querystring/to'));
  t.ok((await pointers('committeeId=x')).includes('/querystring/committeeId'));
  t.ok((await pointers('colour=red')).length > 0, 'unknown parameters are refused');
  t.equal((await api.request({ method: 'GET', url: '/v1/stats?committeeId=999999' })).statusCode, 404);
  // from = to is a one-day period.
  t.equal((await api.request({ method: 'GET', url: '/v1/stats?from=2024-07-15&to=2024-07-15' })).statusCode, 200);
});
