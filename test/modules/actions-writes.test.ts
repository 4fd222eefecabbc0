import t from 'tap';
import { nextMeetingAfter, type MeetingForDue } from '../../src/domain/due.js';
import { build, committee, meeting, type TestApp } from '../helper.js';

// The action write path reads only what it needs: the meetings from the raising one on (not the
// committee's whole history) and, after a PATCH that leaves the due and visibility alone, no
// second read of the action. These hold it to the answers the full reads give.

function post(api: TestApp, body: Record<string, unknown>) {
  return api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'Update on SEND transport', ...body } });
}

async function get(api: TestApp, id: number) {
  const res = await api.request({ method: 'GET', url: `/v1/actions/${id}` });
  t.equal(res.statusCode, 200);
  return res;
}

async function person(api: TestApp, name: string) {
  return (await api.request({ method: 'POST', url: '/v1/people', payload: { name, kind: 'officer' } })).json().id as number;
}

const statuses = ['scheduled', 'scheduled', 'held', 'cancelled', 'scheduled', 'postponed'] as const;

t.test('with no due given, the next meeting is the one the whole schedule gives', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  // Years of meetings at all times of day (some either side of midnight UTC and of the clock
  // change), every status, and two at the same instant.
  const schedule: (MeetingForDue & { startsAt: string })[] = [];
  const add = async (startsAt: string, status: MeetingForDue['status']) => {
    const id = await meeting(api, committeeId, { startsAt, status });
    schedule.push({ id, startsAt, status, localDate: startsAt.slice(0, 10) });
  };
  const times = ['09:30:00+00:00', '18:30:00+01:00', '23:30:00+01:00', '00:15:00+01:00', '00:45:00+00:00', '23:59:00+00:00'];
  for (let i = 0; i < 36; i++) {
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String(((i * 7) % 27) + 1).padStart(2, '0');
    await add(`${2022 + Math.floor(i / 12)}-${month}-${day}T${times[i % times.length]}`, statuses[i % statuses.length]!);
  }
  await add('2024-07-15T23:30:00+01:00', 'held'); // 22:30 UTC
  await add('2024-07-16T00:15:00+01:00', 'cancelled'); // 23:15 UTC, the same UTC day
  await add('2024-07-16T00:45:00+01:00', 'scheduled'); // 23:45 UTC, the same UTC day: next
  await add('2024-07-15T10:00:00+01:00', 'scheduled'); // earlier that day: not next
  await add('2025-02-03T18:30:00+00:00', 'scheduled');
  await add('2025-02-03T18:30:00+00:00', 'scheduled'); // the same instant: the lower id first

  for (const raisedAt of schedule) {
    const res = await post(api, { meetingId: raisedAt.id });
    t.equal(res.statusCode, 201);
    const expected = nextMeetingAfter(schedule, raisedAt);
    t.equal(res.json().dueMeetingId, expected?.id ?? null, `raised at ${raisedAt.startsAt}`);
    t.equal(res.json().dueRule, 'next_meeting');
  }
});

t.test('a named due meeting may be any meeting of the committee, earlier ones too', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const old = await meeting(api, committeeId, { startsAt: '2021-03-01T18:30:00+00:00', status: 'held' });
  const raised = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  const next = await meeting(api, committeeId, { startsAt: '2024-09-02T18:30:00+01:00' });
  const named = await post(api, { meetingId: raised, dueMeetingId: old });
  t.equal(named.statusCode, 201);
  t.match(named.json(), { dueRule: 'meeting', dueMeetingId: old, dueDate: '2021-02-19' });
  t.match((await post(api, { meetingId: raised, dueMeetingId: next })).json(), { dueRule: 'meeting', dueMeetingId: next });
  const other = await meeting(api, await committee(api, { name: 'Audit Committee' }), { startsAt: '2024-09-02T18:30:00+01:00' });
  t.equal((await post(api, { meetingId: raised, dueMeetingId: other })).statusCode, 400);
});

t.test('every kind of POST answers what a GET then reads (the answer is made from the row written, not read again)', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const lone = await committee(api, { name: 'Audit Committee', slug: 'audit' });
  const early = await meeting(api, committeeId, { startsAt: '2024-03-04T18:30:00+00:00', status: 'held' });
  const held = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  await meeting(api, committeeId, { startsAt: '2024-08-05T18:30:00+01:00', status: 'cancelled' });
  const next = await meeting(api, committeeId, { startsAt: '2024-09-02T18:30:00+01:00' });
  const loneMeeting = await meeting(api, lone, { startsAt: '2024-07-16T10:00:00+01:00', status: 'held' });
  const item = (await api.request({ method: 'POST', url: `/v1/meetings/${held}/items`, payload: { title: 'SEND transport' } })).json().id;
  const exemptItem = (await api.request({ method: 'POST', url: `/v1/meetings/${held}/items`, payload: { title: 'Contract', visibility: 'exempt', exemptParagraph: 3 } })).json().id;
  const resolution = (await api.request({ method: 'POST', url: `/v1/items/${item}/resolutions`, payload: { text: 'That the Cabinet be asked to review the policy.', kind: 'recommendation' } })).json().id;
  const owner = await person(api, 'Jo Officer');

  const bodies: Record<string, unknown>[] = [
    { meetingId: held },
    { meetingId: loneMeeting }, // no later meeting: no due meeting, no date
    { meetingId: held, dueMeetingId: next },
    { meetingId: held, dueMeetingId: early }, // before the raising meeting: outside the schedule read
    { meetingId: held, dueDate: '2024-10-31' },
    { meetingId: held, dueQuarter: '2024-25 Q3' },
    { meetingId: held, itemId: item, ownerId: owner, rag: 'amber' },
    { meetingId: held, itemId: exemptItem },
    { meetingId: held, itemId: exemptItem, visibility: 'confidential' },
    { meetingId: held, itemId: item, visibility: 'exempt' },
    { meetingId: held, resolutionId: resolution, kind: 'recommendation', directedTo: 'Cabinet', receivedOn: '2024-07-20', noticeOn: '2024-07-22' },
    { meetingId: held, reference: 'OSC 24/25 900' },
    { meetingId: held, detail: 'Figures by ward', ownerText: 'Head of Transport' },
  ];
  for (const body of bodies) {
    const res = await post(api, body);
    t.equal(res.statusCode, 201, JSON.stringify(body));
    const read = await get(api, res.json().id);
    t.same(res.json(), read.json(), `POST ${JSON.stringify(body)}`);
    t.same(Object.keys(res.json()), Object.keys(read.json()), 'the same fields in the same order');
    t.equal(res.headers.etag, read.headers.etag);
  }
});

