import t from 'tap';
import { build, sqlRows, sqlRun, until, type TestApp } from '../helper.js';
import { onPostgres } from '../pg.js';
import { startFakeModernGov, type FakeCommittee } from './fake-server.js';

// The Modern.gov sync against a fake web service (fake-server.ts): committees, meetings and
// agenda items matched by their Modern.gov ids, a cancelled and a moved meeting, restricted items,
// minutes drafted once per meeting, hosts that answer 403, HTML, garbage or nothing; and a second
// sync with nothing changed writing nothing.

const NOW = new Date('2024-10-01T11:00:00Z');
const clock = () => NOW;

const MINUTES_HTML =
  '<p>The Director presented the quarterly performance report &amp; answered questions.</p>' +
  '<p>Members requested an update be provided to the next meeting on the recruitment of foster carers.</p>' +
  '<p><strong>RESOLVED:</strong> That the report be noted.</p>';

function council(): FakeCommittee[] {
  return [
    {
      id: '101', title: 'Children and Young People Scrutiny Committee',
      meetings: [
        {
          id: '5001', date: '15/07/2024', time: '6.30 pm', status: 'Confirmed', location: 'Council Chamber',
          items: [
            { id: '90001', number: '1', title: 'Apologies for Absence', minutesHtml: '<p>There were no apologies.</p>' },
            { id: '90002', number: '2', title: 'Children&#39;s Services Performance', minutesHtml: MINUTES_HTML },
            {
              id: '90003', number: '3', title: 'Residential Placements Contract', restricted: true, restrictionsRef: 'Paragraph 3',
              minutesHtml: '<p>Members asked for a note on the contract values.</p>',
            },
          ],
        },
        { id: '5002', date: '02/09/2024', time: '6.30 pm', status: 'Confirmed' },
        {
          id: '5003', date: '14/10/2024', time: '6.30 pm', status: 'Confirmed',
          items: [{ id: '90010', title: 'Minutes of the previous meeting' }, { id: '90011', title: 'SEND Transformation' }],
        },
        { id: '5004', date: '11/11/2024', time: '10.00 am', status: 'Cancelled' },
        // Outside the window (a year back to a year ahead): some installs send every meeting.
        { id: '4001', date: '20/01/2020', time: '6.30 pm', status: 'Confirmed' },
      ],
    },
    { id: '102', title: 'Health Policy and Performance Board', meetings: [{ id: '6001', date: '10/12/2024', time: '2.00 pm', status: 'Confirmed' }] },
    { id: '103', title: 'Licensing Committee', meetings: [{ id: '7001', date: '10/12/2024', time: '10.00 am', status: 'Confirmed' }] },
    { id: '104', title: 'Old Select Committee', expired: true, meetings: [] },
    { id: '105', title: 'Deleted Panel', deleted: true, meetings: [] },
  ];
}

