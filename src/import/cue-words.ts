// Vocabulary shared by the action and progress rules. Kept in one place so that a phrase a
// council uses ("a briefing note", "ward councillors", "the work programme") is added once.

/** Things that come back to a committee: information, updates, reports, notes. */
export const INFO_NOUN =
  /\b(?:information|updates?|details?|reports?|briefings?|notes?|data|figures|breakdowns?|feedback|responses?|answers?|clarification|summary|summaries|lists?|analysis|analyses|presentations?|cop(?:y|ies)|statistics|numbers|figure|links?|recordings?|maps?|papers?|slides|results|findings|evidence|timelines?|timescales?|costings?|proposals?|letters?|documents?|narrative|comparisons?|benchmarking|explanations?|reply|replies|progress|outcomes? of|minutes of|dates?|list)\b/i;

const AUDIENCE =
  '(?:meeting|committee|board|panel|sub-committee|commission|forum|members?|councillors?|chair(?:man|person)?|vice-chair|scrutiny|work ?programme|forward (?:plan|work programme)|work plan|agenda|cllr\\.?|councillor)';

/**
 * "to the Committee", "to all ward councillors", "at the next meeting", "in the next report",
 * "in the quarter 3 report" (a periodic report comes to the committee that receives the series).
 */
export const COMMITTEE_RECIPIENT = new RegExp(
  `\\b(?:(?:to|with|for|at|before|on|into|onto|in) (?:(?:the|all|this|a|an|its|their|each|individual|ward|relevant|interested|elected|every|future|next|subsequent|further|following|later|forthcoming|relevant|appropriate|committee's|board's|panel's) ){0,3}${AUDIENCE}\\b|\\bin (?:the|a|its|their) (?:next|future|further|subsequent|following|forthcoming|quarterly|annual|regular|six-monthly|half-yearly)\\b|\\bin (?:the|its|their) (?:Q[1-4]|quarter (?:[1-4]|one|two|three|four)|(?:first|second|third|fourth) quarter|mid-year|half-year|year-end|outturn)(?: [\\w-]+){0,2} (?:report|update|monitoring)\\b)`,
  'i',
);

/** "officers" → "[Oo]fficers": either case for the first letter, exact case after it. */
function eitherCase(words: readonly string[]): string {
  return words.map((w) => `[${w.charAt(0).toUpperCase()}${w.charAt(0)}]${w.slice(1)}`).join('|');
}

const TITLE_TAIL = "(?: of(?: (?:[A-Z][\\w'&-]*|and|for|the|of))+)?";
const NAMED_PERSON = "(?:Councillors?|Cllrs?\\.?|County Councillor|Mr|Mrs|Ms|Miss|Dr) [A-Z][\\w'-]+(?: [A-Z][\\w'-]+)?";
// "The CSM will circulate…", "the ICB would provide…": an officer or a body by its initials,
// counted only as the subject of a promise or an answer (or at the end of the clause before one).
const INITIALS =
  "(?:[Tt]he )?(?!(?:AGREED|NOTED|THAT|AND|THE|FOR|NOT|ALL|ANY)\\b)[A-Z]{2,6}(?= (?:would|will|shall|agreed|undertook|offered|promised|to|said|confirmed|advised|explained|stated|reported)\\b|\\s*$)";

/** Someone who can owe an answer: officers, a director, the portfolio holder, a named person. */
// A capitalised job title, "Chief Finance Officer", "Head of Service" aside: checked first so
// it wins over the bare "Officer" inside it.
const JOB_TITLE =
  "(?:[A-Z][\\w&'-]* ){0,4}(?:Officer|Manager|Director|Inspector|Superintendent|Commissioner|Adviser|Advisor|Co-?ordinator|Holder|Member)(?: (?:for|of)(?: [A-Z][\\w&'-]*| and)+)?(?: [A-Z][\\w'-]+(?= (?:said|would|will|agreed|undertook|offered|to)\\b))?";
