import type { ActionKind, DueHint, MinutesDraft, MinutesLayout, ResolutionKind } from './types.js';

// Scoring a draft against hand labels. Items match on number and title; resolutions,
// actions and progress match when the predicted text contains the labelled substring (and,
// if the label names one, in the same item). Matching is one-to-one, so a duplicate action
// from the same sentence counts against precision.

export interface ExpectedMinutes {
  layout?: MinutesLayout;
  meeting?: { committeeName?: string | null; date?: string | null; time?: string | null; venue?: string | null };
  items: Array<{ number: string | null; title: string }>;
  resolutions: Array<{ item?: string | null; text: string; kind?: ResolutionKind }>;
  actions: Array<{ item?: string | null; sentence: string; kind?: ActionKind; dueHint?: DueHint; requestedBy?: string; owner?: string }>;
  progress?: string[];
  declarations?: Array<{ person: string; item?: string | null; kind?: string }>;
  exempt?: string[];
  attendance?: Array<{ name: string; status: string; kind?: string; substituteFor?: string }>;
  /** Substrings that must each appear in one of the draft's warnings. */
  warnings?: string[];
}

export interface Score {
  matched: number;
  predicted: number;
  expected: number;
}

export interface DocumentScore {
  items: Score;
  resolutions: Score;
  actions: Score;
  progress: Score;
}

