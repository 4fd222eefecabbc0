// Sentence segmentation for minutes. Minutes are full of full stops that do not end a
// sentence: "Cllr. Jones", "No. 5", "e.g.", "i.e.", "6.30 p.m.", "£1.5m", initials such as
// "P. Lloyd Jones". A stop ends a sentence only when whitespace and a capital (or digit,
// quote, bracket) follow and the word before it is not one of those.

export interface Sentence {
  text: string;
  /** Index of the paragraph (or bullet) the sentence belongs to. */
  paragraph: number;
}

const ABBREVIATIONS = new Set([
  'cllr', 'cllrs', 'mr', 'mrs', 'ms', 'dr', 'prof', 'rev', 'revd', 'st', 'no', 'nos', 'eg', 'ie',
  'e.g', 'i.e', 'viz', 'approx', 'para', 'paras', 'ref', 'cf', 'vs', 'incl', 'inc', 'dept',
  'govt', 'fig', 'a.m', 'p.m', 'op', 'sgt', 'insp', 'supt', 'vol', 'pp', 'nr',
]);

const PARAGRAPH_NUMBER = /^\d{1,4}\.\d{1,3}\.? +/;
const STARTS_OWN_PARAGRAPH = /^(?:- |\(?(?:\d{1,2}|[a-z]|[ivx]{1,5})\) |\d{1,2}\. |\d{1,4}\.\d{1,3}\.? )/;

function endsSentence(text: string): boolean {
  return /[.!?:;)"']$/.test(text);
}

/**
 * Lines into paragraphs: a blank line, a bullet, a list marker or a numbered paragraph starts
 * a new one; a wrapped line joins the one before. A paragraph broken by a removed page header
 * (no closing stop, next part starting lower-case) is joined back together.
 */
export function buildParagraphs(lines: readonly string[]): string[] {
  const paragraphs: string[] = [];
  let current = '';
  let afterBlank = false;
  const flush = (): void => {
    if (current !== '') paragraphs.push(current);
    current = '';
  };
  for (const line of lines) {
    if (line === '') {
      afterBlank = true;
      continue;
    }
    const startsLower = /^[a-z]/.test(line);
    if (current !== '' && !STARTS_OWN_PARAGRAPH.test(line)) {
      const joinAcrossBlank = afterBlank && startsLower && !endsSentence(current);
      if (!afterBlank || joinAcrossBlank) {
        current += ' ' + line;
        afterBlank = false;
        continue;
      }
    }
    flush();
    current = line.replace(/^- /, '').replace(PARAGRAPH_NUMBER, '');
    afterBlank = false;
  }
  flush();
  return paragraphs;
}

function wordBefore(text: string, stopIndex: number): string {
  let start = stopIndex;
  while (start > 0 && !/\s/.test(text[start - 1] ?? ' ')) start--;
  return text.slice(start, stopIndex).replace(/^[("'[]+/, '');
}

function isAbbreviation(word: string, nextChar: string): boolean {
  const lower = word.toLowerCase();
  if (lower === 'no' || lower === 'nos') return /\d/.test(nextChar);
  if (ABBREVIATIONS.has(lower)) return true;
  if (/^[A-Z]$/.test(word)) return true; // an initial, "P. Lloyd Jones"
  return /^(?:[a-z]\.)+[a-z]$/i.test(word); // e.g, i.e, p.m, a.m, U.K
}

/** Split one paragraph into sentences; the pieces keep the paragraph's exact wording. */
export function splitSentences(paragraph: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (let i = 0; i < paragraph.length; i++) {
    const ch = paragraph[i];
    if (ch !== '.' && ch !== '!' && ch !== '?') continue;
    let end = i + 1;
    while (end < paragraph.length && /["')\]]/.test(paragraph[end] ?? '')) end++;
    if (end >= paragraph.length || paragraph[end] !== ' ') continue;
    const next = paragraph[end + 1] ?? '';
    if (!/[A-Z0-9"'(£\u2013-]/.test(next)) continue;
    if (ch === '.' && isAbbreviation(wordBefore(paragraph, i), next)) continue;
    const sentence = paragraph.slice(start, end).trim();
    if (sentence !== '') sentences.push(sentence);
    start = end + 1;
    i = end;
  }
  const last = paragraph.slice(start).trim();
  if (last !== '') sentences.push(last);
  return sentences;
}

export function segmentSentences(lines: readonly string[]): Sentence[] {
  const out: Sentence[] = [];
  buildParagraphs(lines).forEach((paragraph, index) => {
    for (const text of splitSentences(paragraph)) out.push({ text, paragraph: index });
  });
  return out;
}
