import type { ActionKind, DraftAction, DueHint, MinutesDraft, MinutesLayout, ResolutionKind } from './types.js';

// Scoring a draft against hand labels. Items match on number and title; resolutions,
// actions and progress match when the predicted text contains the labelled substring (and,
// if the label names one, in the same item). Matching is one-to-one, so a duplicate action
// from the same sentence counts against precision.
// Labels written as cues (the external development set, ../shared/minutes-dev) add three
// things: items labelled by number alone, resolution cues that may share one resolution, and
// optional and negative action cues (see the fields below).

export interface ExpectedMinutes {
  layout?: MinutesLayout;
  /** A field set to null says the text does not state it; an absent field is not labelled. */
  meeting?: { committeeName?: string | null; date?: string | null; time?: string | null; venue?: string | null };
  /** Absent when the items were not labelled (they are then not scored); a label without a title matches on the number. */
  items?: Array<{ number: string | null; title?: string }>;
  resolutions: Array<{ item?: string | null; text: string; kind?: ResolutionKind }>;
  /**
   * 'one-each' (the default): each label takes its own resolution. 'shared': each label need only
   * occur in some resolution, because cues may cite the limbs of one resolution separately; a
   * resolution is then right when it holds at least one cue.
   */
  resolutionMatching?: 'one-each' | 'shared';
  /** `alternatives` are other wordings of the same follow-up: a prediction holding any one matches. */
  actions: Array<{ item?: string | null; sentence: string; alternatives?: string[]; kind?: ActionKind; dueHint?: DueHint; requestedBy?: string; owner?: string }>;
  /** Borderline follow-ups: a prediction holding one is neither right nor wrong. */
  optionalActions?: string[];
  /** Statements of what was already done: a prediction holding one is wrong, even if it is also optional. */
  negativeActions?: string[];
  /** Statements of progress; absent when not labelled (then not scored). */
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
  /** Predictions judged right, when several labels may share one prediction; otherwise `matched`. */
  correct?: number;
}

