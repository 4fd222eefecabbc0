import { DateTime } from 'luxon';
import type { LocalDate } from './local-date.js';

// Every request that does not name a day asks for today's; working it out through luxon's time
// zone rules costs more than the rest of a simple read, so each zone's current day is kept with
// the instants it starts and ends (23 or 25 hours apart across a clock change).
const currentDay = new Map<string, { from: number; until: number; date: LocalDate }>();

/**
 * The time zone a committee sits in when it names none (DESIGN.md: a committee's `timezone`
 * defaults to Europe/London), and the one "today" is taken in when no committee is involved.
 * Every local date about a committee — its today, its meetings' dates — uses its own zone.
 */
export const DEFAULT_TIME_ZONE = 'Europe/London';

/**
 * What time it is. Passed to whatever works out "today" (a report, a scan, the action log) so
 * that tests fix the instant rather than wait for it; the server and scripts use the system's.
 */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Today's date in a time zone (the committee's), not in UTC. */
export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  const instant = now.getTime();
  const known = currentDay.get(timeZone);
  if (known !== undefined && instant >= known.from && instant < known.until) return known.date;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (local.isValid) {
    const from = local.startOf('day');
    currentDay.set(timeZone, { from: from.toMillis(), until: from.plus({ days: 1 }).toMillis(), date: local.toISODate() });
  }
  return local.toISODate()!;
}
