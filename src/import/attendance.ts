import { isUpperCaseDominant } from './page-furniture.js';
import type { AttendanceStatus, DraftAttendance, PersonKind } from './types.js';

// Who was there. Printed minutes list attendance under labels ("Present:", "(Not Present)",
// "Apologies:", "Substitutes:", "Co-opted Members:", "Officers:", "In attendance:") before the
// first item; the apologies item often names absentees in a sentence instead
// ("Apologies for absence were received from Councillors Greaves, Sims and Mr Thorpe.").

interface Section {
  status: AttendanceStatus;
  kind?: PersonKind;
  officers?: boolean;
}

/** "(Present) …", "Present: …", "Apologies – …", or the label alone on its line. */
function label(words: string): RegExp {
  return new RegExp(`^(?:\\((?:${words})\\) ?:? ?|(?:${words}) ?(?:[:–-] ?|$))`, 'i');
}

const SECTION_LABELS: ReadonlyArray<[RegExp, Section]> = [
  [label('not present|absent|members absent|absence declared'), { status: 'absent' }],
  [label('(?:councillors?|members|elected members|voting members) present|present'), { status: 'present' }],
  [label('apologies(?: for absence)?(?: received)?'), { status: 'apologies' }],
  [label('substitutes?(?: members?)?(?: present)?'), { status: 'substitute' }],
  [label('(?:co-opted|coopted|co-optee)s?(?: members?)?(?: present)?'), { status: 'present', kind: 'co_optee' }],
  [label('officers?(?: present| in attendance)?|in attendance|also in attendance|also present|also attending'), { status: 'present', officers: true }],
];

const COUNCILLOR_PREFIX = /^(?:councillors?|cllrs?\.?|county councillors?)\s+/i;
const HONORIFIC = /^(?:mr|mrs|ms|miss|mx|dr|prof|professor|rev|revd|reverend|sir|dame|canon|father)\.?\s/i;
const POST_NOMINALS = /\b(?:MBE|OBE|CBE|JP|DL|BEM|KC|QC|MP)\b/g;
const CHAIR_ROLE = /\b(?:chair|chairman|chairperson|chairwoman|vice|in the chair|mayor|leader)\b/i;
const SUBSTITUTE_ROLE = /\b(?:substitut\w*|in place of|deputising|replacing)\b/i;
const PARTNER_WORDS = /\b(?:NHS|ICB|CCG|police|fire|trust|healthwatch|university|college|housing|probation|foundation)\b/i;
const NOT_A_NAME = /^(?:none|no apologies|nil|n\/a|officers?|councillors?|members?|the|and|also|others?|action|actions|items?)$/i;
const ORGANISATION = /\b(?:NHS|ICB|CCG|police|fire|trust|healthwatch|university|college|council|partnership|service|association|foundation|board)\b/i;