export function normaliseForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019']/g, "'")
    .replace(/[\u201C\u201D"]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,;:]+|[\s.,;:]+$/g, '');
}

function sameNumber(a: string | null | undefined, b: string | null | undefined): boolean {
  const n = (x: string | null | undefined): string => (x ?? '').replace(/\.$/, '').toLowerCase();
  return n(a) === n(b);
}

/** One-to-one greedy matching: each expected label takes the first unused prediction that fits. */
function matchCount<P, E>(predicted: readonly P[], expected: readonly E[], fits: (p: P, e: E) => boolean): { score: Score; pairs: Array<[P, E]> } {
  const used = new Set<number>();
  const pairs: Array<[P, E]> = [];
  for (const e of expected) {
    const index = predicted.findIndex((p, i) => !used.has(i) && fits(p, e));
    if (index >= 0) {
      used.add(index);
      const p = predicted[index];
      if (p !== undefined) pairs.push([p, e]);
    }
  }
  return { score: { matched: pairs.length, predicted: predicted.length, expected: expected.length }, pairs };
}

function itemNumberOf(draft: MinutesDraft, itemIndex: number): string | null {
  return draft.items[itemIndex]?.number ?? null;
}

export function scoreDraft(draft: MinutesDraft, expected: ExpectedMinutes): DocumentScore {
  const items = matchCount(draft.items, expected.items, (p, e) => sameNumber(p.number, e.number) && normaliseForMatch(p.title) === normaliseForMatch(e.title));
  const resolutions = matchCount(
    draft.resolutions,
    expected.resolutions,
    (p, e) => normaliseForMatch(p.text).includes(normaliseForMatch(e.text)) && (e.item === undefined || sameNumber(itemNumberOf(draft, p.itemIndex), e.item)),
  );
  const actions = matchCount(
    draft.actions,
    expected.actions,
    (p, e) =>
      normaliseForMatch(p.sourceSentence).includes(normaliseForMatch(e.sentence)) &&
      (e.item === undefined || sameNumber(itemNumberOf(draft, p.itemIndex), e.item)),
  );
  const progress = matchCount(draft.progress, expected.progress ?? [], (p, e) => normaliseForMatch(p.sourceSentence).includes(normaliseForMatch(e)));
  return { items: items.score, resolutions: resolutions.score, actions: actions.score, progress: progress.score };
}

/** Labelled attributes (kinds, due hints, who asked) that the matched predictions got wrong. */
export function attributeMismatches(draft: MinutesDraft, expected: ExpectedMinutes): string[] {
  const out: string[] = [];
  const resolutions = matchCount(draft.resolutions, expected.resolutions, (p, e) => normaliseForMatch(p.text).includes(normaliseForMatch(e.text)));
  for (const [p, e] of resolutions.pairs) {
    if (e.kind && p.kind !== e.kind) out.push(`resolution "${e.text}": kind ${p.kind}, expected ${e.kind}`);
  }
  const actions = matchCount(draft.actions, expected.actions, (p, e) => normaliseForMatch(p.sourceSentence).includes(normaliseForMatch(e.sentence)));
  for (const [p, e] of actions.pairs) {
    if (e.kind && p.kind !== e.kind) out.push(`action "${e.sentence}": kind ${p.kind}, expected ${e.kind}`);
    if (e.dueHint && JSON.stringify(p.dueHint) !== JSON.stringify(e.dueHint)) {
      out.push(`action "${e.sentence}": dueHint ${JSON.stringify(p.dueHint)}, expected ${JSON.stringify(e.dueHint)}`);
    }
    if (e.requestedBy && !normaliseForMatch(p.requestedBy ?? '').includes(normaliseForMatch(e.requestedBy))) {
      out.push(`action "${e.sentence}": requestedBy ${p.requestedBy ?? 'none'}, expected ${e.requestedBy}`);
    }
    if (e.owner && !normaliseForMatch(p.owner ?? '').includes(normaliseForMatch(e.owner))) {
      out.push(`action "${e.sentence}": owner ${p.owner ?? 'none'}, expected ${e.owner}`);
    }
  }
  return out;
}

/** What a draft missed and what it said that no label supports, for `eval-import --verbose`. */
export function unmatchedFindings(draft: MinutesDraft, expected: ExpectedMinutes): string[] {
  const out: string[] = [];
  const report = <P, E>(what: string, predicted: readonly P[], labels: readonly E[], fits: (p: P, e: E) => boolean, showP: (p: P) => string, showE: (e: E) => string): void => {
    const { pairs } = matchCount(predicted, labels, fits);
    const hitP = new Set(pairs.map(([p]) => p));
    const hitE = new Set(pairs.map(([, e]) => e));
    for (const e of labels) if (!hitE.has(e)) out.push(`missed ${what}: ${showE(e)}`);
    for (const p of predicted) if (!hitP.has(p)) out.push(`false ${what}: ${showP(p)}`);
  };
  const inItem = (p: { itemIndex: number }, item: string | null | undefined): boolean => item === undefined || sameNumber(itemNumberOf(draft, p.itemIndex), item);
  report('item', draft.items, expected.items, (p, e) => sameNumber(p.number, e.number) && normaliseForMatch(p.title) === normaliseForMatch(e.title), (p) => `${p.number ?? '-'} ${p.title}`, (e) => `${e.number ?? '-'} ${e.title}`);
  report('resolution', draft.resolutions, expected.resolutions, (p, e) => normaliseForMatch(p.text).includes(normaliseForMatch(e.text)) && inItem(p, e.item), (p) => `[${itemNumberOf(draft, p.itemIndex) ?? '-'}] ${p.text}`, (e) => `[${e.item ?? '-'}] ${e.text}`);
  report('action', draft.actions, expected.actions, (p, e) => normaliseForMatch(p.sourceSentence).includes(normaliseForMatch(e.sentence)) && inItem(p, e.item), (p) => `[${itemNumberOf(draft, p.itemIndex) ?? '-'}] ${p.sourceSentence}`, (e) => `[${e.item ?? '-'}] ${e.sentence}`);
  report('progress', draft.progress, expected.progress ?? [], (p, e) => normaliseForMatch(p.sourceSentence).includes(normaliseForMatch(e)), (p) => p.sourceSentence, (e) => e);
  return out;
}

export function addScores(a: Score, b: Score): Score {
  return { matched: a.matched + b.matched, predicted: a.predicted + b.predicted, expected: a.expected + b.expected };
}

/** Precision; 1 when nothing was predicted (nothing wrong was said). */
export function precisionOf(s: Score): number {
  return s.predicted === 0 ? 1 : s.matched / s.predicted;
}

/** Recall; 1 when nothing was expected. */
export function recallOf(s: Score): number {
  return s.expected === 0 ? 1 : s.matched / s.expected;
}
