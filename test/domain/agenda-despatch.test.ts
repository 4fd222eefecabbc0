import t from 'tap';
import fc from 'fast-check';
import { agendaDespatchBy, HolidayCalendar, localDateOf } from '../../src/domain/calendar.js';
import { addDays } from '../../src/domain/local-date.js';

const calendar = HolidayCalendar.englandAndWales();

t.test('five clear working days before the meeting (worked by hand)', async (t) => {
  const cases: Array<[meeting: string, expected: string, why: string]> = [
    ['2024-07-15', '2024-07-05', 'DESIGN.md: Monday 15 July 2024 → Friday 5 July'],
    ['2025-01-06', '2024-12-24', 'DESIGN.md: 25, 26 Dec and 1 Jan are bank holidays'],
    ['2024-09-02', '2024-08-22', 'DESIGN.md report example: over the summer bank holiday'],
    // The Tuesday after Easter Monday: Good Friday and Easter Monday both skipped.
    ['2024-04-02', '2024-03-21', 'Easter 2024'],
    ['2025-04-22', '2025-04-10', 'Easter 2025'],
    ['2026-04-07', '2026-03-26', 'Easter 2026'],
    // Early May and spring bank holidays, including the years they moved.
    ['2024-05-07', '2024-04-26', 'after the early May bank holiday 2024'],
    ['2020-05-11', '2020-04-30', '2020: Fri 8 May (VE Day) off, Mon 4 May worked'],
    ['2023-05-09', '2023-04-27', '2023: early May and the Coronation'],
    ['2024-05-28', '2024-05-17', 'after the spring bank holiday 2024'],
    ['2022-06-06', '2022-05-25', '2022: 2 and 3 June off, 30 May worked'],
    // Summer bank holiday.
    ['2024-08-27', '2024-08-16', 'Tuesday after the summer bank holiday 2024'],
    ['2025-08-26', '2025-08-15', 'Tuesday after the summer bank holiday 2025'],
    // Just after Christmas and New Year, with substitute days.
    ['2021-01-04', '2020-12-22', 'Boxing Day substitute Mon 28 Dec 2020'],
    ['2022-01-04', '2021-12-22', 'Christmas and Boxing Day substitutes 27–28 Dec, New Year 3 Jan'],
    ['2023-01-03', '2022-12-21', 'Christmas substitute 27 Dec, New Year substitute 2 Jan'],
    ['2026-01-05', '2025-12-23', 'Christmas 2025'],
    ['2027-01-05', '2026-12-23', 'Boxing Day substitute Mon 28 Dec 2026'],
    // The Monday after each clock change: nothing special, but must not slip a day.
    ['2025-03-31', '2025-03-21', 'Monday after clocks go forward'],
    ['2025-10-27', '2025-10-17', 'Monday after clocks go back'],
  ];
  for (const [meeting, expected, why] of cases) {
    t.equal(agendaDespatchBy(meeting, 5, calendar), expected, `${meeting}: ${why}`);
  }
});

t.test('meetings given as instants near the clock changes', async (t) => {
  const cases: Array<[startsAt: string, expected: string]> = [
    ['2025-03-31T18:30:00+01:00', '2025-03-21'],
    ['2025-03-31T17:30:00Z', '2025-03-21'],
    ['2025-10-27T18:30:00+00:00', '2025-10-17'],
    // 23:30 UTC on Monday 14 July is 00:30 BST on Tuesday 15 July: one working day later.
    ['2025-07-14T23:30:00Z', '2025-07-07'],
    ['2025-07-14T22:30:00Z', '2025-07-04'],
  ];
  for (const [startsAt, expected] of cases) {
    const meetingDay = localDateOf(startsAt, 'Europe/London');
    t.equal(agendaDespatchBy(meetingDay, 5, calendar), expected, startsAt);
  }
});

t.test('other clear-day settings and council calendars', async (t) => {
  t.equal(agendaDespatchBy('2024-07-15', 3, calendar), '2024-07-09', 'three clear days');
  t.equal(agendaDespatchBy('2024-07-15', 0, calendar), '2024-07-12', 'zero: the working day before');
  t.equal(agendaDespatchBy('2024-07-16', 0, calendar), '2024-07-15');
  t.equal(agendaDespatchBy('2024-07-14', 5, calendar), '2024-07-05', 'a Sunday meeting');
  const closure = calendar.withHolidays([{ date: '2024-07-08', title: 'Council closure' }]);
  t.equal(agendaDespatchBy('2024-07-15', 5, closure), '2024-07-04', 'a closure day is not a clear day');
  const noBoxingDay = calendar.withoutDates(['2024-12-26']);
  t.equal(agendaDespatchBy('2025-01-06', 5, noBoxingDay), '2024-12-26', 'a removed holiday is worked');
  t.throws(() => agendaDespatchBy('2024-07-15', -1, calendar), RangeError);
  t.throws(() => agendaDespatchBy('2024-07-15', 2.5, calendar), RangeError);
});

// Independent of the implementation: count the days one by one.
const clearDaysBetween = (from: string, to: string, cal: HolidayCalendar) => {
  let count = 0;
  for (let d = addDays(from, 1); d < to; d = addDays(d, 1)) if (cal.isWorkingDay(d)) count += 1;
  return count;
};

const meetingDate = fc
  .date({ min: new Date('2017-06-01Z'), max: new Date('2031-06-30Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const clearDays = fc.integer({ min: 0, max: 12 });
// Shipped holidays plus a few random weekday closures near the meeting, to stress the rule.
const councilCalendar = (meeting: string) =>
  fc
    .array(fc.integer({ min: 1, max: 30 }), { maxLength: 6 })
    .map((offsets) =>
      calendar.withHolidays(offsets.map((o) => ({ date: addDays(meeting, -o), title: 'Closure' }))),
    );
const scenario = meetingDate.chain((meeting) =>
  fc.tuple(fc.constant(meeting), clearDays, councilCalendar(meeting)),
);

t.test('properties of agendaDespatchBy', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(scenario, ([meeting, n, cal]) => {
        const despatch = agendaDespatchBy(meeting, n, cal);
        return cal.isWorkingDay(despatch) && despatch < meeting;
      }),
    ),
    'the despatch day is a working day before the meeting',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(scenario, ([meeting, n, cal]) => {
        const despatch = agendaDespatchBy(meeting, n, cal);
        if (clearDaysBetween(despatch, meeting, cal) < n) return false;
        let next = addDays(despatch, 1);
        while (!cal.isWorkingDay(next)) next = addDays(next, 1);
        // The next working day is too late: fewer than n clear days, or not before the meeting.
        return next >= meeting || clearDaysBetween(next, meeting, cal) < n;
      }),
    ),
    'at least N clear working days, and it is the latest such working day',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(meetingDate, fc.integer({ min: 0, max: 60 }), clearDays, (meeting, later, n) => {
        const moved = addDays(meeting, later);
        return agendaDespatchBy(moved, n, calendar) >= agendaDespatchBy(meeting, n, calendar);
      }),
    ),
    'moving a meeting later never moves its despatch day earlier',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(meetingDate, clearDays, (meeting, n) => {
        return agendaDespatchBy(meeting, n + 1, calendar) < agendaDespatchBy(meeting, n, calendar);
      }),
    ),
    'one more clear day always means an earlier despatch day',
  );
});
