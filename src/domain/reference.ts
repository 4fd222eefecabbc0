import { isMunicipalYearLabel } from './municipal-year.js';

// Action references as councils cite them: "CYPF (24/25) 07" — the committee's prefix, the
// municipal year of the meeting the action was raised at, and a number from 01 within the
// committee and year (DESIGN.md "References").

/** Joining words, never part of an abbreviation. */
export const CONNECTING_WORDS = ['a', 'an', 'and', 'at', 'for', 'in', 'of', 'on', 'the', 'to', 'with'] as const;
/**
 * Words naming the kind of body rather than its subject: left out while at least two subject
 * words remain, so "Children, Young People and Families Scrutiny Committee" is "CYPF".
 */
export const BODY_WORDS = ['board', 'committee', 'overview', 'panel', 'scrutiny', 'select', 'sub'] as const;
/** Longest prefix stored. */
export const REFERENCE_PREFIX_MAX = 20;
/** Longest reference stored. */
export const REFERENCE_MAX = 100;

/**
 * The default reference prefix of a committee, from its name (migration 0010 writes the same
 * rule in SQL for the committees it finds):
 * 1. apostrophes are dropped ("Children's" is one word) and the name is split into words at
 *    anything that is not a letter or digit; connecting words (and, of, the, …) are dropped;
 * 2. the initials of the subject words, when there are at least two: "Children, Young People and
 *    Families Scrutiny Committee" → "CYPF", "Policy and Performance Board" → "PP";
 * 3. else the initials of every word left after step 1, when there are at least two:
 *    "Economy Scrutiny Committee" → "ESC", "Overview and Scrutiny Committee" → "OSC";
 * 4. else the first three letters of the one word: "Cabinet" → "CAB", "Council" → "COU";
 * 5. a name with no letters or digits at all → "REF".
 */
export function defaultReferencePrefix(name: string): string {
  const words = name
    .replace(/['\u2019]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !(CONNECTING_WORDS as readonly string[]).includes(word.toLowerCase()));
  const subject = words.filter((word) => !(BODY_WORDS as readonly string[]).includes(word.toLowerCase()));
  const initials = (list: string[]) => list.map((word) => [...word][0]).join('');
  const prefix =
    subject.length >= 2 ? initials(subject)
    : words.length >= 2 ? initials(words)
    : words.length === 1 ? [...words[0]!].slice(0, 3).join('')
    : 'REF';
  return [...prefix.toUpperCase()].slice(0, REFERENCE_PREFIX_MAX).join('');
}

/** Numbers are written with at least two digits: 7 → "07", 123 → "123". */
export function formatReference(prefix: string, municipalYear: string, number: number): string {
  return `${prefix} (${municipalYear}) ${String(number).padStart(2, '0')}`;
}

/**
 * The municipal year and number of a reference written as `formatReference` writes it with this
 * prefix, so that a reference given by a caller ("CYPF (24/25) 07") holds its number back from
 * the ones generated; undefined for any other reference.
 */
export function parseReference(reference: string, prefix: string): { municipalYear: string; number: number } | undefined {
  if (!reference.startsWith(`${prefix} (`)) return undefined;
  const match = /^\((\d{2}\/\d{2})\) (\d{2,9})$/.exec(reference.slice(prefix.length + 1));
  if (!match || !isMunicipalYearLabel(match[1]!)) return undefined;
  const number = Number(match[2]);
  return number >= 1 && String(number).padStart(2, '0') === match[2] ? { municipalYear: match[1]!, number } : undefined;
}
