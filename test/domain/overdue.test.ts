import t, { type Test } from 'tap';
import fc from 'fast-check';
import { HolidayCalendar } from '../../src/domain/calendar.js';
import {
  classifyOverdue,
  dueSoonHorizon,
  isOverdue,
  type OverdueClassification,
  type OverdueSubject,
} from '../../src/domain/overdue.js';
import { ACTION_STATUSES } from '../../src/domain/action-lifecycle.js';
import { addDays, daysFromTo } from '../../src/domain/local-date.js';

const settings = { calendar: HolidayCalendar.englandAndWales(), reminderWorkingDays: 10 };
// Friday 23 August 2024 (DESIGN.md's report example). Ten working days on, over the summer
// bank holiday (Mon 26 Aug), is Monday 9 September.
const asOf = '2024-08-23';

type Expected = OverdueClassification;
type Reason = Expected['reasons'][number];
type Status = OverdueSubject['status'];

const overdue = (dueBy: string, daysOverdue: number, ...reasons: Reason[]): Expected => ({
  overdue: true, dueSoon: false, dueBy, daysOverdue, reasons,
});
const notOverdue = (dueBy: string | null, dueSoon: boolean): Expected => ({
  overdue: false, dueSoon, dueBy, daysOverdue: null, reasons: [],
});
const action = (status: Status, dueDate: string | null): OverdueSubject => ({ status, dueDate });
const recommendation = (
  status: Status,
  dueDate: string | null,
  responseDueOn: string,
  executiveResponse: OverdueSubject['executiveResponse'] = 'pending',
): OverdueSubject => ({ status, dueDate, executiveResponse, responseDueOn });

function check(t: Test, cases: Array<[OverdueSubject, Expected, string]>) {
  for (const [subject, expected, why] of cases) {
    t.same(classifyOverdue(subject, asOf, settings), expected, why);
    t.equal(isOverdue(subject, asOf), expected.overdue, `isOverdue agrees: ${why}`);
  }
}

t.test('classification as of a day', async (t) => {
  check(t, [
    [action('open', '2024-08-22'), overdue('2024-08-22', 1, 'due_date_passed'), 'DESIGN.md example'],
    [action('in_progress', '2024-07-23'), overdue('2024-07-23', 31, 'due_date_passed'), 'a month'],
    [action('responded', '2024-08-22'), notOverdue(null, false), 'responded: not overdue'],
    [action('closed', '2024-08-22'), notOverdue(null, false), 'closed'],
    [action('withdrawn', '2024-08-22'), notOverdue(null, false), 'withdrawn'],
    [action('open', '2024-08-23'), notOverdue('2024-08-23', true), 'due today: soon, not overdue'],
    [action('open', '2024-09-09'), notOverdue('2024-09-09', true), 'the tenth working day'],
    [action('open', '2024-09-10'), notOverdue('2024-09-10', false), 'the eleventh working day'],
    [action('in_progress', '2024-08-27'), notOverdue('2024-08-27', true), 'after the bank holiday'],
    [action('open', null), notOverdue(null, false), 'next meeting not yet scheduled'],
  ]);
});

t.test('recommendations awaiting the executive response (s9FE)', async (t) => {
  const late: Reason = 'executive_response_late';
  const passed: Reason = 'due_date_passed';
  check(t, [
    [recommendation('open', '2024-09-30', '2024-08-01'), overdue('2024-08-01', 22, late),
      'response late, own due date not yet'],
    [recommendation('open', '2024-08-10', '2024-08-01'), overdue('2024-08-01', 22, late, passed),
      'both missed: the earlier is reported'],
    [recommendation('open', '2024-07-01', '2024-08-01'), overdue('2024-07-01', 53, passed, late),
      'both missed, the other way round'],
    [recommendation('responded', '2024-07-01', '2024-08-01'), overdue('2024-08-01', 22, late),
      'responded, but the executive is still silent'],
    [recommendation('closed', null, '2024-08-01'), notOverdue(null, false), 'closed: never overdue'],
    [recommendation('withdrawn', null, '2024-08-01'), notOverdue(null, false), 'withdrawn'],
    [recommendation('open', '2024-09-30', '2024-08-01', 'accepted'), notOverdue('2024-09-30', false),
      'the executive has responded'],
    [recommendation('open', '2024-09-30', '2024-08-23'), notOverdue('2024-08-23', true),
      'response due today'],
    [recommendation('open', '2024-12-31', '2024-08-30'), notOverdue('2024-08-30', true),
      'the response deadline is the one coming up'],
    [recommendation('responded', null, '2024-08-30'), notOverdue('2024-08-30', false),
      'due soon only while open or in progress'],
  ]);
});

