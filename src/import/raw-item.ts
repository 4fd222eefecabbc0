// What the layout splitters hand on: the lines before the first item (the meeting header and
// attendance) and each item's number, title and minutes lines.

export interface RawItem {
  number: string | null;
  title: string;
  lines: string[];
}

export interface SplitMinutes {
  headerLines: string[];
  items: RawItem[];
  /** Facts the page states outside the header, e.g. Modern.gov's "Meeting: 02/03/2022 - Cabinet (Item 45)". */
  meetingLines: string[];
}

export function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === '') start++;
  while (end > start && lines[end - 1] === '') end--;
  return lines.slice(start, end);
}
