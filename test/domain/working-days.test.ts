import t from 'tap';
import fc from 'fast-check';
import {
  addWorkingDays,
  HolidayCalendar,
  isWorkingDay,
  workingDaysBetween,
} from '../../src/domain/calendar.js';
import { addDays } from '../../src/domain/local-date.js';

const calendar = HolidayCalendar.englandAndWales();

t.test('workingDaysBetween counts neither end', async (t) => {
  const cases: Array<[a: string, b: string, expected: number, why: string]> = [
    ['2024-07-05', '2024-07-15', 5, 'Fri → Mon week later: Mon–Fri between'],
    ['2024-07-15', '2024-07-05', 5, 'order does not matter'],
    ['2024-07-15', '2024-07-16', 0, 'adjacent days'],
    ['2024-07-15', '2024-07-15', 0, 'the same day'],
    ['2024-07-15', '2024-07-17', 1, 'one day between'],
    ['2024-12-24', '2025-01-06', 5, '25, 26 Dec and 1 Jan are bank holidays'],
    ['2024-03-28', '2024-04-02', 0, 'Good Friday, the weekend and Easter Monday'],
    ['2024-08-23', '2024-08-27', 0, 'the weekend and the summer bank holiday'],
  ];
  for (const [a, b, expected, why] of cases) {
    t.equal(workingDaysBetween(a, b, calendar), expected, `${a}..${b}: ${why}`);
  }
});

t.test('addWorkingDays steps over weekends and holidays', async (t) => {
  const cases: Array<[date: string, n: number, expected: string, why: string]> = [
    ['2024-07-05', 1, '2024-07-08', 'Friday + 1 is Monday'],
    ['2024-07-06', 1, '2024-07-08', 'from a Saturday'],
    ['2024-07-06', 0, '2024-07-06', 'zero keeps the date, even a Saturday'],
    ['2024-12-24', 1, '2024-12-27', 'over Christmas and Boxing Day'],
    ['2024-08-23', 1, '2024-08-27', 'over the summer bank holiday'],
    ['2024-07-15', -6, '2024-07-05', 'backwards'],
    ['2025-01-02', -2, '2024-12-30', 'back over New Year'],
    ['2024-08-23', 10, '2024-09-09', 'ten working days with a bank holiday in them'],
  ];
  for (const [date, n, expected, why] of cases) {
    t.equal(addWorkingDays(date, n, calendar), expected, `${date} ${n >= 0 ? '+' : ''}${n}: ${why}`);
  }
  t.throws(() => addWorkingDays('2024-07-05', 1.5, calendar), RangeError);
  t.throws(() => addWorkingDays('2024-7-5', 1, calendar), RangeError);
});

const date = fc
  .date({ min: new Date('2017-06-01Z'), max: new Date('2031-06-30Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

t.test('properties', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 30 }), (start, n) => {
        const end = addWorkingDays(start, n, calendar);
        // The n-th working day after start is a working day with n − 1 working days before it.
        if (!isWorkingDay(end, calendar) || end <= start) return false;
        return workingDaysBetween(start, end, calendar) === n - 1;
      }),
    ),
    'addWorkingDays(d, n) lands on a working day with n − 1 working days between',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 30 }), (start, n) => {
        const forward = addWorkingDays(start, n, calendar);
        return addWorkingDays(forward, -n, calendar) <= start;
      }),
    ),
    'going back n working days from d + n never passes d',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (a, x, y) => {
        const b = addDays(a, x);
        const c = addDays(b, y);
        const middle = isWorkingDay(b, calendar) ? 1 : 0;
        return (
          workingDaysBetween(a, c, calendar) ===
          workingDaysBetween(a, b, calendar) + middle + workingDaysBetween(b, c, calendar)
        );
      }),
    ),
    'splitting a range at b adds up, counting b once',
  );
});
