import { and, asc, eq, gte, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, values, type Program } from '../../db/program.js';
import { queryShape } from '../../db/shapes.js';
import { actions, committees, dialect, meetings, people, perSchema, sqlList } from '../../db/tables.js';
import { actionsVisibleTo, readerShape, rowsOfCommitteesSeenBy } from '../../db/visibility.js';
import { BEING_WORKED, NON_FINAL_STATUSES } from '../../domain/action-lifecycle.js';
import type { Actor } from '../../domain/actor.js';
import { MEETING_STATUSES } from '../../domain/due.js';
import { seesCommittee, type Reader } from '../../domain/visibility.js';
import { invalidField, NotFoundError } from '../../errors.js';
import type { CommitteeRepository } from '../committees/repository.js';
import type { HolidayRepository } from '../holidays/repository.js';
import { dueMeeting, effectiveDueDate, overdueAsOf } from '../actions/query.js';
import { medianOfCounts, WorkingDayCounter } from './working-days.js';

// Response statistics (DESIGN.md "Documents and calendars for the agenda pack"): per committee
// and per owner, over the actions raised at its meetings in a period. Counted by SQL in groups
// from one index of actions (migration 0019), never their rows; only the median needs the holiday
// calendar, and it reads one row per owner and (raised day, response day) pair.

export interface StatsQuery {
  committeeId?: number;
  from?: string;
  to?: string;
  asOf?: string;
}

export interface TimesFlagged { none: number; once: number; twice: number; threeOrMore: number }

export interface Figures {
  raised: number;
  respondedOnTime: number;
  respondedLate: number;
  open: number;
  overdue: number;
  medianWorkingDaysToRespond: number | null;
  timesFlagged: TimesFlagged;
}

export interface OwnerStats extends Figures {
  /** The owner person, or (personId null) the owner text; name null when no owner is recorded. */
  owner: { personId: number | null; name: string | null };
}

export interface CommitteeStats extends Figures {
  committee: { id: number; name: string };
  /** The day `open` and `overdue` are as of: `asOf`, or today in the committee's time zone. */
  asOf: string;
  owners: OwnerStats[];
}

export interface Stats {
  from: string | null;
  to: string | null;
  committees: CommitteeStats[];
}

// The queries' parts, built from the engine's tables once it has chosen them (db/tables.ts).
const parts = perSchema(() => {
  /** The action's meeting: the day it was raised is that meeting's local date. */
  const raisedAt = dialect.alias(meetings, 'raised_at');
  // The owner: a person, or the text recorded when there is no person.
  const ownerTextKey = sql<string | null>`CASE WHEN ${actions.ownerId} IS NULL THEN ${actions.ownerText} END`;
  // 0, 1, 2 or 3 (meaning 3 or more). The count of the action's flags is kept on its row by
  // triggers (migration 0019, not in the drizzle schema), so that counting reads no flags.
  const flagBucket = sql<number>`${dialect.least(sql`${actions}.${sql.identifier('times_flagged')}`, 3)}`
    .mapWith(Number).as('flag_bucket');
  // Each rule read once a row, cheapest first: whether the action is done (most are) is looked
  // at before any date. The due-by date is compared once: a response with no due-by date is on
  // time, and one with a NULL comparison is therefore on time exactly when it exists.
  const dueBy = effectiveDueDate();
  const onTime = sql`coalesce(${actions.respondedOn} <= ${dueBy}, ${actions.respondedOn} IS NOT NULL)`;
  const late = sql`${actions.respondedOn} > ${dueBy}`;
  const open = sql`${actions.status} IN ${sqlList(BEING_WORKED)}`;
  // overdueAsOf (the lists' rule) only for actions it can be true of.
  const overdue = sql`${actions.status} IN ${sqlList(NON_FINAL_STATUSES)} AND ${overdueAsOf(sql.placeholder('asOf'))}`;
  return { raisedAt, ownerTextKey, flagBucket, onTime, late, open, overdue };
});
// count() of a CASE without ELSE counts the rows where the condition is true (not false, not
// NULL), and is an integer on both engines (sum() is a bigint on PostgreSQL, given as text).
const count = (condition: SQL) => sql<number>`count(CASE WHEN ${condition} THEN 1 END)`.mapWith(Number);

