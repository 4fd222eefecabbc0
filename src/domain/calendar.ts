import type { HolidayCalendar } from './holiday-calendar.js';
import { addDays, type LocalDate, toDateTime } from './local-date.js';

// Working-day arithmetic and the agenda despatch rule. Working day = Monday–Friday that is not
// a bank holiday or council closure day (the HolidayCalendar decides which).

export { HolidayCalendar, type Holiday, type CalendarChanges } from './holiday-calendar.js';
export { localDateOf, isLocalDate, type LocalDate } from './local-date.js';

export function isWorkingDay(date: LocalDate, calendar: HolidayCalendar): boolean {
  return calendar.isWorkingDay(date);
}

/**
 * Working days strictly between two dates — neither end counts. The order of the arguments does
 * not matter; adjacent or equal dates give 0.
 */
export function workingDaysBetween(a: LocalDate, b: LocalDate, calendar: HolidayCalendar): number {
  const [from, to] = a <= b ? [a, b] : [b, a];
  toDateTime(to);
  let count = 0;
  for (let day = addDays(from, 1); day < to; day = addDays(day, 1)) {
    if (calendar.isWorkingDay(day)) count += 1;
  }
  return count;
}

/**
 * The n-th working day after `date` (before it when n is negative). `date` itself never counts,
 * so n = 0 returns `date` unchanged even when it is not a working day.
 */
export function addWorkingDays(date: LocalDate, n: number, calendar: HolidayCalendar): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`Working days must be an integer, got ${n}`);
  const step = n < 0 ? -1 : 1;
  let day = date;
  toDateTime(day);
  for (let remaining = Math.abs(n); remaining > 0; ) {
    day = addDays(day, step);
    if (calendar.isWorkingDay(day)) remaining -= 1;
  }
  return day;
}

/**
 * The last day the agenda can be published: the latest working day D before the meeting with at
 * least `clearDays` working days strictly between D and the meeting. The agenda must be open to
 * inspection "at least five clear days before the meeting" (Local Government Act 1972
 * s100B(3)); clear days exclude both the day of publication and the day of the meeting. So D is
 * the (clearDays + 1)-th working day before the meeting — with clearDays = 0 it is the working
 * day before, never the meeting day itself.
 */
export function agendaDespatchBy(
  meetingLocalDate: LocalDate,
  clearDays: number,
  calendar: HolidayCalendar,
): LocalDate {
  if (!Number.isInteger(clearDays) || clearDays < 0) {
    throw new RangeError(`Clear days must be a whole number ≥ 0, got ${clearDays}`);
  }
  return addWorkingDays(meetingLocalDate, -(clearDays + 1), calendar);
}
