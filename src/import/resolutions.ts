import { splitEnumerated } from './enumerators.js';
import { findMinutesApproval, findThatClauses, findUnmarkedLimbs, joinBareLimbMarkers } from './resolution-limbs.js';
import type { CueContext } from './action-cues.js';
import { inferResolutionKind } from './resolution-kind.js';
import type { ResolutionKind } from './types.js';

// Resolutions as councils write them: "RESOLVED: That …", "RESOLVED that …", "RESOLVED –",
// "Resolved – (a) … (b) …", "Resolved that: (1) … (2) …", "RESOLVED: That 1. … 2. …",
// "It was RESOLVED that …", "The Committee RESOLVED to …", Welsh "RECOMMENDED – (1) THAT …"
// and "AGREED: …". A block runs from the opener over the list lines that belong to it.

export interface ResolutionBlock {
  /** Index of the opener's line in the item's lines. */
  start: number;
  /** Index after the block's last line. */
  end: number;
  opener: string;
  body: string;
  /** A list with no RESOLVED word over it, read as decisions from its limbs' wording. */
  unmarked?: boolean;
}

export interface ParsedResolution {
  number: string | null;
  text: string;
  kind: ResolutionKind;
}

// At the start of a line: the word in capitals followed by anything but a letter, or
// capitalised and followed by a separator, "that", "to" or a list marker.
const OPENER_CAPITALS = /^(RESOLVED|RECOMMENDED|AGREED|DECIDED|CONCLUDED|NOTED|DECISION)(?![A-Za-z])/;
// "The minutes … were AGREED as a correct record": the subject comes first, so the whole line is the text.
const OPENER_PASSIVE = /\b(?:was|were|is|are) (AGREED|APPROVED|NOTED|RESOLVED|ENDORSED)\b/;
const OPENER_CAPITALISED = /^(?:(Resolved|Recommended|Agreed|Decided|Concluded)(?= ?[:\u2013\u2014,-]| (?:that|That|THAT|to|unanimously|accordingly)\b| ?\(| ?\d\.|$)|(Decision)(?= ?:))/;
// Within a line: "it was (unanimously) resolved", "the Committee RESOLVED", "it was AGREED".
const OPENER_INLINE =
  /\b(?:it was|the (?:committee|board|panel|sub-committee|cabinet|council|commission|forum|group|meeting)|members)(?: (?:duly|then|further|therefore|unanimously|accordingly|subsequently|also))* (resolved|RESOLVED|Resolved|AGREED|RECOMMENDED|NOTED)\b/i;
// "The Board:" on its own line, then "(1) noted the report; (2) agreed that…": the body's
// decisions as a list, common in Health and Wellbeing Board minutes.
// Scottish councils write "The Committee agreed:-" over the list.
const OPENER_BODY_COLON =
  /^(?:The )?(Committee|Board|Panel|Sub-Committee|Cabinet|Commission|Forum|Group|Council)(?: (?:then|therefore|accordingly|unanimously))?(?: (?:agreed|decided|resolved))? ?:-?$/i;
// …under a "Decision" subheading, where "The Committee agreed to note the update" is the decision.
const DECISION_HEADING = /^decisions? ?:?$/i;
const AGREED_AFTER_HEADING = /^(?:The )?(?:Committee|Board|Panel|Sub-Committee|Cabinet|Commission|Forum|Group|Council) (?:unanimously )?(?:agreed|decided|resolved)\b ?(?:to |that |:-? ?)?/i;
// "The Board noted the progress report." as a paragraph of its own: the decision, unlabelled.
const OPENER_PLAIN_DECISION =
  /^The (?:Committee|Board|Panel|Sub-Committee|Cabinet|Commission|Forum|Group) (noted|endorsed|approved|agreed|received|accepted|welcomed) (?:the|its) (?:[\w'-]+ ){0,6}?(?:report|update|presentation|plan|strategy|minutes|work programme|briefing|position)s?\.?$/;
// A line that announces the decisions under it without a RESOLVED word: "The following was
// agreed:", "It was moved by Councillor A, seconded by Councillor B and" (the RESOLVED lost).
const OPENER_LINE_END =
  /(?:\bthe following (?:was|were|is|are) (?:agreed|resolved|decided)|\b(?:agreed|resolved|decided) the following|^it was (?:moved|proposed) by\b.{0,160}\bseconded by\b.{0,160}\band)\s*:?-?\s*$/i;
const LIST_LINE = /^(?:- )?(?:\((?:\d{1,2}|[A-Za-z]|[ivx]{1,5})\)|\d{1,2}[.)]|[a-z][.)]|[ivx]{1,5}\))\s/;
const VOTE_LINE = /^\(?(?:unanimous(?:ly)?|carried|lost|for:? ?\d|\d+ (?:for|votes))/i;
const MAX_BLOCK_LINES = 40;

export function findOpener(line: string): { opener: string; rest: string } | null {
  const text = line.replace(/^- /, '').replace(/^\d{1,4}\.\d{1,3}\.? /, '');
  if (text.length > 3000) return null;
  const atStart = OPENER_CAPITALS.exec(text) ?? OPENER_CAPITALISED.exec(text);
  if (atStart) return { opener: atStart[1] ?? atStart[2] ?? '', rest: text.slice(atStart[0].length) };
  const bodyColon = OPENER_BODY_COLON.exec(text);
  if (bodyColon) return { opener: 'RESOLVED', rest: '' };
  const plain = OPENER_PLAIN_DECISION.exec(text);
  if (plain) return { opener: (plain[1] ?? '').toUpperCase(), rest: text.slice(text.indexOf(plain[1] ?? '')) };
  const inline = OPENER_INLINE.exec(text);
  if (inline) {
    const word = inline[1] ?? '';
    const lowerCaseWord = word === word.toLowerCase() || word === 'Resolved';
    const rest = text.slice(inline.index + inline[0].length);
    // "The Committee NOTED the report": keep the verb, it is the decision.
    const keepVerb = /^(?:NOTED|AGREED)$/.test(word) && !/^ ?(?:that|to|[:\u2013\u2014-])/i.test(rest);
    if (!lowerCaseWord || /resolved/i.test(word)) return { opener: word, rest: keepVerb ? word.toLowerCase() + rest : rest };
  }
  if (OPENER_LINE_END.test(text)) return { opener: 'RESOLVED', rest: '' };
  // "…seconded by Councillor B and RESOLVED that…": the capitals alone mark the decision.
  const capitals = /(?:^|[ ,;(])(RESOLVED)\b(?! (?:to be|by)\b)/.exec(text);
  if (capitals) return { opener: 'RESOLVED', rest: text.slice(capitals.index + capitals[0].length) };
  const passive = OPENER_PASSIVE.exec(text);
  if (passive) return { opener: passive[1] ?? '', rest: text };
  return null;
}

/** The line under a "Decision" subheading that says what the body agreed. */
function afterDecisionHeading(lines: readonly string[], i: number): { opener: string; rest: string } | null {
  let p = i - 1;
  while (p >= 0 && lines[p] === '') p--;
  if (p < 0 || !DECISION_HEADING.test(lines[p] ?? '')) return null;
  const m = AGREED_AFTER_HEADING.exec(lines[i] ?? '');
  if (!m) return null;
  const rest = (lines[i] ?? '').slice(m[0].length);
  // "agreed to note the update": keep "note" as the decision's verb.
  return { opener: 'AGREED', rest };
}

function stripSeparators(text: string): string {
  return text.replace(/^(?: ?(?:unanimously|accordingly))? ?[:\u2013\u2014,-]{0,2} ?/, '');
}

function continues(line: string, body: string, inSubList: boolean): boolean {
  if (line === '') return false;
  if (findOpener(line)) return false;
  if (LIST_LINE.test(line)) return true;
  if (/^[a-z]/.test(line.replace(/^- /, ''))) return true;
  const trimmed = body.trimEnd();
  if (trimmed === '' || /(?::|\bthat|\bTHAT|\bThat|;|,|\band|\bor)$/.test(trimmed)) return true;
  return inSubList && line.startsWith('- ');
}

/** Resolution blocks in one item's lines, in order. */
export function findResolutionBlocks(itemLines: readonly string[]): ResolutionBlock[] {
  const lines = joinBareLimbMarkers(itemLines);
  const blocks: ResolutionBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const found = findOpener(lines[i] ?? '') ?? afterDecisionHeading(lines, i);
    if (!found) {
      i++;
      continue;
    }
    let body = stripSeparators(found.rest);
    let inSubList = /:$/.test(body.trimEnd());
    let j = i + 1;
    while (j < lines.length && j - i < MAX_BLOCK_LINES) {
      let k = j;
      while (k < lines.length && lines[k] === '') k++;
      const next = lines[k] ?? '';
      if (k >= lines.length || VOTE_LINE.test(next.replace(/^- /, ''))) {
        if (k < lines.length) j = k + 1;
        break;
      }
      if (!continues(next, body, inSubList)) break;
      const text = next;
      body += '\n' + text;
      if (/:$/.test(text)) inSubList = true;
      else if (LIST_LINE.test(next)) inSubList = false;
      j = k + 1;
    }
    blocks.push({ start: i, end: j, opener: found.opener, body: body.trim() });
    i = j;
  }
  const taken = new Set(blocks.flatMap((b) => Array.from({ length: b.end - b.start }, (_, k) => b.start + k)));
  const limbs = findUnmarkedLimbs(lines, taken);
  for (const b of limbs) for (let k = b.start; k < b.end; k++) taken.add(k);
  const thatClauses = findThatClauses(lines, taken);
  for (const b of thatClauses) for (let k = b.start; k < b.end; k++) taken.add(k);
  return [...blocks, ...limbs, ...thatClauses, ...findMinutesApproval(lines, taken)].sort((a, b) => a.start - b.start);
}

function cleanResolutionText(text: string): string {
  const t = text
    .replace(/^- /, '')
    .replace(/\s*\n(?:- )?\s*/g, ' ')
    .replace(/^(?:that|THAT|That)\b:? ?/, '')
    .replace(/(?:;|,)? ?(?:and|or)$/i, '')
    .replace(/[;,]$/, '')
    .trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** Split a block into its numbered sub-resolutions, each with an inferred kind. */
export function parseResolutionBlock(block: ResolutionBlock, context: CueContext = {}): ParsedResolution[] {
  const { preamble, parts } = splitEnumerated(block.body.replace(/\n- (?=\(|\d{1,2}[.)]|[a-z]\) )/g, '\n'));
  const bullets = block.body.split(/\n- /);
  if (parts.length === 0 && bullets.length >= 3) {
    // "The Committee RESOLVED to:" followed by bullets: each bullet is a resolution, unnumbered.
    const lead = bullets[0] ?? '';
    return bullets
      .slice(1)
      .map((b) => cleanResolutionText(b))
      .filter((text) => text !== '')
      .map((text) => ({ number: null, text, kind: inferResolutionKind(text, block.opener, lead, context) }));
  }
  if (parts.length === 0) {
    const text = cleanResolutionText(block.body);
    if (text === '') return [];
    return [{ number: null, text, kind: inferResolutionKind(text, block.opener, '', context) }];
  }
  return parts
    .map((part) => {
      const text = cleanResolutionText(part.text);
      return { number: part.marker, text, kind: inferResolutionKind(text, block.opener, preamble, context) };
    })
    .filter((r) => r.text !== '');
}
