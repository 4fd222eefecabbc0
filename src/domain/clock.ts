import { DateTime } from 'luxon';
import type { LocalDate } from './local-date.js';

/** Today's date where the committee sits (Europe/London by default), not in UTC. */
export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}
