import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build, committee, meeting, type TestApp } from '../helper.js';

// Actions: due rules, recommendation deadlines, the lifecycle, filters and search, paging,
// concurrency control, progress updates and history. Every date is fixed (asOf), never today.

const A = '2024-07-15T18:30:00+01:00'; // held
const B = '2024-09-02T18:30:00+01:00'; // despatch 2024-08-22
const C = '2024-10-07T18:30:00+01:00'; // despatch 2024-09-27

async function setup(api: TestApp) {
  const committeeId = await committee(api);
  const a = await meeting(api, committeeId, { startsAt: A, status: 'held' });
  const b = await meeting(api, committeeId, { startsAt: B });
  const c = await meeting(api, committeeId, { startsAt: C });
  return { committeeId, a, b, c };
}

function post(api: TestApp, body: Record<string, unknown>) {
  return api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'Update on SEND transport', ...body } });
}

async function create(api: TestApp, body: Record<string, unknown>) {
  const res = await post(api, body);
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return res.json();
}

function patch(api: TestApp, id: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return api.request({ method: 'PATCH', url: `/v1/actions/${id}`, payload, headers });
}

const pointers = (body: { errors?: { pointer: string }[] }) => (body.errors ?? []).map((e) => e.pointer);
const ids = (body: { data: { id: number }[] }) => body.data.map((a) => a.id).sort((x, y) => x - y);

t.test('with no due given an action is due at the next meeting after the one it was raised at', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const res = await post(api, { meetingId: m.a });
  t.equal(res.statusCode, 201);
  t.equal(res.headers.location, `/v1/actions/${res.json().id}`);
  t.ok(res.headers.etag);
  t.match(res.json(), {
    committeeId: m.committeeId, meetingId: m.a, status: 'open', dueRule: 'next_meeting',
    dueMeetingId: m.b, dueDate: '2024-08-22', dueQuarter: null, timesFlagged: 0, visibility: 'public',
  });
  // Raised at B, the next meeting is C.
  t.match(await create(api, { meetingId: m.b }), { dueRule: 'next_meeting', dueMeetingId: m.c, dueDate: '2024-09-27' });
});

t.test('due by a named meeting, a date or a financial quarter', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  t.match(await create(api, { meetingId: m.a, dueMeetingId: m.c }), { dueRule: 'meeting', dueMeetingId: m.c, dueDate: '2024-09-27', dueQuarter: null });
  t.match(await create(api, { meetingId: m.a, dueDate: '2024-11-01' }), { dueRule: 'date', dueMeetingId: null, dueDate: '2024-11-01' });
  t.match(await create(api, { meetingId: m.a, dueQuarter: '2024-25 Q3' }), { dueRule: 'quarter', dueQuarter: '2024-25 Q3', dueDate: '2024-12-31' });
  t.match(await create(api, { meetingId: m.a, dueQuarter: '2023-24 Q4' }), { dueRule: 'quarter', dueDate: '2024-03-31' });
});

t.test('bad due fields are a 400 naming the field, and nothing is stored', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  for (const dueQuarter of ['2024-26 Q3', '2024-25 Q5', 'Q3 2024', '2024/25 Q3']) {
    const res = await post(api, { meetingId: m.a, dueQuarter });
    t.equal(res.statusCode, 400, dueQuarter);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    t.ok(pointers(res.json()).includes('/body/dueQuarter'), `${dueQuarter} names /body/dueQuarter`);
  }
  const two = await post(api, { meetingId: m.a, dueDate: '2024-11-01', dueQuarter: '2024-25 Q3' });
  t.equal(two.statusCode, 400);
  t.ok(pointers(two.json()).includes('/body/dueDate') && pointers(two.json()).includes('/body/dueQuarter'), 'names both');
  const badDate = await post(api, { meetingId: m.a, dueDate: '2024-02-30' });
  t.equal(badDate.statusCode, 400);
  t.ok(pointers(badDate.json()).includes('/body/dueDate'));
  const other = await committee(api, { name: 'Audit Committee' });
  const otherMeeting = await meeting(api, other, { startsAt: B });
  const foreign = await post(api, { meetingId: m.a, dueMeetingId: otherMeeting });
  t.equal(foreign.statusCode, 400);
  t.ok(pointers(foreign.json()).includes('/body/dueMeetingId'));
  const unknown = await post(api, { meetingId: m.a, colour: 'red' });
  t.equal(unknown.statusCode, 400);
  t.ok(pointers(unknown.json()).includes('/body/colour'));
  t.same((await api.request({ method: 'GET', url: '/v1/actions' })).json().data, [], 'nothing half-written');
});

