import { COMMITTEE_RECIPIENT } from './cue-words.js';

// What every action rule needs: the cue's shape, the meeting's own committee (so that
// "report to Cabinet" at Cabinet counts as coming back), and small tests on the words around
// a cue — is it negated, is it future, who receives it.

export type CueMode = 'discussion' | 'resolution';

export interface CueContext {
  /** The meeting's own committee ("Cabinet"), so "report to Cabinet" counts as coming back. */
  committeeName?: string | null;
}

/** The committee's own kind word ("Cabinet", "Board", "Panel"), as a recipient pattern. */
function selfRecipient(context: CueContext): RegExp | null {
  const name = context.committeeName ?? '';
  const word = /\b(cabinet|executive|council|board|panel|committee|commission|forum)\b(?!.*\b(?:cabinet|executive|council|board|panel|committee|commission|forum)\b)/i.exec(name)?.[1];
  return word ? new RegExp(`\\b(?:to|at|before) (?:the )?${word}\\b`, 'i') : null;
}

// "to the Audit Committee" at the Audit Committee: the committee by its own name, each word of
// the name before its kind word one the meeting's name has ("to the Audit and Risk Committee"
// is not the Audit Committee).
const NAMED_RECIPIENT = /\b(?:to|at|before) (?:the |its )?((?:(?:[A-Z][\w&'-]*|and|&|of|for|the) ){1,6})(Cabinet|Executive|Council|Board|Panel|Committee|Commission|Forum|Sub-Committee)\b/g;

function byOwnName(head: string, context: CueContext): boolean {
  const name = (context.committeeName ?? '').toLowerCase();
  if (name === '') return false;
  const words = new Set(name.split(/[^\w&'-]+/).filter((w) => w !== ''));
  NAMED_RECIPIENT.lastIndex = 0;
  for (let m = NAMED_RECIPIENT.exec(head); m !== null; m = NAMED_RECIPIENT.exec(head)) {
    const named = `${m[1] ?? ''}${m[2] ?? ''}`.toLowerCase().split(' ').filter((w) => w !== '' && w !== 'the');
    if (named.every((w) => words.has(w)) && name.endsWith((m[2] ?? '').toLowerCase())) return true;
  }
  return false;
}

export function recipientIsCommittee(after: string, context: CueContext = {}): boolean {
  const head = after.slice(0, 100);
  return COMMITTEE_RECIPIENT.test(head) || (selfRecipient(context)?.test(head) ?? false) || byOwnName(head, context);
}

export interface ActionCue {
  rule: 'request' | 'promise' | 'kept_informed' | 'report_back' | 'committee_to_receive' | 'future_delivery' | 'invitation' | 'programme_addition';
  /** Where in the sentence the cue was found. */
  index: number;
  requestedBy?: string;
  owner?: string;
  /** A bare request for information, which the meeting may have answered on the spot. */
  answerable: boolean;
}

export const BLOCKING_MODALS = new Set(['could', 'might', 'may', 'can', 'cannot', 'not', 'never', "couldn't", "wouldn't", 'no']);
export const FUTURE_MODALS = new Set(['would', 'will', 'shall', 'should', 'must', 'to', "'ll"]);

export function wordBefore(text: string, index: number): string {
  const m = /([\w']+)\s*$/.exec(text.slice(Math.max(0, index - 30), index));
  return (m?.[1] ?? '').toLowerCase();
}

export function negated(clause: string): boolean {
  return /\b(?:no|nothing|none|not|never)\b(?: \w+){0,3}\s*$/i.test(clause) || /\bno (?:further|more|additional)\b/i.test(clause);
}

/** A "that" clause or resolution wording makes a bare "be provided" a request (subjunctive). */
export function subjunctiveAllowed(sentence: string, index: number, mode: CueMode): boolean {
  if (mode === 'resolution') return true;
  return /\b(?:that|requested|asked|agreed|resolved|suggested|proposed|recommended)\b/i.test(sentence.slice(Math.max(0, index - 200), index));
}

// "a written response to the question raised by Councillor Smith": the question is no recipient.
const NOT_A_RECIPIENT = /^,? (?:back )?to (?:the |this |that |these |those |a |an |each |any )?(?:questions?|quer(?:y|ies)|issues?|points?|matters?|concerns?|comments?|requests?)\b/i;
const OTHER_BODY = /^,? (?:back )?(?:at|to|before|by) (?:the |a )?(?:full )?(?:council|cabinet|executive)(?: meeting)?\b/i;

export function otherRecipient(after: string, context: CueContext = {}): boolean {
  if (recipientIsCommittee(after.slice(0, 80), context)) return false;
  if (OTHER_BODY.test(after)) return true;
  if (NOT_A_RECIPIENT.test(after)) return false;
  return /^,? (?:back |out |round |on )?(?:to|with) /i.test(after);
}


// Who something is sent to: the first "to …"/"with …" after the verb that names a recipient
// rather than a purpose ("to help", "to ensure").
const RECIPIENT_AFTER = /(?:^|\s)(?:to|with) (?=(?:the|all|a|an|our|local|each|every|relevant|partner|other)\b|[A-Z]|[a-z]+[^s\W]s\b)/;
const MEMBER_RECIPIENT = /^\s?(?:to|with) (?:him|her|them|(?:the )?(?:Councillors?|Cllrs?\.?|County Councillor|Mr|Mrs|Ms|Miss|Dr) [A-Z])/;

/** "…would share the findings with schools": sent to someone who is not the committee or a member. */
export function sentElsewhere(after: string, context: CueContext = {}): boolean {
  const head = after.slice(0, 120);
  const m = RECIPIENT_AFTER.exec(head);
  if (!m) return false;
  const rest = head.slice(m.index);
  if (MEMBER_RECIPIENT.test(rest)) return false;
  return otherRecipient(rest.replace(/^\s/, ' '), context);
}