export const OWNER_SUBJECT = new RegExp(
  `\\b(?:${JOB_TITLE}|(?:${eitherCase(['the '])})?(?:${eitherCase(['executive ', 'assistant ', 'deputy ', 'strategic ', 'interim ', 'corporate '])})?(?:${eitherCase(['directors', 'director'])})${TITLE_TAIL}|(?:${eitherCase(['heads', 'head'])}) of(?: (?:[A-Z][\\w'&-]*|and|for|the|of|service))+|(?:${eitherCase([
    'officers', 'officer', 'service managers', 'service manager', 'managers', 'manager', 'chief executive', 'chief officer',
    'portfolio holder', 'cabinet member', 'lead member', 'executive member', 'chairman', 'chairperson', 'chair', 'vice-chair',
    'vice-convener', 'convener', 'convenor', 'provost',
    'clerk', 'democratic services', 'scrutiny officer', 'lead officer', 'commissioner', 'consultant', 'representatives',
    'representative', 'he', 'she', 'they', 'the service', 'the department', 'the team', 'the council', 'the authority',
    'the Council', 'the Authority', 'the Town Clerk', 'the Mayor', 'the Leader',
  ])})|${NAMED_PERSON}|${INITIALS})\\b`,
  'g',
);

/** Who asked: members, the committee, a named councillor. */
export const REQUESTER_SUBJECT = new RegExp(
  `\\b(?:(?:${eitherCase(['a', 'one', 'several', 'some', 'the', 'other'])}) )?(?:${eitherCase([
    'members', 'member', 'committee', 'board', 'panel', 'sub-committee', 'chairman', 'chairperson', 'chair', 'vice-chair', 'convener', 'convenor',
  ])})\\b|${NAMED_PERSON}`,
  'g',
);

/** "at the last meeting": a sentence looking back is context for an older request, not a new one. */
export const BACK_REFERENCE =
  /\b(?:at|from|during|since|following|after) (?:the|its|their|this committee's|the committee's|the board's) (?:last|previous|preceding|prior|earlier) meeting\b|\bpreviously (?:requested|asked|agreed)\b|\bas (?:previously )?requested\b/i;

/** Everything from the last clause break before `index`, at most 140 characters. */
export function clauseBefore(sentence: string, index: number): string {
  const window = sentence.slice(Math.max(0, index - 140), index);
  const cut = Math.max(window.lastIndexOf(';'), window.lastIndexOf(' – '), window.lastIndexOf(' — '), window.lastIndexOf(': '));
  return cut >= 0 ? window.slice(cut + 1) : window;
}

// "…had written to the Police and Crime Commissioner and would share…", "…expanded to 14
// officers and offered to…": the object of a preposition is not who asks or owes ("for" is
// left out: "an action was agreed for officers to arrange…" names them).
const AFTER_PREPOSITION =
  /\b(?:to|with|from|by|into|about|towards|against|between|among|than) (?:the |a |an |all |its |their |\d+ )?(?:[A-Z][\w'&-]* (?:(?:and|of|for|&) )?){0,5}$/;

/**
 * The last match of a global regex in the text that is not the object of a preposition. A
 * pronoun ("…said he would…") stands for the last named subject before it, when there is one.
 */
export function lastMatch(re: RegExp, text: string): string | undefined {
  re.lastIndex = 0;
  let last: string | undefined;
  let lastNamed: string | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (AFTER_PREPOSITION.test(text.slice(Math.max(0, m.index - 60), m.index))) continue;
    last = m[0];
    if (!/^(?:he|she|they)$/i.test(m[0])) lastNamed = m[0];
  }
  return last !== undefined && /^(?:he|she|they)$/i.test(last) ? (lastNamed ?? last) : last;
}

export function displayName(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined;
  const t = subject.trim().replace(/'$/, '');
  if (/^(?:he|she|they)$/i.test(t)) return undefined;
  return t.charAt(0).toUpperCase() + t.slice(1);
}
