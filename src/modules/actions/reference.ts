import { and, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/sqlite/prepared.js';
import { actions, committees, referenceCounters } from '../../db/tables.js';
import type { Tx } from '../../db/sqlite/transaction.js';
import { municipalYearOf } from '../../domain/municipal-year.js';
import { defaultReferencePrefix, formatReference, parseReference } from '../../domain/reference.js';
import { ConflictError } from '../../errors.js';

// An action's reference, inside the write's transaction (DESIGN.md "References"). A generated
// number comes from the committee-and-year counter (reference_counters): one upsert on its
// primary key, however many actions the committee has, never a scan or a max() over them. A
// given reference is checked by one lookup of the unique (reference, committee_id) index. Raw
// values, not drizzle's mapped rows: for one number the mapping cost twice the statement.

const holderOf = (tx: Tx, committeeId: number, reference: string): number | undefined =>
  preparedQuery(tx, 'actions:reference-holder', () =>
    tx
      .select({ id: actions.id })
      .from(actions)
      .where(and(eq(actions.reference, sql.placeholder('reference')), eq(actions.committeeId, sql.placeholder('committeeId'))))
      .prepare(),
  ).values({ reference, committeeId })[0]?.[0] as number | undefined;

/** True when no action of the committee has this reference. */
export const referenceIsFree = (tx: Tx, committeeId: number, reference: string): boolean => holderOf(tx, committeeId, reference) === undefined;

/** The counter moved on by one (from 0 when the committee has none for the year): the number to use. */
const takeNumber = (tx: Tx, committeeId: number, municipalYear: string): number =>
  preparedQuery(tx, 'references:take', () =>
    tx
      .insert(referenceCounters)
      .values({ committeeId: sql.placeholder('committeeId'), municipalYear: sql.placeholder('municipalYear'), lastNumber: 1 })
      .onConflictDoUpdate({ target: [referenceCounters.committeeId, referenceCounters.municipalYear], set: { lastNumber: sql`${referenceCounters.lastNumber} + 1` } })
      .returning({ lastNumber: referenceCounters.lastNumber })
      .prepare(),
  ).values({ committeeId, municipalYear })[0]![0] as number;

/** The counter moved on to `number` if it is behind: a given reference's number is never generated. */
const holdBack = (tx: Tx, committeeId: number, municipalYear: string, number: number) =>
  preparedQuery(tx, 'references:hold-back', () =>
    tx
      .insert(referenceCounters)
      .values({ committeeId: sql.placeholder('committeeId'), municipalYear: sql.placeholder('municipalYear'), lastNumber: sql.placeholder('number') })
      .onConflictDoUpdate({ target: [referenceCounters.committeeId, referenceCounters.municipalYear], set: { lastNumber: sql`max(${referenceCounters.lastNumber}, excluded.last_number)` } })
      .prepare(),
  ).run({ committeeId, municipalYear, number });

/** The committee's prefix: its own, or the default from its name for a row written without one. */
function prefixOf(tx: Tx, committeeId: number): string {
  const [prefix, name] = preparedQuery(tx, 'committees:reference-prefix', () =>
    tx.select({ prefix: committees.referencePrefix, name: committees.name }).from(committees).where(eq(committees.id, sql.placeholder('id'))).prepare(),
  ).values({ id: committeeId })[0] as [string, string];
  return prefix || defaultReferencePrefix(name);
}

/**
 * Checks that `reference` is free in the committee (but for the action `exceptId`), and keeps
 * its number from being generated when it is written as generated ones are. 409 when taken, as
 * a committee's slug is.
 */
export function claimReference(tx: Tx, committeeId: number, reference: string, exceptId?: number): string {
  const holder = holderOf(tx, committeeId, reference);
  if (holder !== undefined && holder !== exceptId) {
    // Not which action holds it: that one may be exempt or confidential business.
    throw new ConflictError(`Reference "${reference}" is already used by another action of committee ${committeeId}`);
  }
  const parsed = parseReference(reference, prefixOf(tx, committeeId));
  if (parsed) holdBack(tx, committeeId, parsed.municipalYear, parsed.number);
  return reference;
}

/**
 * The next reference of the committee for an action raised at a meeting held on `meetingDate`
 * (its local date). A number whose reference is held already — given by a caller, or written
 * with an earlier prefix — is passed over.
 */
export function nextReference(tx: Tx, committeeId: number, meetingDate: string): string {
  const prefix = prefixOf(tx, committeeId);
  const municipalYear = municipalYearOf(meetingDate);
  for (;;) {
    const reference = formatReference(prefix, municipalYear, takeNumber(tx, committeeId, municipalYear));
    if (holderOf(tx, committeeId, reference) === undefined) return reference;
  }
}