const EARLIEST = '0000-01-01';
const LATEST = '9999-12-31';

// Both queries read only the (meeting, owner, flags, dates, status, visibility) index of actions
// (migration 0019) and, under a meeting rule, the due meeting's despatch date: never the rows.
function statsQueries(db: Db, reader: Reader) {
  return queryShape(db, `stats:${readerShape(reader)}`, () => {
    const { raisedAt, ownerTextKey, flagBucket, onTime, late, open, overdue } = parts();
    // Every meeting status spelled out, so the (committee_id, status, local_date) index serves
    // the range of raised days.
    const raisedIn = and(
      eq(raisedAt.committeeId, sql.placeholder('committeeId')),
      sql`${raisedAt.status} IN ${sqlList(MEETING_STATUSES)}`,
      gte(raisedAt.localDate, sql.placeholder('from')),
      lte(raisedAt.localDate, sql.placeholder('to')),
      actionsVisibleTo(reader),
    );
    const counts = db
      .select({
        ownerId: actions.ownerId,
        ownerText: ownerTextKey,
        flagged: flagBucket,
        raised: sql<number>`count(*)`.mapWith(Number),
        respondedOnTime: count(onTime),
        respondedLate: count(late),
        open: count(open),
        overdue: count(overdue),
      })
      .from(raisedAt)
      .innerJoin(actions, eq(actions.meetingId, raisedAt.id))
      .leftJoin(dueMeeting(), eq(dueMeeting().id, actions.dueMeetingId))
      .where(raisedIn)
      .groupBy(actions.ownerId, ownerTextKey, sql`flag_bucket`)
      .prepare();
    // Grouped in the order the index gives a meeting's rows (raised meetings in the order of
    // their index, then owner and response day), so SQLite counts them as it reads, without
    // sorting; the owner text is read as it is and only counted apart for owners with no person.
    const responseDays = db
      .select({
        ownerId: actions.ownerId,
        ownerText: actions.ownerText,
        raisedOn: raisedAt.localDate,
        respondedOn: sql<string>`${actions.respondedOn}`,
        count: sql<number>`count(*)`.mapWith(Number),
      })
      .from(raisedAt)
      .innerJoin(actions, eq(actions.meetingId, raisedAt.id))
      .where(and(raisedIn, isNotNull(actions.respondedOn)))
      .groupBy(raisedAt.status, raisedAt.localDate, raisedAt.id, actions.ownerId, actions.ownerText, actions.respondedOn)
      .prepare();
    return { counts, responseDays };
  });
}

/** The owners' names, read once for every person that owns an action counted (not once per action). */
const ownerNames = (db: Db) => queryShape(db, 'stats:owner-names', () =>
  db.select({ id: people.id, name: people.name }).from(people).where(dialect.idIn(people.id, sql.placeholder('ids'))).prepare());

const emptyFigures = (): Figures => ({
  raised: 0, respondedOnTime: 0, respondedLate: 0, open: 0, overdue: 0, medianWorkingDaysToRespond: null,
  timesFlagged: { none: 0, once: 0, twice: 0, threeOrMore: 0 },
});
const flagKeys: (keyof TimesFlagged)[] = ['none', 'once', 'twice', 'threeOrMore'];

