import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { streamReport } from '../../src/jobs/report-stream.js';
import { build, committee, meeting, sqliteOnly, type TestApp } from '../helper.js';

// "Today" is where each committee sits (DESIGN.md "Local date"). The clock is fixed at an instant
// when London and Auckland (or New York) are on different days, and every default that means
// "today" — the report's and the scan's asOf, the flags' date, the action log's `overdue` — must
// follow the committee's own zone. With no asOf the report states the latest of its committees'
// days (jobs/overdue-report.ts planReport).

/** 14:00 BST on Thursday 22 August 2024 in London; 01:00 NZST on Friday 23 August in Auckland. */
const LONDON_AFTERNOON = new Date('2024-08-22T13:00:00Z');
/** 03:00 BST on Friday 23 August 2024 in London; 22:00 EDT on Thursday 22 August in New York. */
const LONDON_NIGHT = new Date('2024-08-23T02:00:00Z');

interface Entry {
  committee: { id: number };
  meeting: { id: number } | null;
  overdue: { id: number; daysOverdue: number }[];
  dueSoon: { id: number }[];
}
interface Report { asOf: string; meetings: Entry[] }

const at = (now: Date) => ({ clock: () => now });

/**
 * A committee in `timezone` with a meeting held in July, one on 22 August (evening, local time)
 * and one on 2 September, and an action due on 22 August.
 */
async function committeeIn(api: TestApp, name: string, timezone: string, offset: string) {
  const id = await committee(api, { name, timezone });
  const held = await meeting(api, id, { startsAt: `2024-07-15T18:30:00${offset}`, status: 'held' });
  const august = await meeting(api, id, { startsAt: `2024-08-22T18:30:00${offset}` });
  const september = await meeting(api, id, { startsAt: `2024-09-02T18:30:00${offset}` });
  const res = await api.request({
    method: 'POST', url: '/v1/actions',
    payload: { meetingId: held, kind: 'update', title: `Update for ${name}`, dueDate: '2024-08-22' },
  });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return { id, august, september, action: res.json().id as number };
}

async function report(api: TestApp, query = ''): Promise<Report> {
  const res = await api.request({ method: 'GET', url: `/v1/reports/overdue?${query}` });
  if (res.statusCode !== 200) throw new Error(`report: ${res.statusCode} ${res.body}`);
  return res.json();
}

const entryFor = (r: Report, committeeId: number) => r.meetings.find((m) => m.committee.id === committeeId);

t.test('without asOf, each committee is judged as of today in its own time zone', async (t) => {
  const api = await build(t, {}, at(LONDON_AFTERNOON));
  const london = await committeeIn(api, 'Children and Young People Scrutiny Committee', 'Europe/London', '+01:00');
  const auckland = await committeeIn(api, 'Auckland Transport Panel', 'Pacific/Auckland', '+12:00');

  const all = await report(api);
  t.equal(all.asOf, '2024-08-23', 'the latest of the committees\' days');
  // London: still the 22nd, so its meeting that evening is next and the action is due today.
  t.match(entryFor(all, london.id), { meeting: { id: london.august }, overdue: [], dueSoon: [{ id: london.action }] });
  // Auckland: already the 23rd, its 22 August meeting is past and the action a day overdue.
  t.match(entryFor(all, auckland.id), { meeting: { id: auckland.september }, overdue: [{ id: auckland.action, daysOverdue: 1 }], dueSoon: [] });

  // What the committees repository tells any other module "today" is (e.g. for `overdue`).
  const { committees } = api.app.services;
  t.same([await committees.todayFor(london.id), await committees.todayFor(auckland.id)], ['2024-08-22', '2024-08-23']);
  t.same(await committees.todayByCommittee(), new Map([[london.id, '2024-08-22'], [auckland.id, '2024-08-23']]));

  t.equal((await report(api, `committeeId=${london.id}`)).asOf, '2024-08-22', "one committee's report is as of its own today");
  t.equal((await report(api, `committeeId=${auckland.id}`)).asOf, '2024-08-23');

  // A day given is every committee's day, as before.
  const given = await report(api, 'asOf=2024-08-22');
  t.equal(given.asOf, '2024-08-22');
  t.match(entryFor(given, auckland.id), { meeting: { id: auckland.august }, overdue: [], dueSoon: [{ id: auckland.action }] });
});

