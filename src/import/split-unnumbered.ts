import { isUpperCaseDominant } from './page-furniture.js';
import { trimBlankLines, type RawItem, type SplitMinutes } from './raw-item.js';

// Printed minutes without minute numbers still head each item in capitals
// ("APOLOGIES FOR ABSENCE", "DECLARATIONS OF INTEREST"). Used only when neither Modern.gov
// markers nor numbered headings were found; the capitals at the top that name the council,
// the committee or the meeting belong to the header, not to an item.

const NOT_A_HEADING = /^(?:RESOLVED|RECOMMENDED|AGREED|NOTED|DECISION|DECIDED|ACTION|PRESENT|ALSO PRESENT|IN ATTENDANCE|OFFICERS|APOLOGIES|MINUTES|ITEMS?|AGENDA)$|^(?:RESOLVED|RECOMMENDED|AGREED|NOTED|ACTION)\b/;
const HEADER_CUE = /\b(?:held (?:on|at|in)|meeting of|present ?:|\(present\)|in attendance|members present|councillors present|date ?:|venue ?:|time ?:)/i;

function isCapsHeading(line: string): boolean {
  if (line === '' || line.length > 120 || line.startsWith('- ') || /[.:;,]$/.test(line)) return false;
  const words = line.split(' ');
  return words.length <= 15 && isUpperCaseDominant(line) && !NOT_A_HEADING.test(line);
}

/** Line indexes of capitalised item headings, header capitals removed. */
export function findCapsHeadings(lines: readonly string[]): number[] {
  const found: number[] = [];
  for (let i = 0; i < lines.length && found.length < 2000; i++) {
    const previous = lines[i - 1] ?? '';
    // A heading wrapped onto a second line of capitals continues the first.
    if (isCapsHeading(lines[i] ?? '') && !(previous !== '' && isCapsHeading(previous))) found.push(i);
  }
  while (found.length > 0) {
    const first = found[0] ?? 0;
    const body = lines.slice(first + 1, found[1] ?? lines.length).join('\n');
    if (first > 60 || (body.trim() !== '' && !HEADER_CUE.test(body.slice(0, 2000)))) break;
    found.shift();
  }
  return found;
}

export function splitUnnumberedMinutes(lines: readonly string[], headings: readonly number[]): SplitMinutes {
  const items: RawItem[] = headings.map((at, k) => {
    let end = at + 1;
    let title = lines[at] ?? '';
    while (end < lines.length && isCapsHeading(lines[end] ?? '') && end - at < 3) title += ' ' + (lines[end++] ?? '');
    return { number: null, title, lines: trimBlankLines(lines.slice(end, headings[k + 1] ?? lines.length)) };
  });
  return { headerLines: trimBlankLines(lines.slice(0, headings[0] ?? lines.length)), items, meetingLines: [] };
}
