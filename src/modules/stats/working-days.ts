import { isWorkingDay, type HolidayCalendar, type LocalDate } from '../../domain/calendar.js';
import { addDays } from '../../domain/local-date.js';

/**
 * Working days taken to respond: those after the day the action was raised up to and including
 * the day of the response (a response on the day of the meeting, or recorded before it, took 0).
 * Counted for many pairs of days at once: each day's running count of working days is found in
 * one walk of the calendar over the span of the days, so a pair costs a subtraction.
 */
export function workingDaysToRespond(pairs: { raisedOn: LocalDate; respondedOn: LocalDate }[], calendar: HolidayCalendar): number[] {
  const days = [...new Set(pairs.flatMap((p) => [p.raisedOn, p.respondedOn]))].sort();
  const runningCount = new Map<LocalDate, number>();
  let count = 0;
  let day = days[0];
  for (const wanted of days) {
    for (; day! <= wanted; day = addDays(day!, 1)) {
      if (isWorkingDay(day!, calendar)) count += 1;
      if (day === wanted) runningCount.set(day, count);
    }
  }
  return pairs.map(({ raisedOn, respondedOn }) =>
    respondedOn <= raisedOn ? 0 : runningCount.get(respondedOn)! - runningCount.get(raisedOn)!);
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
