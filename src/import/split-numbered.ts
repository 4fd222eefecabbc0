import { isHeadingText, isTitleUnderNumber, parseBareItemNumber, parseItemMarker, parseNumberedHeading, seriesReadings, type NumberedHeading } from './headings.js';
import { isUpperCaseDominant } from './page-furniture.js';
import { trimBlankLines, type RawItem, type SplitMinutes } from './raw-item.js';

// Numbered minutes: each item starts at a heading line carrying its minute number. Numbers
// rise through a document, so of all the lines that look like headings we keep the longest
// rising run — a stray "3 Children's Centres" in a list cannot break the sequence.

export interface HeadingAt {
  line: number;
  /** Lines the heading occupies (2 when the number stands alone above the heading). */
  span: number;
  heading: NumberedHeading;
}

const MAX_CANDIDATES = 1500;
const MAX_GAP = 60;

function nextNonBlank(lines: readonly string[], from: number): number {
  let i = from;
  while (i < lines.length && lines[i] === '') i++;
  return i;
}

function previousNonBlank(lines: readonly string[], from: number): number {
  let i = from;
  while (i >= 0 && lines[i] === '') i--;
  return i;
}

/**
 * "Heading" then "(Item 5)": the item's number printed under its heading. Where a minute number
 * stands above the heading ("76." / "Heading" / "(Item 1)") the minute number is the item's, and
 * the marker only belongs to the heading.
 */
function itemMarkerHeading(lines: readonly string[], i: number): HeadingAt | null {
  const marker = parseItemMarker(lines[i] ?? '');
  if (marker === null) return null;
  const h = previousNonBlank(lines, i - 1);
  const title = lines[h] ?? '';
  if (h < 0 || i - h > 2 || !isHeadingText(title) || parseNumberedHeading(title) !== null || parseItemMarker(title) !== null) return null;
  const above = previousNonBlank(lines, h - 1);
  if (above >= 0 && h - above <= 2 && parseBareItemNumber(lines[above] ?? '') !== null) return null;
  const value = Number(/\d+/.exec(marker)?.[0] ?? NaN);
  return { line: h, span: i - h + 1, heading: { number: marker, value, prefix: '(item)', title, rest: null } };
}

// A table of items flattened to lines puts each cell on a line of its own: the committee's code
// ("CYP"), the minute number within the year ("7/07"), then the heading.
const CODE_LINE = /^[A-Z]{2,6}$/;
const BARE_SERIES = /^(?:([A-Z]{2,6}) )?(\d{1,4}\/\d{2,4})[.)]?$/;

function bareSeriesHeadings(lines: readonly string[], i: number): HeadingAt[] {
  const m = BARE_SERIES.exec(lines[i] ?? '');
  if (!m) return [];
  const above = previousNonBlank(lines, i - 1);
  const code = m[1] ?? (above === i - 1 && CODE_LINE.test(lines[above] ?? '') ? (lines[above] ?? '') : null);
  const start = m[1] === undefined && code !== null ? above : i;
  const j = nextNonBlank(lines, i + 1);
  const title = lines[j] ?? '';
  if (j - i > 2 || parseBareItemNumber(title) !== null || BARE_SERIES.test(title)) return [];
  return seriesReadings(`${m[2] ?? ''} ${title}`)
    .filter((h) => h.rest === null)
    .map((h) => ({
      line: start,
      span: j - start + 1,
      heading: code === null ? h : { ...h, number: `${code} ${h.number}`, prefix: `${code} ${h.prefix}` },
    }));
}

// The same with the code and number in one cell over the heading: "OSC/23/41" or "HSC 12" / "APOLOGIES".
const CODED_NUMBER_LINE = /^(?:[A-Z]{2,6}[./ ]?\d{1,4}|[A-Z]{1,8}\/\d{2,4}\/\d{1,4})[a-z]?[.)]?$/;

function codedNumberHeading(lines: readonly string[], i: number): HeadingAt | null {
  const line = lines[i] ?? '';
  if (!CODED_NUMBER_LINE.test(line)) return null;
  const j = nextNonBlank(lines, i + 1);
  const title = lines[j] ?? '';
  if (j - i > 2 || CODED_NUMBER_LINE.test(title) || parseBareItemNumber(title) !== null) return null;
  const heading = parseNumberedHeading(`${line.replace(/[.)]$/, '')} ${title}`);
  return heading && heading.rest === null ? { line: i, span: j - i + 1, heading } : null;
}

