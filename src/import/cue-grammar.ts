import { negated, otherRecipient, recipientIsCommittee, subjunctiveAllowed, type ActionCue, type CueContext, type CueMode } from './cue-context.js';
import { CIRCULATING, forms, PASSING_ON, SETTING_UP, TRANSMITTING } from './cue-verbs.js';
import { clauseBefore, displayName, lastMatch, OWNER_SUBJECT } from './cue-words.js';

// A small grammar of follow-ups, for the forms the phrase rules in cues-asked.ts and
// cues-delivery.ts do not list: an aspect (future, "is to", or a resolution's subjunctive),
// then a verb from a handful of classes — passing a view on, setting something up, coming to
// the committee, an answer following. The class decides what else the clause needs (a
// recipient, an agent); the aspect separates what will be done from what has been done
// ("had been passed on" is progress, see progress.ts).

/** Will be done: "would", "will", "is to", "are to", "to be"; never "could", "had". */
const FUTURE = '(?:would|will|shall|should|is to|are to|was to|were to|to)';

const PASS_ON = forms(PASSING_ON, 'participle');
const SET_UP = forms(SETTING_UP, 'participle');

const PASSIVE = new RegExp(`\\b${FUTURE} (?:also |then |now |further |duly )?be (?:(?:also|then|now|duly|promptly) )?(${PASS_ON}|${SET_UP})\\b`, 'gi');
// A resolution's subjunctive, or one after "agreed that": "(5) That a formalised timetable be prepared".
const SUBJUNCTIVE = new RegExp(`\\bbe (?:(?:also|then|now|duly|promptly) )?(${PASS_ON}|${SET_UP})\\b`, 'gi');

const MEETING_FOR_MEMBERS = /\b(?:visits?|workshops?|briefings?|(?:training|information|development) sessions?|seminars?|meetings? (?:with|for) (?:members|the (?:committee|panel|board)))\b/i;

// "Officers would pass the comments on to the provider", "the Chair will raise the matter".
const ACTIVE_PASS_ON = new RegExp(
  `\\b(?:would|will|shall|agreed to|undertook to|offered to|promised to|to) (?:also |then |personally )?(pass (?:(?:this|these|it|them|those|the [\\w' -]{1,40}?) )?(?:on|back)|feed (?:(?:this|these|it|them) )?back|relay|convey|raise (?:this|these|it|the (?:matter|issue|concerns?|points?|question|comments?))|take (?:this|it|the matter|the issue|these) up)\\b`,
  'gi',
);