t.test('the scan flags as of each committee\'s today and dates the flag so; the action log agrees', async (t) => {
  const api = await build(t, {}, at(LONDON_AFTERNOON));
  const london = await committeeIn(api, 'Children and Young People Scrutiny Committee', 'Europe/London', '+01:00');
  const auckland = await committeeIn(api, 'Auckland Transport Panel', 'Pacific/Auckland', '+12:00');

  const scan = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: {} });
  t.equal(scan.statusCode, 200, scan.body);
  t.equal(scan.json().asOf, '2024-08-23');
  const flags = (await api.request({ method: 'GET', url: '/v1/flags' })).json().data as { actionId: number; meetingId: number; flaggedOn: string }[];
  t.match(flags, [{ actionId: auckland.action, meetingId: auckland.september, flaggedOn: '2024-08-23' }]);
  t.notOk(flags.some((f) => f.actionId === london.action), "London's action, due today in London, is not flagged");
  t.equal(flags.length, 1);

  const log = async (meetingId: number, query = '') =>
    (await api.request({ method: 'GET', url: `/v1/meetings/${meetingId}/action-log${query}` })).json().data as { id: number; overdue: boolean }[];
  t.match(await log(auckland.september), [{ id: auckland.action, overdue: true }], 'overdue as of the 23rd, where the committee sits');
  t.match(await log(auckland.september, '?asOf=2024-08-22'), [{ id: auckland.action, overdue: false }]);

  // The same flag for London once its own day has come.
  const next = await build(t, {}, at(LONDON_NIGHT));
  const again = await committeeIn(next, 'Children and Young People Scrutiny Committee', 'Europe/London', '+01:00');
  t.equal((await next.request({ method: 'POST', url: '/v1/scans/overdue', payload: {} })).statusCode, 200);
  t.match((await next.request({ method: 'GET', url: '/v1/flags' })).json().data, [{ actionId: again.action, flaggedOn: '2024-08-23' }]);
});

t.test('a committee behind London keeps its own, earlier today', async (t) => {
  const api = await build(t, {}, at(LONDON_NIGHT));
  const london = await committeeIn(api, 'Children and Young People Scrutiny Committee', 'Europe/London', '+01:00');
  const newYork = await committeeIn(api, 'New York Oversight Committee', 'America/New_York', '-04:00');

  const one = await report(api, `committeeId=${newYork.id}`);
  t.equal(one.asOf, '2024-08-22', 'still Thursday evening in New York');
  t.match(entryFor(one, newYork.id), { meeting: { id: newYork.august }, overdue: [], dueSoon: [{ id: newYork.action }] });

  const all = await report(api);
  t.equal(all.asOf, '2024-08-23');
  t.match(entryFor(all, london.id), { meeting: { id: london.september }, overdue: [{ id: london.action, daysOverdue: 1 }] });
  t.match(entryFor(all, newYork.id), { overdue: [], dueSoon: [{ id: newYork.action }] });
});

t.test('committees all in London behave as they always have: one today, London\'s', async (t) => {
  const api = await build(t, {}, at(LONDON_AFTERNOON));
  const a = await committeeIn(api, 'Children and Young People Scrutiny Committee', 'Europe/London', '+01:00');
  const b = await committeeIn(api, 'Adult Social Care Scrutiny Committee', 'Europe/London', '+01:00');
  const all = await report(api);
  t.equal(all.asOf, '2024-08-22');
  t.same(all, await report(api, 'asOf=2024-08-22'), 'the same report as asking for the day');
  t.same(all.meetings.map((m) => m.meeting?.id), [a.august, b.august]);
});

/** The test app's database copied into a file of its own (a stream reads the file), removed after. */
function copyToFile(t: Test, api: TestApp): string {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-time-zones-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'scrutiny.sqlite');
  api.app.db.$client.exec(`VACUUM INTO '${path}'`);
  return path;
}

t.test('the streamed report (every committee, from a file) judges each committee in its zone too', {
  skip: sqliteOnly('the report streamed from a SQLite database file on a second connection'),
}, async (t) => {
  const api = await build(t, {}, at(LONDON_AFTERNOON));
  await committeeIn(api, 'Children and Young People Scrutiny Committee', 'Europe/London', '+01:00');
  await committeeIn(api, 'Auckland Transport Panel', 'Pacific/Auckland', '+12:00');
  const whole = await report(api);
  const streamed = streamReport(copyToFile(t, api), { now: LONDON_AFTERNOON, visibilities: ['public'], format: 'json' });
  const body = Buffer.concat(await streamed.toArray()).toString('utf8');
  t.same(JSON.parse(body), whole);
});
