import t from 'tap';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { InvalidFieldError } from '../../src/errors.js';
import {
  parseFinancialQuarter,
  quarterContaining,
  quarterEndDate,
  quarterStartDate,
} from '../../src/domain/financial-quarter.js';

t.test('quarter start and end dates', async (t) => {
  const cases: Array<[label: string, start: string, end: string]> = [
    ['2024-25 Q1', '2024-04-01', '2024-06-30'],
    ['2024-25 Q2', '2024-07-01', '2024-09-30'],
    ['2024-25 Q3', '2024-10-01', '2024-12-31'],
    ['2023-24 Q3', '2023-10-01', '2023-12-31'], // DESIGN.md
    ['2023-24 Q4', '2024-01-01', '2024-03-31'],
    ['1999-00 Q4', '2000-01-01', '2000-03-31'], // the century rolls over in two digits
    ['2099-00 Q1', '2099-04-01', '2099-06-30'],
  ];
  for (const [label, start, end] of cases) {
    t.equal(quarterStartDate(label), start, `${label} starts ${start}`);
    t.equal(quarterEndDate(label), end, `${label} ends ${end}`);
  }
});

t.test('malformed labels are refused naming the field the caller names', async (t) => {
  const bad = [
    '2024-26 Q3', // second year must be the first + 1
    '2024-2025 Q3',
    '2024/25 Q3',
    '2024-25 Q5',
    '2024-25 Q0',
    '2024-25 q3',
    '2024-25Q3',
    ' 2024-25 Q3',
    'Q3 2024-25',
    '',
    '9999-00 Q1',
  ];
  for (const label of bad) {
    t.throws(() => quarterEndDate(label), InvalidFieldError, JSON.stringify(label));
  }
  try {
    quarterEndDate('2024-26 Q3', 'actions/2/dueQuarter');
    t.fail('should have thrown');
  } catch (error) {
    t.ok(error instanceof InvalidFieldError);
    const { errors } = error as InvalidFieldError;
    t.equal(errors.length, 1);
    t.equal(errors[0]?.field, 'actions/2/dueQuarter');
    t.match(errors[0]?.detail, /2024-25/, 'says what the year should be');
  }
  try {
    parseFinancialQuarter('soon');
    t.fail('should have thrown');
  } catch (error) {
    t.equal((error as InvalidFieldError).errors[0]?.field, 'dueQuarter', 'default field');
  }
});

t.test('quarterContaining', async (t) => {
  const cases: Array<[date: string, label: string]> = [
    ['2023-11-05', '2023-24 Q3'],
    ['2024-01-01', '2023-24 Q4'],
    ['2024-03-31', '2023-24 Q4'],
    ['2024-04-01', '2024-25 Q1'],
    ['2024-06-30', '2024-25 Q1'],
    ['2024-07-01', '2024-25 Q2'],
    ['2024-09-30', '2024-25 Q2'],
    ['2024-10-01', '2024-25 Q3'],
    ['2024-12-31', '2024-25 Q3'],
    ['2000-02-29', '1999-00 Q4'],
  ];
  for (const [date, label] of cases) t.equal(quarterContaining(date), label, date);
});

const anyDate = fc
  .date({ min: new Date('1900-01-01Z'), max: new Date('2199-12-31Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

t.test('properties', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(anyDate, (date) => {
        const end = DateTime.fromISO(quarterEndDate(quarterContaining(date)), { zone: 'utc' });
        // The last day of March, June, September or December.
        return [3, 6, 9, 12].includes(end.month) && end.plus({ days: 1 }).day === 1;
      }),
    ),
    'a quarter ends on the last day of Mar/Jun/Sep/Dec',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(anyDate, (date) => {
        const label = quarterContaining(date);
        return quarterStartDate(label) <= date && date <= quarterEndDate(label);
      }),
    ),
    'a date lies inside the quarter said to contain it',
  );
});
