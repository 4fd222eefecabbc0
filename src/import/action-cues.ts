import { type ActionCue, type CueContext, type CueMode } from './cue-context.js';
import { grammarCue } from './cue-grammar.js';
import { BACK_REFERENCE } from './cue-words.js';
import { promiseCue, requestCue, subjunctivePromise, undertakingCue } from './cues-asked.js';
import { committeeToReceiveCue, futureDeliveryCue, invitationCue, keptInformedCue, programmeAdditionCue, reportBackCue } from './cues-delivery.js';
import { MAX_SENTENCE_CHARS } from './limits.js';

// Does this sentence ask for, or promise, something to come back to the committee? Each rule
// below is one way minutes say so. A rule fires only on a future or requested act ("would be
// circulated", "requested that … be provided"), never on one already done ("had been
// circulated" is progress, see progress.ts), and only when what comes back is information,
// an update or a report for the committee — "support would be provided to families" is not.

// The rules themselves live in cues-asked.ts (someone asks or promises) and cues-delivery.ts
// (the thing that comes back); this file orders them.

export type { ActionCue, CueContext, CueMode } from './cue-context.js';
export { recipientIsCommittee } from './cue-context.js';

// Keeping an existing action open is not a new one.
const CARRY_FORWARD = /\b(?:carried|carry|rolled|roll) forward\b|\b(?:remain|kept|keep|stay) (?:open|on the (?:action )?(?:log|tracker))\b/i;

export function detectActionCue(sentence: string, mode: CueMode = 'discussion', context: CueContext = {}): ActionCue | null {
  const text = sentence.length > MAX_SENTENCE_CHARS ? sentence.slice(0, MAX_SENTENCE_CHARS) : sentence;
  if (mode === 'discussion' && BACK_REFERENCE.test(text)) return null;
  if (/\?\s*$/.test(text) || CARRY_FORWARD.test(text)) return null;
  return (
    requestCue(text, mode) ??
    promiseCue(text, context) ??
    undertakingCue(text) ??
    keptInformedCue(text, mode) ??
    reportBackCue(text, context) ??
    committeeToReceiveCue(text, mode) ??
    futureDeliveryCue(text, mode, context) ??
    invitationCue(text) ??
    programmeAdditionCue(text) ??
    (mode === 'resolution' ? subjunctivePromise(text, context) : null) ??
    grammarCue(text, mode, context)
  );
}

const ANSWER = new RegExp(
  [
    '\\b(?:was|were) (?:explained|confirmed|clarified|outlined|provided|given|reported|advised|described|set out)\\b',
    '\\bit was (?:reported|confirmed|noted|explained|advised|clarified|stated|highlighted|outlined|acknowledged|indicated)\\b',
    '\\b(?:advised|confirmed|explained|responded|reported|stated|informed|clarified|acknowledged|outlined|indicated|replied|assured|said)(?: (?:members|the committee|the board|the panel))? that\\b',
    '\\b(?:officers?|[Tt]he [\\w\' ]{0,60}?(?:[Dd]irector|[Hh]ead|[Mm]anager|[Oo]fficer|[Hh]older|[Mm]ember|[Cc]hair|[Ll]ead)[\\w\' ]{0,40}?) (?:advised|confirmed|explained|responded|reported|stated|informed|clarified|acknowledged|outlined|noted|indicated|replied|assured|said)\\b',
    '\\b(?:in response|in reply|responded|replied)\\b',
  ].join('|'),
  'i',
);

// Pointing members to what they already have answers even a request for "more information":
// "the numbers were in Appendix 2 to the report", "talked Members through them".
const ANSWERED_FROM_PAPERS = new RegExp(
  [
    '\\b(?:is|are|was|were|had been) (?:already |all )?(?:set out |included |contained |shown |given |provided |available )?in (?:the )?(?:report|appendix|appendices|agenda|presentation|papers|slides|briefing)\\b',
    '\\b(?:talked|took|walked|went) (?:members|councillors|the (?:committee|board|panel))(?: \\w+){0,2} through\\b',
    '\\b(?:referred|directed|pointed) (?:members|councillors|the (?:committee|board|panel)) to (?:the )?(?:report|appendix|paragraph|table|page|slide)\\b',
  ].join('|'),
  'i',
);

/**
 * How a sentence after a request answers it: `papers` points to what the meeting already had
 * (answers any request), `explanation` answers only a bare request for information, null none.
 * "…advised that the figures would be circulated" promises an answer; it does not give one.
 */
export function answerGiven(sentence: string): 'papers' | 'explanation' | null {
  const text = sentence.slice(0, MAX_SENTENCE_CHARS);
  const answer = ANSWERED_FROM_PAPERS.test(text) ? 'papers' : ANSWER.test(text) ? 'explanation' : null;
  return answer !== null && detectActionCue(sentence) === null ? answer : null;
}

/**
 * Did the meeting answer a request on the spot (in the sentences after it)? A bare request for
 * information is answered by any explanation; a request for more is answered only by pointing
 * to the papers the meeting already had.
 */
export function isAnsweredInMeeting(followingSentences: readonly string[], bareRequest = true): boolean {
  return followingSentences.some((s) => answers(answerGiven(s), bareRequest));
}

export function answers(answer: 'papers' | 'explanation' | null, bareRequest: boolean): boolean {
  return answer === 'papers' || (bareRequest && answer === 'explanation');
}
