import { DateTime, IANAZone } from 'luxon';

// Calendar dates cross the domain boundary as `YYYY-MM-DD` strings. Inside, they are luxon
// DateTimes at midnight UTC: UTC has no clock changes, so adding a day is always 24 hours and
// date arithmetic never drifts. Time zones matter only when an instant becomes a local date.

/** A calendar date, `YYYY-MM-DD`. Such strings sort chronologically, so `<` compares them. */
export type LocalDate = string;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * True for a real calendar date written `YYYY-MM-DD` ("2024-02-30" is false). Checked by the
 * date's own parts surviving a round trip through a UTC date, not by luxon: every write with a
 * due date asks, and parsing with luxon was most of resolving the due.
 */
export function isLocalDate(value: string): boolean {
  if (!LOCAL_DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7)) - 1;
  const day = Number(value.slice(8, 10));
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day;
}

// Parsing is the expensive part of luxon, and reports and working-day loops meet the same few
// thousand dates again and again: DateTimes are immutable, so each date is parsed once.
const parsedDates = new Map<LocalDate, DateTime<true>>();
const parsedInstants = new Map<string, number>();
const MAX_CACHED_DATES = 50_000;
const DAY_MS = 86_400_000;
// 1000-01-01 and 9999-12-31: inside these, a date is its epoch day and back without luxon.
const FIRST_FOUR_DIGIT_MS = Date.UTC(1000, 0, 1);
const LAST_FOUR_DIGIT_MS = Date.UTC(9999, 11, 31);

/**
 * The date as a luxon DateTime at midnight UTC. Throws RangeError for a malformed date: input
 * from callers is validated by the HTTP schemas, so reaching here with one is a programming error.
 */
export function toDateTime(date: LocalDate): DateTime<true> {
  const cached = parsedDates.get(date);
  if (cached !== undefined) return cached;
  const parsed = LOCAL_DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : null;
  if (parsed === null || !parsed.isValid) {
    throw new RangeError(`Not a YYYY-MM-DD calendar date: ${JSON.stringify(date)}`);
  }
  if (parsedDates.size >= MAX_CACHED_DATES) parsedDates.clear();
  parsedDates.set(date, parsed);
  return parsed;
}

export function fromDateTime(value: DateTime<true>): LocalDate {
  return value.toISODate();
}

/** Midnight UTC is a whole number of days since the epoch, so days are added as milliseconds. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const ms = toDateTime(date).toMillis() + days * DAY_MS;
  if (!Number.isInteger(days) || ms < FIRST_FOUR_DIGIT_MS || ms > LAST_FOUR_DIGIT_MS) {
    return fromDateTime(toDateTime(date).plus({ days }));
  }
  return new Date(ms).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to`: positive when `to` is later. */
export function daysFromTo(from: LocalDate, to: LocalDate): number {
  return Math.round((toDateTime(to).toMillis() - toDateTime(from).toMillis()) / DAY_MS);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: LocalDate): number {
  return toDateTime(date).weekday;
}

// luxon checks a zone by building an Intl.DateTimeFormat each time: a sync or an import asks
// thousands of times about the same one or two zones.
const validZones = new Set<string>();

export function isValidTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  const valid = IANAZone.isValidZone(zone);
  if (valid && validZones.size < 1000) validZones.add(zone);
  return valid;
}

/**
 * The local calendar date of an instant in a time zone: a meeting at 18:30 BST is on that day
 * whatever its UTC instant (2024-07-15T23:30:00Z is 16 July in London). An ISO string without an
 * offset is read as wall-clock time in `timeZone`.
 */
export function localDateOf(instant: string, timeZone: string): LocalDate {
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  }
  const parsed = DateTime.fromISO(instant, { zone: timeZone });
  if (!parsed.isValid) {
    throw new RangeError(`Not an ISO 8601 date-time: ${JSON.stringify(instant)}`);
  }
  return parsed.toISODate();
}

// An instant as the service takes one in, from the API or the command line: RFC 3339 with a
// `T`, seconds and an offset (or Z), which luxon — what the service computes with — also reads
// as a valid time. A looser reading (ajv-formats' own admits a space for the `T` and a leap
// second, 23:59:60) passed the schema and failed later as a 500.
const RFC3339_INSTANT = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export function isInstant(value: string): boolean {
  return RFC3339_INSTANT.test(value) && DateTime.fromISO(value, { setZone: true }).isValid;
}

/**
 * Milliseconds since the epoch, for ordering instants written with different offsets
 * (string order is wrong across a clock change). A string without an offset is read as UTC.
 */
export function instantMillis(instant: string): number {
  // Due resolution orders a committee's whole schedule on every write; its instants repeat.
  const cached = parsedInstants.get(instant);
  if (cached !== undefined) return cached;
  const parsed = DateTime.fromISO(instant, { zone: 'utc' });
  if (!parsed.isValid) {
    throw new RangeError(`Not an ISO 8601 date-time: ${JSON.stringify(instant)}`);
  }
  if (parsedInstants.size >= MAX_CACHED_DATES) parsedInstants.clear();
  parsedInstants.set(instant, parsed.toMillis());
  return parsed.toMillis();
}