/** Split "A, B (x, y) and C; D" at commas, semicolons and "and", but not inside brackets. */
export function splitNameList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  const words = text.split(/(\s+)/);
  for (const word of words) {
    for (const ch of word) {
      if (ch === '(') depth++;
      if (ch === ')') depth = Math.max(0, depth - 1);
    }
    if (depth === 0 && /^and$|^&$/i.test(word)) {
      parts.push(current);
      current = '';
      continue;
    }
    if (depth === 0 && /[,;]$/.test(word) && !/\($/.test(word)) {
      current += word.slice(0, -1);
      parts.push(current);
      current = '';
      continue;
    }
    current += word;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function validName(name: string): boolean {
  if (name.length < 2 || name.length > 60 || /\d/.test(name) || NOT_A_NAME.test(name)) return false;
  const words = name.split(' ');
  return words.length <= 6 && /[A-Z]/.test(name) && !/\b(?:was|were|is|are|had|has|received|the meeting)\b/i.test(name);
}

interface ParsedPerson {
  entry: DraftAttendance;
  councillorList: boolean;
}

/** One entry of a name list, e.g. "Councillor T Long (Chair)" or "Mr C Williams (Church of England Representative)". */
export function parsePerson(token: string, section: Section, inCouncillorList: boolean): ParsedPerson | null {
  let text = token.replace(/\.$/, '').trim();
  let councillor = inCouncillorList;
  let councillorList = inCouncillorList;
  const prefix = COUNCILLOR_PREFIX.exec(text);
  if (prefix) {
    councillor = true;
    councillorList = /councillors|cllrs/i.test(prefix[0]);
    text = text.slice(prefix[0].length);
  }
  const honorific = HONORIFIC.test(text);
  if (honorific) {
    councillor = false;
    councillorList = false;
  }
  let bracket = '';
  text = text.replace(/\(([^)]*)\)?/g, (_, inner: string) => {
    bracket = inner.trim();
    return '';
  });
  let substituteFor: string | undefined;
  const runOnFor = / (?:substituting |as (?:a )?substitute |deputising )?for (.+)$/i.exec(text);
  if (runOnFor && (section.status === 'substitute' || /substitut|deputis/i.test(runOnFor[0]))) {
    substituteFor = (runOnFor[1] ?? '').replace(COUNCILLOR_PREFIX, '').trim();
    text = text.slice(0, runOnFor.index);
  }
  const dash = / [-\u2013\u2014] (.+)$/.exec(text);
  if (dash) {
    bracket ||= (dash[1] ?? '').trim();
    text = text.slice(0, dash.index);
  }
  const name = text.replace(POST_NOMINALS, '').replace(/\s+/g, ' ').trim();
  if (!validName(name)) return null;
  const entry: DraftAttendance = { name, status: section.status };
  const bracketNamesSubstitute = bracket !== '' && (SUBSTITUTE_ROLE.test(bracket) || (section.status === 'substitute' && /^for\b/i.test(bracket)));
  if (bracketNamesSubstitute) {
    const forWhom = /\b(?:for|of)\s+(.+)$/i.exec(bracket)?.[1];
    if (forWhom) substituteFor = forWhom.replace(COUNCILLOR_PREFIX, '').trim();
  }
  if (bracketNamesSubstitute || substituteFor !== undefined) {
    entry.status = 'substitute';
    if (substituteFor) entry.substituteFor = substituteFor;
  }
  const coOptee = /representative|governor|diocese|church|co-opt/i.test(bracket);
  if (councillor) entry.kind = 'councillor';
  else if (section.kind) entry.kind = section.kind;
  else if (coOptee) entry.kind = 'co_optee';
  else if (bracket !== '' && PARTNER_WORDS.test(bracket)) entry.kind = 'partner';
  else if (section.officers) entry.kind = 'officer';
  else if (honorific) entry.kind = 'co_optee';
  if (bracket !== '' && !CHAIR_ROLE.test(bracket) && !bracketNamesSubstitute && (entry.kind === 'co_optee' || entry.kind === 'partner')) {
    entry.represents = bracket;
  }
  return { entry, councillorList };
}

function parseNames(text: string, section: Section, out: DraftAttendance[]): void {
  let inCouncillorList = false;
  let previous: DraftAttendance | undefined;
  for (const token of splitNameList(text).slice(0, 80)) {
    // "Dr R Bhattacharya, NHS Mersey Vale ICB": the organisation belongs to the person before it.
    if (previous && !HONORIFIC.test(token) && !COUNCILLOR_PREFIX.test(token) && ORGANISATION.test(token)) {
      previous.represents ??= token.trim();
      if (previous.kind !== 'councillor' && PARTNER_WORDS.test(token)) previous.kind = 'partner';
      continue;
    }
    const parsed = parsePerson(token, section, inCouncillorList);
    if (!parsed) continue;
    inCouncillorList = parsed.councillorList;
    out.push(parsed.entry);
    previous = parsed.entry;
  }
}

function looksLikeProse(line: string): boolean {
  return line.length > 400 || (/\b(?:was|were|is|are|held|had|has)\b/.test(line) && line.split(' ').length > 10);
}

/** Attendance from the labelled lists in the header. */
export function extractAttendance(headerLines: readonly string[]): DraftAttendance[] {
  const out: DraftAttendance[] = [];
  let section: Section | null = null;
  for (const raw of headerLines) {
    const line = raw.replace(/^- /, '');
    if (line === '') continue;
    const label = SECTION_LABELS.find(([re]) => re.test(line));
    if (label) {
      section = label[1];
      parseNames(line.replace(label[0], ''), section, out);
      continue;
    }
    if (section === null) continue;
    if (looksLikeProse(line) || (isUpperCaseDominant(line) && !COUNCILLOR_PREFIX.test(line))) {
      section = null;
      continue;
    }
    parseNames(line, section, out);
  }
  return out;
}

const APOLOGIES_SENTENCE =
  /\bapolog(?:y|ies)(?: for absence)?(?: were| was| had been)?(?: received| submitted| given| tendered| reported| noted| presented)?(?: from| on behalf of| for)\s+(.{2,400})/i;
const SUBSTITUTION_SENTENCE =
  /\b(?:councillor|cllr\.?)\s+([A-Z][\w'-]*(?:\s[A-Z][\w'-]*){0,3})\s+(?:attended|was present|substituted|acted|was in attendance)\b.{0,40}?\b(?:for|in place of)\s+(?:councillor|cllr\.?)\s+([A-Z][\w'-]*(?:\s[A-Z][\w'-]*){0,3})/i;

function sameSurname(a: string, b: string): boolean {
  const last = (s: string): string => (s.split(' ').pop() ?? '').toLowerCase();
  return last(a) === last(b);
}

function upsert(list: DraftAttendance[], person: DraftAttendance): void {
  const existing = list.find((p) => sameSurname(p.name, person.name));
  if (!existing) {
    list.push(person);
    return;
  }
  existing.status = person.status;
  if (person.substituteFor) existing.substituteFor = person.substituteFor;
  existing.kind ??= person.kind;
}

/** Apologies and substitutions stated in the minutes' sentences update (or extend) the list. */
export function applyAttendanceSentences(list: DraftAttendance[], sentences: readonly string[]): void {
  for (const sentence of sentences) {
    if (sentence.length > 600) continue;
    const apologies = APOLOGIES_SENTENCE.exec(sentence);
    if (apologies && !/\bno apologies\b/i.test(sentence)) {
      const names: DraftAttendance[] = [];
      parseNames((apologies[1] ?? '').replace(/\.$/, ''), { status: 'apologies' }, names);
      for (const person of names) upsert(list, person);
    }
    const sub = SUBSTITUTION_SENTENCE.exec(sentence);
    if (sub) {
      upsert(list, { name: sub[1] ?? '', status: 'substitute', kind: 'councillor', substituteFor: sub[2] ?? '' });
    }
  }
}
