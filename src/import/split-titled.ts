import { trimBlankLines, type RawItem, type SplitMinutes } from './raw-item.js';

// A Modern.gov "Agenda and minutes" page saved without its item numbers and without the
// "Minutes:" labels: the committee and the date in the first lines, then each item's title on
// a line of its own ("Play Area Strategy", "Declarations of Interest") over its minutes. Read
// only when the page says it is one (a "Committee - date" line or an "Items" list near the
// top), so that a pasted paragraph stays one item.

const PAGE_LINE = /^(?:agenda and minutes|agenda|minutes|items|item)$/i;
const MEETING_LINE = /^.{3,200}? [-\u2013\u2014] (?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? )?\d{1,2}(?:st|nd|rd|th)? [A-Za-z]{3,9},? \d{4}\b/;
// Titles nearly every agenda has, in whatever case.
const STANDARD_TITLE =
  /^(?:apologies(?: for absence)?(?: and substitutions?)?|declarations? of (?:interests?|pecuniary interests?)|(?:confirmation of |approval of )?(?:the )?minutes(?: of (?:the )?(?:previous|last) meeting)?|public (?:questions|participation|speaking)|questions from (?:the public|members)|(?:urgent|any other) business|work ?programme|forward (?:work )?(?:plan|programme)|exclusion of (?:the )?press and public|date of (?:the )?next meeting|chair(?:man)?'s announcements)$/i;
const SMALL_WORDS = new Set(['a', 'an', 'and', 'the', 'of', 'for', 'to', 'in', 'on', 'at', 'by', 'with', 'from', 'or', '&', '-', '–']);

/** "Annual Scrutiny Report", "Play Area Strategy 2025/26": most words capitalised, no sentence end. */
function looksLikeTitle(line: string): boolean {
  if (line.length < 3 || line.length > 100 || /[.:;,?]$/.test(line) || !/^[A-Z0-9]/.test(line) || line.startsWith('- ')) return false;
  if (STANDARD_TITLE.test(line)) return true;
  const words = line.split(/\s+/).filter((w) => !SMALL_WORDS.has(w.toLowerCase()));
  if (words.length === 0 || words.length > 10) return false;
  const capitalised = words.filter((w) => /^[A-Z0-9]/.test(w)).length;
  return capitalised === words.length || (words.length >= 4 && capitalised >= words.length - 1);
}

/** Title lines standing alone between blank lines, after the page's own header. */
export function findTitledItems(lines: readonly string[]): number[] {
  const top = lines.slice(0, 40);
  const pageLine = top.findIndex((l) => PAGE_LINE.test(l) || MEETING_LINE.test(l));
  if (pageLine < 0) return [];
  const headings: number[] = [];
  for (let i = pageLine + 1; i < lines.length && headings.length < 500; i++) {
    const line = lines[i] ?? '';
    if ((lines[i - 1] ?? '') !== '' || (lines[i + 1] ?? '') !== '' || PAGE_LINE.test(line)) continue;
    if (MEETING_LINE.test(line) || /^(?:venue|contact|media|date|time)\b ?:/i.test(line)) continue;
    if (looksLikeTitle(line)) headings.push(i);
  }
  // A title needs minutes under it: two titles in a row are a list of agenda headings at most.
  const withBody = headings.filter((at, k) => lines.slice(at + 1, headings[k + 1] ?? lines.length).some((l) => l !== ''));
  return withBody.length >= 2 ? withBody : [];
}

export function splitTitledMinutes(lines: readonly string[], headings: readonly number[]): SplitMinutes {
  const items: RawItem[] = headings.map((at, k) => ({
    number: null,
    title: lines[at] ?? '',
    lines: trimBlankLines(lines.slice(at + 1, headings[k + 1] ?? lines.length)),
  }));
  const header = lines.slice(0, headings[0] ?? lines.length).filter((l) => !PAGE_LINE.test(l));
  return { headerLines: trimBlankLines(header), items, meetingLines: [] };
}
