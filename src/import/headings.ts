import { isUpperCaseDominant } from './page-furniture.js';

// How an agenda item announces itself. Numbered minutes put the minute number and heading on
// one line ("20 APOLOGIES FOR ABSENCE", "19.  Apologies for Absence", "233  HEADING – text",
// "CYP12 MINUTES"), and many councils number minutes within a series or a year ("OSC/23/45
// WORK PROGRAMME", "10/24 Apologies"); paragraph numbers ("13.1 The Committee…") never start
// an item.

export interface NumberedHeading {
  /** As printed, without a trailing stop: "20", "5a", "CYP12". */
  number: string;
  /** Numeric part, for checking that minute numbers rise. */
  value: number;
  /**
   * The series the number belongs to, so that only numbers of one series must rise: the letter
   * prefix ("CYP" in "CYP12", "OSC/23/" in "OSC/23/45"), the year suffix ("/24" in "10/24"), or ''.
   */
  prefix: string;
  title: string;
  /** Text run on after the heading ("233 HEADING – the text starts here"), if any. */
  rest: string | null;
}

// A sub-item's letter as printed: "8a", "8A", "8(a)", "8 (a)", "8.a".
// The committee's code may be joined to the number by a stop, a space or a slash: "SB.31", "CAB 12", "EX/7".
const NUMBERED_LINE = /^(?:(?:(?:[Aa]genda |AGENDA )?(?:[Ii]tem|ITEM)|[Mm]inute|MINUTE) (?:[Nn][Oo]\.? ?)?)?(?:([A-Z]{2,6})([./ ]?))?(\d{1,4})([a-zA-Z]|\.[a-z]|\s?\([a-z]\))?[.):]? +(\S.*)$/;
// "OSC/23/45 TITLE" (committee code and year, then the minute) and "10/24 Title" (minute, then year).
const SERIES_LINE =
  /^(?:(?:[Mm]inute|MINUTE|[Ii]tem|ITEM) (?:[Nn][Oo]\.? ?)?)?(?:([A-Z]{1,8}\/\d{2,4}\/)(\d{1,4})|(\d{1,4})(\/\d{2,4}(?:-\d{2})?))([a-z])?[.):]? +(\S.*)$/;
// "CYP 5/07 DECLARATIONS OF INTEREST": the committee's code, a space or stop, then a minute within the year.
const CODED_SERIES_LINE = /^([A-Z]{2,6}[ .])(\d{1,4}\/\d{2,4}\S* +\S.*)$/;
const BARE_NUMBER = /^(?:(?:(?:agenda )?item|minute) (?:no\.? ?)?)?(\d{1,4}(?:[a-z]|\.[a-z]|\s?\([a-z]\))?)[.)]?$/i;
// "(Item 5)" under a heading: printed minutes that number agenda items rather than minutes.
const ITEM_MARKER = /^\((?:agenda )?item (?:no\.? ?)?(\d{1,3}[a-z]?)\.?\)$/i;
const SMALL_WORDS = new Set([
  'a', 'an', 'and', 'as', 'at', 'by', 'for', 'from', 'in', 'into', 'of', 'on', 'or', 'the', 'to',
  'with', 'per', 'via', 'vs', 'its', 'our', 'their',
]);

const SENTENCE_VERB =
  /\b(?:is|are|was|were|be|been|being|has|have|had|will|would|should|could|may|might|must|can|did|does|noted|agreed|asked|requested|reported|received|considered|explained|confirmed|said|stated|advised|thanked|attended|raised|presented|resolved|discussed|welcomed|expressed|took|gave|made)\b/i;

/** "1.", "16a", "Item 6" on a line of its own: how Modern.gov pages print item numbers. */
export function parseBareItemNumber(line: string): string | null {
  const m = BARE_NUMBER.exec(line);
  return m?.[1] ?? null;
}

/** "(Item 5)" on a line of its own, under the heading it numbers. */
export function parseItemMarker(line: string): string | null {
  return ITEM_MARKER.exec(line)?.[1] ?? null;
}

