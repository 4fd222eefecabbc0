import t from 'tap';
import { DateTime } from 'luxon';
import {
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  SHIPPED_HOLIDAY_YEARS,
} from '../../src/domain/holiday-calendar.js';

// Re-derives every shipped date from the rules, independently of how the data file was made.

// Easter Sundays as published (e.g. by the Church of England), cross-checked below against the
// Anonymous Gregorian ("Meeus/Jones/Butcher") algorithm so a typo in either one fails.
const EASTER_SUNDAY: Record<number, string> = {
  2018: '2018-04-01', 2019: '2019-04-21', 2020: '2020-04-12', 2021: '2021-04-04',
  2022: '2022-04-17', 2023: '2023-04-09', 2024: '2024-03-31', 2025: '2025-04-20',
  2026: '2026-04-05', 2027: '2027-03-28', 2028: '2028-04-16', 2029: '2029-04-01',
  2030: '2030-04-21',
};

function computusGregorian(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.utc(year, month, day).toISODate()!;
}

const day = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const shift = (iso: string, days: number) => day(iso).plus({ days }).toISODate()!;
const mondayOnOrAfter = (iso: string) => shift(iso, (8 - day(iso).weekday) % 7);
const lastMondayOf = (year: number, month: number) => {
  const last = DateTime.utc(year, month, 1).endOf('month');
  return last.minus({ days: (last.weekday + 6) % 7 }).toISODate()!;
};
/** A fixed-date holiday, or the next Monday if it falls at a weekend (Sat → Mon, Sun → Mon). */
const substituted = (iso: string) => (day(iso).weekday >= 6 ? mondayOnOrAfter(iso) : iso);

function expectedFor(year: number): string[] {
  const easter = EASTER_SUNDAY[year]!;
  const dates = [
    substituted(`${year}-01-01`),
    shift(easter, -2),
    shift(easter, 1),
    year === 2020 ? '2020-05-08' : mondayOnOrAfter(`${year}-05-01`), // VE Day 75
    year === 2022 ? '2022-06-02' : lastMondayOf(year, 5), // moved for the Platinum Jubilee
    lastMondayOf(year, 8),
  ];
  if (year === 2022) dates.push('2022-06-03', '2022-09-19'); // Jubilee; State Funeral
  if (year === 2023) dates.push('2023-05-08'); // Coronation
  // Christmas and Boxing Day: a day at a weekend moves to the next weekday not already taken.
  const christmas = day(`${year}-12-25`).weekday;
  if (christmas === 5) dates.push(`${year}-12-25`, `${year}-12-28`);
  else if (christmas === 6) dates.push(`${year}-12-27`, `${year}-12-28`);
  else if (christmas === 7) dates.push(`${year}-12-26`, `${year}-12-27`);
  else dates.push(`${year}-12-25`, `${year}-12-26`);
  return dates.sort();
}

const years = Array.from({ length: 13 }, (_, i) => 2018 + i);

t.same(SHIPPED_HOLIDAY_YEARS, { first: 2018, last: 2030 }, 'covers 2018–2030');

for (const year of years) {
  t.equal(computusGregorian(year), EASTER_SUNDAY[year], `Easter ${year}: table agrees with computus`);
  t.equal(day(EASTER_SUNDAY[year]!).weekday, 7, `Easter ${year} is a Sunday`);
  const shipped = ENGLAND_AND_WALES_BANK_HOLIDAYS.filter((h) => h.date.startsWith(`${year}-`));
  t.same(shipped.map((h) => h.date).sort(), expectedFor(year), `${year} matches the rules`);
  const easter = EASTER_SUNDAY[year]!;
  const titled = (title: string) => shipped.find((h) => h.title === title)?.date;
  t.equal(titled('Good Friday'), shift(easter, -2), `Good Friday ${year}`);
  t.equal(titled('Easter Monday'), shift(easter, 1), `Easter Monday ${year}`);
}

t.test('every shipped date is a distinct weekday with a title', async (t) => {
  const dates = ENGLAND_AND_WALES_BANK_HOLIDAYS.map((h) => h.date);
  t.equal(new Set(dates).size, dates.length, 'no duplicates');
  t.same(dates, [...dates].sort(), 'in date order');
  for (const { date, title } of ENGLAND_AND_WALES_BANK_HOLIDAYS) {
    t.ok(day(date).weekday <= 5, `${date} is Monday–Friday`);
    t.ok(title.length > 0, `${date} has a title`);
  }
});

t.test('substitute days say so in their title', async (t) => {
  const titleOn = (date: string) => ENGLAND_AND_WALES_BANK_HOLIDAYS.find((h) => h.date === date)?.title;
  t.equal(titleOn('2020-12-28'), 'Boxing Day (substitute day)');
  t.equal(titleOn('2022-12-27'), 'Christmas Day (substitute day)');
  t.equal(titleOn('2023-01-02'), 'New Year’s Day (substitute day)');
  t.equal(titleOn('2022-09-19'), 'Bank Holiday for the State Funeral of Queen Elizabeth II');
});
