import {
  BLOCKING_MODALS,
  FUTURE_MODALS,
  negated,
  otherRecipient,
  recipientIsCommittee,
  subjunctiveAllowed,
  wordBefore,
  type ActionCue,
  type CueContext,
  type CueMode,
} from './cue-context.js';
import { CIRCULATING, forms, TRANSMITTING } from './cue-verbs.js';
import { clauseBefore, displayName, INFO_NOUN, lastMatch, OWNER_SUBJECT, REQUESTER_SUBJECT } from './cue-words.js';

// Cues about the thing that comes back: "further information would be provided", "the
// Committee be kept informed", "report back to the next meeting", "the committee to receive
// an update", "the Portfolio Holder be invited to attend".

// --- 3. "Members would be kept informed", "the Committee be kept updated"
const KEPT_INFORMED = /\bbe kept (?:fully |regularly )?(?:informed|updated|up to date|up-to-date|abreast|apprised|appraised|briefed|in the loop)\b/gi;
const AUDIENCE_SUBJECT = /\b(?:committee|board|panel|members?|councillors?|chair(?:man|person)?|commission|forum)\b/i;

export function keptInformedCue(sentence: string, mode: CueMode): ActionCue | null {
  KEPT_INFORMED.lastIndex = 0;
  for (let m = KEPT_INFORMED.exec(sentence); m !== null; m = KEPT_INFORMED.exec(sentence)) {
    const before = wordBefore(sentence, m.index);
    if (BLOCKING_MODALS.has(before)) continue;
    if (!FUTURE_MODALS.has(before) && !subjunctiveAllowed(sentence, m.index, mode) && before !== 'asked') continue;
    const clause = clauseBefore(sentence, m.index);
    if (!AUDIENCE_SUBJECT.test(clause) && !(mode === 'resolution' && !/\b(?:parents|residents|staff|schools|families|public|partners)\b/i.test(clause))) continue;
    const requestedBy = displayName(lastMatch(REQUESTER_SUBJECT, clause));
    return { rule: 'kept_informed', index: m.index, answerable: false, ...(requestedBy ? { requestedBy } : {}) };
  }
  return null;
}

// --- 4. "would report back to the next meeting", "there would be a report back"
const REPORT_BACK = /\b(would|will|shall|should|to|must) (?:be )?(?:a |an )?(?:further )?(?:report(?:ed)?|come|brought|bring (?:it|this|the matter|the item|a report|an update)|feed|fed|return|revert|update) back\b/gi;

