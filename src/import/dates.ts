import { DateTime } from 'luxon';

// Dates and times as minutes write them: "Monday, 15th July, 2024 6.30 p.m.", "8 January 2024",
// "02/03/2022" (UK order: day/month/year), "2024-03-02", and times that a document export ran
// into the year ("2024 6.30 p.m.", "20246.30pm").

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH_NAME =
  '(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)';
const DAY_MONTH_YEAR = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?(?: of)? ${MONTH_NAME}\\.?,? (\\d{4})`, 'gi');
const MONTH_DAY_YEAR = new RegExp(`\\b${MONTH_NAME}\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})`, 'gi');
const NUMERIC_DATE = /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\d/.]\d)/g;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

export interface FoundDate {
  /** YYYY-MM-DD */
  date: string;
  index: number;
  /** Index just after the year, where a run-on time would start. */
  end: number;
}

export function monthNumber(name: string): number | null {
  return MONTHS[name.toLowerCase().slice(0, name.toLowerCase().startsWith('sept') ? 4 : 3)] ?? null;
}

export function isoDate(year: number, month: number, day: number): string | null {
  const d = DateTime.fromObject({ year, month, day }, { zone: 'UTC' });
  return d.isValid ? d.toISODate() : null;
}

function matchesOf(re: RegExp, text: string, build: (m: RegExpExecArray) => string | null): FoundDate[] {
  const out: FoundDate[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const date = build(m);
    if (date !== null) out.push({ date, index: m.index, end: m.index + m[0].length });
    if (out.length > 50) break;
  }
  return out;
}

/** Every date in the text, in order of appearance. */
export function findDates(text: string): FoundDate[] {
  const year = (y: string): number => (y.length === 2 ? 2000 + Number(y) : Number(y));
  const all = [
    ...matchesOf(DAY_MONTH_YEAR, text, (m) => isoDate(Number(m[3]), monthNumber(m[2] ?? '') ?? 0, Number(m[1]))),
    ...matchesOf(MONTH_DAY_YEAR, text, (m) => isoDate(Number(m[3]), monthNumber(m[1] ?? '') ?? 0, Number(m[2]))),
    ...matchesOf(NUMERIC_DATE, text, (m) => isoDate(year(m[3] ?? ''), Number(m[2]), Number(m[1]))),
    ...matchesOf(ISO_DATE, text, (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3]))),
  ];
  return all.sort((a, b) => a.index - b.index);
}

export function findDate(text: string): FoundDate | null {
  return findDates(text)[0] ?? null;
}

const TWELVE_HOUR = /(\d{1,2})(?:[.:](\d{2}))? ?([ap])\.? ?m\b\.?/i;
const TWENTY_FOUR_HOUR = /\b([01]?\d|2[0-3])[:.]([0-5]\d)(?: ?(?:hrs|hours|h)\b)?/;
const NOON = /\b(?:12(?:\.00|:00)? )?(?:noon|midday)\b/i;

function hhmm(hour: number, minute: number): string | null {
  if (hour > 23 || minute > 59) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function timeFromMatch(m: RegExpExecArray): string | null {
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const pm = (m[3] ?? '').toLowerCase() === 'p';
  if (hour < 1 || hour > 12) return null;
  if (pm && hour < 12) hour += 12;
  if (!pm && hour === 12) hour = 0;
  return hhmm(hour, minute);
}

/** A time at the very start of `text` (just after a date): "6.30 p.m.", ", 18:30", "at 10am". */
export function timeAtStart(text: string): string | null {
  const lead = /^[ ,]{0,3}(?:(?:at|commencing at|starting at|from|-|\u2013) )?/i.exec(text)?.[0] ?? '';
  const rest = text.slice(lead.length, lead.length + 40);
  const twelve = new RegExp(`^${TWELVE_HOUR.source}`, 'i').exec(rest);
  if (twelve) return timeFromMatch(twelve);
  const noon = new RegExp(`^${NOON.source}`, 'i').exec(rest);
  if (noon) return '12:00';
  const twentyFour = /^([01]?\d|2[0-3])[:.]([0-5]\d)(?!\d)/.exec(rest);
  if (twentyFour) return hhmm(Number(twentyFour[1]), Number(twentyFour[2]));
  return null;
}

/** The first time anywhere in the text. */
export function findTime(text: string): string | null {
  const twelve = new RegExp(`\\b${TWELVE_HOUR.source}`, 'i').exec(text);
  if (twelve) return timeFromMatch(twelve);
  if (NOON.test(text)) return '12:00';
  const twentyFour = TWENTY_FOUR_HOUR.exec(text);
  if (twentyFour && /:|hrs|hours|h\b/.test(twentyFour[0])) return hhmm(Number(twentyFour[1]), Number(twentyFour[2]));
  return null;
}

/** ISO 8601 with the zone's offset on that day, e.g. 2024-07-15T18:30:00+01:00. */
export function startsAtFor(date: string | null, time: string | null, timeZone: string): string | null {
  if (date === null || time === null) return null;
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi }, { zone: timeZone });
  if (!dt.isValid) return null;
  return dt.toISO({ suppressMilliseconds: true, includeOffset: true });
}
