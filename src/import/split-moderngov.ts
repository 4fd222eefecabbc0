import { isHeadingText, parseBareItemNumber } from './headings.js';
import { trimBlankLines, type RawItem, type SplitMinutes } from './raw-item.js';

// Modern.gov "Agenda and minutes" pages print each item as: number on its own line (not
// always), the title, then "Minutes:" and the minutes. The "Minutes:" marker is the one
// reliable anchor, so items are found by walking back from each marker to its title.
// Single-item pages add "Meeting: 02/03/2022 - Cabinet (Item 45)" between title and minutes.

const MINUTES_MARKER = /^minutes ?: ?(.*)$/i;
const DECISION_MARKER = /^decisions? ?: ?(.*)$/i;
const ABOVE_MARKER_NOISE =
  /^(?:meeting ?:|purpose ?:|decision maker ?:|decision status ?:|wards? affected ?:|lead (?:member|officer) ?:|report author ?:|key decision ?:|agenda item$)/i;
const MEETING_LINE = /^meeting ?:/i;
const INLINE_NUMBER = /^(?:item )?(\d{1,3}(?:[a-z]|\.[a-z]|\s?\([a-z]\))?)[.)]? +(\S.*)$/i;
const ITEM_IN_MEETING_LINE = /\((?:agenda )?item (?:no\.? ?)?(\d{1,3}[a-z]?)\.?\)/i;

// A decisions page ("Issue - meetings", Cabinet decisions) anchors items on "Decision:" alone on
// its line; printed minutes that write "Decision: That …" keep their own layout.
const DECISION_MARKER_LINE = /^decisions? ?:$/i;

/** "Minutes:" markers, or, on a page with none, "Decision:" markers on lines of their own. */
export function countMinutesMarkers(lines: readonly string[]): number {
  let minutes = 0;
  let decisions = 0;
  for (const line of lines) {
    if (MINUTES_MARKER.test(line)) minutes++;
    else if (DECISION_MARKER_LINE.test(line)) decisions++;
  }
  return minutes > 0 ? minutes : decisions;
}

interface Anchor {
  headerStart: number;
  marker: number;
  number: string | null;
  title: string;
  inline: string;
  meetingLine: string | null;
}

function anchorAt(lines: readonly string[], marker: number, lowerBound: number, inline: string): Anchor {
  let j = marker - 1;
  let meetingLine: string | null = null;
  while (j >= lowerBound) {
    const line = lines[j] ?? '';
    if (line !== '' && !ABOVE_MARKER_NOISE.test(line)) break;
    if (MEETING_LINE.test(line)) meetingLine = line;
    j--;
  }
  if (j < lowerBound) return { headerStart: marker, marker, number: null, title: '', inline, meetingLine };
  // Agenda pages may print a description under the title ("Report of the Director of Finance.");
  // the title is then the heading-like line under the item number, or the line above.
  // A title line carrying its own number ("8(b) Splash Pads") is its own item, whatever number stands above it.
  const own = INLINE_NUMBER.exec(lines[j] ?? '');
  const numbered = own && isHeadingText(own[2] ?? '') ? null : numberAbove(lines, j, lowerBound);
  if (numbered !== null && numbered.titleLine < j) {
    return { headerStart: numbered.at, marker, number: numbered.number, title: (lines[numbered.titleLine] ?? '').replace(/:$/, '').trim(), inline, meetingLine };
  }
  if (looksLikeDescription(lines[j] ?? '')) {
    let p = j - 1;
    while (p >= lowerBound && lines[p] === '') p--;
    if (p >= lowerBound && isHeadingText(lines[p] ?? '') && !/[.;]$/.test(lines[p] ?? '')) j = p;
  }
  let title = (lines[j] ?? '').replace(/:$/, '').trim();
  let number: string | null = null;
  let headerStart = j;
  const inlineNumber = INLINE_NUMBER.exec(title);
  if (inlineNumber) {
    number = inlineNumber[1] ?? null;
    title = inlineNumber[2] ?? title;
  } else {
    let k = j - 1;
    while (k >= lowerBound && lines[k] === '') k--;
    const bare = k >= lowerBound ? parseBareItemNumber(lines[k] ?? '') : null;
    if (bare !== null) {
      number = bare;
      headerStart = k;
    }
  }
  if (number === null && meetingLine) number = ITEM_IN_MEETING_LINE.exec(meetingLine)?.[1] ?? null;
  return { headerStart, marker, number, title, inline, meetingLine };
}

const MAX_DESCRIPTION_LINES = 12;

function looksLikeDescription(line: string): boolean {
  return /[.;]$/.test(line) || line.length > 150;
}

