import { DateTime } from 'luxon';
import { isoDate, monthNumber } from './dates.js';
import type { DueHint } from './types.js';

// When the minutes say a follow-up is due: "report back to the next meeting" (next_meeting),
// "available in Q3" (a local-government financial quarter, Q1 = April–June … Q4 = January–
// March, labelled "2024-25 Q3"), "by 31 March 2025" or "in six months' time" (a date). With
// no such words the hint is null and the committee's default rule (next meeting) applies.

const NEXT_MEETING = /\b(?:next|following) (?:scheduled |ordinary |formal )?(?:meeting|committee meeting|board meeting|panel meeting)\b|\b(?:its|their|the committee's|the board's) next\b/i;
const QUARTER =
  /\b(?:in|by|during|within|before|for|until|from|ready in|available in|by the end of|at the end of|end of|in the) (?:the )?(?:(?:Q|quarter )([1-4])|quarter (one|two|three|four)|(first|second|third|fourth) quarter)(?: (?:of )?(?:(?:the )?(\d{4})[/-](\d{2}(?:\d{2})?)|(?:the )?(?:current|next) (?:financial )?year))?\b/i;
const WORD_NUMBER: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, first: 1, second: 2, third: 3, fourth: 4, six: 6, twelve: 12, nine: 9, eighteen: 18,
};
const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December)';
const BY_DATE = new RegExp(`\\b(?:by|before|on|no later than|until|in|during|by the end of|at the end of|end of) (?:(\\d{1,2})(?:st|nd|rd|th)? )?${MONTH}(?:,? (\\d{4}))?\\b`, 'i');
const IN_MONTHS = /\bin (\d{1,2}|three|six|nine|twelve|eighteen) months(?:'|'s)?(?: time)?\b/i;
// "at its June meeting", "to the Board's July meeting": the end of that month.
const MONTH_MEETING = new RegExp(`\\b(?:its|their|the|this|[A-Z][\\w-]*'s?) ${MONTH}(?: (\\d{4}))? (?:meeting|committee|board|panel)\\b`, 'i');
// "by 31/03/2025", "due 15.12.2023" (UK order).
const BY_NUMERIC_DATE = /\b(?:by|before|on|no later than|until|due)\s(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b/i;

/** "2024-25 Q3" for a date's own financial quarter. */
export function financialQuarterOf(date: DateTime): { startYear: number; quarter: number } {
  const quarter = date.month >= 4 ? Math.floor((date.month - 4) / 3) + 1 : 4;
  const startYear = date.month >= 4 ? date.year : date.year - 1;
  return { startYear, quarter };
}

export function quarterLabel(startYear: number, quarter: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')} Q${quarter}`;
}

function quarterHint(m: RegExpExecArray, meetingDate: DateTime | null): DueHint | null {
  const quarter = Number(m[1]) || WORD_NUMBER[(m[2] ?? m[3] ?? '').toLowerCase()] || 0;
  if (quarter < 1 || quarter > 4) return null;
  if (m[4]) return { rule: 'quarter', quarter: quarterLabel(Number(m[4]), quarter) };
  if (!meetingDate) return null;
  const current = financialQuarterOf(meetingDate);
  const nextYear = /next (?:financial )?year/i.test(m[0]);
  // A quarter earlier than the meeting's own means the coming financial year.
  const startYear = current.startYear + (nextYear || quarter < current.quarter ? 1 : 0);
  return { rule: 'quarter', quarter: quarterLabel(startYear, quarter) };
}

/** A day (or, without one, the month's last day) of a named month; with no year, the next such month. */
function dateHint(dayText: string | undefined, monthName: string | undefined, yearText: string | undefined, meetingDate: DateTime | null): DueHint | null {
  const month = monthNumber(monthName ?? '') ?? 0;
  let year = yearText ? Number(yearText) : null;
  if (year === null) {
    if (!meetingDate) return null;
    year = month < meetingDate.month ? meetingDate.year + 1 : meetingDate.year;
  }
  const day = dayText ? Number(dayText) : DateTime.fromObject({ year, month }).daysInMonth ?? 28;
  const date = isoDate(year, month, day);
  return date ? { rule: 'date', date } : null;
}

/** Last day of a "2024-25 Q3" quarter, YYYY-MM-DD. */
export function quarterEnd(label: string): string {
  const m = /^(\d{4})-\d{2} Q([1-4])$/.exec(label);
  if (!m) return '';
  const startYear = Number(m[1]);
  const quarter = Number(m[2]);
  const year = quarter === 4 ? startYear + 1 : startYear;
  const month = quarter === 4 ? 3 : quarter * 3 + 3;
  return DateTime.fromObject({ year, month }, { zone: 'UTC' }).endOf('month').toISODate() ?? '';
}

/**
 * The due hint of a follow-up. Words after the cue ("…would be available in quarter 4") are
 * read before the rest of the sentence, which often dates the topic instead ("launched in
 * October").
 */
export function dueHintFor(sentence: string, meetingDateIso: string | null, cueIndex = 0): DueHint | null {
  if (cueIndex > 0) {
    const afterCue = hintIn(sentence.slice(cueIndex), meetingDateIso);
    if (afterCue) return afterCue;
  }
  return hintIn(sentence, meetingDateIso);
}

function hintIn(sentence: string, meetingDateIso: string | null): DueHint | null {
  const meetingDate = meetingDateIso ? DateTime.fromISO(meetingDateIso, { zone: 'UTC' }) : null;
  const meeting = meetingDate?.isValid ? meetingDate : null;
  if (NEXT_MEETING.test(sentence)) return { rule: 'next_meeting' };
  // A date or quarter already past at the meeting describes the topic, not the deadline.
  const future = (date: string): boolean => meetingDateIso === null || date > meetingDateIso;
  const byDate = BY_DATE.exec(sentence);
  const dated = byDate ? dateHint(byDate[1], byDate[2], byDate[3], meeting) : null;
  const deadlineWord = /^(?:by|before|no later than|until)\b/i.test(byDate?.[0] ?? '');
  if (dated?.rule === 'date' && future(dated.date) && (deadlineWord || meetingDateIso !== null)) return dated;
  const monthMeeting = MONTH_MEETING.exec(sentence);
  const atMeeting = monthMeeting ? dateHint(undefined, monthMeeting[1], monthMeeting[2], meeting) : null;
  if (atMeeting?.rule === 'date' && future(atMeeting.date)) return atMeeting;
  const numeric = BY_NUMERIC_DATE.exec(sentence);
  if (numeric) {
    const year = (numeric[3] ?? '').length === 2 ? 2000 + Number(numeric[3]) : Number(numeric[3]);
    const date = isoDate(year, Number(numeric[2]), Number(numeric[1]));
    if (date && future(date)) return { rule: 'date', date };
  }
  const quarter = QUARTER.exec(sentence);
  const quartered = quarter ? quarterHint(quarter, meeting) : null;
  if (quartered?.rule === 'quarter' && (meeting === null || quarterEnd(quartered.quarter) > (meetingDateIso ?? ''))) return quartered;
  const inMonths = IN_MONTHS.exec(sentence);
  if (inMonths && meeting) {
    const months = Number(inMonths[1]) || WORD_NUMBER[(inMonths[1] ?? '').toLowerCase()] || 0;
    return { rule: 'date', date: meeting.plus({ months }).toISODate() ?? '' };
  }
  return null;
}