t.test('a recommendation gets its s9FE response date and a pending executive response', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const rec = await create(api, { meetingId: m.a, kind: 'recommendation', directedTo: 'Executive Board', receivedOn: '2024-03-10', dueDate: '2024-06-30' });
  t.match(rec, { responseDueOn: '2024-05-09', executiveResponse: 'pending', directedTo: 'Executive Board' });
  // The later of receivedOn and noticeOn; clamped to the month's end.
  const later = await patch(api, rec.id, { noticeOn: '2023-12-31', receivedOn: '2023-12-20' });
  t.equal(later.statusCode, 200);
  t.equal(later.json().responseDueOn, '2024-02-29');
  // An update-kind action has no executive response.
  t.equal((await create(api, { meetingId: m.a })).executiveResponse, null);
  // Overdue when the executive has not responded by the due day, whatever its own due date.
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${rec.id}?asOf=2024-02-29` })).json().overdue, false);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${rec.id}?asOf=2024-03-01` })).json().overdue, true);
  t.equal((await patch(api, rec.id, { executiveResponse: 'accepted' })).statusCode, 200);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${rec.id}?asOf=2024-03-01` })).json().overdue, false, 'responded to → no longer late');
});

t.test('lifecycle: legal transitions, illegal ones a 409 naming both states', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const action = await create(api, { meetingId: m.a });

  const noResponse = await patch(api, action.id, { status: 'responded' });
  t.equal(noResponse.statusCode, 400);
  t.ok(pointers(noResponse.json()).includes('/body/response'));

  const closedEarly = await patch(api, action.id, { status: 'closed' });
  t.equal(closedEarly.statusCode, 409);
  t.match(closedEarly.headers['content-type'], /application\/problem\+json/);
  t.match(closedEarly.json().detail, /open/);
  t.match(closedEarly.json().detail, /closed/);

  t.equal((await patch(api, action.id, { status: 'in_progress' })).json().status, 'in_progress');
  const back = await patch(api, action.id, { status: 'open' });
  t.equal(back.statusCode, 409, 'in_progress → open is not a transition');
  t.match(back.json().detail, /in_progress/);

  const responded = await patch(api, action.id, { status: 'responded', response: 'The report was circulated on 1 August.', respondedOn: '2024-08-01' });
  t.equal(responded.statusCode, 200);
  t.match(responded.json(), { status: 'responded', respondedOn: '2024-08-01', response: /circulated/ });

  const reopenNoDue = await patch(api, action.id, { status: 'open' });
  t.equal(reopenNoDue.statusCode, 400, 'responded → open needs a new due');
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}` })).json().status, 'responded');
  const reopened = await patch(api, action.id, { status: 'open', dueMeetingId: m.c });
  t.equal(reopened.statusCode, 200);
  t.match(reopened.json(), { status: 'open', dueRule: 'meeting', dueMeetingId: m.c, dueDate: '2024-09-27' });

  const withdrawn = await patch(api, action.id, { status: 'withdrawn' });
  t.equal(withdrawn.statusCode, 200);
  t.equal(withdrawn.json().status, 'withdrawn');
  const revive = await patch(api, action.id, { status: 'open', dueDate: '2025-01-01' });
  t.equal(revive.statusCode, 409, 'withdrawn is final');
  t.match(revive.json().detail, /withdrawn/);
  const history = (await api.request({ method: 'GET', url: `/v1/actions/${action.id}/history` })).json().data;
  t.equal(history[0].operation, 'withdraw');

  // closed → open only to reopen.
  const other = await create(api, { meetingId: m.a });
  await patch(api, other.id, { status: 'responded', response: 'Answered.' });
  t.equal((await patch(api, other.id, { status: 'closed' })).statusCode, 200);
  t.equal((await patch(api, other.id, { status: 'in_progress' })).statusCode, 409);
  t.equal((await patch(api, other.id, { status: 'open' })).statusCode, 200);
});

