import type { ResolutionBlock } from './resolutions.js';

// Decisions listed with no RESOLVED word over them: Ryedale-style "a. That …", "1) The report
// be received", Scottish "1. Noted that … and agreed that …". A run of list lines counts as
// resolutions when its markers run in sequence from the first value and its limbs read as
// decisions (a "That" clause, a subjunctive "be agreed", a past-tense "Noted"/"Agreed"):
// numbered paragraphs of discussion ("1. The Director presented…") do not.

const LIMB = /^(?:\((\d{1,2}|[a-z]|[ivx]{1,5})\)|(\d{1,2})[.)]|([a-z])[.)]|([ivx]{1,5})\))\s+(\S.*)$/;
const DECISION_LIMB =
  /^(?:That|THAT|that)\b|^(?:Noted|Agreed|Approved|Endorsed|Requested|Recommended|Resolved|Accepted|Supported|Received|Welcomed|Deferred)\b|\bbe (?:not )?(?:\w+ly )?(?:[a-z]+ed|[a-z]+en|set up|brought|sought|made|held|kept|given|taken|done|met)\b/;
// A list under "Decision:" or "Outcome:" is the decision, however its limbs are phrased.
const DECISION_LABEL = /^(?:decisions?|outcome|conclusions?|resolutions?)(?: of the (?:committee|board|panel|meeting))? ?[:\u2013-]?$/i;
const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii'];

interface Limb {
  style: string;
  value: number;
  text: string;
}

function limbAt(line: string): Limb | null {
  const m = LIMB.exec(line);
  if (!m) return null;
  const text = m[5] ?? '';
  if (m[1] !== undefined) {
    const token = m[1];
    if (/^\d+$/.test(token)) return { style: '(n)', value: Number(token), text };
    if (ROMAN.includes(token) && token !== 'v' && token !== 'x') return { style: '(r)', value: ROMAN.indexOf(token) + 1, text };
    return { style: '(a)', value: token.charCodeAt(0) - 96, text };
  }
  if (m[2] !== undefined) return { style: `n${line.charAt(m[2].length)}`, value: Number(m[2]), text };
  if (m[3] !== undefined) return { style: `a${line.charAt(1)}`, value: m[3].charCodeAt(0) - 96, text };
  return { style: 'r)', value: ROMAN.indexOf(m[4] ?? '') + 1, text };
}

// "(1)" on a line of its own and its text on the next: a list as a web page or table renders it.
const BARE_LIMB = /^(?:\((?:\d{1,2}|[a-z]|[ivx]{1,5})\)|\d{1,2}[.)]|[a-z][.)]|[ivx]{1,5}\))$/;

/**
 * The lines with each bare limb marker joined to the text under it; the marker's text moves up
 * and its own line is left blank, so that line indices still point into the item.
 */
export function joinBareLimbMarkers(lines: readonly string[]): string[] {
  const out = [...lines];
  for (let i = 0; i < out.length; i++) {
    if (!BARE_LIMB.test(out[i] ?? '')) continue;
    let j = i + 1;
    while (j < out.length && out[j] === '' && j - i <= 2) j++;
    const next = out[j] ?? '';
    if (next === '' || BARE_LIMB.test(next) || LIMB.test(next)) continue;
    out[i] = `${out[i] ?? ''} ${next}`;
    for (let k = i + 1; k <= j; k++) out[k] = '';
  }
  return out;
}

// "(1) That … be approved; (2) That … be deferred" in one paragraph: the second limb follows a
// stop, semicolon or comma ("; and (2)"), in the first limb's own style.
function inlineSecondLimb(line: string, first: Limb): boolean {
  const second = first.style === '(n)' ? '\\(2\\)' : first.style === '(a)' ? '\\(b\\)' : first.style === '(r)' ? '\\(ii\\)' : null;
  return second !== null && new RegExp(`[.;,:] (?:and )?${second} \\S`).test(line);
}

// "That the minutes of the meeting held on … be confirmed as a correct record." as a paragraph of
// its own: the form of a resolution ("That" and a subjunctive "be"), its RESOLVED word lost.
const THAT_CLAUSE = /^(?:That|THAT) (?:the|a|an|this|these|those|its|[A-Z][a-z]+)\b.{0,400}?\bbe (?:not )?(?:\w+ly )?(?:approved|confirmed|agreed|signed|noted|received|accepted|endorsed|adopted|deferred|referred|brought|submitted|presented|circulated|considered|re-considered|reconsidered|added|included|authorised|delegated|appointed|elected|made|held|taken|given|sought|set up)\b/;