const count = async (api: TestApp, table: string) =>
  (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n;
const latest = (api: TestApp) =>
  Promise.all(['committees', 'meetings', 'agenda_items', 'imports', 'actions'].map(async (table) =>
    (await sqlRows<{ at: string | null }>(api.app, `SELECT max(updated_at) AS at FROM ${table}`))[0]!.at));
const run = async (api: TestApp, payload: Record<string, unknown> = {}) => {
  const res = await api.request({ method: 'POST', url: '/v1/syncs/moderngov', payload });
  if (res.statusCode !== 200) throw new Error(`sync: ${res.statusCode} ${res.body}`);
  return res.json();
};
const meetingByExternal = async (api: TestApp, externalId: string) =>
  (await sqlRows(api.app, 'SELECT * FROM meetings WHERE external_id = ?', externalId))[0] as Record<string, unknown>;

t.test('a first sync creates, a second with nothing changed writes nothing', async (t) => {
  const fake = await startFakeModernGov(t, council());
  fake.misbehave.set('GetMeetings?lCommitteeId=103', 'waf');
  fake.misbehave.set('GetMeeting?lMeetingId=6001', 'hang');
  const api = await build(t, { moderngovUrl: fake.url, moderngovTimeoutMs: 1500 }, { clock });

  const first = await run(api);
  t.same(first.committees, { created: 2, updated: 0 });
  t.same(first.meetings, { created: 5, updated: 0, cancelled: 1 });
  t.same(first.items, { created: 5, updated: 0 });
  t.same(first.drafts, { created: 1, updated: 0 });
  t.equal(first.from, '2023-10-01');
  t.equal(first.to, '2025-10-01');
  t.equal(first.errors.length, 2, JSON.stringify(first.errors));
  const waf = first.errors.find((e: { committee: string }) => e.committee === '103');
  t.equal(waf.status, 403);
  t.match(waf.url, `${fake.url}/mgWebService.asmx/GetMeetings?lCommitteeId=103&sFromDate=01%2F10%2F2023&sToDate=01%2F10%2F2025`);
  t.match(waf.error, /HTTP 403 \(text\/html\)/);
  t.match(waf.body, /^<html><head><title>Request Rejected/);
  const timeout = first.errors.find((e: { meeting: string }) => e.meeting === '6001');
  t.match(timeout.error, /timed out after 1500 ms/);
  t.match(timeout.url, /GetMeeting\?lMeetingId=6001$/);

  t.ok(fake.maxInFlight <= 2, `at most two requests at once (saw ${fake.maxInFlight})`);
  t.ok(fake.maxInFlight >= 2, 'requests do overlap');
  t.ok(fake.requests.every((r) => /^ScrutinyTracker-ModernGovSync\//.test(r.userAgent ?? '')), 'the User-Agent names the service');

  const committees = (await api.request({ method: 'GET', url: '/v1/committees' })).json().data;
  t.same(committees.map((c: { name: string; kind: string; externalId: string }) => [c.name, c.kind, c.externalId]), [
    ['Children and Young People Scrutiny Committee', 'scrutiny', '101'],
    ['Health Policy and Performance Board', 'policy_and_performance_board', '102'],
  ], 'the committee whose meetings could not be read is not half-created');

  const held = await meetingByExternal(api, '5001');
  t.equal(held.starts_at, '2024-07-15T18:30:00+01:00');
  t.equal(held.status, 'held');
  t.equal(held.venue, 'Council Chamber');
  t.equal((await meetingByExternal(api, '5002')).status, 'held', 'a confirmed meeting whose date has passed is held');
  t.equal((await meetingByExternal(api, '5003')).status, 'scheduled');
  t.equal((await meetingByExternal(api, '5004')).status, 'cancelled');
  t.equal((await meetingByExternal(api, '5004')).starts_at, '2024-11-11T10:00:00+00:00', 'GMT after the clocks change');
  t.notOk(await meetingByExternal(api, '4001'), 'a meeting outside the window is left alone');
  t.equal((await meetingByExternal(api, '6001')).starts_at, '2024-12-10T14:00:00+00:00', 'a meeting whose agenda timed out still comes from the list');

  const items = (await api.request({ method: 'GET', url: `/v1/meetings/${held.id}/items`, as: api.keys.exempt })).json().data;
  t.same(items.map((i: { number: string; title: string; visibility: string; exemptParagraph: number | null }) => [i.number, i.title, i.visibility, i.exemptParagraph]), [
    ['1', 'Apologies for Absence', 'public', null],
    ['2', "Children's Services Performance", 'public', null],
    ['3', 'Residential Placements Contract', 'exempt', 3],
  ]);
  t.equal(items[1].minutes.includes('<p>'), false, 'minutes are plain text');
  t.match(items[1].minutes, /performance report & answered questions\.\n\nMembers requested/);
  const publicItems = (await api.request({ method: 'GET', url: `/v1/meetings/${held.id}/items`, as: null })).json().data;
  t.equal(publicItems.length, 2, 'the restricted item is exempt: hidden from the public');

  const drafts = (await api.request({ method: 'GET', url: '/v1/imports?source=moderngov', as: api.keys.exempt })).json().data;
  t.equal(drafts.length, 1);
  t.equal(drafts[0].meetingId, held.id);
  t.equal(drafts[0].visibility, 'exempt', 'drafted from a restricted item too');
  t.ok(drafts[0].candidates.some((c: { title: string }) => /foster carers/i.test(c.title)), JSON.stringify(drafts[0].candidates));
  t.same((await api.request({ method: 'GET', url: '/v1/imports', as: null })).json().data, [], 'hidden from the public');

  const audit = await sqlRows(api.app, "SELECT DISTINCT actor FROM audit_events WHERE entity_type IN ('committee', 'meeting', 'item', 'import')");
  t.same(audit, [{ actor: 'sync:moderngov (test-admin)' }], 'the sync is the actor');

  // Nothing changed: nothing written.
  const events = await count(api, 'audit_events');
  const stamps = await latest(api);
  const second = await run(api);
  t.same([second.committees, second.meetings, second.items, second.drafts], [
    { created: 0, updated: 0 }, { created: 0, updated: 0, cancelled: 0 }, { created: 0, updated: 0 }, { created: 0, updated: 0 },
  ]);
  t.equal(await count(api, 'audit_events'), events, 'no audit events');
  t.same(await latest(api), stamps, 'no updatedAt changed');
});

t.test('a moved meeting moves the actions due at it; cancelled, minutes changed; a committed draft stays', async (t) => {
  const committees = council().slice(0, 1);
  const fake = await startFakeModernGov(t, committees);
  const api = await build(t, { moderngovUrl: fake.url }, { clock });
  await run(api);
  const held = await meetingByExternal(api, '5001');
  const next = await meetingByExternal(api, '5003');
  const due = await api.request({
    method: 'POST', url: '/v1/actions',
    payload: { meetingId: held.id, kind: 'update', title: 'Report on foster carers', dueMeetingId: next.id },
  });
  t.equal(due.statusCode, 201, due.body);
  t.equal(due.json().dueDate, '2024-10-04');
  const following = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: held.id, kind: 'information', title: 'Note on SEND transport' } });
  t.equal(following.json().dueMeetingId, next.id, 'due at the next meeting');

  const meetings = committees[0]!.meetings;
  meetings[2]!.date = '21/10/2024';
  meetings[2]!.time = '7.00 pm';
  meetings[1]!.status = 'Cancelled';
  meetings[0]!.items![1]!.minutesHtml = `${MINUTES_HTML}<p>The Board asked for a note on waiting times.</p>`;
  const moved = await run(api);
  t.same(moved.meetings, { created: 0, updated: 1, cancelled: 1 });
  t.same(moved.drafts, { created: 0, updated: 1 });
  t.same(moved.items, { created: 0, updated: 1 });
  t.equal((await meetingByExternal(api, '5003')).starts_at, '2024-10-21T19:00:00+01:00');
  const after = (await api.request({ method: 'GET', url: `/v1/actions/${due.json().id}` })).json();
  t.equal(after.dueDate, '2024-10-11', 'the due date follows the meeting');
  const [history] = await sqlRows(api.app, "SELECT actor FROM audit_events WHERE entity_type = 'meeting' AND entity_id = ? ORDER BY id DESC LIMIT 1", String(next.id));
  t.same(history, { actor: 'sync:moderngov (test-admin)' });

  // Committed, the draft is the officer's: later minutes change it no more.
  const draft = (await api.request({ method: 'GET', url: '/v1/imports?source=moderngov' })).json().data[0];
  const committed = await api.request({ method: 'POST', url: `/v1/imports/${draft.id}/commit` });
  t.equal(committed.statusCode, 200, committed.body);
  t.ok(committed.json().result.counts.actions >= 1);
  const actions = (await api.request({ method: 'GET', url: `/v1/actions?meetingId=${held.id}&limit=200` })).json().data;
  t.ok(actions.some((a: { title: string; itemId: number | null }) => /foster carers/i.test(a.title) && a.itemId !== null), 'actions on the synced items');
  meetings[0]!.items![1]!.minutesHtml = '<p>Rewritten.</p>';
  const later = await run(api);
  t.same(later.drafts, { created: 0, updated: 0 });
  t.equal((await api.request({ method: 'GET', url: `/v1/imports/${draft.id}` })).json().status, 'committed');
  t.equal(await count(api, 'imports'), 1, 'once per meeting');
});

