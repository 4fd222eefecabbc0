import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { createEngine } from '../../src/db/engine.js';
import { createServices } from '../../src/services.js';
import { build, committee, meeting, scriptArgs, sqliteOnly, type TestApp } from '../helper.js';

// The scenario of DESIGN.md "Overdue: when and what": an action raised at meeting A is due at
// the next meeting B (agenda despatch Thu 22 Aug 2024, because Mon 26 Aug is a bank holiday).

const A = '2024-07-15T18:30:00+01:00';
const B = '2024-09-02T18:30:00+01:00'; // agendaDespatchBy 2024-08-22
const C = '2024-10-07T18:30:00+01:00'; // agendaDespatchBy 2024-09-27

interface Report {
  asOf: string;
  meetings: {
    committee: { id: number; name: string };
    meeting: { id: number; startsAt: string; agendaDespatchBy: string } | null;
    overdue: { id: number; daysOverdue: number; timesFlagged: number; dueDate: string; dueRule: string; owner: string | null; status: string }[];
    dueSoon: { id: number; dueDate: string }[];
  }[];
}

async function setup(api: TestApp) {
  const committeeId = await committee(api);
  const a = await meeting(api, committeeId, { startsAt: A, status: 'held' });
  const b = await meeting(api, committeeId, { startsAt: B });
  const c = await meeting(api, committeeId, { startsAt: C });
  return { committeeId, a, b, c };
}

async function action(api: TestApp, body: Record<string, unknown>): Promise<number> {
  const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', title: 'Update on the Ofsted action plan', ...body } });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

async function scan(api: TestApp, asOf: string): Promise<Report> {
  const res = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf } });
  if (res.statusCode !== 200) throw new Error(`scan: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function report(api: TestApp, query: string, as?: string | null): Promise<Report> {
  const res = await api.request({ method: 'GET', url: `/v1/reports/overdue?${query}`, as });
  if (res.statusCode !== 200) throw new Error(`report: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function flags(api: TestApp, query = '') {
  const res = await api.request({ method: 'GET', url: `/v1/flags?${query}` });
  if (res.statusCode !== 200) throw new Error(`flags: ${res.statusCode} ${res.body}`);
  return res.json().data as { actionId: number; meetingId: number; flaggedOn: string; reason: string }[];
}

const overdueIds = (r: Report) => r.meetings.flatMap((m) => m.overdue.map((a) => a.id));
const dueSoonIds = (r: Report) => r.meetings.flatMap((m) => m.dueSoon.map((a) => a.id));

t.test('not flagged on the despatch day, flagged the day after, once however often the scan runs', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const id = await action(api, { meetingId: m.a, ownerText: 'Director of Children\'s Services' });

  const onDespatchDay = await scan(api, '2024-08-22');
  t.equal(onDespatchDay.asOf, '2024-08-22');
  t.equal(onDespatchDay.meetings.length, 1);
  t.match(onDespatchDay.meetings[0], { committee: { id: m.committeeId }, meeting: { id: m.b, startsAt: B, agendaDespatchBy: '2024-08-22' } });
  t.same(overdueIds(onDespatchDay), [], 'not overdue on the day the agenda goes out');
  t.same(dueSoonIds(onDespatchDay), [id], 'due that very day → due soon');
  t.same(await flags(api), []);

  const dayAfter = await scan(api, '2024-08-23');
  t.same(overdueIds(dayAfter), [id]);
  t.match(dayAfter.meetings[0]!.overdue[0], {
    id, dueRule: 'next_meeting', dueDate: '2024-08-22', daysOverdue: 1, timesFlagged: 1, status: 'open', owner: "Director of Children's Services",
  });
  const recorded = await flags(api);
  t.equal(recorded.length, 1);
  t.match(recorded[0], { actionId: id, meetingId: m.b, flaggedOn: '2024-08-23' });

  const again = await scan(api, '2024-08-23');
  t.equal(again.meetings[0]!.overdue[0]!.timesFlagged, 1, 'a second scan the same day adds nothing');
  const later = await scan(api, '2024-08-28');
  t.match(later.meetings[0]!.overdue[0], { timesFlagged: 1, daysOverdue: 6 }, 'nor does one a few days later, before the same meeting');
  t.equal((await flags(api)).length, 1, 'one row in /v1/flags');
  t.equal((await flags(api, `actionId=${id}&meetingId=${m.b}`)).length, 1);

  const read = await api.request({ method: 'GET', url: `/v1/actions/${id}?asOf=2024-08-23` });
  t.match(read.json(), { overdue: true, timesFlagged: 1 });
});