t.test('reminder window and calendar', async (t) => {
  const within = (dueDate: string, day: string, reminderWorkingDays: number) =>
    classifyOverdue(action('open', dueDate), day, { ...settings, reminderWorkingDays }).dueSoon;
  t.equal(within(asOf, asOf, 0), true, 'zero working days: only today');
  t.equal(within('2024-08-24', asOf, 0), false);
  // Three working days from Friday 20 December 2024: 23, 24 and 27 December.
  t.equal(within('2024-12-27', '2024-12-20', 3), true);
  t.equal(within('2024-12-30', '2024-12-20', 3), false);
  t.throws(() => within('2024-12-30', asOf, -1), RangeError);
  t.throws(() => isOverdue(action('open', '2024-08-01'), '23/08/2024'), RangeError);
});

t.test('daysOverdue counts calendar days, across clock changes too', async (t) => {
  const days = (dueDate: string, day: string) =>
    classifyOverdue(action('open', dueDate), day, settings).daysOverdue;
  t.equal(days('2024-03-30', '2024-04-01'), 2, 'clocks go forward on 31 March');
  t.equal(days('2024-10-26', '2024-10-28'), 2, 'clocks go back on 27 October');
  t.equal(days('2023-08-23', '2024-08-23'), 366, 'a year with 29 February in it');
});

const date = fc
  .date({ min: new Date('2018-01-01Z'), max: new Date('2030-12-31Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const subject = fc.record({
  status: fc.constantFrom(...ACTION_STATUSES),
  dueDate: fc.option(date),
  executiveResponse: fc.option(fc.constantFrom('pending', 'accepted', 'not_accepted' as const)),
  responseDueOn: fc.option(date),
});

t.test('properties', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(subject, date, fc.integer({ min: 0, max: 20 }), (action, day, n) => {
        const c = classifyOverdue(action, day, { ...settings, reminderWorkingDays: n });
        if (c.overdue) {
          // Overdue: reported against a date before the day, counted from that date.
          if (c.dueSoon || c.dueBy === null || c.dueBy >= day) return false;
          return c.daysOverdue === daysFromTo(c.dueBy, day);
        }
        return c.daysOverdue === null && (!c.dueSoon || (c.dueBy !== null && c.dueBy >= day));
      }),
    ),
    'overdue and due soon exclude each other, and the numbers agree with the dates',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, fc.integer({ min: -30, max: 30 }), (day, offset) => {
        const dueDate = addDays(day, offset);
        return isOverdue({ status: 'open', dueDate }, day) === offset < 0;
      }),
    ),
    'an open action is overdue exactly when its due-by date is before the day',
  );
});

t.test('the due-soon window: worked out by dueSoonHorizon, or passed in once for a whole report', async (t) => {
  t.equal(dueSoonHorizon(asOf, settings), '2024-09-09', 'ten working days over the bank holiday');
  t.throws(() => dueSoonHorizon(asOf, { ...settings, reminderWorkingDays: 2.5 }), RangeError);
  const open = action('open', '2024-09-20');
  t.equal(classifyOverdue(open, asOf, settings).dueSoon, false, 'beyond the window');
  t.equal(classifyOverdue(open, asOf, { ...settings, horizon: '2024-09-20' }).dueSoon, true, 'a horizon given is the one used');
});