/** "That … be …" paragraphs among lines no other block took, as one-resolution blocks. */
export function findThatClauses(lines: readonly string[], taken: ReadonlySet<number>): ResolutionBlock[] {
  const blocks: ResolutionBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (taken.has(i) || !THAT_CLAUSE.test(lines[i] ?? '')) continue;
    const body = [lines[i] ?? ''];
    let end = i + 1;
    // A wrapped paragraph goes on in lower case.
    while (end < lines.length && !taken.has(end) && /^[a-z]/.test(lines[end] ?? '')) body.push(lines[end++] ?? '');
    blocks.push({ start: i, end, opener: 'RESOLVED', body: body.join('\n') });
    i = end - 1;
  }
  return blocks;
}

// "The minutes of the meeting held on 4 March were agreed as a correct record." as a paragraph of
// its own: the meeting's decision on its last minutes, stated in the past tense with no RESOLVED
// word. Only the minutes are read this way: "the report was agreed" in discussion may be anyone's.
// The qualifier may be capitalised as the title it is ("The Draft Minutes of …").
const MINUTES_APPROVED =
  /^(?:The |the )?(?:(?:[Dd]raft|[Cc]onfirmed|[Oo]pen|[Pp]ublic|[Pp]art (?:1|one|i|I|One)) )?(?:minutes|Minutes|MINUTES)\b.{0,200}?\b(?:was|were) (?:duly |unanimously |then |also )?(?:agreed|approved|confirmed|accepted|adopted|signed|taken as read|received and (?:agreed|approved|signed))\b[^.;]{0,240}[.;]?$/;

/** A paragraph stating that the last meeting's minutes were approved, as a one-resolution block. */
export function findMinutesApproval(lines: readonly string[], taken: ReadonlySet<number>): ResolutionBlock[] {
  const blocks: ResolutionBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (taken.has(i) || line.length > 600 || !MINUTES_APPROVED.test(line)) continue;
    blocks.push({ start: i, end: i + 1, opener: 'AGREED', body: line });
  }
  return blocks;
}

// "2. Noted that a further report will come to the Committee in May": in a list with no
// RESOLVED word over it, a limb that notes a statement records what the meeting was told; the
// decisions are those that note or agree a thing ("Noted the report", "Agreed that …").
const NOTED_STATEMENT = /^Noted that\b/;
const DECIDES = /\b(?:agreed|resolved|decided|approved|endorsed|requested|recommended|instructed|asked)\b/i;

/** A limb of an unmarked list that notes a statement and decides nothing. */
export function notesStatementOnly(block: ResolutionBlock, text: string): boolean {
  return block.unmarked === true && NOTED_STATEMENT.test(text) && !DECIDES.test(text);
}

function previousNonBlank(lines: readonly string[], from: number): number {
  let i = from;
  while (i >= 0 && lines[i] === '') i--;
  return i;
}

/** Unlabelled resolution lists among lines no other block took (`taken`), as blocks. */
export function findUnmarkedLimbs(lines: readonly string[], taken: ReadonlySet<number>): ResolutionBlock[] {
  const blocks: ResolutionBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = taken.has(i) ? null : limbAt(lines[i] ?? '');
    if (!first || first.value !== 1) {
      i++;
      continue;
    }
    if (DECISION_LIMB.test(first.text) && inlineSecondLimb(lines[i] ?? '', first)) {
      blocks.push({ start: i, end: i + 1, opener: 'RESOLVED', body: lines[i] ?? '' });
      i++;
      continue;
    }
    const limbs = [first];
    const body = [lines[i] ?? ''];
    let end = i + 1;
    for (let j = i + 1; j < lines.length && !taken.has(j); j++) {
      const line = lines[j] ?? '';
      if (line === '') continue;
      const next = limbAt(line);
      if (next && next.style === first.style && next.value === limbs.length + 1) limbs.push(next);
      else if (!line.startsWith('- ') && !/^[a-z]/.test(line)) break;
      body.push(line);
      end = j + 1;
    }
    const decisions = limbs.filter((l) => DECISION_LIMB.test(l.text)).length;
    const underLabel = DECISION_LABEL.test(lines[previousNonBlank(lines, i - 1)] ?? '');
    if (limbs.length >= 2 && (underLabel || (DECISION_LIMB.test(first.text) && decisions * 2 > limbs.length))) {
      blocks.push({ start: i, end, opener: 'RESOLVED', body: body.join('\n'), unmarked: true });
      i = end;
    } else i++;
  }
  return blocks;
}