t.test('overdue is derived from the due date and status as of a day', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const action = await create(api, { meetingId: m.a });
  const at = async (asOf: string) => (await api.request({ method: 'GET', url: `/v1/actions/${action.id}?asOf=${asOf}` })).json().overdue;
  t.equal(await at('2024-08-22'), false, 'not on the despatch day');
  t.equal(await at('2024-08-23'), true, 'the day after');
  await patch(api, action.id, { status: 'responded', response: 'Done.' });
  t.equal(await at('2024-08-23'), false, 'answered → not overdue');
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}?asOf=2024-02-30` })).statusCode, 400);
});

t.test('list filters: committee, statuses, kind, owner, due window, text, overdue', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const other = await committee(api, { name: 'Health Policy and Performance Board', kind: 'policy_and_performance_board' });
  const oa = await meeting(api, other, { startsAt: A, status: 'held' });
  await meeting(api, other, { startsAt: B });
  const owner = (await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Jo Officer', kind: 'officer' } })).json().id;

  const a1 = await create(api, { meetingId: m.a, title: 'Home to school transport costs', ownerId: owner }); // due 2024-08-22
  const a2 = await create(api, { meetingId: m.a, kind: 'information', title: 'Figures on exclusions', detail: 'Broken down by ward and academy trust', dueDate: '2024-10-15' });
  const a3 = await create(api, { meetingId: m.a, kind: 'task', title: 'Visit the youth centre', dueQuarter: '2024-25 Q3' }); // 2024-12-31
  const a4 = await create(api, { meetingId: oa, title: 'Waiting times at the walk-in centre' }); // due 2024-08-22 (other committee)
  await patch(api, a3.id, { status: 'responded', response: 'Members visited the Kingsway centre in November.' });
  await patch(api, a2.id, { status: 'in_progress' });

  const list = async (query: string) => {
    const res = await api.request({ method: 'GET', url: `/v1/actions?${query}` });
    t.equal(res.statusCode, 200, query);
    return res.json();
  };
  t.same(ids(await list(`committeeId=${m.committeeId}`)), [a1.id, a2.id, a3.id]);
  t.same(ids(await list(`committeeId=${other}`)), [a4.id]);
  t.same(ids(await list('status=open')), [a1.id, a4.id]);
  t.same(ids(await list('status=in_progress,responded')), [a2.id, a3.id]);
  t.same(ids(await list('kind=information')), [a2.id]);
  t.same(ids(await list(`ownerId=${owner}`)), [a1.id]);
  t.same(ids(await list('dueBefore=2024-10-01')), [a1.id, a4.id]);
  t.same(ids(await list('dueAfter=2024-10-01')), [a2.id, a3.id]);
  t.same(ids(await list('dueAfter=2024-10-01&dueBefore=2024-10-31')), [a2.id]);
  t.same(ids(await list('q=ward')), [a2.id], 'a word in detail');
  t.same(ids(await list('q=Kingsway')), [a3.id], 'a word in the response');
  t.same(ids(await list('q=transport')), [a1.id], 'a word in the title');
  t.same(ids(await list('q=nothing%20matches')), []);
  t.same(ids(await list(`committeeId=${m.committeeId}&status=open&kind=update`)), [a1.id], 'filters combine');

  t.equal((await api.request({ method: 'GET', url: '/v1/actions?status=open,overdue' })).statusCode, 400);
  t.equal((await api.request({ method: 'GET', url: '/v1/actions?kind=wish' })).statusCode, 400);

  // overdue=true agrees with each action's own `overdue`, on several days.
  for (const asOf of ['2024-08-22', '2024-08-23', '2024-10-16', '2025-01-01']) {
    const all = (await list(`asOf=${asOf}&limit=200`)).data as { id: number; overdue: boolean }[];
    const flagged = all.filter((a) => a.overdue).map((a) => a.id).sort((x, y) => x - y);
    t.same(ids(await list(`overdue=true&asOf=${asOf}`)), flagged, `overdue=true as of ${asOf}`);
    t.same(ids(await list(`overdue=false&asOf=${asOf}`)), all.filter((a) => !a.overdue).map((a) => a.id).sort((x, y) => x - y), `overdue=false as of ${asOf}`);
  }
  t.same(ids(await list('overdue=true&asOf=2024-08-22')), []);
  t.same(ids(await list('overdue=true&asOf=2024-08-23')), [a1.id, a4.id]);
  t.same(ids(await list('overdue=true&asOf=2024-10-16')), [a1.id, a2.id, a4.id]);
});

t.test('a due-date window follows the due-by date wherever it changes: the due meeting moved, the due given anew', async (t) => {
  // On PostgreSQL the window compares a date kept on the action's row by triggers (migration pg
  // 0005), not the date a read computes: both must move together.
  const api = await build(t);
  const m = await setup(api);
  const action = await create(api, { meetingId: m.a, title: 'Home to school transport costs' }); // due at B: 2024-08-22
  await create(api, { meetingId: m.a, title: 'Transport for the youth centre visit', dueDate: '2024-11-15' });
  const list = async (query: string) => {
    const res = await api.request({ method: 'GET', url: `/v1/actions?${query}` });
    t.equal(res.statusCode, 200, query);
    return ids(res.json());
  };
  const dueBy = async () => (await api.request({ method: 'GET', url: `/v1/actions/${action.id}` })).json().dueDate as string;
  const within = (day: string) => list(`dueAfter=${day}&dueBefore=${day}`);
  t.same(await within('2024-08-22'), [action.id]);

  const moved = await api.request({ method: 'PATCH', url: `/v1/meetings/${m.b}`, payload: { startsAt: '2024-09-09T18:30:00+01:00' } });
  t.equal(moved.statusCode, 200, moved.body);
  const despatch = await dueBy();
  t.not(despatch, '2024-08-22', 'the due meeting moved: so did the due-by date');
  t.same(await within('2024-08-22'), [], 'no longer due by the old date');
  t.same(await within(despatch), [action.id], 'due by the new one');
  t.same(await list(`q=transport&dueAfter=${despatch}&dueBefore=2024-10-01`), [action.id], 'with a search');

  t.equal((await patch(api, action.id, { dueMeetingId: m.c })).statusCode, 200);
  t.same(await within('2024-09-27'), [action.id], 'due at another meeting');
  t.equal((await patch(api, action.id, { dueDate: '2024-10-31' })).statusCode, 200);
  t.equal(await dueBy(), '2024-10-31');
  t.same(await within('2024-10-31'), [action.id], 'due by a date');
  t.same(await within('2024-09-27'), []);
  const c = await api.request({ method: 'PATCH', url: `/v1/meetings/${m.c}`, payload: { startsAt: '2024-10-14T18:30:00+01:00' } });
  t.equal(c.statusCode, 200, c.body);
  t.same(await within('2024-10-31'), [action.id], 'a meeting it is no longer due at moves without it');
});

t.test('paging over a few hundred actions returns each exactly once', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const total = 240;
  for (let i = 0; i < total; i++) {
    // Several share a due date, so the dueDate sort has to break ties.
    await create(api, { meetingId: m.a, title: `Action ${String(i).padStart(3, '0')}`, dueDate: `2024-1${i % 3}-0${1 + (i % 5)}` });
  }
  for (const sort of ['id', '-id', 'dueDate', '-dueDate', 'title']) {
    const seen: number[] = [];
    let url: string | undefined = `/v1/actions?limit=37&sort=${sort}`;
    let pages = 0;
    while (url) {
      const res = await api.request({ method: 'GET', url });
      t.equal(res.statusCode, 200);
      const page = res.json();
      seen.push(...page.data.map((a: { id: number }) => a.id));
      const link = res.headers.link as string | undefined;
      t.equal(Boolean(link), page.nextCursor !== null, 'Link header iff a next page');
      url = link ? /<([^>]+)>/.exec(link)![1] : undefined;
      if (++pages > 20) break;
    }
    t.equal(seen.length, total, `${sort}: every action`);
    t.equal(new Set(seen).size, total, `${sort}: none twice`);
  }
});

t.test('PATCH with a stale If-Match is refused with 412 and changes nothing', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const action = await create(api, { meetingId: m.a });
  const read = await api.request({ method: 'GET', url: `/v1/actions/${action.id}` });
  const etag = String(read.headers.etag);
  const first = await patch(api, action.id, { rag: 'amber' }, { 'if-match': etag });
  t.equal(first.statusCode, 200);
  t.not(first.headers.etag, etag);
  const stale = await patch(api, action.id, { rag: 'green' }, { 'if-match': etag });
  t.equal(stale.statusCode, 412);
  t.match(stale.headers['content-type'], /application\/problem\+json/);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}` })).json().rag, 'amber');
});