t.test('what POST and PATCH answer is what a GET then reads', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const held = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  const next = await meeting(api, committeeId, { startsAt: '2024-09-02T18:30:00+01:00' });
  const later = await meeting(api, committeeId, { startsAt: '2024-10-07T18:30:00+01:00' });
  const item = (await api.request({ method: 'POST', url: `/v1/meetings/${held}/items`, payload: { title: 'SEND transport' } })).json().id;
  const exemptItem = (await api.request({ method: 'POST', url: `/v1/meetings/${held}/items`, payload: { title: 'Contract', visibility: 'exempt', exemptParagraph: 3 } })).json().id;
  const owner = await person(api, 'Jo Officer');
  const requester = await person(api, 'Cllr Dennett');

  const created = await post(api, { meetingId: held, itemId: item, detail: 'Figures by ward', ownerText: 'Head of Transport' });
  t.equal(created.statusCode, 201);
  const action = created.json();
  t.same(action, (await get(api, action.id)).json(), 'POST');

  const changes: Record<string, unknown>[] = [
    { title: 'Update on SEND transport costs' },
    { detail: 'Figures by ward and by school' },
    { detail: null },
    { rag: 'red' },
    { rag: null },
    { ownerId: owner, ownerText: null },
    { requestedById: requester },
    { directedTo: 'Cabinet Member for Children' },
    { kind: 'recommendation', executiveResponse: 'pending' },
    { receivedOn: '2024-07-20' },
    { noticeOn: '2024-07-22' },
    { executiveResponse: 'accepted', responseReason: 'Agreed in full' },
    { status: 'in_progress' },
    { dueDate: '2024-11-29' },
    { dueQuarter: '2024-25 Q4' },
    { dueMeetingId: later },
    { dueMeetingId: next, rag: 'amber' },
    { itemId: null },
    { itemId: exemptItem, visibility: 'exempt' },
    { visibility: 'confidential' },
    { status: 'responded', response: 'The figures are attached.', respondedMeetingId: next },
    { respondedOn: '2024-08-01' },
  ];
  let etag = created.headers.etag as string;
  for (const body of changes) {
    const res = await api.request({ method: 'PATCH', url: `/v1/actions/${action.id}`, payload: body, headers: { 'if-match': etag } });
    t.equal(res.statusCode, 200, JSON.stringify(body));
    const read = await get(api, action.id);
    t.same(res.json(), read.json(), `PATCH ${JSON.stringify(body)}`);
    t.equal(res.headers.etag, read.headers.etag);
    etag = res.headers.etag as string;
  }
});

t.test('the audit trail holds each row as stored, before and after', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const held = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  await meeting(api, committeeId, { startsAt: '2024-09-02T18:30:00+01:00' });
  const action = (await post(api, { meetingId: held, detail: null, rag: 'green' })).json();
  await api.request({ method: 'PATCH', url: `/v1/actions/${action.id}`, payload: { detail: 'Now with detail', rag: null } });
  const [update, create] = (await api.request({ method: 'GET', url: `/v1/actions/${action.id}/history` })).json().data;
  t.match(create, { operation: 'create', before: null, after: { id: action.id, detail: null, rag: 'green', version: 1, status: 'open' } });
  t.match(update, { operation: 'update', before: { detail: null, rag: 'green', version: 1 }, after: { detail: 'Now with detail', rag: null, version: 2 } });
  t.equal(update.after.createdAt, create.after.createdAt);
});

t.test('two PATCHes at once with the same If-Match: one is made, the other refused with 412', async (t) => {
  const api = await build(t);
  const m = await meeting(api, await committee(api), { startsAt: '2024-09-02T18:30:00+01:00' });
  const created = await post(api, { meetingId: m });
  const etag = created.headers.etag as string;
  // On PostgreSQL each is a transaction of its own, on its own connection, sent together: both
  // read the action before either has written unless the first's read locks it.
  for (let round = 0; round < 5; round++) {
    const current = (await get(api, created.json().id)).headers.etag as string;
    const answers = await Promise.all(['red', 'green'].map((rag) =>
      api.request({ method: 'PATCH', url: `/v1/actions/${created.json().id}`, payload: { rag }, headers: { 'if-match': round === 0 ? etag : current } })));
    t.same(answers.map((a) => a.statusCode).sort(), [200, 412], `round ${round}: ${answers.map((a) => a.statusCode).join(', ')}`);
  }
  const history = (await api.request({ method: 'GET', url: `/v1/actions/${created.json().id}/history` })).json();
  t.equal((history.data ?? history).filter((e: { operation: string }) => e.operation === 'update').length, 5, 'five changes, one a round');
});
