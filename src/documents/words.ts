import { DateTime } from 'luxon';
import type { LocalDate } from '../domain/local-date.js';

// Dates and times as an agenda pack writes them, in the committee's time zone: "Monday 2
// September 2024, 6.30pm", never "2024-09-02T17:30:00Z". Luxon does the zone arithmetic; the
// shapes are the ones UK committee papers use (day name, day without a leading zero, month in
// full, a full stop between hours and minutes, am/pm in lower case).

const day = (date: LocalDate) => DateTime.fromISO(date, { zone: 'UTC' });

/**
 * A formatter that remembers what it wrote: a tracker's hundreds of rows share a few dozen
 * meeting and due dates, and luxon's formatting was most of the time spent building one.
 * Bounded, since the keys come from data: emptied when full.
 */
function remembered<A extends unknown[]>(format: (...args: A) => string, limit = 10_000): (...args: A) => string {
  const seen = new Map<string, string>();
  return (...args) => {
    const key = args.join('\u0000');
    let words = seen.get(key);
    if (words === undefined) {
      if (seen.size >= limit) seen.clear();
      words = format(...args);
      seen.set(key, words);
    }
    return words;
  };
}

/** "Thursday 22 August 2024". */
export const dayInWords = remembered((date: LocalDate): string => day(date).toFormat('cccc d LLLL yyyy', { locale: 'en-GB' }));

/** "2 September 2024". */
export const dateInWords = remembered((date: LocalDate): string => day(date).toFormat('d LLLL yyyy', { locale: 'en-GB' }));

/** "Thursday 22 August", with the year only when it is not `year`'s. */
export const dayInWordsWithin = remembered((date: LocalDate, year: number): string => {
  const d = day(date);
  return d.toFormat(d.year === year ? 'cccc d LLLL' : 'cccc d LLLL yyyy', { locale: 'en-GB' });
});

/** "6.30pm", "10.00am". */
function timeInWords(at: DateTime): string {
  return `${at.toFormat('h.mm')}${at.hour < 12 ? 'am' : 'pm'}`;
}

/** An instant (ISO 8601 with offset) in the zone: "Monday 2 September 2024, 6.30pm". */
export const instantInWords = remembered((instant: string, timeZone: string): string => {
  const at = DateTime.fromISO(instant, { setZone: true }).setZone(timeZone);
  return `${at.toFormat('cccc d LLLL yyyy', { locale: 'en-GB' })}, ${timeInWords(at)}`;
});

const DAY_MS = 86_400_000;
/** An instant as the database stamps it (ISO 8601 with Z or an offset), which Date.parse reads as luxon does. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** A zone's offset from UTC in minutes all through a UTC day, or null when it changes during that day. */
const dayOffsets = new Map<string, number | null>();

function offsetThroughDay(timeZone: string, day: number): number | null {
  const key = `${timeZone}\u0000${day}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    const start = DateTime.fromMillis(day * DAY_MS, { zone: timeZone }).offset;
    const end = DateTime.fromMillis((day + 1) * DAY_MS - 1, { zone: timeZone }).offset;
    offset = start === end ? start : null;
    if (dayOffsets.size >= 10_000) dayOffsets.clear();
    dayOffsets.set(key, offset);
  }
  return offset;
}

/** The local date an instant falls on in the zone. */
export function localDayOf(instant: string, timeZone: string): LocalDate {
  // Progress updates are stamped to the millisecond, so remembering each would only fill the
  // memory, and asking luxon for each was a tracker's biggest cost after its query. The zone's
  // offset is remembered per UTC day instead, for the days it holds all day (every day but
  // those of a clock change, which luxon answers).
  const ms = ISO_INSTANT.test(instant) ? Date.parse(instant) : NaN;
  const offset = Number.isNaN(ms) ? null : offsetThroughDay(timeZone, Math.floor(ms / DAY_MS));
  if (offset === null) return DateTime.fromISO(instant, { setZone: true }).setZone(timeZone).toISODate()!;
  return new Date(ms + offset * 60_000).toISOString().slice(0, 10);
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "1 day", "3 days". */
export function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}
