import t from 'tap';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { responseDueOn } from '../../src/domain/executive-response.js';

t.test('two months beginning with the later of receivedOn and noticeOn (s9FE)', async (t) => {
  const cases: Array<[receivedOn: string, noticeOn: string | null, due: string, why: string]> = [
    ['2024-03-10', null, '2024-05-09', 'DESIGN.md: received 10 March → 9 May'],
    ['2024-03-10', '2024-03-20', '2024-05-19', 'a later notice starts the period'],
    ['2024-03-20', '2024-03-10', '2024-05-19', 'an earlier notice does not'],
    ['2024-03-10', '2024-03-10', '2024-05-09', 'same day'],
    ['2024-03-01', null, '2024-04-30', 'from the 1st: the whole of March and April'],
    ['2023-03-01', null, '2023-04-30', 'not 28 April after a short February'],
    ['2024-07-01', null, '2024-08-31', 'ends on the 31st'],
    ['2024-01-01', null, '2024-02-29', 'January and February of a leap year'],
    ['2025-01-01', null, '2025-02-28', 'January and February'],
    ['2024-11-30', null, '2025-01-29', '30 January exists: the day before'],
    ['2024-12-31', null, '2025-02-28', 'no 31 February: the last day of February'],
    ['2023-12-31', null, '2024-02-29', 'the last day of February in a leap year'],
    ['2024-12-30', null, '2025-02-28', 'no 30 February'],
    ['2024-12-29', null, '2025-02-28', 'no 29 February in 2025'],
    ['2023-12-29', null, '2024-02-28', '29 February 2024 exists: the day before'],
    ['2024-12-28', null, '2025-02-27', '28 February exists: the day before'],
    ['2024-08-31', null, '2024-10-30', '31 October exists'],
    ['2024-07-31', null, '2024-09-30', 'no 31 September'],
    ['2024-02-29', null, '2024-04-28', 'from a leap day'],
  ];
  for (const [receivedOn, noticeOn, due, why] of cases) {
    t.equal(responseDueOn(receivedOn, noticeOn), due, `${receivedOn} / ${noticeOn ?? '–'}: ${why}`);
  }
  t.equal(responseDueOn('2024-03-10'), '2024-05-09', 'noticeOn may be left out');
  t.throws(() => responseDueOn('10/03/2024'), RangeError);
  t.throws(() => responseDueOn('2024-03-10', '2024-02-30'), RangeError);
});

const day = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const date = fc
  .date({ min: new Date('1990-01-01Z'), max: new Date('2100-12-31Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

t.test('properties', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, (start) => {
        const due = responseDueOn(start);
        const twoMonthsOn = day(start).plus({ months: 2 }); // luxon clamps to the month's end
        const clamped = twoMonthsOn.day !== day(start).day;
        // After the start, and before the same date two months on — or, when that month has no
        // such date, on its last day.
        const limit = twoMonthsOn.toISODate()!;
        return due > start && (clamped ? due === limit : due < limit);
      }),
    ),
    'responseDueOn is after the later date and less than two months on',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, (start) => {
        const due = day(responseDueOn(start));
        // The period is two whole months: the next day is two months after the start, as near
        // as the calendar allows — the corresponding date, or the 1st after a short month.
        const next = due.plus({ days: 1 });
        const target = day(start).startOf('month').plus({ months: 2 });
        return (next.hasSame(target, 'month') && next.day === day(start).day) ||
          (next.day === 1 && next.hasSame(target.plus({ months: 1 }), 'month'));
      }),
    ),
    'the day after responseDueOn starts the next two-month period',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 400 }), (start, later) => {
        const moved = day(start).plus({ days: later }).toISODate()!;
        return responseDueOn(moved) >= responseDueOn(start);
      }),
    ),
    'a later start never gives an earlier due date',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(date, date, (a, b) => responseDueOn(a, b) === responseDueOn(a > b ? a : b)),
    ),
    'only the later of the two dates matters',
  );
});
