// The verbs of a follow-up, each once with its base form and its participle, so that every
// aspect reads the same verbs: "Officers would circulate …" (future, active), "the slides would
// be circulated" (future, passive) and "the slides had been circulated" (perfect: progress,
// not a new action). A verb a council uses is added here once, not to each rule.

export interface Verb {
  base: string;
  participle: string;
}

/** Passing on something already made: the slides, the link, the answers. */
export const CIRCULATING: readonly Verb[] = [
  { base: 'circulate', participle: 'circulated' },
  { base: 're-circulate', participle: 're-circulated' },
  { base: 'distribute', participle: 'distributed' },
  { base: 'forward', participle: 'forwarded' },
  { base: 'e-?mail', participle: 'e-?mailed' },
  { base: 'share', participle: 'shared' },
  { base: 'send', participle: 'sent' },
];

/** Giving or making information: needs an information noun, a recipient or an undertaking. */
export const TRANSMITTING: readonly Verb[] = [
  { base: 'provide', participle: 'provided' },
  { base: 'supply', participle: 'supplied' },
  { base: 'give', participle: 'given' },
  { base: 'issue', participle: 'issued' },
  { base: 'make available', participle: 'made available' },
  { base: 'prepare', participle: 'prepared' },
  { base: 'produce', participle: 'produced' },
  { base: 'present', participle: 'presented' },
  { base: 'submit', participle: 'submitted' },
];

/** Passing a view or a matter on to someone else: an act in itself, whoever receives it. */
export const PASSING_ON: readonly Verb[] = [
  { base: 'pass on', participle: 'passed on' },
  { base: 'pass back', participle: 'passed back' },
  { base: 'feed back', participle: 'fed back' },
  { base: 'convey', participle: 'conveyed' },
  { base: 'relay', participle: 'relayed' },
  { base: 'raise', participle: 'raised' },
  { base: 'take up', participle: 'taken up' },
  { base: 'follow up', participle: 'followed up' },
  { base: 'pick up', participle: 'picked up' },
];

/** Making something for the committee: a briefing, a visit, a timetable. */
export const SETTING_UP: readonly Verb[] = [
  { base: 'set up', participle: 'set up' },
  { base: 'organi[sz]e', participle: 'organi[sz]ed' },
  { base: 'arrange', participle: 'arranged' },
  { base: 'prepare', participle: 'prepared' },
  { base: 'draft', participle: 'drafted' },
  { base: 'develop', participle: 'developed' },
  { base: 'produce', participle: 'produced' },
  { base: 'establish', participle: 'established' },
  { base: 'commission', participle: 'commissioned' },
  { base: 'undertake', participle: 'undertaken' },
  { base: 'carry out', participle: 'carried out' },
  { base: 'schedule', participle: 'scheduled' },
];

/** A regex alternation of one form of the verbs, longest first so "re-circulate" wins. */
export function forms(verbs: readonly Verb[], form: keyof Verb, except: readonly string[] = []): string {
  const words = [...new Set(verbs.map((v) => v[form]))].filter((w) => !except.includes(w));
  return `(?:${words.sort((a, b) => b.length - a.length).join('|')})`;
}

/** An anchored test for one form: is this captured verb in the class? */
export function isOneOf(verbs: readonly Verb[], form: keyof Verb): RegExp {
  return new RegExp(`^${forms(verbs, form)}$`, 'i');
}
