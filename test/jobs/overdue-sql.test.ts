import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { insertReturning, values } from '../../src/db/program.js';
import { actions, committees, meetings } from '../../src/db/tables.js';
import { ACTION_STATUSES } from '../../src/domain/action-lifecycle.js';
import { DUE_RULES, MEETING_STATUSES } from '../../src/domain/due.js';
import { EXECUTIVE_RESPONSES } from '../../src/domain/executive-response.js';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS, HolidayCalendar } from '../../src/domain/holiday-calendar.js';
import { addDays } from '../../src/domain/local-date.js';
import { classifyOverdue, dueSoonHorizon, isOverdue, type OverdueSubject } from '../../src/domain/overdue.js';
import { visibilities } from '../../src/domain/visibility.js';
import { reportableRows } from '../../src/jobs/overdue-report.js';
import { toReportRow } from '../../src/modules/actions/query.js';
import { build } from '../helper.js';

// The overdue rule is written once, in domain/overdue.ts. The SQL that selects by it (the
// `overdue` filter of GET /v1/actions, and the overdue report's pre-selection of candidates)
// must agree with it on any data: random meetings and actions are stored in the app's database,
// and what the SQL selects is compared with what the domain says of each action.

const FIRST_DAY = '2024-01-01';
// A month of days, so that deadlines often fall on the day itself or the due-soon horizon.
const day = fc.integer({ min: 0, max: 30 }).map((n) => addDays(FIRST_DAY, n));
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });

const meetingArbitrary = fc.record({ localDate: day, despatchDaysBefore: fc.integer({ min: 0, max: 10 }), status: fc.constantFrom(...MEETING_STATUSES) });
const actionArbitrary = fc.record({
  status: fc.constantFrom(...ACTION_STATUSES),
  dueRule: fc.constantFrom(...DUE_RULES),
  /** Index into the committee's meetings (or none) for `meeting` and `next_meeting`. */
  dueMeeting: maybe(fc.nat()),
  dueDate: maybe(day),
  executiveResponse: maybe(fc.constantFrom(...EXECUTIVE_RESPONSES)),
  responseDueOn: maybe(day),
});
const scenario = fc.record({
  reminderWorkingDays: fc.integer({ min: 0, max: 15 }),
  meetings: fc.array(meetingArbitrary, { minLength: 1, maxLength: 4 }),
  actions: fc.array(actionArbitrary, { maxLength: 12 }),
  asOf: day,
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

t.test('the SQL selects exactly what domain/overdue.ts says, for any actions and day', async (t) => {
  const api = await build(t);
  const db = api.app.db;
  const run = api.app.engine.run.bind(api.app.engine);
  const calendar = new HolidayCalendar(ENGLAND_AND_WALES_BANK_HOLIDAYS);
  let committeeNumber = 0;

  /** Stores a scenario under a committee of its own; returns each action's id with what the domain is given. */
  async function store(s: Scenario) {
    committeeNumber += 1;
    const committee = await run(insertReturning(db, committees,
      { name: `Committee ${committeeNumber}`, slug: `committee-${committeeNumber}`, kind: 'scrutiny', reminderWorkingDays: s.reminderWorkingDays }));
    const stored = [];
    for (const m of s.meetings) {
      stored.push(await run(insertReturning(db, meetings, {
        committeeId: committee.id,
        startsAt: `${m.localDate}T18:00:00Z`,
        startsAtUtc: `${m.localDate}T18:00:00.000Z`,
        localDate: m.localDate,
        agendaDespatchBy: addDays(m.localDate, -m.despatchDaysBefore),
        status: m.status,
      })));
    }
    const subjects = new Map<number, OverdueSubject>();
    for (const a of s.actions) {
      const byMeeting = a.dueRule === 'meeting' || a.dueRule === 'next_meeting';
      const dueMeeting = byMeeting && a.dueMeeting !== null ? stored[a.dueMeeting % stored.length] : undefined;
      const row = await run(insertReturning(db, actions, {
        committeeId: committee.id,
        meetingId: stored[0]!.id,
        kind: a.executiveResponse === null ? 'task' : 'recommendation',
        title: 'An action',
        status: a.status,
        dueRule: a.dueRule,
        dueMeetingId: dueMeeting?.id ?? null,
        dueDate: byMeeting ? dueMeeting?.agendaDespatchBy ?? null : a.dueDate,
        executiveResponse: a.executiveResponse,
        responseDueOn: a.executiveResponse === null ? null : a.responseDueOn,
      }));
      // What due.ts resolves each rule to: a due meeting's despatch date, or the date itself.
      subjects.set(row.id, {
        status: a.status,
        dueDate: byMeeting ? dueMeeting?.agendaDespatchBy ?? null : a.dueDate,
        executiveResponse: a.executiveResponse,
        responseDueOn: a.executiveResponse === null ? null : a.responseDueOn,
      });
    }
    return { committeeId: committee.id, subjects };
  }

  const listed = async (committeeId: number, asOf: string, overdue: 'true' | 'false') => {
    const res = await api.request({ method: 'GET', url: `/v1/actions?committeeId=${committeeId}&overdue=${overdue}&asOf=${asOf}&limit=200` });
    assert.equal(res.statusCode, 200);
    return new Set((res.json().data as { id: number; overdue: boolean }[]).map((a) => a.id));
  };

  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const { committeeId, subjects } = await store(s);
      const ids = [...subjects.keys()];
      const overdueIds = ids.filter((id) => isOverdue(subjects.get(id)!, s.asOf));

      // GET /v1/actions?overdue=true|false: exactly the overdue ones, and exactly the others.
      assert.deepEqual([...(await listed(committeeId, s.asOf, 'true'))].sort(), overdueIds.sort(), 'overdue=true');
      assert.deepEqual([...(await listed(committeeId, s.asOf, 'false'))].sort(), ids.filter((id) => !overdueIds.includes(id)).sort(), 'overdue=false');

      // The report's candidates: every action the domain reports is among them, and the
      // domain's classification of the candidates is the domain's classification of all.
      const settings = { calendar, reminderWorkingDays: s.reminderWorkingDays };
      const reported = (id: number) => {
        const c = classifyOverdue(subjects.get(id)!, s.asOf, settings);
        return c.overdue ? 'overdue' : c.dueSoon ? 'due soon' : undefined;
      };
      const expected = ids.filter((id) => reported(id) !== undefined).map((id) => [id, reported(id)]);
      const horizon = dueSoonHorizon(s.asOf, settings);
      const candidates = (await run(values(reportableRows(db, visibilities), { committeeId, asOf: s.asOf, horizon }))).map(toReportRow);
      const candidateIds = new Set(candidates.map((row) => row.id));
      assert.equal(candidateIds.size, candidates.length, 'no action is a candidate twice');
      for (const [id] of expected) assert.ok(candidateIds.has(id as number), `action ${id} is a candidate`);
      const classified = candidates
        .map((row) => {
          const c = classifyOverdue(row, s.asOf, { ...settings, horizon });
          return [row.id, c.overdue ? 'overdue' : c.dueSoon ? 'due soon' : undefined] as const;
        })
        .filter(([, what]) => what !== undefined)
        .sort((a, b) => a[0] - b[0]);
      assert.deepEqual(classified, expected.sort((a, b) => (a[0] as number) - (b[0] as number)), 'the report');
    }),
    { numRuns: 100, seed: 20261206 },
  );
  t.pass('100 random committees agree');
});
