// Numbered sub-resolutions: "(1) … (2) …", "(a) … (b) …", "(i) … (ii) …", "1. … 2. …", "a) … b) …".
// A list only counts when its markers run in sequence from the first value, so a stray
// "paragraph (3)" or a nested "(a)" inside "(1)" stays part of the text around it.

export interface EnumeratedPart {
  marker: string;
  text: string;
}

export interface Enumerated {
  preamble: string;
  parts: EnumeratedPart[];
}

interface Reading {
  style: string;
  value: number;
}

interface Candidate {
  start: number;
  end: number;
  marker: string;
  readings: Reading[];
  atLineStart: boolean;
}

const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv'];
// "a." counts only at the start of a line ("a. That …"), never after "e.g." in a sentence.
const MARKER = /(^|[\s:;,\u2013\u2014])(?:\((\d{1,2}|[A-Za-z]|[ivx]{2,5})\)|(\d{1,2})([.)])|([a-z]|[ivx]{2,5})\)|([a-z])\.)(?=\s)/g;

function readingsFor(token: string, wrapper: string): Reading[] {
  if (/^\d+$/.test(token)) return [{ style: `${wrapper}num`, value: Number(token) }];
  const readings: Reading[] = [];
  if (/^[a-z]$/.test(token)) readings.push({ style: `${wrapper}lower`, value: token.charCodeAt(0) - 96 });
  if (/^[A-Z]$/.test(token)) readings.push({ style: `${wrapper}upper`, value: token.charCodeAt(0) - 64 });
  const roman = ROMAN.indexOf(token);
  if (roman >= 0) readings.push({ style: `${wrapper}roman`, value: roman + 1 });
  return readings;
}

function candidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m !== null && out.length < 500; m = MARKER.exec(text)) {
    const lead = m[1] ?? '';
    const start = m.index + lead.length;
    const paren = m[2];
    const letterDot = m[6];
    if (letterDot !== undefined && !(start === 0 || text[start - 1] === '\n')) continue;
    const token = paren ?? m[3] ?? m[5] ?? letterDot ?? '';
    const wrapper = paren !== undefined ? '()' : letterDot !== undefined ? '.' : (m[4] ?? ')');
    out.push({
      start,
      end: m.index + m[0].length,
      marker: token,
      readings: readingsFor(token, wrapper),
      atLineStart: start === 0 || text[start - 1] === '\n',
    });
  }
  return out;
}

function canOpenList(text: string, c: Candidate): boolean {
  if (c.atLineStart) return true;
  const before = text.slice(0, c.start).trim();
  return before === '' || /(?:[:\u2013\u2014-]|\bthat|\bTHAT|\bThat)$/.test(before) || before.length <= 12;
}

export function splitEnumerated(text: string): Enumerated {
  const all = candidates(text);
  let chosen: Candidate[] = [];
  for (let i = 0; i < all.length && chosen.length === 0; i++) {
    const first = all[i];
    if (!first || !canOpenList(text, first)) continue;
    const reading = first.readings.find((r) => r.value === 1);
    if (!reading) continue;
    const run = [first];
    let expected = 2;
    for (let j = i + 1; j < all.length; j++) {
      const c = all[j];
      if (c && c.readings.some((r) => r.style === reading.style && r.value === expected)) {
        run.push(c);
        expected++;
      }
    }
    chosen = run;
  }
  if (chosen.length === 0) return { preamble: text.trim(), parts: [] };
  const parts = chosen.map((c, k) => ({
    marker: c.marker,
    text: text.slice(c.end, chosen[k + 1]?.start ?? text.length).trim(),
  }));
  return { preamble: text.slice(0, chosen[0]?.start ?? 0).trim(), parts };
}
