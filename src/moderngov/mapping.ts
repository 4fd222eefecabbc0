import { DateTime } from 'luxon';
import type { MeetingStatus } from '../domain/due.js';
import type { CommitteeKind } from '../domain/vocabulary.js';

// How Modern.gov's values become ours (DESIGN.md "Meetings from Modern.gov"): dates dd/mm/yyyy
// and times "6.30 pm" in UK local time, statuses, and a committee's kind from its title.

/** dd/mm/yyyy (a time of day after it is ignored) → YYYY-MM-DD, or null. */
export function localDateOfMg(date: string | null): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(date ?? '');
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Checked by hand (every listed meeting's date is read, every sync): the calendar's own rule.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days || year < 1) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** "6.30 pm", "10.00 am", "2pm", "12 noon", "18:30" → HH:MM, or null. */
export function timeOfMg(time: string | null): string | null {
  const text = (time ?? '').trim().toLowerCase();
  if (/^(?:12(?:[.:]00)?\s*)?(?:noon|midday)$/.test(text)) return '12:00';
  const m = /^(\d{1,2})(?:[.:](\d{2}))?\s*(?:([ap])\.?\s*m\.?)?$/.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? '0');
  if (m[3] === undefined && m[2] === undefined) return null;
  if (m[3]) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (m[3] === 'p' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** A meeting's start: as stored (with its offset in the committee's zone), in UTC, and in milliseconds. */
export interface MgStart {
  startsAt: string;
  utc: string;
  millis: number;
}

/** Starts already worked out, by date, time and zone: luxon's zone arithmetic is most of an unchanged meeting's cost. */
const starts = new Map<string, MgStart | null>();
const MAX_STARTS = 100_000;

/**
 * The meeting's start ("2024-07-15T18:30:00+01:00" in the committee's zone); a meeting without a
 * readable time starts at noon, which keeps it on its own date. Null when the date cannot be read.
 */
export function startOfMg(date: string | null, time: string | null, timeZone: string): MgStart | null {
  const key = `${date ?? ''}\u0000${time ?? ''}\u0000${timeZone}`;
  const known = starts.get(key);
  if (known !== undefined) return known;
  const day = localDateOfMg(date);
  const local = day ? DateTime.fromISO(`${day}T${timeOfMg(time) ?? '12:00'}`, { zone: timeZone }) : null;
  const start = local?.isValid
    ? { startsAt: local.toISO({ suppressMilliseconds: true })!, utc: local.toUTC().toISO()!, millis: local.toMillis() }
    : null;
  if (starts.size >= MAX_STARTS) starts.clear();
  starts.set(key, start);
  return start;
}

/** startOfMg's start with its offset, or null. */
export function startsAtOfMg(date: string | null, time: string | null, timeZone: string): string | null {
  return startOfMg(date, time, timeZone)?.startsAt ?? null;
}

/** Cancelled → cancelled, postponed → postponed; otherwise held once its start (ISO, or milliseconds) has passed. */
export function statusOfMg(status: string | null, startsAt: string | number, now: Date): MeetingStatus {
  const text = (status ?? '').toLowerCase();
  if (text.includes('cancel')) return 'cancelled';
  if (text.includes('postpone')) return 'postponed';
  const millis = typeof startsAt === 'number' ? startsAt : DateTime.fromISO(startsAt, { setZone: true }).toMillis();
  return millis < now.getTime() ? 'held' : 'scheduled';
}

export function committeeKindOf(title: string): CommitteeKind {
  const t = title.toLowerCase();
  if (t.includes('policy and performance board') || t.includes('policy & performance board')) return 'policy_and_performance_board';
  if (/scrutiny|overview/.test(t)) return 'scrutiny';
  if (/cabinet|executive/.test(t)) return 'executive';
  if (/^(?:full |county |borough |city )?council$/.test(t.trim())) return 'council';
  return 'other';
}

/** YYYY-MM-DD → dd/mm/yyyy, as the web service wants its dates. */
export function mgDateOf(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}
