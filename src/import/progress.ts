import { CIRCULATING, forms, PASSING_ON, TRANSMITTING } from './cue-verbs.js';
import { MAX_SENTENCE_CHARS } from './limits.js';

// "The briefing note had been circulated", "the figures were emailed to Members after the last
// meeting": something asked for before has been done. These are not new actions; they are
// reported separately so an officer can close the older action they answer.
// A plain "information was provided" is usually the meeting's own discussion, so the simple
// past counts only with a recipient or a time that places it outside the meeting.

// Perfect aspect: anything passed on, circulated or given (cue-verbs.ts), or plainly done.
const PERFECT = new RegExp(
  `\\b(?:has|have|had)(?: now| already| since| previously| subsequently| recently| duly| all)? been (?:\\w+ly )?(${forms(CIRCULATING, 'participle')}|${forms(TRANSMITTING, 'participle', ['given', 'prepared', 'produced', 'presented'])}|${forms(PASSING_ON, 'participle', ['raised', 'picked up'])}|completed|done|actioned|answered|responded to|uploaded|published|delivered)\\b`,
  'i',
);
const PAST_CIRCULATED = new RegExp(`\\b(?:was|were)(?: subsequently| duly| since| later| previously)? (${forms(CIRCULATING, 'participle', ['sent', 'shared'])})\\b`, 'i');
const PAST_SENT = /\b(?:was|were)(?: subsequently| duly| since| later| previously)? (sent|shared|provided|supplied|made available|issued|published|uploaded)\b/i;
const OUTSIDE_MEETING =
  /\b(?:to (?:all )?(?:the )?(?:members|committee|board|panel|councillors|chair)|since the (?:last|previous) meeting|following the (?:last|previous) meeting|after the (?:last|previous)? ?meeting|prior to (?:the|this) meeting|before (?:the|this) meeting|ahead of (?:the|this) meeting|by e-?mail|in advance|as requested|outside (?:of )?the meeting|on \d{1,2}(?:st|nd|rd|th)? [A-Z][a-z]+)\b/i;
const MEMBERS_RECEIVED = /\b(?:members|the committee|the board|the panel|councillors) (?:had|have) (?:now |already |since |previously )?received\b/i;
const NOT_DONE = /\b(?:not|yet to|still to|awaiting|was due to|were due to)\b/i;

export function isProgressStatement(sentence: string): boolean {
  const text = sentence.length > MAX_SENTENCE_CHARS ? sentence.slice(0, MAX_SENTENCE_CHARS) : sentence;
  const perfect = PERFECT.exec(text);
  if (perfect && !NOT_DONE.test(text.slice(Math.max(0, perfect.index - 20), perfect.index + perfect[0].length))) return true;
  if (PAST_CIRCULATED.test(text)) return true;
  const sent = PAST_SENT.exec(text);
  const listIntro = /\bthe following\b|:$/i.test(text);
  if (sent && !listIntro && OUTSIDE_MEETING.test(text.slice(sent.index))) return true;
  return MEMBERS_RECEIVED.test(text);
}

/** Where the progress statement sits, so a later clause can still carry a new request. */
export function progressIndex(sentence: string): number {
  const m = PERFECT.exec(sentence) ?? PAST_CIRCULATED.exec(sentence) ?? PAST_SENT.exec(sentence) ?? MEMBERS_RECEIVED.exec(sentence);
  return m ? m.index : -1;
}

// "…had been issued in January and that results would be available in Q1": a second reported
// clause, or a contrast, carries something new rather than more of what was done.
const FURTHER = /\b(?:further|additional|another|more|new)\b/i;
const NEW_CLAUSE = /\band that\b|;|\bbut\b|\bwhile\b|\bwhereas\b|\bhowever\b/i;

/** A progress sentence still raises the action cued at `cueIndex` when the cue is about something new. */
export function raisesSomethingNew(sentence: string, cueIndex: number): boolean {
  const done = progressIndex(sentence);
  if (done < 0) return true;
  if (cueIndex <= done) return false;
  return FURTHER.test(sentence.slice(done)) || NEW_CLAUSE.test(sentence.slice(done, cueIndex));
}