t.test("one meeting's write failing rolls back alone: the rest of the committee is written and counted", async (t) => {
  // Meetings are written a few to a commit, each a transaction of its own inside it. A database
  // that refuses one meeting's agenda item (a trigger here), after its meeting row was written,
  // must cost that meeting alone, in any batch, and the summary must not count it.
  const meetings = Array.from({ length: 23 }, (_, i) => ({
    id: String(8001 + i), date: `${String(i + 1).padStart(2, '0')}/11/2024`, time: '6.30 pm', status: 'Confirmed',
    items: [{ id: String(98001 + i), number: '1', title: i === 2 || i === 14 ? 'Refused item' : `Item of meeting ${i + 1}` }],
  }));
  const fake = await startFakeModernGov(t, [{ id: '201', title: 'Overview and Scrutiny Committee', meetings }]);
  const api = await build(t, { moderngovUrl: fake.url }, { clock });
  if (onPostgres()) {
    await sqlRun(api.app, "CREATE FUNCTION refuse_meeting() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$");
    await sqlRun(api.app, "CREATE TRIGGER refuse_meeting BEFORE INSERT ON agenda_items FOR EACH ROW WHEN (NEW.title = 'Refused item') EXECUTE FUNCTION refuse_meeting()");
  } else {
    await sqlRun(api.app, "CREATE TRIGGER refuse_meeting BEFORE INSERT ON agenda_items WHEN NEW.title = 'Refused item' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  }

  const summary = await run(api);
  t.same(summary.meetings, { created: 21, updated: 0, cancelled: 0 }, 'every meeting but the two refused');
  t.same(summary.items, { created: 21, updated: 0 });
  t.same(summary.errors.map((e: { meeting: string }) => e.meeting).sort(), ['8003', '8015'], 'each refused meeting is an error of its own');
  t.equal(await count(api, 'meetings'), 21);
  t.equal(await count(api, 'agenda_items'), 21, "nothing of a refused meeting is written, not even its items");
  const audited = await sqlRows<{ n: number }>(api.app, "SELECT CAST(count(*) AS integer) AS n FROM audit_events WHERE entity_type IN ('meeting', 'item')");
  t.equal(audited[0]!.n, 42, 'one audit event per meeting and item written, none for what was refused');
});

t.test('PostgreSQL: a sync asked for by the API holds no transaction open while it waits on Modern.gov', { skip: !onPostgres() && 'a PostgreSQL request transaction' }, async (t) => {
  // A request's transaction may sit idle for 30 s before the server ends it; a first sync of a
  // large council waits on Modern.gov far longer. Its commits are its own.
  const fake = await startFakeModernGov(t, council().slice(0, 1));
  fake.misbehave.set('GetMeeting?lMeetingId=5003', 'hang');
  const api = await build(t, { moderngovUrl: fake.url, moderngovTimeoutMs: 5000 }, { clock });
  const answer = run(api);
  await until(() => fake.requests.some((r) => r.path.includes('lMeetingId=5003')), 'the sync to wait on a meeting');
  const idle = await sqlRows<{ n: number }>(api.app, "SELECT CAST(count(*) AS integer) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'");
  t.equal(idle[0]!.n, 0, 'no session of this database sits idle in a transaction meanwhile');
  const summary = await answer;
  t.match(summary.meetings, { created: 4 }, 'and the sync still answers what it wrote');
});

t.test('an Idempotency-Key on the sync: the answer again, marked replayed, on both engines', async (t) => {
  // The sync's route has no request transaction on PostgreSQL (it works outside the request):
  // the key's lock and lookup are a transaction of their own there (they were a 500).
  const fake = await startFakeModernGov(t, council().slice(1, 2));
  const api = await build(t, { moderngovUrl: fake.url }, { clock });
  const ask = () => api.request({ method: 'POST', url: '/v1/syncs/moderngov', payload: {}, headers: { 'idempotency-key': 'sync-once' } });
  const first = await ask();
  t.equal(first.statusCode, 200, first.body);
  const again = await ask();
  t.equal(again.statusCode, 200, again.body);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(again.json(), first.json(), 'the first answer');
});

t.test('a host that answers 403, HTML, garbage or cut-off XML: errors naming the URL, nothing half-written', async (t) => {
  const fake = await startFakeModernGov(t, council().slice(0, 1));
  const api = await build(t, { moderngovUrl: fake.url }, { clock });

  fake.misbehave.set('GetCommittees', 'waf');
  const blocked = await run(api);
  t.same(blocked.errors.map((e: { url: string; status: number }) => [e.url, e.status]), [[`${fake.url}/mgWebService.asmx/GetCommittees?lDays=0`, 403]]);
  t.equal(await count(api, 'committees'), 0);

  fake.misbehave.set('GetCommittees', 'html');
  const challenge = await run(api);
  t.match(challenge.errors[0].error, /an HTML page, not XML/);
  t.match(challenge.errors[0].body, /^<!DOCTYPE html>/);

  fake.misbehave.clear();
  fake.misbehave.set('GetMeetings', 'garbage');
  const garbage = await run(api);
  t.match(garbage.errors[0].error, /^malformed XML: /);
  t.match(garbage.errors[0].url, /GetMeetings\?lCommitteeId=101/);
  t.equal(await count(api, 'committees') + await count(api, 'meetings'), 0, 'nothing half-written');

  fake.misbehave.clear();
  fake.misbehave.set('GetMeeting?lMeetingId=5001', 'reset-once');
  const reset = await run(api, { dryRun: true });
  t.same(reset.errors, [], 'a connection dropped once is tried again');
  t.equal(fake.misbehave.size, 0, 'and was dropped');
  t.same(reset.items, { created: 5, updated: 0 }, 'every agenda read');

  fake.misbehave.set('GetMeeting?lMeetingId=5003', 'truncated');
  const cut = await run(api);
  t.equal(cut.errors.length, 1);
  t.match(cut.errors[0].error, /malformed XML/);
  t.equal((await meetingByExternal(api, '5003')).status, 'scheduled', 'the meeting comes from the list all the same');
  t.equal(await count(api, 'agenda_items'), 3, "only the readable agendas' items");
});

t.test('a host that moved (301) and one that gzips its answers are read as any other', async (t) => {
  const fake = await startFakeModernGov(t, council().slice(0, 1));
  fake.misbehave.set('GetCommittees', 'moved');
  fake.misbehave.set('GetMeetings', 'gzip');
  fake.misbehave.set('GetMeeting?lMeetingId=5001', 'gzip');
  const api = await build(t, { moderngovUrl: fake.url }, { clock });
  const synced = await run(api);
  t.same(synced.errors, []);
  t.same(synced.committees, { created: 1, updated: 0 });
  t.same(synced.meetings, { created: 4, updated: 0, cancelled: 1 });
  t.ok(fake.requests.some((r) => r.path.startsWith('/new/mgWebService.asmx/GetCommittees')), 'the redirect was followed');
  t.equal((await meetingByExternal(api, '5001')).venue, 'Council Chamber');
  t.equal(await count(api, 'imports'), 1, "the gzipped agenda's minutes drafted");
});

t.test('with nothing changed at Modern.gov, a meeting whose start has passed becomes held and its minutes are drafted', async (t) => {
  const committees = council().slice(0, 1);
  const meetings = committees[0]!.meetings;
  meetings[2]!.items![1]!.minutesHtml = MINUTES_HTML;
  const fake = await startFakeModernGov(t, committees);
  let now = NOW;
  const api = await build(t, { moderngovUrl: fake.url }, { clock: () => now });
  const first = await run(api);
  t.same(first.drafts, { created: 1, updated: 0 });
  t.equal((await meetingByExternal(api, '5003')).status, 'scheduled');

  now = new Date('2024-10-15T09:00:00Z');
  const later = await run(api);
  t.same(later.meetings, { created: 0, updated: 1, cancelled: 0 });
  t.same(later.drafts, { created: 1, updated: 0 });
  t.equal((await meetingByExternal(api, '5003')).status, 'held');
  const again = await run(api);
  t.same([again.meetings, again.items, again.drafts], [{ created: 0, updated: 0, cancelled: 0 }, { created: 0, updated: 0 }, { created: 0, updated: 0 }]);
});

t.test('conditional GET, dry run, committee filter, window; the API is for admins', async (t) => {
  const fake = await startFakeModernGov(t, council().slice(0, 2));
  fake.etags = true;
  const api = await build(t, { moderngovUrl: fake.url }, { clock });

  const dry = await run(api, { dryRun: true });
  t.equal(dry.dryRun, true);
  t.same(dry.meetings, { created: 5, updated: 0, cancelled: 1 });
  t.equal(await count(api, 'meetings') + await count(api, 'committees') + await count(api, 'agenda_items') + await count(api, 'imports'), 0, 'a dry run writes nothing');

  const only = await run(api, { committees: ['102', '999'], from: '2024-12-01', to: '2024-12-31' });
  t.same(only.committees, { created: 1, updated: 0 });
  t.same(only.meetings, { created: 1, updated: 0, cancelled: 0 });
  t.same(only.errors.map((e: { committee: string }) => e.committee), ['999']);

  const before = fake.requests.length;
  await run(api, { committees: ['102'], from: '2024-12-01', to: '2024-12-31' });
  t.ok(fake.requests.slice(before).every((r) => r.conditional), 'validators sent back');

  for (const as of [api.keys.writer, null]) {
    const refused = await api.request({ method: 'POST', url: '/v1/syncs/moderngov', payload: {}, as });
    t.equal(refused.statusCode, as ? 403 : 401);
  }
  const bad = await api.request({ method: 'POST', url: '/v1/syncs/moderngov', payload: { from: '2024-12-31', to: '2024-01-01' } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].pointer, '/body/to');
  const unknown = await api.request({ method: 'POST', url: '/v1/syncs/moderngov', payload: { url: 'ftp://x' } });
  t.equal(unknown.statusCode, 400);
});

t.test('without MODERNGOV_URL the API asks for a url', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'POST', url: '/v1/syncs/moderngov', payload: {} });
  t.equal(res.statusCode, 400);
  t.equal(res.json().errors[0].pointer, '/body/url');
});

t.test('a meeting typed in at the same start is linked, not duplicated', async (t) => {
  const fake = await startFakeModernGov(t, council().slice(0, 1));
  const api = await build(t, { moderngovUrl: fake.url }, { clock });
  await run(api, { to: '2024-09-30' });
  const committeeId = (await meetingByExternal(api, '5001')).committee_id;
  const typed = await api.request({ method: 'POST', url: `/v1/committees/${committeeId}/meetings`, payload: { startsAt: '2024-10-14T17:30:00Z' } });
  t.equal(typed.statusCode, 201);
  const later = await run(api);
  t.same(later.meetings, { created: 1, updated: 1, cancelled: 1 }, '5003 linked, 5004 new (and cancelled)');
  t.equal((await meetingByExternal(api, '5003')).id, typed.json().id);
});
