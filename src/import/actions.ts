import { answerGiven, answers, detectActionCue, isAnsweredInMeeting, type CueContext } from './action-cues.js';
import { parseActionLine } from './action-lines.js';
import { classifyActionKind, deriveActionTitle } from './action-title.js';
import { dueHintFor } from './due-hints.js';
import { isProgressStatement, raisesSomethingNew } from './progress.js';
import { recommendationWithoutAddressee } from './resolution-kind.js';
import type { Sentence } from './sentences.js';
import type { DraftAction, DraftProgress, DraftResolution } from './types.js';

// Candidate follow-ups of one item: from its discussion sentences and from its resolutions.
// A sentence reporting that something has been done is progress, never a new action — unless
// a later clause of it asks for something further ("…had been circulated and a further
// update would be provided in March").

export interface ItemFollowUps {
  actions: DraftAction[];
  progress: DraftProgress[];
  /** Candidates found past `maxActions`, and so not drafted. */
  leftOut: number;
}

function withOptional(action: DraftAction, requestedBy?: string, owner?: string): DraftAction {
  if (requestedBy) action.requestedBy = requestedBy;
  if (owner) action.owner = owner;
  return action;
}

/** The clause holding the cue: from the last break (";", " – ", ":") before it. */
function clauseAround(text: string, index: number): string {
  const before = text.slice(0, index);
  const cut = Math.max(before.lastIndexOf('; '), before.lastIndexOf(' – '), before.lastIndexOf(' — '), before.lastIndexOf(': '));
  return cut >= 0 ? text.slice(cut + 2).trim() : text;
}

type Answer = ReturnType<typeof answerGiven>;

// "…written responses should be provided. These would be circulated by e-mail to all Members.":
// a pronoun carrying on the last sentence's follow-up says how it will be done, not a second one.
const CARRIES_ON = /^(?:These|Those|They|This|It)(?: (?:too|also|then))? (?:would|will|shall|should|are to|is to|were to|was to)\b/;

/**
 * For each sentence, the strongest answer (papers over explanation) given after it in its own
 * paragraph: one pass from the end, so that checking every request stays linear in the item's
 * length (looking through all later sentences for each request was quadratic).
 */
function answersAfter(sentences: readonly Sentence[]): Answer[] {
  const after: Answer[] = new Array<Answer>(sentences.length);
  const strongest = new Map<number, Answer>();
  for (let k = sentences.length - 1; k >= 0; k--) {
    const { paragraph, text } = sentences[k]!;
    const later = strongest.get(paragraph) ?? null;
    after[k] = later;
    if (later === 'papers') continue;
    const own = answerGiven(text);
    if (own !== null) strongest.set(paragraph, own);
  }
  return after;
}

export function discussionFollowUps(
  itemIndex: number,
  sentences: readonly Sentence[],
  meetingDate: string | null,
  context: CueContext = {},
  maxActions = Infinity,
): ItemFollowUps {
  const actions: DraftAction[] = [];
  const progress: DraftProgress[] = [];
  let answered: Answer[] | undefined;
  let leftOut = 0;
  let lastActionAt = -1;
  // Past the cap a candidate is only counted: its title and due hint are never worked out.
  const add = (draft: () => DraftAction) => {
    if (actions.length < maxActions) actions.push(draft());
    else leftOut++;
  };
  sentences.forEach((sentence, k) => {
    const text = sentence.text;
    const actionLine = parseActionLine(text);
    if (actionLine) {
      const previous = leftOut === 0 ? actions[actions.length - 1] : undefined;
      if (actionLine.ownerOnly) {
        // "ACTION: J Saltmarsh" names who owes the request minuted just above.
        if (previous && actionLine.what !== '') previous.owner = actionLine.what.replace(/[.;]$/, '');
        return;
      }
      const { what, due } = actionLine;
      // A due column reads as a deadline: "15 December 2023" → "by 15 December 2023".
      const dueText = due ? `${what} by ${due.replace(/^by /i, '')}` : what;
      add(() =>
        withOptional(
          { itemIndex, resolutionIndex: null, kind: classifyActionKind(what), title: deriveActionTitle(what), detail: text, sourceSentence: text, dueHint: dueHintFor(dueText, meetingDate) },
          undefined,
          actionLine.owner,
        ),
      );
      return;
    }
    const isProgress = isProgressStatement(text);
    if (isProgress) progress.push({ itemIndex, sourceSentence: text });
    const cue = detectActionCue(text, 'discussion', context);
    if (!cue) return;
    if (isProgress && !raisesSomethingNew(text, cue.index)) return;
    const previous = actions[actions.length - 1];
    if (previous && lastActionAt === k - 1 && sentences[k - 1]?.paragraph === sentence.paragraph && CARRIES_ON.test(text)) {
      previous.detail = `${previous.detail} ${text}`;
      lastActionAt = k;
      return;
    }
    if (cue.rule === 'request') {
      // The answer can follow in the same sentence ("…; the Manager explained that…") or after it.
      const restOfSentence = text.slice(cue.index + 10).split(/;| \u2013 | \u2014 /).slice(1);
      answered ??= answersAfter(sentences);
      if (isAnsweredInMeeting(restOfSentence, cue.answerable) || answers(answered[k]!, cue.answerable)) return;
    }
    lastActionAt = k;
    add(() =>
      withOptional(
        {
          itemIndex,
          resolutionIndex: null,
          kind: classifyActionKind(text),
          title: deriveActionTitle(clauseAround(text, cue.index)),
          detail: text,
          sourceSentence: text,
          dueHint: dueHintFor(text, meetingDate, cue.index),
        },
        cue.requestedBy,
        cue.owner,
      ),
    );
  });
  return { actions, progress, leftOut };
}

/** Requests, recommendations and referrals among an item's resolutions become actions. */
export function resolutionFollowUps(
  resolutions: ReadonlyArray<{ index: number; resolution: DraftResolution }>,
  meetingDate: string | null,
  context: CueContext = {},
): DraftAction[] {
  const actions: DraftAction[] = [];
  for (const { index, resolution } of resolutions) {
    const { kind, text, itemIndex } = resolution;
    if (kind !== 'request' && kind !== 'recommendation' && kind !== 'referral') continue;
    if (kind === 'recommendation' && recommendationWithoutAddressee(text)) continue;
    const cue = detectActionCue(text, 'resolution', context);
    actions.push(
      withOptional(
        {
          itemIndex,
          resolutionIndex: index,
          kind: kind === 'request' ? classifyActionKind(text, cue?.index ?? 0) : 'recommendation',
          title: deriveActionTitle(text),
          detail: text,
          sourceSentence: text,
          dueHint: dueHintFor(text, meetingDate),
        },
        cue?.requestedBy,
        cue?.owner,
      ),
    );
  }
  return actions;
}