export function reportBackCue(sentence: string, context: CueContext): ActionCue | null {
  REPORT_BACK.lastIndex = 0;
  for (let m = REPORT_BACK.exec(sentence); m !== null; m = REPORT_BACK.exec(sentence)) {
    const clause = clauseBefore(sentence, m.index);
    if (negated(clause)) continue;
    const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 100);
    if (otherRecipient(after, context)) continue;
    if ((m[1] ?? '').toLowerCase() === 'to' && !/\b(?:asked|requested|agreed|undertook|invited|officers?|director|manager|head)\b[\w' ]*$/i.test(clause)) continue;
    const owner = displayName(lastMatch(OWNER_SUBJECT, clause));
    return { rule: 'report_back', index: m.index, answerable: false, ...(owner ? { owner } : {}) };
  }
  return null;
}

// --- 5. "the committee to receive an update", "Members would receive a briefing"
const COMMITTEE_TO_RECEIVE =
  /\b(?:committee|board|panel|members|sub-committee|commission|forum|councillors)\s(?:to|would|will|should|shall|agreed to|requested to|asked to|wished to|wanted to|would like to|be invited to)\s(?:also\s|further\s)?(receive|see|be provided with|be given|be sent|have sight of|be updated|be briefed|be notified|be informed|be advised|be told|be shown|be presented with|consider|review|revisit|scrutinise|return to|hold|have|attend|go on|undertake)\b/gi;
const LATER = /\b(?:next|future|further|subsequent|later|forthcoming|in (?:\w+ )?months?(?:'|') time|in (?:six|three|twelve|\d+) months|in the (?:new year|autumn|spring|summer|winter)|Q[1-4]|quarter [1-4]|annually|in due course)\b/i;

// Resolution wording drops the modal: "the Board receive a progress report in quarter 3", or
// puts it in the present tense: "the Committee receives an update at its meeting in January".
const COMMITTEE_RECEIVE_SUBJUNCTIVE =
  /\b(?:committee|board|panel|sub-committee|commission|forum)\s(?:also\s|further\s)?(receives?|sees?|be provided with|is provided with|be given|be sent|has sight of|have sight of|be updated|be briefed|be presented with|considers?|reviews?|revisits?)\b/gi;

export function committeeToReceiveCue(sentence: string, mode: CueMode): ActionCue | null {
  const patterns = mode === 'resolution' ? [COMMITTEE_TO_RECEIVE, COMMITTEE_RECEIVE_SUBJUNCTIVE] : [COMMITTEE_TO_RECEIVE];
  for (const pattern of patterns) {
    const cue = committeeReceives(sentence, pattern);
    if (cue) return cue;
  }
  return null;
}

function committeeReceives(sentence: string, pattern: RegExp): ActionCue | null {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(sentence); m !== null; m = pattern.exec(sentence)) {
    const verb = (m[1] ?? '').toLowerCase();
    const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 120);
    if (negated(clauseBefore(sentence, m.index))) continue;
    const ok = /^(?:be updated|be briefed)$/.test(verb)
      ? true
      : /^(?:be notified|be informed|be advised|be told)$/.test(verb)
        ? /^ (?:of|about|when|once|if|whether|how|what)\b/i.test(after)
        : /^(?:considers?|reviews?|revisits?|scrutinise|return to)$/.test(verb)
          ? LATER.test(sentence)
          : /^(?:hold|have|attend|go on|undertake)$/.test(verb)
            ? MEETING_FOR_MEMBERS.test(after.slice(0, 40))
            : INFO_NOUN.test(after);
    if (ok) return { rule: 'committee_to_receive', index: m.index, answerable: false };
  }
  return null;
}

// "Members agreed to hold a workshop", "the Panel would undertake a site visit": an event for the committee.
const MEETING_FOR_MEMBERS = /^ (?:a|an|another|the|further|separate|informal|joint|its own)? ?(?:[\w-]+ ){0,2}(?:workshops?|visits?|briefings?|seminars?|sessions?|site visit|tour)\b/i;

// --- 6. "further information would be provided", "the slides would be circulated", "an update be provided"
const FUTURE_DELIVERY = new RegExp(
  `\\bbe (?:(?:also|then|now|further|duly|formally|subsequently|promptly|regularly|shortly|directly|re-?) ?)?(${forms(CIRCULATING, 'participle')}|${forms(TRANSMITTING, 'participle')}|available|brought(?: back| forward)?|reported(?: back)?|fed back|included|scheduled|added|considered|received|arranged|investigated|looked into|explored|followed up)\\b`,
  'gi',
);
// "Sent" asks, like "provided", for something to send: "a letter would be sent" is not yet information.
const CIRCULATED = new RegExp(`^${forms(CIRCULATING, 'participle', ['sent'])}$`, 'i');
const PROVIDED = new RegExp(`^(?:${forms(TRANSMITTING, 'participle', ['presented', 'submitted'])}|sent|available)$`, 'i');
// Information put on the website is for everyone; nothing comes back to the committee.
const PUBLISHED = /^ (?:on|from|via|through) (?:the )?(?:council's |councils |authority's )?(?:website|web site|intranet|internet|portal)\b/i;
const TASK_VERBS = /^(?:arranged|investigated|looked into|explored|followed up)$/i;

