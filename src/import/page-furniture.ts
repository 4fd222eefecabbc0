// Printed minutes repeat the committee's name (and page numbers) at the top of every page.
// Left in, a header splits a sentence in two and reads as a heading; it is kept once, where
// it first appears, because that first occurrence is usually the document's title.

const PAGE_NUMBER = /^(?:page \d{1,4}(?: of \d{1,4})?|- ?\d{1,4} ?-|\d{1,4} ?\/ ?\d{1,4})$/i;
const BODY_MARKER = /^(?:minutes|decision|resolved|recommended|agreed|present|apologies|none)\b/i;
const COMMITTEE_WORDS = /\b(?:committee|board|panel|cabinet|council|commission|forum|minutes)\b/i;

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
  return lines.map((line) => {
    if (line === '') return line;
    if (PAGE_NUMBER.test(line)) return '';
    const count = counts.get(line) ?? 0;
    if (count < 2 || !looksLikeFurniture(line, count, firstLine)) return line;
    if (seen.has(line)) return '';
    seen.add(line);
    return line;
  });
}