/** A bare item number a few lines above the marker, followed by a heading-like title. */
function numberAbove(lines: readonly string[], from: number, lowerBound: number): { at: number; number: string; titleLine: number } | null {
  for (let k = from - 1; k >= Math.max(lowerBound, from - MAX_DESCRIPTION_LINES); k--) {
    const bare = parseBareItemNumber(lines[k] ?? '');
    if (bare === null) continue;
    let t = k + 1;
    while (t < from && lines[t] === '') t++;
    return isHeadingText(lines[t] ?? '') ? { at: k, number: bare, titleLine: t } : null;
  }
  return null;
}

function numericPart(n: string | null): number | null {
  const m = n === null ? null : /\d+/.exec(n);
  return m ? Number(m[0]) : null;
}

/**
 * Where an item number falls in the agenda's order: a lettered sub-item ("8a", "8(b)") comes
 * after its item ("8") and before the next ("9"), so it is an item of its own when it is printed
 * with nothing minuted under it.
 */
function agendaOrder(n: string | null): number | null {
  const value = numericPart(n);
  if (value === null || n === null) return null;
  const letter = /^\d+[.\s]?\(?([a-z])\)?$/i.exec(n)?.[1]?.toLowerCase();
  return value * 27 + (letter ? letter.charCodeAt(0) - 96 : 0);
}

interface BarePair {
  at: number;
  number: string;
  title: string;
  titleLine: number;
}

/** Bare number lines followed by a title, numbered strictly between `low` and `high`. */
function barePairs(lines: readonly string[], low: number, high: number | null): BarePair[] {
  const pairs: BarePair[] = [];
  let expected = low;
  for (let i = 0; i < lines.length; i++) {
    const bare = parseBareItemNumber(lines[i] ?? '');
    if (bare === null) continue;
    const value = agendaOrder(bare) ?? -1;
    let t = i + 1;
    while (t < lines.length && lines[t] === '') t++;
    const title = lines[t] ?? '';
    if (value <= expected || (high !== null && value >= high) || !isHeadingText(title)) continue;
    pairs.push({ at: i, number: bare, title, titleLine: t });
    expected = value;
  }
  return pairs;
}

function itemsFromPairs(lines: readonly string[], pairs: readonly BarePair[]): RawItem[] {
  return pairs.map((p, k) => ({
    number: p.number,
    title: p.title,
    lines: trimBlankLines(lines.slice(p.titleLine + 1, pairs[k + 1]?.at ?? lines.length)),
  }));
}

/** Items printed with a number but no "Minutes:" block (nothing minuted) sit inside a body. */
function splitUnminutedItems(item: RawItem, nextNumber: string | null): RawItem[] {
  const low = agendaOrder(item.number);
  if (low === null) return [item];
  const pairs = barePairs(item.lines, low, agendaOrder(nextNumber));
  if (pairs.length === 0) return [item];
  const head = { ...item, lines: trimBlankLines(item.lines.slice(0, pairs[0]?.at ?? 0)) };
  return [head, ...itemsFromPairs(item.lines, pairs)];
}

export function splitModernGovMinutes(lines: readonly string[]): SplitMinutes {
  const markerPattern = lines.some((l) => MINUTES_MARKER.test(l)) ? MINUTES_MARKER : DECISION_MARKER;
  const anchors: Anchor[] = [];
  let lowerBound = 0;
  lines.forEach((line, i) => {
    const m = markerPattern.exec(line);
    if (!m) return;
    anchors.push(anchorAt(lines, i, lowerBound, (m[1] ?? '').trim()));
    lowerBound = i + 1;
  });
  const meetingLines: string[] = [];
  const items: RawItem[] = [];
  anchors.forEach((a, k) => {
    if (a.meetingLine) meetingLines.push(a.meetingLine);
    const end = anchors[k + 1]?.headerStart ?? lines.length;
    const body = lines.slice(a.marker + 1, end);
    if (a.inline !== '') body.unshift(a.inline);
    const item: RawItem = { number: a.number, title: a.title, lines: trimBlankLines(body) };
    items.push(...splitUnminutedItems(item, anchors[k + 1]?.number ?? null));
  });
  // Unminuted items can also come before the first minuted one.
  const headerEnd = anchors[0]?.headerStart ?? lines.length;
  const header = lines.slice(0, headerEnd);
  const firstNumber = agendaOrder(items[0]?.number ?? null);
  const early = firstNumber === null ? [] : barePairs(header, 0, firstNumber);
  if (early.length === 0) return { headerLines: trimBlankLines(header), items, meetingLines };
  return {
    headerLines: trimBlankLines(header.slice(0, early[0]?.at ?? 0)),
    items: [...itemsFromPairs(header, early), ...items],
    meetingLines,
  };
}
