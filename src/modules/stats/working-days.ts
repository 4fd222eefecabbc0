import { isWorkingDay, workingDaysBetween, type HolidayCalendar, type LocalDate } from '../../domain/calendar.js';

/**
 * Working days taken to respond: those after the day the action was raised up to and including
 * the day of the response. A response on the day of the meeting (or earlier, as recorded) took 0.
 */
export function workingDaysToRespond(raisedOn: LocalDate, respondedOn: LocalDate, calendar: HolidayCalendar): number {
  if (respondedOn <= raisedOn) return 0;
  return workingDaysBetween(raisedOn, respondedOn, calendar) + (isWorkingDay(respondedOn, calendar) ? 1 : 0);
}

/** The median of values given with how often each occurs; null when there are none. */
export function weightedMedian(values: { value: number; count: number }[]): number | null {
  const sorted = values.filter((v) => v.count > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, v) => sum + v.count, 0);
  if (total === 0) return null;
  // The middle value, or the mean of the two middle values when the count is even.
  const at = (position: number) => {
    let seen = 0;
    for (const v of sorted) {
      seen += v.count;
      if (position < seen) return v.value;
    }
    return sorted[sorted.length - 1]!.value;
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}
