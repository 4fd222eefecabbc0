import t from 'tap';
import { HolidayCalendar } from '../../src/domain/calendar.js';
import { medianOfCounts, weightedMedian, WorkingDayCounter } from '../../src/modules/stats/working-days.js';

const calendar = HolidayCalendar.englandAndWales();

t.test('working days to respond: after the raised day, up to and including the response', async (t) => {
  const workingDaysToRespond = (pairs: { raisedOn: string; respondedOn: string }[]) => {
    const counter = new WorkingDayCounter(calendar);
    return pairs.map((p) => counter.toRespond(p.raisedOn, p.respondedOn));
  };
  t.same(
    workingDaysToRespond([
      { raisedOn: '2024-07-15', respondedOn: '2024-07-19' }, // Monday → Friday
      { raisedOn: '2024-07-19', respondedOn: '2024-07-22' }, // Friday → Monday: the weekend does not count
      { raisedOn: '2024-08-22', respondedOn: '2024-08-27' }, // over the summer bank holiday
      { raisedOn: '2024-07-15', respondedOn: '2024-07-15' }, // the same day
      { raisedOn: '2024-07-15', respondedOn: '2024-07-10' }, // recorded before the meeting
      { raisedOn: '2024-07-15', respondedOn: '2024-08-23' },
      { raisedOn: '2024-12-20', respondedOn: '2025-01-02' }, // Christmas, Boxing Day, New Year's Day
    ]),
    [4, 1, 2, 0, 0, 29, 6],
  );
  // The same pairs again in another order: the days counted grow backwards as well as forwards.
  t.same(
    workingDaysToRespond([
      { raisedOn: '2024-12-20', respondedOn: '2025-01-02' },
      { raisedOn: '2024-08-22', respondedOn: '2024-08-27' },
      { raisedOn: '2024-07-15', respondedOn: '2024-08-23' },
      { raisedOn: '2024-07-19', respondedOn: '2024-07-22' },
      { raisedOn: '2024-07-15', respondedOn: '2024-07-19' },
    ]),
    [6, 2, 29, 1, 4],
  );
  t.same(workingDaysToRespond([]), []);
});

t.test('the median of counted values', async (t) => {
  t.equal(weightedMedian([]), null);
  t.equal(weightedMedian([{ value: 4, count: 1 }, { value: 29, count: 1 }]), 16.5);
  t.equal(weightedMedian([{ value: 10, count: 1 }, { value: 2, count: 3 }]), 2);
  t.equal(weightedMedian([{ value: 1, count: 2 }, { value: 3, count: 2 }]), 2);
  t.equal(weightedMedian([{ value: 5, count: 0 }, { value: 7, count: 1 }]), 7);
  t.equal(medianOfCounts(new Map([[10, 1], [2, 3]])), 2);
  t.equal(medianOfCounts(undefined), null);
});
