import t from 'tap';
import { agendaDespatchBy, HolidayCalendar, localDateOf } from '../../src/domain/calendar.js';
import {
  type DueContext,
  type DueFields,
  type DueMeeting,
  type MeetingStatus,
  nextMeetingAfter,
  nextMeetingAsOf,
  resolveDue,
} from '../../src/domain/due.js';
import { InvalidFieldError } from '../../src/errors.js';

const calendar = HolidayCalendar.englandAndWales();

/** A meeting as the meetings' writes keep it: its despatch date from the calendar and clear days. */
const meeting = (id: number, startsAt: string, status: MeetingStatus = 'scheduled', clearDays = 5): DueMeeting => {
  const localDate = localDateOf(startsAt, 'Europe/London');
  return { id, startsAt, localDate, status, agendaDespatchBy: agendaDespatchBy(localDate, clearDays, calendar) };
};

const raisedAt = meeting(1, '2024-06-10T18:30:00+01:00', 'held');
// Deliberately out of order: resolution must order by start time, not by id or position.
const committeeMeetings = (statuses: Partial<Record<number, MeetingStatus>> = {}, clearDays = 5) => [
  meeting(4, '2025-01-06T18:30:00+00:00', statuses[4], clearDays),
  raisedAt,
  meeting(3, '2024-09-02T18:30:00+01:00', statuses[3], clearDays),
  meeting(2, '2024-07-15T18:30:00+01:00', statuses[2], clearDays),
];
const context = (overrides: Partial<DueContext> = {}): DueContext => ({
  raisedAt,
  meetings: committeeMeetings(),
  ...overrides,
});

/** The fields named by an InvalidFieldError thrown by fn. */
function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidFieldError) return error.errors.map((e) => e.field);
    throw error;
  }
  return [];
}

t.test('explicit due rules', async (t) => {
  t.same(resolveDue({ dueMeetingId: 3 }, context()), {
    dueRule: 'meeting', dueMeetingId: 3, dueDate: '2024-08-22', dueQuarter: null,
  }, 'a named meeting: due by its agenda despatch date');
  t.same(resolveDue({ dueMeetingId: 4 }, context()), {
    dueRule: 'meeting', dueMeetingId: 4, dueDate: '2024-12-24', dueQuarter: null,
  }, 'a January meeting: despatch before Christmas');
  const cancelled = context({ meetings: committeeMeetings({ 2: 'cancelled' }) });
  t.same(
    resolveDue({ dueMeetingId: 2 }, cancelled).dueMeetingId,
    2,
    'a meeting named explicitly stays the due meeting when cancelled',
  );
  const threeClearDays = context({ meetings: committeeMeetings({}, 3) });
  t.equal(resolveDue({ dueMeetingId: 2 }, threeClearDays).dueDate, '2024-07-09', "the meeting's own despatch date (clear days setting)");
  t.same(resolveDue({ dueDate: '2024-08-01' }, context()), {
    dueRule: 'date', dueMeetingId: null, dueDate: '2024-08-01', dueQuarter: null,
  });
  t.same(resolveDue({ dueQuarter: '2024-25 Q3' }, context()), {
    dueRule: 'quarter', dueMeetingId: null, dueDate: '2024-12-31', dueQuarter: '2024-25 Q3',
  });
  const withNulls = { dueMeetingId: null, dueDate: '2024-08-01', dueQuarter: null };
  t.same(resolveDue(withNulls, context()).dueRule, 'date', 'null is absent');
});

