// Printed minutes repeat the committee's name (and page numbers) at the top of every page.
// Left in, a header splits a sentence in two and reads as a heading; it is kept once, where
// it first appears, because that first occurrence is usually the document's title.

const PAGE_NUMBER = /^(?:page \d{1,4}(?: of \d{1,4})?|- ?\d{1,4} ?-|\d{1,4} ?\/ ?\d{1,4})$/i;
const BODY_MARKER = /^(?:minutes|decision|resolved|recommended|agreed|present|apologies|none)\b/i;
const COMMITTEE_WORDS = /\b(?:committee|board|panel|cabinet|council|commission|forum|minutes)\b/i;

// pdftotext ends each page with a form feed; the page's printed number sits on a line of its
// own just before it (a footer) or just after it (a header). Left in, a lone "2" between a
// heading and its paragraph reads as an item number. A lone number counts as the page's only
// when it is near the page's own index (a cover page may go unnumbered), so a minute number
// that happens to open a page is kept.
const LONE_NUMBER = /^[ \t]*(\d{1,3})[ \t]*$/;

function isPageNumberOf(line: string | undefined, page: number): boolean {
  const m = LONE_NUMBER.exec(line ?? '');
  if (!m) return false;
  const n = Number(m[1]);
  return n >= page - 2 && n <= page + 1;
}

/** Text with the page-number lines at its form feeds removed (the form feeds become line breaks). */
export function removeFormFeedPageNumbers(text: string): string {
  if (!text.includes('\f')) return text;
  const pages = text.split('\f');
  return pages
    .map((page, k) => {
      const lines = page.split(/\r\n?|\n/);
      const first = lines.findIndex((l) => l.trim() !== '');
      if (first >= 0 && k > 0 && isPageNumberOf(lines[first], k + 1)) lines[first] = '';
      let last = lines.length - 1;
      while (last >= 0 && (lines[last] ?? '').trim() === '') last--;
      if (last >= 0 && k < pages.length - 1 && isPageNumberOf(lines[last], k + 1)) lines[last] = '';
      return lines.join('\n');
    })
    .join('\n');
}

// A flattened item table prints the committee's code in the cell over the minute number
// ("HSC" / "12/24"): a page count has no code over it.
const COMMITTEE_CODE = /^[A-Z]{2,6}$/;

/**
 * "7/07" or "12/07" is a minute within a year, not page 7 of 7: a page count is not written with
 * a leading zero, and no page is past the last.
 */
function isMinuteOfYear(line: string, above: string | undefined): boolean {
  const m = /^(\d{1,4}) ?\/ ?(\d{1,4})$/.exec(line);
  return m !== null && (/^0/.test(m[2] ?? '') || Number(m[1]) > Number(m[2]) || COMMITTEE_CODE.test(above ?? ''));
}


export function isUpperCaseDominant(text: string): boolean {
  let upper = 0;
  let lower = 0;
  for (const ch of text) {
    if (ch >= 'A' && ch <= 'Z') upper++;
    else if (ch >= 'a' && ch <= 'z') lower++;
  }
  return upper >= 3 && upper >= lower * 4;
}

function looksLikeFurniture(line: string, count: number, firstLine: string | undefined): boolean {
  if (line.length < 6 || line.length > 150) return false;
  if (/[.;:]$/.test(line) || /^[-\d(]/.test(line) || BODY_MARKER.test(line)) return false;
  if (line === firstLine) return true;
  if (count >= 3 && isUpperCaseDominant(line)) return true;
  return count >= 3 && COMMITTEE_WORDS.test(line) && line.split(' ').length <= 16;
}

export function removePageFurniture(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1);
  const firstLine = lines.find((l) => l !== '');
  const seen = new Set<string>();
  return lines.map((line, i) => {
    if (line === '') return line;
    if (PAGE_NUMBER.test(line) && !isMinuteOfYear(line, lines[i - 1])) return '';
    const count = counts.get(line) ?? 0;
    if (count < 2 || !looksLikeFurniture(line, count, firstLine)) return line;
    if (seen.has(line)) return '';
    seen.add(line);
    return line;
  });
}