t.test('answered in time → never flagged', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const answered = await action(api, { meetingId: m.a, title: 'Answered' });
  const unanswered = await action(api, { meetingId: m.a, title: 'Unanswered' });
  const res = await api.request({
    method: 'PATCH', url: `/v1/actions/${answered}`,
    payload: { status: 'responded', response: 'Briefing note circulated to members.', respondedOn: '2024-08-20' },
  });
  t.equal(res.statusCode, 200);
  for (const asOf of ['2024-08-23', '2024-08-30', '2024-09-30']) {
    const r = await scan(api, asOf);
    t.notOk(overdueIds(r).includes(answered), `not overdue as of ${asOf}`);
    t.ok(overdueIds(r).includes(unanswered), `the unanswered one is, as of ${asOf}`);
  }
  t.same(await flags(api, `actionId=${answered}`), []);
  t.equal((await flags(api, `actionId=${unanswered}`)).length, 2, 'flagged before B and again before C');
});

t.test('unanswered through two meetings → flagged at each, timesFlagged 2', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const id = await action(api, { meetingId: m.a });
  t.equal((await scan(api, '2024-08-23')).meetings[0]!.overdue[0]!.timesFlagged, 1);

  // B is held with the action still open: it moves to C, keeping its flag.
  t.equal((await api.request({ method: 'PATCH', url: `/v1/meetings/${m.b}`, payload: { status: 'held' } })).statusCode, 200);
  const moved = (await api.request({ method: 'GET', url: `/v1/actions/${id}?asOf=2024-09-03` })).json();
  t.match(moved, { dueMeetingId: m.c, dueDate: '2024-09-27', timesFlagged: 1, overdue: false });

  const beforeDespatch = await scan(api, '2024-09-27');
  t.match(beforeDespatch.meetings[0]!.meeting, { id: m.c });
  t.same(overdueIds(beforeDespatch), [], 'not overdue again until after C\'s despatch day');

  const r = await scan(api, '2024-09-30');
  t.match(r.meetings[0], { meeting: { id: m.c, agendaDespatchBy: '2024-09-27' } });
  t.match(r.meetings[0]!.overdue[0], { id, timesFlagged: 2, daysOverdue: 3, dueDate: '2024-09-27' });
  const recorded = await flags(api, `actionId=${id}`);
  t.same(recorded.map((f) => f.meetingId).sort(), [m.b, m.c].sort());
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${id}?asOf=2024-09-30` })).json().timesFlagged, 2);

  // The action log of each meeting shows it.
  const logC = await api.request({ method: 'GET', url: `/v1/meetings/${m.c}/action-log?asOf=2024-09-30` });
  t.equal(logC.statusCode, 200);
  t.same(logC.json().data.map((a: { id: number }) => a.id), [id]);
  const logB = await api.request({ method: 'GET', url: `/v1/meetings/${m.b}/action-log?asOf=2024-09-30` });
  t.same(logB.json().data.map((a: { id: number }) => a.id), [id], 'flagged at B, so still in B\'s log');
});

t.test('GET /v1/reports/overdue only reads', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const id = await action(api, { meetingId: m.a });
  const first = await report(api, 'asOf=2024-08-23');
  t.match(first.meetings[0]!.overdue[0], { id, daysOverdue: 1, timesFlagged: 0 });
  await report(api, 'asOf=2024-08-23');
  t.same(await flags(api), [], 'no flags recorded by reading');
  await scan(api, '2024-08-23');
  t.equal((await report(api, 'asOf=2024-08-23')).meetings[0]!.overdue[0]!.timesFlagged, 1, 'counts the flags recorded so far');
  const res = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: '2024-08-23' }, as: api.keys.writer });
  t.equal(res.statusCode, 403, 'the scan is admin only');
});

t.test('due soon: not overdue, due within the committee\'s reminderWorkingDays', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  // As of Fri 23 Aug, 10 working days on (26 Aug is a bank holiday) is Mon 9 Sep.
  const soon = await action(api, { meetingId: m.a, dueDate: '2024-09-05', title: 'Due soon' });
  const edge = await action(api, { meetingId: m.a, dueDate: '2024-09-09', title: 'Last reminder day' });
  const far = await action(api, { meetingId: m.a, dueDate: '2024-09-10', title: 'Not yet' });
  const done = await action(api, { meetingId: m.a, dueDate: '2024-09-05', title: 'Answered' });
  await api.request({ method: 'PATCH', url: `/v1/actions/${done}`, payload: { status: 'responded', response: 'Done.' } });
  const r = await report(api, 'asOf=2024-08-23');
  t.same(dueSoonIds(r), [soon, edge]);
  t.notOk(dueSoonIds(r).includes(far));
  t.same(overdueIds(r), []);
  t.same(r.meetings[0]!.dueSoon.map((a) => a.dueDate), ['2024-09-05', '2024-09-09']);
  // A committee with a shorter reminder window.
  t.equal((await api.request({ method: 'PATCH', url: `/v1/committees/${m.committeeId}`, payload: { reminderWorkingDays: 5 } })).statusCode, 200);
  t.same(dueSoonIds(await report(api, 'asOf=2024-08-23')), [], '5 working days on is Mon 2 Sep');
});

t.test('the report covers one committee when asked, with its own next meeting', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const other = await committee(api, { name: 'Health Policy and Performance Board' });
  const oa = await meeting(api, other, { startsAt: A, status: 'held' });
  const ob = await meeting(api, other, { startsAt: '2024-09-10T14:00:00+01:00' }); // despatch Mon 2 Sep
  const mine = await action(api, { meetingId: m.a });
  const theirs = await action(api, { meetingId: oa });
  const all = await report(api, 'asOf=2024-09-03');
  // As of 3 Sep this committee's next meeting is C (7 Oct); the other's is 10 Sep.
  t.same(all.meetings.map((x) => [x.committee.id, x.meeting?.id]), [[other, ob], [m.committeeId, m.c]], 'ordered by next meeting');
  t.same(overdueIds(all).sort(), [mine, theirs].sort());
  const one = await report(api, `asOf=2024-09-03&committeeId=${other}`);
  t.equal(one.meetings.length, 1);
  t.match(one.meetings[0], { committee: { id: other }, meeting: { id: ob, agendaDespatchBy: '2024-09-02' } });
  t.same(overdueIds(one), [theirs]);
  t.equal((await api.request({ method: 'GET', url: '/v1/reports/overdue?asOf=2024-09-03&committeeId=999' })).statusCode, 404);
  t.equal((await api.request({ method: 'GET', url: '/v1/reports/overdue?asOf=2024-02-30' })).statusCode, 400);

  await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: '2024-09-03', committeeId: other } });
  t.same((await flags(api)).map((f) => f.actionId), [theirs], 'a committee scan flags only that committee');
});

t.test('exempt actions appear only where the caller may see them', async (t) => {
  const api = await build(t);
  const m = await setup(api);
  const item = await api.request({ method: 'POST', url: `/v1/meetings/${m.a}/items`, payload: { title: 'Procurement of residential placements', visibility: 'exempt', exemptParagraph: 3 } });
  if (item.statusCode !== 201) throw new Error(`item: ${item.statusCode} ${item.body}`);
  const itemId = item.json().id as number;
  const secret = await action(api, { meetingId: m.a, itemId, title: 'Costs of the preferred bidder' });
  const open = await action(api, { meetingId: m.a, title: 'Public follow-up' });

  const scanned = await scan(api, '2024-08-23');
  t.same(overdueIds(scanned).sort(), [secret, open].sort(), 'the admin sees both');
  for (const [who, as] of [['anonymous', null], ['reader', api.keys.reader]] as const) {
    const r = await report(api, 'asOf=2024-08-23', as);
    t.same(overdueIds(r), [open], `${who}: only the public action`);
    const csv = await api.request({ method: 'GET', url: '/v1/reports/overdue?asOf=2024-08-23&format=csv', as });
    t.notMatch(csv.body, /preferred bidder/, `${who}: not in the CSV`);
    const html = await api.request({ method: 'GET', url: '/v1/reports/overdue?asOf=2024-08-23&format=html', as });
    t.notMatch(html.body, /preferred bidder/, `${who}: not in the HTML`);
    const f = await api.request({ method: 'GET', url: '/v1/flags', as });
    t.same(f.json().data.map((x: { actionId: number }) => x.actionId), [open], `${who}: only the public flag`);
    const log = await api.request({ method: 'GET', url: `/v1/meetings/${m.b}/action-log?asOf=2024-08-23`, as });
    t.same(log.json().data.map((x: { id: number }) => x.id), [open], `${who}: not in the action log`);
  }
  const exempt = await report(api, 'asOf=2024-08-23', api.keys.exempt);
  t.same(overdueIds(exempt).sort(), [secret, open].sort(), 'read:exempt sees it');
  t.equal(exempt.meetings[0]!.overdue.find((a) => a.id === secret)!.timesFlagged, 1, 'flagged although readers cannot see it');
});

t.test('two scans at once from two processes on one file database record each flag once', {
  skip: sqliteOnly('two command-line processes on one SQLite file (on PostgreSQL, two servers scanning at once: test/process/two-servers.test.ts)'),
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scan-race-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'scrutiny.sqlite');
  const db = openDatabase({ path });
  const services = createServices(createEngine(db));
  const actor = scriptActor('test-seed');
  const expected = new Set<string>();
  for (let c = 0; c < 3; c++) {
    const committeeId = (await services.committees.create(actor, { name: `Committee ${c}`, kind: 'scrutiny' } as never)).id;
    const a = (await services.meetings.create(actor, committeeId, { startsAt: A, status: 'held' })).id;
    const b = (await services.meetings.create(actor, committeeId, { startsAt: B })).id;
    for (let i = 0; i < 40; i++) {
      const id = (await services.actions.create(actor, { meetingId: a, kind: 'update', title: `Action ${c}.${i}` } as never)).id;
      expected.add(`${id}:${b}`);
    }
  }
  db.$client.close();

  const runOne = () =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [...scriptArgs('scripts/overdue-report.ts'), '--as-of', '2024-08-23', '--format', 'json'], {
        cwd: process.cwd(),
        env: { ...process.env, DATABASE_PATH: path, LOG_LEVEL: 'silent' },
        timeout: 90_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const results = await Promise.all([runOne(), runOne()]);
  for (const r of results) {
    t.equal(r.code, 0, `exit 0 (${r.stderr.trim()})`);
    const parsed = JSON.parse(r.stdout) as Report;
    t.equal(parsed.meetings.flatMap((x) => x.overdue).length, 120);
    t.ok(parsed.meetings.flatMap((x) => x.overdue).every((a) => a.timesFlagged === 1), 'every action flagged exactly once');
  }

  const check = openDatabase({ path });
  t.teardown(() => check.$client.close());
  const rows = check.$client.prepare('SELECT action_id AS actionId, meeting_id AS meetingId FROM overdue_flags').all() as { actionId: number; meetingId: number }[];
  t.equal(rows.length, expected.size, 'one row per (action, meeting)');
  t.same(new Set(rows.map((r) => `${r.actionId}:${r.meetingId}`)), expected);
});