t.test('progress updates form a timeline; a RAG given with one becomes the action\'s RAG', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const action = await create(api, { meetingId: m.a });
  const first = await api.request({ method: 'POST', url: `/v1/actions/${action.id}/updates`, payload: { text: 'Data requested from the ICB.', rag: 'amber' } });
  t.equal(first.statusCode, 201);
  t.match(first.json(), { actionId: action.id, text: 'Data requested from the ICB.', rag: 'amber', recordedBy: 'test-admin' });
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}` })).json().rag, 'amber');

  await api.request({ method: 'POST', url: `/v1/actions/${action.id}/updates`, payload: { text: 'Still waiting.' } });
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}` })).json().rag, 'amber', 'no RAG → unchanged');
  await api.request({ method: 'POST', url: `/v1/actions/${action.id}/updates`, payload: { text: 'Data received.', rag: 'green' } });
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}` })).json().rag, 'green');

  const timeline = await api.request({ method: 'GET', url: `/v1/actions/${action.id}/updates`, as: null });
  t.equal(timeline.statusCode, 200);
  t.same(timeline.json().data.map((u: { text: string }) => u.text), ['Data requested from the ICB.', 'Still waiting.', 'Data received.']);
  t.equal((await api.request({ method: 'POST', url: `/v1/actions/${action.id}/updates`, payload: { text: '' } })).statusCode, 400);
  t.equal((await api.request({ method: 'POST', url: '/v1/actions/9999/updates', payload: { text: 'x' } })).statusCode, 404);
  t.equal((await api.request({ method: 'POST', url: `/v1/actions/${action.id}/updates`, payload: { text: 'x' }, as: api.keys.reader })).statusCode, 403);
});

t.test('history lists the creation and every change, newest first', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const action = await create(api, { meetingId: m.a });
  await patch(api, action.id, { title: 'Update on SEND transport costs' });
  await patch(api, action.id, { status: 'in_progress' });
  const res = await api.request({ method: 'GET', url: `/v1/actions/${action.id}/history` });
  t.equal(res.statusCode, 200);
  const events = res.json().data;
  t.same(events.map((e: { operation: string }) => e.operation), ['update', 'update', 'create']);
  t.ok(events[0].id > events[1].id && events[1].id > events[2].id, 'newest first');
  t.match(events[0], { actor: 'test-admin', before: { status: 'open' }, after: { status: 'in_progress' } });
  t.match(events[1], { before: { title: 'Update on SEND transport' }, after: { title: 'Update on SEND transport costs' } });
  t.equal(events[2].before, null);
  t.equal((await api.request({ method: 'GET', url: '/v1/actions/9999/history' })).statusCode, 404);
});

t.test('an action on an exempt item is invisible without the scope', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const item = await api.request({ method: 'POST', url: `/v1/meetings/${m.a}/items`, payload: { title: 'Contract award', visibility: 'exempt', exemptParagraph: 3 } });
  t.equal(item.statusCode, 201);
  const action = await create(api, { meetingId: m.a, itemId: item.json().id, title: 'Report back on the tender' });
  t.equal(action.visibility, 'exempt', 'inherits the item visibility');
  const loosen = await patch(api, action.id, { visibility: 'public' });
  t.equal(loosen.statusCode, 400, 'cannot be looser than its item');
  for (const as of [null, api.keys.reader]) {
    t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}`, as })).statusCode, 404);
    t.same((await api.request({ method: 'GET', url: '/v1/actions', as })).json().data, []);
    t.same((await api.request({ method: 'GET', url: '/v1/actions?q=tender', as })).json().data, []);
  }
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}`, as: api.keys.exempt })).statusCode, 200);
});

t.test("an action's visibility can be tightened, and loosened only by an admin", async (t) => {
  const api = await build(t);
  const { a } = await setup(api);
  const clerk = (await api.app.services.apiKeys.create(scriptActor('test'), 'clerk', ['write', 'read:exempt'])).key;
  const action = await create(api, { meetingId: a });
  const tightened = await api.request({ method: 'PATCH', url: `/v1/actions/${action.id}`, as: clerk, payload: { visibility: 'exempt' } });
  t.equal(tightened.statusCode, 200);
  t.equal(tightened.json().visibility, 'exempt');
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}`, as: null })).statusCode, 404);
  const loosened = await api.request({ method: 'PATCH', url: `/v1/actions/${action.id}`, as: clerk, payload: { visibility: 'public' } });
  t.equal(loosened.statusCode, 400);
  t.same(pointers(loosened.json()), ['/body/visibility']);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}`, as: null })).statusCode, 404, 'still hidden');
  // Declassifying is a deliberate decision an admin may take.
  const declassified = await patch(api, action.id, { visibility: 'public' });
  t.equal(declassified.statusCode, 200, declassified.body);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${action.id}`, as: null })).statusCode, 200, 'public now');
});
