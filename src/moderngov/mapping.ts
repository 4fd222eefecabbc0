import { DateTime } from 'luxon';
import type { MeetingStatus } from '../domain/due.js';
import type { CommitteeKind } from '../domain/vocabulary.js';

// How Modern.gov's values become ours (DESIGN.md "Meetings from Modern.gov"): dates dd/mm/yyyy
// and times "6.30 pm" in UK local time, statuses, and a committee's kind from its title.

/** dd/mm/yyyy (a time of day after it is ignored) → YYYY-MM-DD, or null. */
export function localDateOfMg(date: string | null): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(date ?? '');
  if (!m) return null;
  const value = DateTime.fromObject({ year: Number(m[3]), month: Number(m[2]), day: Number(m[1]) });
  return value.isValid ? value.toISODate() : null;
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

/**
 * The meeting's start with its offset in the committee's zone ("2024-07-15T18:30:00+01:00"); a
 * meeting without a readable time starts at noon, which keeps it on its own date. Null when the
 * date cannot be read.
 */
export function startsAtOfMg(date: string | null, time: string | null, timeZone: string): string | null {
  const day = localDateOfMg(date);
  if (!day) return null;
  const local = DateTime.fromISO(`${day}T${timeOfMg(time) ?? '12:00'}`, { zone: timeZone });
  return local.isValid ? local.toISO({ suppressMilliseconds: true }) : null;
}

/** Cancelled → cancelled, postponed → postponed; otherwise held once its start has passed. */
export function statusOfMg(status: string | null, startsAt: string, now: Date): MeetingStatus {
  const text = (status ?? '').toLowerCase();
  if (text.includes('cancel')) return 'cancelled';
  if (text.includes('postpone')) return 'postponed';
  return DateTime.fromISO(startsAt, { setZone: true }).toMillis() < now.getTime() ? 'held' : 'scheduled';
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