export function futureDeliveryCue(sentence: string, mode: CueMode, context: CueContext): ActionCue | null {
  FUTURE_DELIVERY.lastIndex = 0;
  for (let m = FUTURE_DELIVERY.exec(sentence); m !== null; m = FUTURE_DELIVERY.exec(sentence)) {
    const before = wordBefore(sentence, m.index);
    if (BLOCKING_MODALS.has(before)) continue;
    if (!FUTURE_MODALS.has(before) && !subjunctiveAllowed(sentence, m.index, mode)) continue;
    const verb = (m[1] ?? '').toLowerCase();
    const clause = clauseBefore(sentence, m.index);
    if (negated(clause)) continue;
    const after = sentence.slice(m.index + m[0].length, m.index + m[0].length + 120);
    const recipientOk = recipientIsCommittee(after, context) || (mode === 'resolution' && AUDIENCE_SUBJECT.test(after.slice(0, 40)));
    const other = otherRecipient(after, context) && !recipientOk;
    const infoSubject = INFO_NOUN.test(clause);
    let ok: boolean;
    if (CIRCULATED.test(verb)) ok = !other;
    else if (PROVIDED.test(verb)) ok = !other && (infoSubject || INFO_NOUN.test(after.slice(0, 60)) || recipientOk);
    else if (TASK_VERBS.test(verb)) ok = recipientOk || mode === 'resolution';
    else if (/^(?:submitted|presented|brought back|reported back|fed back)$/.test(verb)) ok = recipientOk || (infoSubject && !other);
    else ok = recipientOk; // brought, reported, included, scheduled, added, considered, received
    if (!ok || PUBLISHED.test(after)) continue;
    const requestedBy = displayName(lastMatch(REQUESTER_SUBJECT, clause.replace(/\b(?:to|with) (?:the )?(?:committee|board|panel|members)\b.*$/i, '')));
    const requested = /\b(?:requested|asked)\b/i.test(clause);
    return { rule: 'future_delivery', index: m.index, answerable: false, ...(requested && requestedBy ? { requestedBy } : {}) };
  }
  return null;
}

// --- 7. "the Portfolio Holder be invited to attend the next meeting", "the Chair write to the Minister"
// Resolutions also write it in the present tense: "the Director of Finance attends the next meeting".
const INVITATION = /\b(?:be invited to (?:attend|a future|the next|present|provide|report|update|come)|(?:(?:would|will|to|agreed to) attend|attends) (?:a|the) (?:future|next|later|subsequent)|(?:chair(?:man)?|convener|convenor|committee|board|panel) (?:to |would |will |should )?write to)\b/gi;

export function invitationCue(sentence: string): ActionCue | null {
  INVITATION.lastIndex = 0;
  const m = INVITATION.exec(sentence);
  if (!m || negated(clauseBefore(sentence, m.index))) return null;
  return { rule: 'invitation', index: m.index, answerable: false };
}

// --- 8. "subject to the addition of an item on the estates strategy", "adding an item on X to
// the June meeting": an item added to the committee's programme is a report to come back.
const PROGRAMME_ADDITION =
  /\b(?:(?:the )?(?:addition|inclusion) of|add(?:ing)?|include|schedule)\s(?:an?\s|a further\s|the\s)?(?:item|report|update|briefing|session|presentation)s?\s(?:on|about|regarding|relating to|in relation to|covering)\b/gi;
// ("including a report on…" describes an agenda; it adds nothing to one.)
const PROGRAMME = /\b(?:work ?programme|forward (?:work )?(?:plan|programme)|work plan|agenda|meeting)\b/i;

export function programmeAdditionCue(sentence: string): ActionCue | null {
  PROGRAMME_ADDITION.lastIndex = 0;
  for (let m = PROGRAMME_ADDITION.exec(sentence); m !== null; m = PROGRAMME_ADDITION.exec(sentence)) {
    if (negated(clauseBefore(sentence, m.index))) continue;
    if (!PROGRAMME.test(sentence)) continue;
    return { rule: 'programme_addition', index: m.index, answerable: false };
  }
  return null;
}

/**
 * The first action cue in a sentence, or null. In `resolution` mode the subjunctive of
 * resolution wording ("an update be provided") counts as a request on its own.
 */