export interface DocumentScore {
  items: Score;
  resolutions: Score;
  actions: Score;
  progress: Score;
  /** The labelled meeting date and committee name: found, given, and labelled as stated. */
  meeting: Score;
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

function contains(text: string, label: string): boolean {
  return normaliseForMatch(text).includes(normaliseForMatch(label));
}

/**
 * A resolution label matches with or without its leading "That", which the parser may strip,
 * and with or without the decision word before it ("resolved that cabinet note the report"):
 * the parser keeps the decision, not the word that marks it.
 */
function resolutionHolds(text: string, label: string): boolean {
  const cue = normaliseForMatch(label);
  const body = normaliseForMatch(text);
  const unmarked = cue.replace(/^(?:resolved|agreed|decided|concluded)(?: ?[:-] ?| )(?=that )/, '');
  return [cue, unmarked].some((c) => body.includes(c) || (c.startsWith('that ') && body.includes(c.slice(5))));
}

/** An action cue may be found in what the parser wrote (title, detail) or in the sentence it read. */
function actionHolds(p: DraftAction, label: string): boolean {
  return [p.sourceSentence, p.title, p.detail].some((text) => contains(text, label));
}

function actionFits(p: DraftAction, e: ExpectedMinutes['actions'][number]): boolean {
  return [e.sentence, ...(e.alternatives ?? [])].some((label) => actionHolds(p, label));
}

/**
 * A predicted item number against a labelled one, without a trailing stop. A committee's code in
 * front of the number ("CYP 5/07", "HEA24", "SB.31") names the series, not the minute: a label
 * that cites the minute without it ("5/07") still matches. A label that carries a code must
 * match it.
 */
function sameNumber(predicted: string | null | undefined, label: string | null | undefined): boolean {
  const n = (x: string | null | undefined): string => (x ?? '').replace(/\.$/, '').toLowerCase();
  const p = n(predicted);
  const e = n(label);
  if (p === e) return true;
  const coded = /^[a-z]{2,8}[ ./]?(\d.*)$/.exec(p);
  return coded !== null && /^\d/.test(e) && coded[1] === e;
}

function itemFits(p: MinutesDraft['items'][number], e: NonNullable<ExpectedMinutes['items']>[number]): boolean {
  return sameNumber(p.number, e.number) && (e.title === undefined || normaliseForMatch(p.title) === normaliseForMatch(e.title));
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

/** Labels that may share a prediction: each label found anywhere; each prediction right if it holds one. */
function sharedCount<P, E>(predicted: readonly P[], expected: readonly E[], fits: (p: P, e: E) => boolean): { score: Score; pairs: Array<[P, E]> } {
  const pairs: Array<[P, E]> = [];
  for (const e of expected) {
    const p = predicted.find((x) => fits(x, e));
    if (p !== undefined) pairs.push([p, e]);
  }
  const correct = predicted.filter((p) => expected.some((e) => fits(p, e))).length;
  return { score: { matched: pairs.length, predicted: predicted.length, expected: expected.length, correct }, pairs };
}

function itemNumberOf(draft: MinutesDraft, itemIndex: number): string | null {
  return draft.items[itemIndex]?.number ?? null;
}

function inItem(draft: MinutesDraft, p: { itemIndex: number }, item: string | null | undefined): boolean {
  return item === undefined || sameNumber(itemNumberOf(draft, p.itemIndex), item);
}

function matchResolutions(draft: MinutesDraft, expected: ExpectedMinutes, withItems: boolean) {
  const fits = (p: MinutesDraft['resolutions'][number], e: ExpectedMinutes['resolutions'][number]): boolean =>
    resolutionHolds(p.text, e.text) && (!withItems || inItem(draft, p, e.item));
  return (expected.resolutionMatching === 'shared' ? sharedCount : matchCount)(draft.resolutions, expected.resolutions, fits);
}

/** Actions matched one-to-one; of the rest, those holding only an optional cue are set aside (not counted as predicted). */
function matchActions(draft: MinutesDraft, expected: ExpectedMinutes, withItems: boolean) {
  const matched = matchCount(draft.actions, expected.actions, (p, e) => actionFits(p, e) && (!withItems || inItem(draft, p, e.item)));
  const paired = new Set(matched.pairs.map(([p]) => p));
  const unpaired = draft.actions.filter((p) => !paired.has(p));
  const negative = unpaired.filter((p) => (expected.negativeActions ?? []).some((cue) => actionHolds(p, cue)));
  const optional = unpaired.filter((p) => !negative.includes(p) && (expected.optionalActions ?? []).some((cue) => actionHolds(p, cue)));
  return { ...matched, score: { ...matched.score, predicted: matched.score.predicted - optional.length }, negative, optional };
}

function scoreMeeting(draft: MinutesDraft, expected: ExpectedMinutes): Score {
  const score: Score = { matched: 0, predicted: 0, expected: 0 };
  const fields = [
    [expected.meeting?.date, draft.meeting.date, (p: string, e: string) => p === e],
    [expected.meeting?.committeeName, draft.meeting.committeeName, contains],
  ] as const;
  for (const [label, found, fits] of fields) {
    if (label === undefined) continue;
    if (label !== null) score.expected++;
    if (found !== null) score.predicted++;
    if (label !== null && found !== null && fits(found, label)) score.matched++;
  }
  return score;
}

const NOT_LABELLED: Score = { matched: 0, predicted: 0, expected: 0 };

export function scoreDraft(draft: MinutesDraft, expected: ExpectedMinutes): DocumentScore {
  const items = expected.items ? matchCount(draft.items, expected.items, itemFits).score : NOT_LABELLED;
  const resolutions = matchResolutions(draft, expected, true);
  const actions = matchActions(draft, expected, true);
  const progress = expected.progress ? matchCount(draft.progress, expected.progress, (p, e) => contains(p.sourceSentence, e)).score : NOT_LABELLED;
  return { items, resolutions: resolutions.score, actions: actions.score, progress, meeting: scoreMeeting(draft, expected) };
}

/** Labelled attributes (kinds, due hints, who asked) that the matched predictions got wrong. */
export function attributeMismatches(draft: MinutesDraft, expected: ExpectedMinutes): string[] {
  const out: string[] = [];
  for (const [p, e] of matchResolutions(draft, expected, false).pairs) {
    if (e.kind && p.kind !== e.kind) out.push(`resolution "${e.text}": kind ${p.kind}, expected ${e.kind}`);
  }
  for (const [p, e] of matchActions(draft, expected, false).pairs) {
    if (e.kind && p.kind !== e.kind) out.push(`action "${e.sentence}": kind ${p.kind}, expected ${e.kind}`);
    if (e.dueHint && JSON.stringify(p.dueHint) !== JSON.stringify(e.dueHint)) {
      out.push(`action "${e.sentence}": dueHint ${JSON.stringify(p.dueHint)}, expected ${JSON.stringify(e.dueHint)}`);
    }
    if (e.requestedBy && !contains(p.requestedBy ?? '', e.requestedBy)) {
      out.push(`action "${e.sentence}": requestedBy ${p.requestedBy ?? 'none'}, expected ${e.requestedBy}`);
    }
    if (e.owner && !contains(p.owner ?? '', e.owner)) {
      out.push(`action "${e.sentence}": owner ${p.owner ?? 'none'}, expected ${e.owner}`);
    }
  }
  return out;
}

/** What a draft missed and what it said that no label supports, for `eval-import --verbose`. */
export function unmatchedFindings(draft: MinutesDraft, expected: ExpectedMinutes): string[] {
  const out: string[] = [];
  // `alsoRight`: predictions not paired with a label that still do not count as false.
  const report = <P, E>(what: string, predicted: readonly P[], labels: readonly E[], pairs: Array<[P, E]>, showP: (p: P) => string, showE: (e: E) => string, alsoRight: readonly P[] = []): void => {
    const hitP = new Set([...pairs.map(([p]) => p), ...alsoRight]);
    const hitE = new Set(pairs.map(([, e]) => e));
    for (const e of labels) if (!hitE.has(e)) out.push(`missed ${what}: ${showE(e)}`);
    for (const p of predicted) if (!hitP.has(p)) out.push(`false ${what}: ${showP(p)}`);
  };
  const at = (p: { itemIndex: number }): string => `[${itemNumberOf(draft, p.itemIndex) ?? '-'}]`;
  if (expected.items) {
    report('item', draft.items, expected.items, matchCount(draft.items, expected.items, itemFits).pairs, (p) => `${p.number ?? '-'} ${p.title}`, (e) => `${e.number ?? '-'} ${e.title ?? ''}`);
  }
  // A resolution holding a shared cue is right even when another resolution took that cue.
  const holdsCue = expected.resolutionMatching === 'shared' ? draft.resolutions.filter((p) => expected.resolutions.some((e) => resolutionHolds(p.text, e.text))) : [];
  report('resolution', draft.resolutions, expected.resolutions, matchResolutions(draft, expected, true).pairs, (p) => `${at(p)} ${p.text}`, (e) => `[${e.item ?? '-'}] ${e.text}`, holdsCue);
  const actions = matchActions(draft, expected, true);
  const showAction = (p: DraftAction): string => `${at(p)} ${p.sourceSentence}${actions.negative.includes(p) ? ' (labelled as already done)' : ''}`;
  report('action', draft.actions, expected.actions, actions.pairs, showAction, (e) => `[${e.item ?? '-'}] ${e.sentence}`, actions.optional);
  if (expected.progress) {
    report('progress', draft.progress, expected.progress, matchCount(draft.progress, expected.progress, (p, e) => contains(p.sourceSentence, e)).pairs, (p) => p.sourceSentence, (e) => e);
  }
  return out;
}

export function addScores(a: Score, b: Score): Score {
  const sum: Score = { matched: a.matched + b.matched, predicted: a.predicted + b.predicted, expected: a.expected + b.expected };
  if (a.correct !== undefined || b.correct !== undefined) sum.correct = (a.correct ?? a.matched) + (b.correct ?? b.matched);
  return sum;
}

/** Precision; 1 when nothing was predicted (nothing wrong was said). */
export function precisionOf(s: Score): number {
  return s.predicted === 0 ? 1 : (s.correct ?? s.matched) / s.predicted;
}

/** Recall; 1 when nothing was expected. */
export function recallOf(s: Score): number {
  return s.expected === 0 ? 1 : s.matched / s.expected;
}
