import type { ResolutionBlock } from './resolutions.js';

// Decisions listed with no RESOLVED word over them: Ryedale-style "a. That …", "1) The report
// be received", Scottish "1. Noted that … and agreed that …". A run of list lines counts as
// resolutions when its markers run in sequence from the first value and its limbs read as
// decisions (a "That" clause, a subjunctive "be agreed", a past-tense "Noted"/"Agreed"):
// numbered paragraphs of discussion ("1. The Director presented…") do not.

const LIMB = /^(?:\((\d{1,2}|[a-z]|[ivx]{1,5})\)|(\d{1,2})[.)]|([a-z])[.)]|([ivx]{1,5})\))\s+(\S.*)$/;
const DECISION_LIMB =
  /^(?:That|THAT)\b|^(?:Noted|Agreed|Approved|Endorsed|Requested|Recommended|Resolved|Accepted|Supported|Received|Welcomed|Deferred)\b|\bbe (?:\w+ly )?(?:[a-z]+ed|[a-z]+en|set up|brought|sought|made|held|kept|given|taken|done|met)\b/;
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
    if (limbs.length >= 2 && DECISION_LIMB.test(first.text) && decisions * 2 > limbs.length) {
      blocks.push({ start: i, end, opener: 'RESOLVED', body: body.join('\n') });
      i = end;
    } else i++;
  }
  return blocks;
}
