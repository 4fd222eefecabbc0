import { isUpperCaseDominant } from './page-furniture.js';

// How an agenda item announces itself. Numbered minutes put the minute number and heading on
// one line ("20 APOLOGIES FOR ABSENCE", "19.  Apologies for Absence", "233  HEADING – text",
// "CYP12 MINUTES"); paragraph numbers ("13.1 The Committee…") never start an item.

export interface NumberedHeading {
  /** As printed, without a trailing stop: "20", "5a", "CYP12". */
  number: string;
  /** Numeric part, for checking that minute numbers rise. */
  value: number;
  /** Letter prefix of the minute number ("CYP" in "CYP12"), or ''. */
  prefix: string;
  title: string;
  /** Text run on after the heading ("233 HEADING – the text starts here"), if any. */
  rest: string | null;
}

const NUMBERED_LINE = /^(?:(?:(?:[Aa]genda |AGENDA )?(?:[Ii]tem|ITEM)|[Mm]inute|MINUTE) (?:[Nn][Oo]\.? ?)?)?([A-Z]{2,6})?(\d{1,4})([a-z])?[.):]? +(\S.*)$/;
const BARE_NUMBER = /^(?:(?:(?:agenda )?item|minute) (?:no\.? ?)?)?(\d{1,4}[a-z]?)[.)]?$/i;
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
 * "HEADING – text": an upper-case heading with the minute's first sentence run on after a
 * dash or colon. A Title Case heading is not split, since its dash is usually part of it.
 */
export function splitRunOnHeading(text: string): { title: string; rest: string | null } {
  const m = /^(.{3,200}?) ?(?: [-–—] |: )(.*)$/.exec(text);
  if (m && isUpperCaseDominant(m[1] ?? '') && /[a-z]/.test(m[2] ?? '') && !isUpperCaseDominant(m[2] ?? '')) {
    return { title: (m[1] ?? '').trim(), rest: (m[2] ?? '').trim() || null };
  }
  return { title: text.trim().replace(/:$/, ''), rest: null };
}

export function parseNumberedHeading(line: string): NumberedHeading | null {
  if (line.length > 400) return null;
  const m = NUMBERED_LINE.exec(line);
  if (!m) return null;
  const prefix = (m[1] ?? '').toUpperCase();
  const value = Number(m[2]);
  const body = (m[4] ?? '').replace(/^[-–—:] ?/, '');
  // A year at the start of a line is a date, not a minute number.
  if (prefix === '' && value >= 1900 && value <= 2099 && !/^(?:minute|item)/i.test(line)) return null;
  // "8 January 2024" on a line of its own is a date, however much it looks like a heading.
  if (/^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{4}\b/i.test(body)) return null;
  const { title, rest } = splitRunOnHeading(body);
  if (!isHeadingText(title)) return null;
  if (prefix !== '' && !isUpperCaseDominant(title)) return null;
  return { number: `${prefix}${m[2] ?? ''}${m[3] ?? ''}`, value, prefix, title, rest };
}
