import {
  negated,
  otherRecipient,
  recipientIsCommittee,
  sentElsewhere,
  wordBefore,
  type ActionCue,
  type CueContext,
  type CueMode,
} from './cue-context.js';
import { CIRCULATING, forms, isOneOf, TRANSMITTING } from './cue-verbs.js';
import { clauseBefore, displayName, INFO_NOUN, lastMatch, OWNER_SUBJECT, REQUESTER_SUBJECT } from './cue-words.js';

// Cues with a person in them: someone asks ("Members requested further information") or
// someone promises ("Officers would provide…", "The Director undertook to circulate…").

// --- 1. "Members requested further information", "The Board asked for a breakdown", "requested that … be provided"
const REQUEST =
  /\b(requested|requests|request|asked|sought|called for|wished to (?:receive|see|have)|would (?:like|welcome)(?: to (?:receive|see|have))?|made a request|request was made|requests were made|was a request|were requests|expressed a wish)\b/gi;
const REQUEST_NOUN_SUBJECT = /^(?:committee|board|panel|members|council|cabinet|group|forum|commission|sub-committee|chair)$/;
const OBJECT =
  /^(?: for| sight of| to (?:see|receive|have|be provided with|be sent|be given))?(?: that)? (?:(?:a|an|the|some|any|a copy of the|copies of the) )?((?:(?:regular|written|detailed|full|further|more|additional|up-to-date|updated|clearer|specific|quarterly|annual|six-monthly|comprehensive|separate|short|brief|local|ward-level|comparative|benchmarking) )*)(?:[\w'-]+ ){0,2}?(copy|copies|breakdowns?|updates?|reports?|briefing(?: note)?s?|notes?|lists?|summary|analysis|sight|maps?|(?:site )?visits?|presentations?|statistics|comparisons?|timelines?|(?:written )?responses?|costings|examples|plan|information|details?|clarification|confirmation|explanation|data|figures|clarity|numbers|number(?= of\b)|evidence|feedback)\b/i;
const GENERIC_OBJECT = /^(?: for)? (?:a |an |the |some |any |its |their |sight of the |a copy of (?:the )?|copies of (?:the )?)(?:(?!to\b|be\b)[\w'\u2019-]+ ){0,4}?(?!to\b|be\b)[\w'\u2019-]+(?=(?: (?:by|on|for|of|in|at|from|before|after|showing|covering|broken down|split|with|across|per|over)\b|[.,;]|$))(?! to be\b)/i;
const NOT_A_THING =
  /\b(?:vote|votes|hands|questions?|comments?|views?|thoughts|opinions?|support|patience|volunteers?|nominations?|adjournment|recess|break|assurances?|reassurances?|apolog(?:y|ies)|thanks|silence|deferral|amendments?|chair|floor|item|items|matter|decision|permission|consent|indulgence|understanding|cooperation|co-operation|help|advice|guidance)\b/i;
const ANSWERABLE_HEAD = /^(?:information|details?|clarification|confirmation|explanation|data|figures|clarity|numbers|number|evidence)$/i;
// …also when other questions come first: "asked how X was monitored and whether the figures
// could be circulated", "asked a number of questions, including whether …".
const POLITE_REQUEST =
  /\b(?:whether|if)\b.{0,160}?\b(?:could|would|might) (?:be (?:circulated|provided|sent|shared|made available|brought|reported|supplied|included)|(?:circulate|provide|send|share|supply|report back|come back))\b/i;
// "Members asked a number of questions": a quantity of questions put at the meeting is still
// questions, not a request for "the number of" something; an answer to come later is its own cue.
const QUESTION_OBJECT =
  /^(?: for)? (?:whether|how|what|why|if|about|when|who|which|where|reassurance|assurance|questions?|(?:(?:a|an) (?:number|range|series|variety|couple|host|lot|handful) of|several|many|some|various|numerous|a few|further|more|two|three)(?: [\w-]+)? (?:questions|queries))\b/i;

function requestedByOf(sentence: string, index: number): { requestedBy?: string } {
  const requestedBy = displayName(lastMatch(REQUESTER_SUBJECT, clauseBefore(sentence, index)));
  return requestedBy ? { requestedBy } : {};
}

export function requestCue(sentence: string, mode: CueMode = 'discussion'): ActionCue | null {
  REQUEST.lastIndex = 0;
  for (let m = REQUEST.exec(sentence); m !== null; m = REQUEST.exec(sentence)) {
    const before = wordBefore(sentence, m.index);
    const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 240);
    if (['not', "n't", 'never', 'no', 'had', 'been', 'being', 'as', 'previously', 'originally', 'earlier', 'already'].includes(before)) continue;
    if ((before === 'was' || before === 'were') && !/^ that\b/i.test(after)) continue;
    // A resolution may open with the verb itself: "(b) request a further update in six months".
    const opensResolution = mode === 'resolution' && m.index === 0;
    if (/^requests?$/i.test(m[1] ?? '') && !REQUEST_NOUN_SUBJECT.test(before) && !opensResolution) continue;
    // "…expressed a wish to visit the new depot": a visit for the committee is asked for.
    if (/^ to (?:visit|tour|meet)\b/i.test(after) && /^(?:asked|requested|expressed a wish|would like)$/i.test(m[1] ?? '')) {
      const by = requestedByOf(sentence, m.index);
      if (by.requestedBy !== undefined) return { rule: 'request', index: m.index, answerable: false, ...by };
      continue;
    }
    if (/^ to /i.test(after) && !/^ to (?:see|receive|have|be provided|be sent|be given|be kept)/i.test(after)) continue;
    const requestedBy = displayName(lastMatch(REQUESTER_SUBJECT, clauseBefore(sentence, m.index)));
    if (/^ that\b/i.test(after)) {
      if (/\b(?:be|was|is) (?:noted|recorded|minuted)\b|\bthanks\b/i.test(after.slice(0, 160))) continue;
      return { rule: 'request', index: m.index, answerable: false, ...(requestedBy ? { requestedBy } : {}) };
    }
    // "asked if the figures could be circulated" is a polite request, not a question.
    if (QUESTION_OBJECT.test(after)) {
      if (POLITE_REQUEST.test(after.slice(0, 200))) return { rule: 'request', index: m.index, answerable: false, ...(requestedBy ? { requestedBy } : {}) };
      continue;
    }
    const object = OBJECT.exec(after);
    if (!object) {
      // "The Committee requested the repairs backlog by ward": any thing a member or the
      // committee asks to have, unless it is a procedural ask; answerable on the spot.
      const generic = GENERIC_OBJECT.exec(after);
      if (generic && requestedBy !== undefined && !NOT_A_THING.test(after.slice(0, 80).split(/[.;,]/)[0] ?? '') && (/^(?:requested|sought|called for)$/i.test(m[1] ?? '') || /^ for\b/i.test(after) || /^(?:wished|would)/i.test(m[1] ?? ''))) {
        return { rule: 'request', index: m.index, answerable: true, requestedBy };
      }
      continue;
    }
    const answerable = ANSWERABLE_HEAD.test(object[2] ?? '') && !/\b(?:further|more|additional|written|detailed|regular|full)\b/i.test(object[1] ?? '');
    return { rule: 'request', index: m.index, answerable, ...(requestedBy ? { requestedBy } : {}) };
  }
  return null;
}

// --- 2. "Officers would provide…", "The Director undertook to circulate…", "Officers to report back"
const PROMISE = new RegExp(
  `\\b(would|will|shall|agreed to|undertook to|offered to|promised to|committed to|(?:was|were|be) (?:asked|requested|invited|tasked) to|to)\\s(?:also |then |now |further |personally |urgently |shortly |subsequently )?(${forms(CIRCULATING, 'base')}|${forms(TRANSMITTING, 'base')}|report back|report|come back|get back|take (?:this|it|these|that|the (?:point|points|matter|question|questions|issue|issues|comments?)) away|bring (?:back|forward|a report|an update)|bring|return|revert|feed ?back|follow (?:this |it |these |the matter )?up|update|respond|advise|inform|keep|investigate|look into|find out|check|confirm|clarify|ascertain|explore|write(?: to)?|liaise|contact|discuss|seek|obtain|arrange|organise|set up|pick (?:this |it |these )?up|meet(?= (?:up )?with\\b)|let(?= (?:the |all )?(?:members|committee|board|panel|councillors?|chair)\\b))\\b`,
  'gi',
);
const STRONG_PROMISE = /^(?:agreed to|undertook to|offered to|promised to|committed to|(?:was|were|be) (?:asked|requested|invited|tasked) to)$/i;
const TRANSMIT = isOneOf(TRANSMITTING, 'base');
const CIRCULATE = isOneOf(CIRCULATING, 'base');
const CHECK = /^(?:investigate|look into|find out|check|confirm|clarify|ascertain|explore|write(?: to)?|follow (?:\w+ )*up|take .+ away)$/i;
// …including "An action was agreed for officers to arrange a visit".
const ASKED_BEFORE_OWNER =
  /(?:\b(?:asked|requested|instructed|tasked|directed|invited|called (?:on|upon))\b|\bactions? (?:was|were) (?:agreed|recorded|raised|placed|taken|given) (?:for|on)\b)[^.;]{0,80}$/i;
const AGREED_THAT = /\b(?:it was|members|the (?:committee|board|panel|sub-committee|meeting)) (?:also |further )?(?:agreed|resolved) that\b[^.;]{0,80}$/i;
// "Councillor Ross will meet with the Democratic Services Manager to take this forward": a member
// or an officer who will meet someone has taken the matter on. A body that will meet ("The Panel
// will meet on 8 November", "the Council will meet with…") is stating its schedule.
const BODY_OWNER = /^(?:the )?(?:council|authority|service|department|team)$/i;
const NOT_MET_BY_PERSON = /^ (?:up )?with (?:the |a |an |general |broad |strong |some )?(?:approval|success|resistance|opposition|agreement|favour|support|difficult(?:y|ies)|problems?)\b/i;
const AUDIENCE_OBJECT = /^ (?:the |all |ward )?(?:committee|board|panel|members|councillors|chair|sub-committee|commission)\b/i;

// An officer's outright undertaking is a follow-up whatever the verb ("agreed to strengthen the
// section on young carers"), but not an anaphoric "agreed to do so".
const UNDERTAKING = /\b(agreed to|undertook to|offered to|promised to|committed to)\s(?:also |then |now |further |personally )?(?!do\b|so\b|this\b|(?:the|a|an|these|those|that|its|their|his|her|all|any|some|each|every|both|no)\b)([a-z]+)\b/gi;
// "The Committee had agreed to write to the Minister": reported, not promised.
const PAST_BEFORE = /\b(?:had|has|have)(?: also| already| previously)?\s*$/i;
const MEMBERS_SUBJECT = /\b(?:members|the committee|the board|the panel|councillors|the sub-committee|it)\s*$/i;

// "Members asked whether the data could be broken down by ward, and officers agreed to do so":
// "do so" stands for what was asked, so after a question or request it is an undertaking too.
const DO_SO = /\b(?:agreed to|undertook to|offered to|promised to|committed to|would|will) (?:do so|do this|look into (?:this|it)|find out)\b/gi;
const ASKED_EARLIER = /\b(?:asked|queried|requested|enquired|inquired|sought|wanted to know|wished to know)\b/i;

export function undertakingCue(sentence: string): ActionCue | null {
  DO_SO.lastIndex = 0;
  for (let m = DO_SO.exec(sentence); m !== null; m = DO_SO.exec(sentence)) {
    const clause = clauseBefore(sentence, m.index);
    if (!ASKED_EARLIER.test(sentence.slice(0, m.index)) || PAST_BEFORE.test(clause) || negated(clause)) continue;
    const owner = displayName(lastMatch(OWNER_SUBJECT, clause));
    if (owner === undefined || /^(?:members?|committee|board|panel)$/i.test(owner)) continue;
    return { rule: 'promise', index: m.index, answerable: false, owner };
  }
  UNDERTAKING.lastIndex = 0;
  for (let m = UNDERTAKING.exec(sentence); m !== null; m = UNDERTAKING.exec(sentence)) {
    const clause = clauseBefore(sentence, m.index);
    if (MEMBERS_SUBJECT.test(clause) || PAST_BEFORE.test(clause)) continue;
    const owner = displayName(lastMatch(OWNER_SUBJECT, clause));
    if (owner === undefined || /^(?:members?|committee|board|panel)$/i.test(owner)) continue;
    return { rule: 'promise', index: m.index, answerable: false, owner };
  }
  return null;
}

// In a resolution the subjunctive carries the request: "the Section 151 Officer report the
// final outturn position to Cabinet", "officers circulate the revised figures" — and so does
// the present tense many councils write instead: "the Assistant Director writes to all head
// teachers", "the Head of Service reports back to the Committee".
const SUBJUNCTIVE_VERB =
  '(provides?|circulates?|sends?|shares?|forwards?|suppl(?:y|ies)|submits?|presents?|reports?(?: back)?|brings?|prepares?|produces?|writes? to|updates?|investigates?|reviews?|consults?|arranges?)';

export function subjunctivePromise(sentence: string, context: CueContext): ActionCue | null {
  const m = new RegExp(`(${OWNER_SUBJECT.source}) ${SUBJUNCTIVE_VERB}\\b`, 'g').exec(sentence);
  if (!m) return null;
  const verb = (m[m.length - 1] ?? '').toLowerCase();
  const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 120);
  const ok = /^(?:report|bring|present|submit)/.test(verb) ? recipientIsCommittee(after, context) || INFO_NOUN.test(after) : true;
  if (!ok) return null;
  const owner = displayName(m[1]);
  return { rule: 'promise', index: m.index, answerable: false, ...(owner ? { owner } : {}) };
}

export function promiseCue(sentence: string, context: CueContext): ActionCue | null {
  PROMISE.lastIndex = 0;
  for (let m = PROMISE.exec(sentence); m !== null; m = PROMISE.exec(sentence)) {
    const modal = (m[1] ?? '').toLowerCase();
    const verb = (m[2] ?? '').toLowerCase();
    const clause = clauseBefore(sentence, m.index);
    const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 120);
    if (negated(clause) && !STRONG_PROMISE.test(modal)) continue;
    // "…this would give no indication": nothing is given.
    if (PAST_BEFORE.test(clause) || /^ (?:no|nothing|little)\b/i.test(after)) continue;
    const owner = displayName(lastMatch(OWNER_SUBJECT, clause));
    const ownerAdjacent = owner !== undefined && new RegExp(`${escape(owner.replace(/^The /, ''))}'?\\s*$`, 'i').test(clause);
    if (modal === 'to' && !ownerAdjacent) continue;
    // "The Committee asked officers to provide…", "It was agreed that officers would arrange…":
    // someone was asked, or the meeting agreed, so the promise is as good as an undertaking.
    const asked = modal === 'to' && ASKED_BEFORE_OWNER.test(clause);
    const strong = STRONG_PROMISE.test(modal) || asked || (modal !== 'to' && AGREED_THAT.test(clause));
    const recipientOk = recipientIsCommittee(after, context) || AUDIENCE_OBJECT.test(after);
    const infoObject = INFO_NOUN.test(after.slice(0, 100));
    let ok = false;
    if (TRANSMIT.test(verb)) ok = infoObject || strong || (recipientOk && owner !== undefined);
    else if (CIRCULATE.test(verb)) ok = (owner !== undefined || strong || infoObject || recipientOk) && (recipientOk || !sentElsewhere(after, context));
    else if (verb === 'report') ok = recipientOk || strong;
    else if (/^(?:report back|come back|get back|bring back|feed ?back|revert|return)$/.test(verb)) ok = !otherRecipient(after, context);
    else if (/^bring/.test(verb)) ok = recipientOk || infoObject;
    else if (/^(?:update|advise|inform)$/.test(verb)) ok = AUDIENCE_OBJECT.test(after);
    else if (verb === 'let') ok = /^ (?:the |all )?\w+ (?:have|know|see)\b/i.test(after);
    else if (verb === 'keep') ok = AUDIENCE_OBJECT.test(after) && /\b(?:informed|updated|up to date|up-to-date|apprised|briefed|abreast)\b/i.test(after);
    else if (verb === 'respond') ok = owner !== undefined || strong;
    else if (CHECK.test(verb)) ok = owner !== undefined || strong;
    else if (verb === 'meet') ok = owner !== undefined && !BODY_OWNER.test(owner) && !NOT_MET_BY_PERSON.test(after);
    else ok = strong; // liaise, contact, discuss, arrange, … only when promised outright
    if (ok) return { rule: 'promise', index: m.index, answerable: false, ...(owner ? { owner } : {}) };
  }
  return null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