// "A report will come to the Committee in September", "the item would return to the Panel".
// "Come" points here: what comes to a named committee comes to this one, which the minutes
// may not name ("will come to the Audit Committee"); what goes must go to this committee.
const COMES_TO = new RegExp(`\\b${FUTURE} (?:also |then |now )?(come|return|go) (?:back )?(?=(?:to|before) )`, 'gi');
const NAMED_BODY = /^(?:to|before) (?:the |a )?(?:[A-Z][\w&'-]* ){0,5}(?:Committee|Board|Panel|Commission|Forum|Sub-Committee|Group)\b/;

// "…and a written answer would follow": the answer to a question is still to come.
// "The question would be answered in writing": a question answered after the meeting.
const ANSWERED_LATER = new RegExp(`\\b${FUTURE} be (?:taken away and )?(?:answered|responded to)\\b(?= (?:in writing|by (?:e-?mail|letter)|outside (?:of )?the meeting|after the meeting|following the meeting|separately|directly|in due course|later)\\b)`, 'gi');

const ANSWER_FOLLOWS = /\b(?:answers?|responses?|reply|replies|details|information|figures|note|update)s? (?:would|will|is to|are to|to) (?:then )?follow\b/gi;

// "A response would be sought from the Agency and shared with Members": the second verb of a
// future passive shares its "would be"; what is passed on must reach the committee.
const CIRCULATE_OR_GIVE = forms([...CIRCULATING, ...TRANSMITTING], 'participle');
const COORDINATED = new RegExp(`\\b${FUTURE} be (?:[a-z]+ ){0,1}[a-z]+(?:ed|en|ght|t)\\b[^.;]{0,120}? and (?:then |subsequently |also )?(${CIRCULATE_OR_GIVE}|fed back|passed on|reported(?: back)?)\\b`, 'gi');

// "…would add the item to the work programme": the committee's own programme takes it.
const ADD_TO_PROGRAMME = /\b(?:would|will|shall|agreed to|undertook to|offered to|to) (?:also )?(?:add|include|schedule|put|place)\b[^.;]{0,80}?\b(?:on|to|in|into) (?:the |its |their |a |this )?(?:committee's |panel's |board's |future |forward |next )?(?:work ?programme|forward plan|work plan|agenda)\b/gi;

// Past aspect before a modal ("had agreed to", "had been due to") reports, it does not promise.
const PAST_BEFORE = /\b(?:had|has|have)(?: also| already| previously)?\s*$/i;

function first(re: RegExp, sentence: string, accept: (m: RegExpExecArray) => boolean): RegExpExecArray | null {
  re.lastIndex = 0;
  for (let m = re.exec(sentence); m !== null; m = re.exec(sentence)) {
    const clause = clauseBefore(sentence, m.index);
    if (negated(clause) || PAST_BEFORE.test(clause)) continue;
    if (accept(m)) return m;
  }
  return null;
}

export function grammarCue(sentence: string, mode: CueMode, context: CueContext): ActionCue | null {
  const owner = (m: RegExpExecArray) => displayName(lastMatch(OWNER_SUBJECT, clauseBefore(sentence, m.index)));
  const cue = (rule: ActionCue['rule'], m: RegExpExecArray, withOwner: boolean): ActionCue => {
    const who = withOwner ? owner(m) : undefined;
    return { rule, index: m.index, answerable: false, ...(who ? { owner: who } : {}) };
  };
  // Something set up in discussion is a follow-up when it is for the committee: "a workshop
  // would be arranged for Members", not "a business case would be developed during 2027".
  const forCommittee = (m: RegExpExecArray) =>
    mode === 'resolution' ||
    new RegExp(`^${PASS_ON}$`, 'i').test(m[1] ?? '') ||
    recipientIsCommittee(sentence.slice(m.index + m[0].length, m.index + m[0].length + 100), context) ||
    MEETING_FOR_MEMBERS.test(clauseBefore(sentence, m.index));
  const passive =
    first(PASSIVE, sentence, forCommittee) ?? first(SUBJUNCTIVE, sentence, (m) => subjunctiveAllowed(sentence, m.index, mode) && forCommittee(m));
  if (passive) return cue('future_delivery', passive, false);
  const active = first(ACTIVE_PASS_ON, sentence, (m) => owner(m) !== undefined || !/^to$/i.test(m[0].split(' ')[0] ?? ''));
  if (active) return cue('promise', active, true);
  const comes = first(COMES_TO, sentence, (m) => {
    const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 100);
    const here = recipientIsCommittee(after, context) && !otherRecipient(after, context);
    return here || (!/^go$/i.test(m[1] ?? '') && NAMED_BODY.test(after));
  });
  if (comes) return cue('report_back', comes, false);
  const coordinated = first(COORDINATED, sentence, (m) => {
    const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 100);
    return recipientIsCommittee(after, context) || (mode === 'resolution' && !otherRecipient(after, context));
  });
  if (coordinated) return cue('future_delivery', coordinated, false);
  // An officer's promise to add it; Members adding to their own programme decide, they do not ask.
  const added = first(ADD_TO_PROGRAMME, sentence, (m) => owner(m) !== undefined);
  if (added) return cue('programme_addition', added, true);
  const answeredLater = first(ANSWERED_LATER, sentence, () => true);
  if (answeredLater) return cue('future_delivery', answeredLater, false);
  const follows = first(ANSWER_FOLLOWS, sentence, () => true);
  if (follows) return cue('future_delivery', follows, false);
  return null;
}