t.test('next meeting after the one it was raised at', async (t) => {
  type Statuses = Partial<Record<number, MeetingStatus>>;
  const cases: Array<[statuses: Statuses, id: number | null, date: string | null, why: string]> = [
    [{}, 2, '2024-07-05', 'the next scheduled meeting'],
    [{ 2: 'cancelled' }, 3, '2024-08-22', 'a cancelled meeting is skipped'],
    [{ 2: 'postponed' }, 3, '2024-08-22', 'a postponed meeting is skipped'],
    [{ 2: 'held' }, 3, '2024-08-22', 'still unanswered after the meeting was held: moves on'],
    [{ 2: 'held', 3: 'cancelled' }, 4, '2024-12-24', 'skips several'],
    [{ 2: 'cancelled', 3: 'cancelled', 4: 'postponed' }, null, null, 'no meeting left: not due yet'],
  ];
  for (const [statuses, id, date, why] of cases) {
    t.same(resolveDue({}, context({ meetings: committeeMeetings(statuses) })), {
      dueRule: 'next_meeting', dueMeetingId: id, dueDate: date, dueQuarter: null,
    }, why);
  }
});

t.test('"after" compares instants, whatever offset they are written with', async (t) => {
  const sameInstant = meeting(5, '2024-06-10T17:30:00Z');
  const laterThatEvening = meeting(6, '2024-06-10T20:00:00+01:00');
  const next = nextMeetingAfter([sameInstant, laterThatEvening], raisedAt);
  t.equal(next?.id, 6, 'the raised-at instant itself is not after it');
  // Across the October clock change: 01:10+00:00 is 40 minutes after 01:30+01:00.
  const raised = { startsAt: '2024-10-27T01:30:00+01:00' };
  const after = meeting(7, '2024-10-27T01:10:00+00:00');
  t.equal(nextMeetingAfter([after], raised)?.id, 7);
  t.equal(nextMeetingAfter([], raised), null);
});

t.test('bad due fields are refused naming each domain field', async (t) => {
  t.same(fieldsOf(() => resolveDue({ dueMeetingId: 2, dueDate: '2024-08-01' }, context())), [
    'dueMeetingId', 'dueDate',
  ], 'two given');
  const all = { dueMeetingId: 2, dueDate: '2024-08-01', dueQuarter: '2024-25 Q3' };
  t.same(fieldsOf(() => resolveDue(all, context())), [
    'dueMeetingId', 'dueDate', 'dueQuarter',
  ], 'three given');
  const badOne = (fields: DueFields) => fieldsOf(() => resolveDue(fields, context()));
  t.same(badOne({ dueMeetingId: 99 }), ['dueMeetingId'], 'unknown meeting');
  t.same(badOne({ dueDate: '2024-02-30' }), ['dueDate'], 'not a date');
  t.same(badOne({ dueQuarter: '2024-26 Q3' }), ['dueQuarter'], 'bad quarter');
  t.same(
    fieldsOf(() => resolveDue({ dueQuarter: 'Q3' }, context({ field: 'actions/0' }))),
    ['actions/0/dueQuarter'],
    'the caller chooses where the fields live',
  );
  t.throws(() => resolveDue({ dueDate: '2024-08-01', dueQuarter: '2024-25 Q3' }, context()), {
    message: /at most one of dueMeetingId, dueDate and dueQuarter/,
  });
});

t.test('nextMeetingAsOf: the first scheduled meeting on or after the day', async (t) => {
  const meetings = committeeMeetings();
  t.equal(nextMeetingAsOf(meetings, '2024-07-15')?.id, 2, 'a meeting that day counts');
  t.equal(nextMeetingAsOf(meetings, '2024-07-16')?.id, 3);
  t.equal(nextMeetingAsOf(meetings, '2024-06-01')?.id, 2, 'held meetings are not next');
  t.equal(nextMeetingAsOf(committeeMeetings({ 2: 'cancelled' }), '2024-07-01')?.id, 3);
  t.equal(nextMeetingAsOf(meetings, '2025-01-07'), null, 'none left');
  // 23:30 UTC on Sunday 30 March 2025 is 00:30 BST on Monday 31 March: local dates decide.
  const lateNight = meeting(8, '2025-03-30T23:30:00Z');
  t.equal(lateNight.localDate, '2025-03-31');
  t.equal(nextMeetingAsOf([lateNight], '2025-03-31')?.id, 8);
  t.equal(nextMeetingAsOf([lateNight], '2025-04-01'), null);
});