/** Upper-case headings, or short Title Case ones without a closing full stop. */
export function isHeadingText(text: string): boolean {
  const t = text.trim().replace(/:$/, '');
  if (t.length < 3 || t.length > 200 || !/^["'(]?[A-Z0-9£]/.test(t)) return false;
  if (isUpperCaseDominant(t)) return true;
  if (/[.;,]$/.test(t)) return false;
  const words = t.split(/ +/);
  if (words.length > 15) return false;
  const significant = words.filter((w) => /^["'(]?[A-Za-z]/.test(w) && !SMALL_WORDS.has(w.toLowerCase()));
  if (significant.length === 0) return false;
  const capitalised = significant.filter((w) => /^["'(]?[A-Z]/.test(w)).length;
  if (!/^["'(]?[A-Z0-9£]/.test(significant[0] ?? '')) return false;
  if (capitalised * 2 >= significant.length) return true;
  // Sentence case ("Minutes of the previous meeting"): short, and no verb to make it a sentence.
  return words.length <= 8 && !SENTENCE_VERB.test(t) && !/\b(?:and|or|the|of|to|that|which|with|for|a|an)$/i.test(t);
}

/**
 * The line under an item number on a line of its own: a heading, or a longer sentence-case title
 * ("Update on the pricing review for the concessions scheme at the new leisure centre") — no
 * closing stop and no verb that would make it a sentence. The number above it vouches for it.
 */
export function isTitleUnderNumber(text: string): boolean {
  if (isHeadingText(text)) return true;
  const t = text.trim();
  const words = t.split(/ +/);
  return /^[A-Z]/.test(t) && !/[.;,:]$/.test(t) && words.length <= 20 && !SENTENCE_VERB.test(t) && !/\b(?:and|or|the|of|to|that|which|with|for|a|an|in|on)$/i.test(t);
}

/**
 * "HEADING – text": an upper-case heading with the minute's first sentence run on after a
 * dash or colon. A Title Case heading is not split, since its dash is usually part of it.
 */
export function splitRunOnHeading(text: string): { title: string; rest: string | null } {
  const m = /^(.{3,200}?) ?(?: [-\u2013\u2014] |: )(.*)$/.exec(text);
  if (m && isUpperCaseDominant(m[1] ?? '') && /[a-z]/.test(m[2] ?? '') && !isUpperCaseDominant(m[2] ?? '')) {
    return { title: (m[1] ?? '').trim(), rest: (m[2] ?? '').trim() || null };
  }
  return { title: text.trim().replace(/:$/, ''), rest: null };
}

/**
 * "OSC/23/45 WORK PROGRAMME", "Minute 10/24 – Apologies", "24/045 Allotments": a number within
 * a series. "10/24" can be minute 10 of 2024 or, as town and parish councils number them,
 * minute 24 of a year "10"; both readings are returned, the likelier first (a zero-padded or
 * three-digit second part is the minute), and the splitter keeps whichever rises.
 */
export function seriesReadings(line: string): NumberedHeading[] {
  if (line.length > 400) return [];
  const coded = CODED_SERIES_LINE.exec(line);
  if (coded) {
    const code = coded[1] ?? '';
    return seriesReadings(coded[2] ?? '')
      .filter((h) => isUpperCaseDominant(h.title))
      .map((h) => ({ ...h, number: `${code}${h.number}`, prefix: `${code}${h.prefix}` }));
  }
  const m = SERIES_LINE.exec(line);
  if (!m) return [];
  const body = (m[6] ?? '').replace(/^[-\u2013\u2014:] ?/, '');
  const { title, rest } = splitRunOnHeading(body);
  if (!isHeadingText(title)) return [];
  const letter = m[5] ?? '';
  const lead = m[1];
  if (lead !== undefined) return [{ number: `${lead}${m[2] ?? ''}${letter}`, value: Number(m[2]), prefix: lead, title, rest }];
  const first = m[3] ?? '';
  const second = (m[4] ?? '').slice(1);
  const number = `${first}${letter}/${second}`;
  const minuteFirst: NumberedHeading = { number, value: Number(first), prefix: `/${second}`, title, rest };
  if (!/^\d+$/.test(second)) return [minuteFirst];
  const yearFirst: NumberedHeading = { number, value: Number(second), prefix: `${first}/`, title, rest };
  return /^0|^\d{3}$/.test(second) ? [yearFirst, minuteFirst] : [minuteFirst, yearFirst];
}

export function parseNumberedHeading(line: string): NumberedHeading | null {
  if (line.length > 400) return null;
  const series = seriesReadings(line)[0];
  if (series) return series;
  const m = NUMBERED_LINE.exec(line);
  if (!m) return null;
  const prefix = (m[1] ?? '').toUpperCase();
  const joiner = m[2] ?? '';
  const value = Number(m[3]);
  const body = (m[5] ?? '').replace(/^[-\u2013\u2014:] ?/, '');
  // A year at the start of a line is a date, not a minute number.
  if (prefix === '' && value >= 1900 && value <= 2099 && !/^(?:minute|item)/i.test(line)) return null;
  // "8 January 2024" on a line of its own is a date, however much it looks like a heading.
  if (/^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{4}\b/i.test(body)) return null;
  const { title, rest } = splitRunOnHeading(body);
  if (!isHeadingText(title)) return null;
  if (prefix !== '' && !isUpperCaseDominant(title)) return null;
  return { number: `${prefix}${joiner}${m[3] ?? ''}${m[4] ?? ''}`, value, prefix, title, rest };
}
