import t from 'tap';
import { HolidayCalendar } from '../../src/domain/holiday-calendar.js';

const shipped = HolidayCalendar.englandAndWales();

t.test('working days in England and Wales', async (t) => {
  const cases: Array<[date: string, working: boolean, why: string]> = [
    ['2024-07-15', true, 'an ordinary Monday'],
    ['2024-07-13', false, 'Saturday'],
    ['2024-07-14', false, 'Sunday'],
    ['2024-12-24', true, 'Christmas Eve is not a bank holiday'],
    ['2024-12-25', false, 'Christmas Day'],
    ['2024-12-26', false, 'Boxing Day'],
    ['2020-05-04', true, 'first Monday in May 2020 was moved to VE Day'],
    ['2020-05-08', false, 'VE Day 75'],
    ['2022-05-30', true, 'last Monday in May 2022 was moved to 2 June'],
    ['2022-06-03', false, 'Platinum Jubilee'],
    ['2023-05-08', false, 'Coronation'],
    ['2022-12-27', false, 'Christmas Day substitute'],
    ['2031-12-25', true, 'beyond the shipped years only weekends are non-working'],
  ];
  for (const [date, working, why] of cases) {
    t.equal(shipped.isWorkingDay(date), working, `${date}: ${why}`);
  }
});

t.test('councils add closure days and remove or retitle shipped ones', async (t) => {
  const council = HolidayCalendar.englandAndWales({
    added: [
      { date: '2024-12-24', title: 'Council closure' },
      { date: '2024-12-25', title: 'Christmas' },
    ],
    removed: ['2024-12-26', '2024-12-25'],
  });
  t.equal(council.isWorkingDay('2024-12-24'), false, 'closure day added');
  t.equal(council.isWorkingDay('2024-12-26'), true, 'shipped date removed');
  const christmas = { date: '2024-12-25', title: 'Christmas' };
  t.same(council.holidayOn('2024-12-25'), christmas, 'added wins over removed');
  t.equal(shipped.isWorkingDay('2024-12-24'), true, 'the shipped calendar is unchanged');
  t.equal(shipped.holidayOn('2024-12-26')?.title, 'Boxing Day');
});

t.test('withHolidays replaces a date; withoutDates removes it; both leave the original', async (t) => {
  const base = new HolidayCalendar([{ date: '2025-03-03', title: 'Closure' }]);
  const retitled = base.withHolidays([{ date: '2025-03-03', title: 'Staff training' }]);
  t.equal(retitled.holidayOn('2025-03-03')?.title, 'Staff training');
  t.equal(base.holidayOn('2025-03-03')?.title, 'Closure');
  t.equal(base.withoutDates(['2025-03-03']).isHoliday('2025-03-03'), false);
  t.equal(base.isHoliday('2025-03-03'), true);
  t.same(
    retitled.withHolidays([{ date: '2025-01-02', title: 'A' }]).holidays().map((h) => h.date),
    ['2025-01-02', '2025-03-03'],
    'listed in date order',
  );
});

t.test('a malformed date is refused, not silently ignored', async (t) => {
  t.throws(() => new HolidayCalendar([{ date: '2025-13-01', title: 'Nope' }]), RangeError);
  t.throws(() => new HolidayCalendar([{ date: '1/1/2025', title: 'Nope' }]), RangeError);
});