function candidateHeadings(lines: readonly string[]): HeadingAt[] {
  const found: HeadingAt[] = [];
  for (let i = 0; i < lines.length && found.length < MAX_CANDIDATES; i++) {
    const line = lines[i] ?? '';
    if (line === '' || line.startsWith('- ')) continue;
    const tabled = bareSeriesHeadings(lines, i);
    if (tabled.length > 0) {
      found.push(...tabled);
      continue;
    }
    const coded = codedNumberHeading(lines, i);
    if (coded) {
      found.push(coded);
      continue;
    }
    const marked = itemMarkerHeading(lines, i);
    if (marked) {
      found.push(marked);
      continue;
    }
    // A series number ("24/045") may have two readings; the rising run decides between them.
    const readings = seriesReadings(line);
    if (readings.length > 0) {
      for (const heading of readings) found.push({ line: i, span: 1, heading });
      continue;
    }
    const heading = parseNumberedHeading(line);
    if (heading) {
      found.push({ line: i, span: 1, heading });
      continue;
    }
    const bare = parseBareItemNumber(line);
    if (bare === null) continue;
    const j = nextNonBlank(lines, i + 1);
    const title = lines[j] ?? '';
    // "2" over "1. Mr Hale introduced…": a page number over a numbered paragraph, not an item.
    if (j - i > 2 || !isTitleUnderNumber(title) || parseBareItemNumber(title) !== null || /^\d{1,3}[.)] /.test(title)) continue;
    const value = Number(/\d+/.exec(bare)?.[0] ?? NaN);
    found.push({ line: i, span: j - i + 1, heading: { number: bare, value, prefix: '', title, rest: null } });
  }
  return found;
}

/** Longest run of candidates whose numbers rise (same prefix, bounded gaps). */
export function risingHeadings(candidates: readonly HeadingAt[]): HeadingAt[] {
  const n = candidates.length;
  const best = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const ci = candidates[i];
    if (!ci) continue;
    for (let j = Math.max(0, i - 200); j < i; j++) {
      const cj = candidates[j];
      if (!cj || cj.heading.prefix !== ci.heading.prefix) continue;
      const gap = ci.heading.value - cj.heading.value;
      const sameNumberSubItem = gap === 0 && cj.heading.number !== ci.heading.number;
      if (!(gap > 0 && gap <= MAX_GAP) && !sameNumberSubItem) continue;
      if ((best[j] ?? 0) + 1 > (best[i] ?? 0)) {
        best[i] = (best[j] ?? 0) + 1;
        prev[i] = j;
      }
    }
  }
  let end = -1;
  for (let i = 0; i < n; i++) if (end < 0 || (best[i] ?? 0) > (best[end] ?? 0)) end = i;
  const chain: HeadingAt[] = [];
  for (let i = end; i >= 0; i = prev[i] ?? -1) {
    const c = candidates[i];
    if (c) chain.unshift(c);
  }
  return chain;
}

export function findNumberedHeadings(lines: readonly string[]): HeadingAt[] {
  return risingHeadings(candidateHeadings(lines));
}

/** A long upper-case heading wrapped onto the next line(s) of a PDF. */
function continueHeading(lines: readonly string[], at: HeadingAt, limit: number): HeadingAt {
  if (at.heading.rest !== null || !isUpperCaseDominant(at.heading.title)) return at;
  let title = at.heading.title;
  let span = at.span;
  for (let k = 0; k < 2; k++) {
    const next = lines[at.line + span];
    if (next === undefined || next === '' || at.line + span >= limit) break;
    if (!isUpperCaseDominant(next) || next.length > 120 || /^[-(]/.test(next) || /^RESOLVED|^RECOMMENDED|^AGREED/.test(next)) break;
    if (parseNumberedHeading(next) !== null || parseBareItemNumber(next) !== null) break;
    title += ' ' + next;
    span++;
  }
  return { ...at, span, heading: { ...at.heading, title } };
}

export function splitNumberedMinutes(lines: readonly string[], headings: readonly HeadingAt[]): SplitMinutes {
  const firstLine = headings[0]?.line ?? lines.length;
  const items: RawItem[] = headings.map((raw, k) => {
    const limit = headings[k + 1]?.line ?? lines.length;
    const at = continueHeading(lines, raw, limit);
    const body = lines.slice(at.line + at.span, limit);
    if (at.heading.rest) body.unshift(at.heading.rest);
    return { number: at.heading.number, title: at.heading.title, lines: trimBlankLines(body) };
  });
  return { headerLines: trimBlankLines(lines.slice(0, firstLine)), items, meetingLines: [] };
}
