import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { run, together, values, type Computed, type Program } from '../../db/program.js';
import { preparedQuery } from '../../db/shapes.js';
import { actions, committees, dialect, perSchema, referenceCounters } from '../../db/tables.js';
import { municipalYearOf } from '../../domain/municipal-year.js';
import { defaultReferencePrefix, parseReference } from '../../domain/reference.js';
import { ConflictError } from '../../errors.js';

// An action's reference, inside the write's transaction (DESIGN.md "References"). A generated
// number comes from the committee-and-year counter (reference_counters): one upsert on its
// primary key, however many actions the committee has, never a scan or a max() over them. A
// given reference is checked by one lookup of the unique (reference, committee_id) index. Raw
// values, not drizzle's mapped rows: for one number the mapping cost twice the statement.
// Programs (db/program.ts), yielded by the repository's writes.

function* holderOf(db: Db, committeeId: number, reference: string): Program<number | undefined> {
  const rows = yield* values(preparedQuery(db, 'actions:reference-holder', () =>
    db
      .select({ id: actions.id })
      .from(actions)
      .where(and(eq(actions.reference, sql.placeholder('reference')), eq(actions.committeeId, sql.placeholder('committeeId'))))
      .prepare(),
  ), { reference, committeeId });
  return rows[0]?.[0] as number | undefined;
}

/** True when no action of the committee has this reference. */
export function* referenceIsFree(db: Db, committeeId: number, reference: string): Program<boolean> {
  return (yield* holderOf(db, committeeId, reference)) === undefined;
}

/** The counter moved on by one (from 0 when the committee has none for the year): the number to use. */
function* takeNumber(db: Db, committeeId: number, municipalYear: string): Program<number> {
  const rows = yield* values(preparedQuery(db, 'references:take', () =>
    db
      .insert(referenceCounters)
      .values({ committeeId: sql.placeholder('committeeId'), municipalYear: sql.placeholder('municipalYear'), lastNumber: 1 })
      .onConflictDoUpdate({ target: [referenceCounters.committeeId, referenceCounters.municipalYear], set: { lastNumber: sql`${referenceCounters.lastNumber} + 1` } })
      .returning({ lastNumber: referenceCounters.lastNumber })
      .prepare(),
  ), { committeeId, municipalYear });
  return rows[0]![0] as number;
}

/** The counter moved on to `number` if it is behind: a given reference's number is never generated. */
function* holdBack(db: Db, committeeId: number, municipalYear: string, number: number): Program<void> {
  yield* run(preparedQuery(db, 'references:hold-back', () =>
    db
      .insert(referenceCounters)
      .values({ committeeId: sql.placeholder('committeeId'), municipalYear: sql.placeholder('municipalYear'), lastNumber: sql.placeholder('number') })
      .onConflictDoUpdate({
        target: [referenceCounters.committeeId, referenceCounters.municipalYear],
        set: { lastNumber: dialect.greatest(referenceCounters.lastNumber, sql`excluded.last_number`) },
      })
      .prepare(),
  ), { committeeId, municipalYear, number });
}

interface PrefixSource {
  referencePrefix: string | null;
  name: string;
}

/** The committee's prefix: its own, or the default from its name for a row written without one. */
export function referencePrefix(committee: PrefixSource): string {
  return committee.referencePrefix || defaultReferencePrefix(committee.name);
}

/** The committee's prefix, from `committee` when the caller has read its row already. */
function* prefixOf(db: Db, committeeId: number, committee?: PrefixSource): Program<string> {
  if (committee) return referencePrefix(committee);
  const rows = yield* values(preparedQuery(db, 'committees:reference-prefix', () =>
    db.select({ prefix: committees.referencePrefix, name: committees.name }).from(committees).where(eq(committees.id, sql.placeholder('id'))).prepare(),
  ), { id: committeeId });
  const [prefix, name] = rows[0] as [string | null, string];
  return referencePrefix({ referencePrefix: prefix, name });
}

/**
 * Checks that `reference` is free in the committee (but for the action `exceptId`), and keeps
 * its number from being generated when it is written as generated ones are. 409 when taken, as
 * a committee's slug is.
 */
export function* claimReference(db: Db, committeeId: number, reference: string, exceptId?: number, committee?: PrefixSource): Program<string> {
  const holder = yield* holderOf(db, committeeId, reference);
  if (holder !== undefined && holder !== exceptId) {
    // Not which action holds it: that one may be exempt or confidential business.
    throw new ConflictError(`Reference "${reference}" is already used by another action of committee ${committeeId}`);
  }
  const parsed = parseReference(reference, yield* prefixOf(db, committeeId, committee));
  if (parsed) yield* holdBack(db, committeeId, parsed.municipalYear, parsed.number);
  return reference;
}

/**
 * The reference domain/reference.ts formatReference() writes ("CYPF (24/25) 07"), written in SQL
 * from the committee's counter as it stands in the transaction: a value the insert computes
 * (db/program.ts Computed) once takeNumber() has moved the counter. The same SQL on both engines;
 * test/modules/action-references.test.ts holds it to formatReference() across 9, 10, 99 and 100.
 */
const referenceFromCounter = perSchema(() => {
  const n = referenceCounters.lastNumber;
  return sql`(SELECT CAST(${sql.placeholder('referencePrefix')} AS TEXT) || ' (' || CAST(${sql.placeholder('referenceYear')} AS TEXT) || ') ' || CASE WHEN ${n} < 10 THEN '0' ELSE '' END || CAST(${n} AS TEXT) FROM ${referenceCounters} WHERE ${referenceCounters.committeeId} = ${sql.placeholder('referenceCommitteeId')} AND ${referenceCounters.municipalYear} = ${sql.placeholder('referenceYear')})`;
});

/**
 * What `insert` makes with the next reference of the committee for an action raised at a meeting
 * held on `meetingDate` (its local date). A number whose reference is held already — given by a
 * caller, or written with an earlier prefix — is passed over: `insert` answers undefined when the
 * reference is taken (its insert met the unique (reference, committee_id) index: db/program.ts
 * insertUnlessTaken), and the next number is tried. The index answers in the insert itself, where
 * a read of it first cost a statement on every create.
 *
 * The counter's row is locked from its move to the commit, so creates in one committee and year
 * wait for each other: the less happens in between, the more of them a second. So the insert does
 * not wait for the number: it is sent with the counter's move, in the same round trip (together(),
 * started in order, run in order in the transaction), and writes the reference from the counter
 * itself (`computed`, referenceFromCounter).
 */
export function* withNextReference<T>(
  db: Db, committeeId: number, meetingDate: string, committee: PrefixSource | undefined, insert: (reference: Computed) => Program<T | undefined>,
): Program<T> {
  const prefix = yield* prefixOf(db, committeeId, committee);
  const municipalYear = municipalYearOf(meetingDate);
  const reference: Computed = {
    values: { reference: referenceFromCounter() },
    params: { referencePrefix: prefix, referenceYear: municipalYear, referenceCommitteeId: committeeId },
  };
  for (;;) {
    const [, made] = yield* together(takeNumber(db, committeeId, municipalYear), insert(reference));
    if (made !== undefined) return made;
  }
}
