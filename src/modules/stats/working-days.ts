import { isWorkingDay, type HolidayCalendar, type LocalDate } from '../../domain/calendar.js';
import { addDays } from '../../domain/local-date.js';

/**
 * Working days taken to respond: those after the day the action was raised up to and including
 * the day of the response (a response on the day of the meeting, or recorded before it, took 0).
 * Counted for many pairs of days: each day's running count of working days is found once, by
 * walking the calendar outwards from the days already counted, so a pair costs two look-ups and a
 * subtraction however many there are.
 */
export class WorkingDayCounter {
  /** Working days up to and including each day, from an arbitrary origin; only differences mean anything. */
  private readonly running = new Map<LocalDate, number>();
  private first: LocalDate | undefined;
  private last: LocalDate | undefined;
  private lastRaised: LocalDate | undefined;
  private lastRaisedCount = 0;

  constructor(private readonly calendar: HolidayCalendar) {}

  toRespond(raisedOn: LocalDate, respondedOn: LocalDate): number {
    if (respondedOn <= raisedOn) return 0;
    // The raised day is most often the one asked about last (a meeting's responses come together).
    if (raisedOn !== this.lastRaised) {
      this.lastRaised = raisedOn;
      this.lastRaisedCount = this.upTo(raisedOn);
    }
    return this.upTo(respondedOn) - this.lastRaisedCount;
  }

  private upTo(day: LocalDate): number {
    const known = this.running.get(day);
    if (known !== undefined) return known;
    if (this.first === undefined || this.last === undefined) {
      this.first = this.last = day;
      this.running.set(day, 0);
      return 0;
    }
    // The days counted are always one unbroken span, from first to last.
    if (day > this.last) {
      let count = this.running.get(this.last)!;
      for (let d = this.last; d < day;) {
        d = addDays(d, 1);
        if (isWorkingDay(d, this.calendar)) count += 1;
        this.running.set(d, count);
      }
      this.last = day;
      return count;
    }
    let count = this.running.get(this.first)!;
    for (let d = this.first; d > day;) {
      if (isWorkingDay(d, this.calendar)) count -= 1;
      d = addDays(d, -1);
      this.running.set(d, count);
    }
    this.first = day;
    return count;
  }
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

/** weightedMedian of a histogram: how many times each value occurs. */
export const medianOfCounts = (histogram: Map<number, number> | undefined): number | null =>
  weightedMedian([...(histogram ?? [])].map(([value, count]) => ({ value, count })));
