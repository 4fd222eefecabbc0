import t from 'tap';
import { isMunicipalYearLabel, municipalYearOf, municipalYearOfMeeting, municipalYearStart } from '../../src/domain/municipal-year.js';

// The municipal year runs 1 May – 30 April (DESIGN.md "References").

t.test('a date is in the municipal year that began on the last 1 May', async (t) => {
  const cases: Array<[date: string, label: string]> = [
    ['2024-07-15', '24/25'], // DESIGN.md
    ['2025-04-30', '24/25'], // the last day of the year
    ['2025-05-01', '25/26'], // the first day of the next
    ['2024-05-01', '24/25'],
    ['2024-04-30', '23/24'],
    ['2025-01-01', '24/25'],
    ['2024-12-31', '24/25'],
    ['2000-03-15', '99/00'], // the century rolls over in two digits
    ['2099-06-01', '99/00'],
    ['2009-05-20', '09/10'],
  ];
  for (const [date, label] of cases) t.equal(municipalYearOf(date), label, `${date} is in ${label}`);
  t.equal(municipalYearStart('2025-04-30'), 2024);
  t.equal(municipalYearStart('2025-05-01'), 2025);
});

t.test("a meeting's year is that of its local date where the committee sits", async (t) => {
  // 23:30Z on 30 April is 00:30 on 1 May in London (BST): the new year.
  t.equal(municipalYearOfMeeting('2025-04-30T23:30:00Z', 'Europe/London'), '25/26');
  t.equal(municipalYearOfMeeting('2025-04-30T23:30:00Z', 'UTC'), '24/25');
  // 18:30 on 30 April in London, written with its offset: still the old year.
  t.equal(municipalYearOfMeeting('2025-04-30T18:30:00+01:00', 'Europe/London'), '24/25');
  // 1 May 09:00 in Auckland is still 30 April in London.
  t.equal(municipalYearOfMeeting('2025-05-01T09:00:00+12:00', 'Europe/London'), '24/25');
  t.equal(municipalYearOfMeeting('2025-05-01T09:00:00+12:00', 'Pacific/Auckland'), '25/26');
});

t.test('year labels', async (t) => {
  for (const label of ['24/25', '99/00', '00/01']) t.ok(isMunicipalYearLabel(label), label);
  for (const label of ['24/26', '2024/25', '24-25', '24/5', '', '25/24']) t.notOk(isMunicipalYearLabel(label), label);
});