/** Programs (db/program.ts): services.ts runs them on the engine. */
export function createStatsRepository(
  db: Db,
  { committees: committeeRepository, holidays }: { committees: Pick<CommitteeRepository, 'get' | 'todayFor'>; holidays: Pick<HolidayRepository, 'calendar'> },
) {
  return {
    *stats(actor: Actor, query: StatsQuery): Program<Stats> {
      if (query.from && query.to && query.from > query.to) throw invalidField('from', 'must not be after to', 'querystring');
      // A committee outside a limited key's council answers as one that does not exist.
      if (query.committeeId && !seesCommittee(actor, query.committeeId)) throw new NotFoundError('Committee', query.committeeId);
      const chosen = query.committeeId
        ? [yield* committeeRepository.get(query.committeeId)]
        : yield* all(db.select({ id: committees.id, name: committees.name }).from(committees)
          .where(rowsOfCommitteesSeenBy(committees.id, actor)).orderBy(asc(committees.id)));
      const { counts, responseDays } = statsQueries(db, actor);
      const calendar = yield* holidays.calendar();
      const workingDays = new WorkingDayCounter(calendar);
      const from = query.from ?? EARLIEST;
      const to = query.to ?? LATEST;
      const result: CommitteeStats[] = [];
      const named = new Set<number>();
      for (const committee of chosen) {
        const asOf = query.asOf ?? (yield* committeeRepository.todayFor(committee.id));
        const params = { committeeId: committee.id, from, to, asOf };
        const total = emptyFigures();
        const owners = new Map<string, OwnerStats>();
        const keyOf = (ownerId: number | null, ownerText: string | null) =>
          (ownerId !== null ? `p${ownerId}` : ownerText === null ? 'none' : `t${ownerText}`);
        for (const row of yield* all(counts, params)) {
          const key = keyOf(row.ownerId, row.ownerText);
          let owner = owners.get(key);
          if (!owner) {
            owner = { owner: { personId: row.ownerId, name: row.ownerText }, ...emptyFigures() };
            owners.set(key, owner);
            if (row.ownerId !== null) named.add(row.ownerId);
          }
          for (const figures of [owner, total]) {
            figures.raised += row.raised;
            figures.respondedOnTime += row.respondedOnTime;
            figures.respondedLate += row.respondedLate;
            figures.open += row.open;
            figures.overdue += row.overdue;
            figures.timesFlagged[flagKeys[row.flagged]!] += row.raised;
          }
        }
        // How many responses took each number of working days, for each owner and in all.
        const days = new Map<string, Map<number, number>>();
        const every = new Map<number, number>();
        // About one row per response: read as arrays, not mapped to objects.
        for (const [ownerId, ownerText, raisedOn, respondedOn, n] of yield* values(responseDays, params)) {
          const value = workingDays.toRespond(raisedOn as string, respondedOn as string);
          const responses = Number(n);
          const key = keyOf(ownerId as number | null, ownerText as string | null);
          let owned = days.get(key);
          if (!owned) days.set(key, (owned = new Map()));
          owned.set(value, (owned.get(value) ?? 0) + responses);
          every.set(value, (every.get(value) ?? 0) + responses);
        }
        for (const [key, owner] of owners) owner.medianWorkingDaysToRespond = medianOfCounts(days.get(key));
        total.medianWorkingDaysToRespond = medianOfCounts(every);
        result.push({ committee: { id: committee.id, name: committee.name }, asOf, ...total, owners: [...owners.values()] });
      }
      // The people's names, then each committee's owners in name order.
      const names = new Map<number, string>();
      if (named.size > 0) for (const person of yield* all(ownerNames(db), { ids: dialect.idList([...named]) })) names.set(person.id, person.name);
      for (const committee of result) {
        for (const { owner } of committee.owners) if (owner.personId !== null) owner.name = names.get(owner.personId) || null;
        committee.owners.sort(
          (a, b) => (a.owner.name ?? '\uffff').localeCompare(b.owner.name ?? '\uffff') || (a.owner.personId ?? 0) - (b.owner.personId ?? 0),
        );
      }
      return { from: query.from ?? null, to: query.to ?? null, committees: result };
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
