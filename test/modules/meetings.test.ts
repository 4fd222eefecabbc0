import t from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';

// Meetings: the agenda despatch date (DESIGN.md "Calendar rules") and how changing a meeting
// moves the unanswered `next_meeting` actions due at it (DESIGN.md "Due rules").

const A = '2024-07-15T18:30:00+01:00'; // Mon 15 Jul 2024, BST
const B = '2024-09-02T18:30:00+01:00'; // Mon 2 Sep 2024 → despatch Thu 22 Aug (26 Aug is a bank holiday)
const C = '2024-10-07T18:30:00+01:00'; // Mon 7 Oct 2024 → despatch Fri 27 Sep

async function getMeeting(api: TestApp, id: number) {
  const res = await api.request({ method: 'GET', url: `/v1/meetings/${id}` });
  if (res.statusCode !== 200) throw new Error(`meeting ${id}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function createAction(api: TestApp, body: Record<string, unknown>) {
  const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'Update on school place planning', ...body } });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function getAction(api: TestApp, id: number) {
  return (await api.request({ method: 'GET', url: `/v1/actions/${id}?asOf=2024-08-01` })).json();
}

/** A committee with meeting A held and B, C scheduled. */
async function threeMeetings(api: TestApp) {
  const c = await committee(api);
  const a = await meeting(api, c, { startsAt: A, status: 'held' });
  const b = await meeting(api, c, { startsAt: B });
  const cc = await meeting(api, c, { startsAt: C });
  return { committeeId: c, a, b, c: cc };
}

t.test('agendaDespatchBy is computed on create: five clear working days before the local date', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const cases: [string, string, string][] = [
    [A, '2024-07-15', '2024-07-05'],
    ['2025-01-06T18:30:00Z', '2025-01-06', '2024-12-24'], // 25, 26 Dec and 1 Jan are bank holidays
    [B, '2024-09-02', '2024-08-22'],
    [C, '2024-10-07', '2024-09-27'],
  ];
  for (const [startsAt, localDate, despatch] of cases) {
    const res = await api.request({ method: 'POST', url: `/v1/committees/${c}/meetings`, payload: { startsAt } });
    t.equal(res.statusCode, 201, startsAt);
    t.match(res.json(), { startsAt, localDate, agendaDespatchBy: despatch, status: 'scheduled' }, startsAt);
    t.equal(res.headers.location, `/v1/meetings/${res.json().id}`);
    t.equal((await getMeeting(api, res.json().id)).agendaDespatchBy, despatch, `${startsAt} read back`);
  }
});

t.test('the local date is taken in the committee time zone, not from the UTC instant', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  // 23:30 UTC on Sunday 14 July is 00:30 BST on Monday 15 July.
  const res = await api.request({ method: 'POST', url: `/v1/committees/${c}/meetings`, payload: { startsAt: '2024-07-14T23:30:00Z' } });
  t.equal(res.statusCode, 201);
  t.equal(res.json().localDate, '2024-07-15');
  t.equal(res.json().agendaDespatchBy, '2024-07-05', 'the same as a Monday 15 July meeting');
  // The other way round in winter (GMT): 00:30Z is 00:30 locally, the same day.
  const winter = await api.request({ method: 'POST', url: `/v1/committees/${c}/meetings`, payload: { startsAt: '2025-01-06T00:30:00Z' } });
  t.equal(winter.json().localDate, '2025-01-06');
  t.equal(winter.json().agendaDespatchBy, '2024-12-24');
});

t.test('a bad startsAt or status is a 400 naming the field', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const res = await api.request({ method: 'POST', url: `/v1/committees/${c}/meetings`, payload: { startsAt: '2024-13-45T18:30:00+01:00', status: 'adjourned' } });
  t.equal(res.statusCode, 400);
  const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
  t.ok(pointers.includes('/body/startsAt'));
  t.ok(pointers.includes('/body/status'));
  t.equal((await api.request({ method: 'POST', url: '/v1/committees/999/meetings', payload: { startsAt: A } })).statusCode, 404);
});

t.test('a council closure day moves the despatch date of existing meetings, and removing it moves it back', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: A });
  const before = await api.request({ method: 'GET', url: `/v1/meetings/${m}` });
  t.equal(before.json().agendaDespatchBy, '2024-07-05');

  const put = await api.request({ method: 'PUT', url: '/v1/holidays/2024-07-10', payload: { name: 'Council closure (election count)' } });
  t.equal(put.statusCode, 201);
  const after = await api.request({ method: 'GET', url: `/v1/meetings/${m}` });
  t.equal(after.json().agendaDespatchBy, '2024-07-04', 'one working day fewer between → a day earlier');
  t.not(after.headers.etag, before.headers.etag, 'the meeting changed, so its ETag did');

  // A meeting created after the closure day uses it too.
  const later = await api.request({ method: 'POST', url: `/v1/committees/${c}/meetings`, payload: { startsAt: '2024-07-16T10:00:00+01:00' } });
  t.equal(later.json().agendaDespatchBy, '2024-07-05', 'Tue 16 Jul: 8, 9, 11, 12, 15 lie between');

  t.equal((await api.request({ method: 'DELETE', url: '/v1/holidays/2024-07-10' })).statusCode, 204);
  t.equal((await getMeeting(api, m)).agendaDespatchBy, '2024-07-05');
});

t.test('changing startsAt recomputes the local date and despatch date', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: A });
  const res = await api.request({ method: 'PATCH', url: `/v1/meetings/${m}`, payload: { startsAt: '2025-01-06T18:30:00Z' } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { localDate: '2025-01-06', agendaDespatchBy: '2024-12-24' });
});

t.test('cancelling a meeting moves its next_meeting actions to the following scheduled meeting in the same request', async (t) => {
  const api = await build(t);
  const m = await threeMeetings(api);
  const nextMeeting = await createAction(api, { meetingId: m.a });
  const named = await createAction(api, { meetingId: m.a, dueMeetingId: m.b, title: 'Named meeting' });
  t.match(nextMeeting, { dueRule: 'next_meeting', dueMeetingId: m.b, dueDate: '2024-08-22' });
  t.match(named, { dueRule: 'meeting', dueMeetingId: m.b });

  const res = await api.request({ method: 'PATCH', url: `/v1/meetings/${m.b}`, payload: { status: 'cancelled' } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().status, 'cancelled');
  const moved = await getAction(api, nextMeeting.id);
  t.equal(moved.dueMeetingId, m.c, 'moved to the following scheduled meeting');
  t.equal(moved.dueRule, 'next_meeting');
  t.equal(moved.dueDate, '2024-09-27', "the new meeting's despatch date");
  t.equal((await getAction(api, named.id)).dueMeetingId, m.b, 'an explicitly named meeting is not moved');

  const history = (await api.request({ method: 'GET', url: `/v1/actions/${nextMeeting.id}/history` })).json().data;
  t.equal(history[0].operation, 'update', 'the move is audited');
  t.equal(history[0].after.dueMeetingId, m.c);
});

t.test('postponing a meeting moves the actions on too', async (t) => {
  const api = await build(t);
  const m = await threeMeetings(api);
  const action = await createAction(api, { meetingId: m.a });
  t.equal((await api.request({ method: 'PATCH', url: `/v1/meetings/${m.b}`, payload: { status: 'postponed' } })).statusCode, 200);
  t.equal((await getAction(api, action.id)).dueMeetingId, m.c);
});

t.test('holding a meeting with the action still open moves it on; an answered one stays', async (t) => {
  const api = await build(t);
  const m = await threeMeetings(api);
  const open = await createAction(api, { meetingId: m.a, title: 'Still open' });
  const inProgress = await createAction(api, { meetingId: m.a, title: 'In progress' });
  const responded = await createAction(api, { meetingId: m.a, title: 'Answered' });
  t.equal((await api.request({ method: 'PATCH', url: `/v1/actions/${inProgress.id}`, payload: { status: 'in_progress' } })).statusCode, 200);
  const answer = await api.request({
    method: 'PATCH', url: `/v1/actions/${responded.id}`,
    payload: { status: 'responded', response: 'Report circulated to members on 20 August.', respondedOn: '2024-08-20' },
  });
  t.equal(answer.statusCode, 200);

  t.equal((await api.request({ method: 'PATCH', url: `/v1/meetings/${m.b}`, payload: { status: 'held' } })).statusCode, 200);
  t.equal((await getAction(api, open.id)).dueMeetingId, m.c, 'open → next meeting');
  t.equal((await getAction(api, inProgress.id)).dueMeetingId, m.c, 'in progress → next meeting');
  t.equal((await getAction(api, responded.id)).dueMeetingId, m.b, 'responded stays at the meeting it was answered for');
});

t.test('with no later meeting the action has no due meeting until one is scheduled', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const a = await meeting(api, c, { startsAt: A, status: 'held' });
  const b = await meeting(api, c, { startsAt: B });
  const action = await createAction(api, { meetingId: a });
  await api.request({ method: 'PATCH', url: `/v1/meetings/${b}`, payload: { status: 'cancelled' } });
  const orphan = await getAction(api, action.id);
  t.equal(orphan.dueMeetingId, null);
  t.equal(orphan.dueDate, null);
  const later = await meeting(api, c, { startsAt: C });
  t.equal((await getAction(api, action.id)).dueMeetingId, later, 'scheduling a meeting picks it up');
});

t.test('a meeting that others reference cannot be deleted; an unreferenced one can', async (t) => {
  const api = await build(t);
  const m = await threeMeetings(api);
  await createAction(api, { meetingId: m.a });
  const raisedAt = await api.request({ method: 'DELETE', url: `/v1/meetings/${m.a}` });
  t.equal(raisedAt.statusCode, 409);
  t.match(raisedAt.headers['content-type'], /application\/problem\+json/);
  t.match(raisedAt.json().detail, /actions raised at it/);

  await createAction(api, { meetingId: m.a, dueMeetingId: m.c, title: 'Due at C by name' });
  const dueAt = await api.request({ method: 'DELETE', url: `/v1/meetings/${m.c}` });
  t.equal(dueAt.statusCode, 409);
  t.match(dueAt.json().detail, /actions due at it/);
  t.equal((await api.request({ method: 'GET', url: `/v1/meetings/${m.c}` })).statusCode, 200, 'still there');

  const spare = await meeting(api, m.committeeId, { startsAt: '2024-11-11T18:30:00Z' });
  t.equal((await api.request({ method: 'DELETE', url: `/v1/meetings/${spare}` })).statusCode, 204);
  t.equal((await api.request({ method: 'GET', url: `/v1/meetings/${spare}` })).statusCode, 404);
});

t.test('PATCH honours If-Match', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: A });
  const read = await api.request({ method: 'GET', url: `/v1/meetings/${m}` });
  const ok = await api.request({ method: 'PATCH', url: `/v1/meetings/${m}`, payload: { venue: 'Council Chamber' }, headers: { 'if-match': String(read.headers.etag) } });
  t.equal(ok.statusCode, 200);
  const stale = await api.request({ method: 'PATCH', url: `/v1/meetings/${m}`, payload: { venue: 'Room 2' }, headers: { 'if-match': String(read.headers.etag) } });
  t.equal(stale.statusCode, 412);
  t.equal((await getMeeting(api, m)).venue, 'Council Chamber');
});

t.test('attendance is replaced as a whole list', async (t) => {
  const api = await build(t);
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: A, status: 'held' });
  const person = async (name: string) =>
    (await api.request({ method: 'POST', url: '/v1/people', payload: { name, kind: 'councillor' } })).json().id as number;
  const ann = await person('Ann Jones');
  const bob = await person('Bob Smith');
  const put = await api.request({
    method: 'PUT', url: `/v1/meetings/${m}/attendance`,
    payload: [{ personId: ann, status: 'present' }, { personId: bob, status: 'apologies' }],
  });
  t.equal(put.statusCode, 200);
  t.same(put.json().data.map((a: { personId: number; status: string }) => [a.personId, a.status]), [[ann, 'present'], [bob, 'apologies']]);

  const replace = await api.request({ method: 'PUT', url: `/v1/meetings/${m}/attendance`, payload: [{ personId: bob, status: 'present' }] });
  t.equal(replace.statusCode, 200);
  const read = await api.request({ method: 'GET', url: `/v1/meetings/${m}/attendance`, as: null });
  t.same(read.json().data.map((a: { personId: number; status: string }) => [a.personId, a.status]), [[bob, 'present']]);

  const unknown = await api.request({ method: 'PUT', url: `/v1/meetings/${m}/attendance`, payload: [{ personId: 9999, status: 'present' }] });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().errors[0].pointer, '/body/0/personId');
  t.equal((await api.request({ method: 'GET', url: `/v1/meetings/${m}/attendance` })).json().data.length, 1, 'nothing half-written');
});
