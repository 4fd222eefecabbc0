import t from 'tap';
import { findDate, findDates, findTime, startsAtFor, timeAtStart } from '../../src/import/dates.js';

t.test('dates in the ways minutes write them', async (t) => {
  t.equal(findDate('Monday, 15th July, 2024 6.30 p.m.')?.date, '2024-07-15');
  t.equal(findDate('held on 8 January 2024')?.date, '2024-01-08');
  t.equal(findDate('Meeting: 02/03/2022 - Cabinet')?.date, '2022-03-02', 'UK day/month order');
  t.equal(findDate('on 2024-03-05')?.date, '2024-03-05');
  t.equal(findDate('March 5, 2024')?.date, '2024-03-05');
  t.equal(findDate('on 31/02/2024'), null, 'not a real date');
  t.same(findDates('from 1 July to 30 September 2023').map((d) => d.date), ['2023-09-30']);
});

t.test('times, including those run into the year by an export', async (t) => {
  const runIn = findDate('Tuesday, 5th March, 20247.00pm');
  t.equal(runIn?.date, '2024-03-05');
  t.equal(timeAtStart('Tuesday, 5th March, 20247.00pm'.slice(runIn?.end)), '19:00');
  t.equal(timeAtStart(' 6.30 p.m.'), '18:30');
  t.equal(timeAtStart(' at 10am'), '10:00');
  t.equal(timeAtStart(', 12 noon'), '12:00');
  t.equal(timeAtStart(' 18:30'), '18:30');
  t.equal(timeAtStart(' in the Council Chamber'), null);
  t.equal(findTime('Time: 7.00 pm'), '19:00');
  t.equal(findTime('12.00 am'), '00:00');
  t.equal(findTime('Items 1-5'), null);
});

t.test('startsAt carries the London offset of that day', async (t) => {
  t.equal(startsAtFor('2024-07-15', '18:30', 'Europe/London'), '2024-07-15T18:30:00+01:00');
  t.equal(startsAtFor('2024-01-08', '18:30', 'Europe/London'), '2024-01-08T18:30:00+00:00');
  t.equal(startsAtFor('2024-01-08', null, 'Europe/London'), null);
  t.equal(startsAtFor('2024-01-08', '10:00', 'Not/AZone'), null);
});
