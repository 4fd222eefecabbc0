import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, values, type Program } from '../../db/program.js';
import { queryShape } from '../../db/shapes.js';
import { actions, committees, dialect, meetings, people, perSchema, sqlList } from '../../db/tables.js';
import { actionsVisibleToEveryRow, readerShape, rowsOfCommitteesSeenBy } from '../../db/visibility.js';
import { BEING_WORKED, NON_FINAL_STATUSES } from '../../domain/action-lifecycle.js';
import type { Actor } from '../../domain/actor.js';
import { MEETING_STATUSES } from '../../domain/due.js';
import { seesCommittee, type Reader } from '../../domain/visibility.js';
import { invalidField, NotFoundError } from '../../errors.js';
import type { CommitteeRepository } from '../committees/repository.js';
import type { HolidayRepository } from '../holidays/repository.js';
import { dueMeeting, effectiveDueDate, overdueAsOf, storedTimesFlagged } from '../actions/query.js';
import { medianOfCounts, WorkingDayCounter } from './working-days.js';

// Response statistics (DESIGN.md "Documents and calendars for the agenda pack"): per committee
// and per owner, over the actions raised at its meetings in a period. Counted by SQL in groups of
// one meeting and owner, from one index of actions (migration 0019), never their rows; only the
// median needs the holiday calendar, for the days the group's responses were made on.

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

// The query's parts, built from the engine's tables once it has chosen them (db/tables.ts).
const parts = perSchema(() => {
  /** The action's meeting: the day it was raised is that meeting's local date. */
  const raisedAt = dialect.alias(meetings, 'raised_at');
  const timesFlagged = storedTimesFlagged();
  // Each rule read once a row, cheapest first: whether the action is done (most are) is looked
  // at before any date. The due-by date is compared once: a response with no due-by date is on
  // time, and one with a NULL comparison is therefore on time exactly when it exists. Every other
  // response is late, so late ones are the responses less those on time.
  const dueBy = effectiveDueDate();
  const onTime = sql`coalesce(${actions.respondedOn} <= ${dueBy}, ${actions.respondedOn} IS NOT NULL)`;
  const open = sql`${actions.status} IN ${sqlList(BEING_WORKED)}`;
  // overdueAsOf (the lists' rule) only for actions it can be true of.
  const overdue = sql`${actions.status} IN ${sqlList(NON_FINAL_STATUSES)} AND ${overdueAsOf(sql.placeholder('asOf'))}`;
  return { raisedAt, timesFlagged, onTime, open, overdue };
});
// count() of a CASE without ELSE counts the rows where the condition is true (not false, not
// NULL), and is an integer on both engines (sum() is a bigint on PostgreSQL, given as text).
const count = (condition: SQL) => sql<number>`count(CASE WHEN ${condition} THEN 1 END)`;

const EARLIEST = '0000-01-01';
const LATEST = '9999-12-31';

/**
 * One row per raised meeting and owner: the counts, and the days its actions were responded on
 * (one entry per response) for the median. Read from one index of actions (migration 0019) and,
 * under a meeting rule, the due meeting's despatch date, never the actions' rows; grouped in the
 * order that index gives a meeting's actions (raised meetings in their index's order, then owner),
 * so that SQLite counts them as it reads them, without sorting. The owner text is read as it is:
 * owners that are people are put together again in JavaScript.
 */
function statsQuery(db: Db, reader: Reader) {
  return queryShape(db, `stats:${readerShape(reader)}`, () => {
    const { raisedAt, timesFlagged, onTime, open, overdue } = parts();
    return db
      .select({
        ownerId: actions.ownerId,
        ownerText: actions.ownerText,
        raisedOn: raisedAt.localDate,
        raised: sql<number>`count(*)`,
        flaggedOnce: count(sql`${timesFlagged} = 1`),
        flaggedTwice: count(sql`${timesFlagged} = 2`),
        flaggedThreeOrMore: count(sql`${timesFlagged} >= 3`),
        responded: sql<number>`count(${actions.respondedOn})`,
        respondedOnTime: count(onTime),
        open: count(open),
        overdue: count(overdue),
        respondedOn: dialect.joinedText(actions.respondedOn),
      })
      .from(raisedAt)
      .innerJoin(actions, eq(actions.meetingId, raisedAt.id))
      .leftJoin(dueMeeting(), eq(dueMeeting().id, actions.dueMeetingId))
      // Every meeting status spelled out, so the (committee_id, status, local_date) index serves
      // the range of raised days.
      .where(and(
        eq(raisedAt.committeeId, sql.placeholder('committeeId')),
        sql`${raisedAt.status} IN ${sqlList(MEETING_STATUSES)}`,
        gte(raisedAt.localDate, sql.placeholder('from')),
        lte(raisedAt.localDate, sql.placeholder('to')),
        actionsVisibleToEveryRow(reader),
      ))
      .groupBy(raisedAt.status, raisedAt.localDate, raisedAt.id, actions.ownerId, actions.ownerText)
      .prepare();
  });
}

/** The owners' names, read once for every person that owns an action counted (not once per action). */
const ownerNames = (db: Db) => queryShape(db, 'stats:owner-names', () =>
  db.select({ id: people.id, name: people.name }).from(people).where(dialect.idIn(people.id, sql.placeholder('ids'))).prepare());

const emptyFigures = (): Figures => ({
  raised: 0, respondedOnTime: 0, respondedLate: 0, open: 0, overdue: 0, medianWorkingDaysToRespond: null,
  timesFlagged: { none: 0, once: 0, twice: 0, threeOrMore: 0 },
});

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
      const byMeetingAndOwner = statsQuery(db, actor);
      const calendar = yield* holidays.calendar();
      const workingDays = new WorkingDayCounter(calendar);
      const from = query.from ?? EARLIEST;
      const to = query.to ?? LATEST;
      const result: CommitteeStats[] = [];
      const named = new Set<number>();
      for (const committee of chosen) {
        const asOf = query.asOf ?? (yield* committeeRepository.todayFor(committee.id));
        const total = emptyFigures();
        const owners = new Map<string, OwnerStats>();
        // How many responses took each number of working days, for each owner and in all.
        const days = new Map<OwnerStats, Map<number, number>>();
        const every = new Map<number, number>();
        // Read as arrays, not mapped to objects: a row per meeting and owner. Counts are bigints
        // on PostgreSQL, which its driver gives as text.
        const rows = yield* values(byMeetingAndOwner, { committeeId: committee.id, from, to, asOf });
        for (const [ownerId, ownerText, raisedOn, ...rest] of rows as [number | null, string | null, string, ...unknown[]][]) {
          const [raised, once, twice, threeOrMore, responded, respondedOnTime, open, overdue] = rest.slice(0, 8).map(Number) as number[];
          const respondedOn = rest[8] as string | null;
          const key = ownerId !== null ? `p${ownerId}` : ownerText === null ? 'none' : `t${ownerText}`;
          let owner = owners.get(key);
          if (!owner) {
            owner = { owner: { personId: ownerId, name: ownerId === null ? ownerText : null }, ...emptyFigures() };
            owners.set(key, owner);
            days.set(owner, new Map());
            if (ownerId !== null) named.add(ownerId);
          }
          for (const figures of [owner, total]) {
            figures.raised += raised!;
            figures.respondedOnTime += respondedOnTime!;
            figures.respondedLate += responded! - respondedOnTime!;
            figures.open += open!;
            figures.overdue += overdue!;
            figures.timesFlagged.none += raised! - once! - twice! - threeOrMore!;
            figures.timesFlagged.once += once!;
            figures.timesFlagged.twice += twice!;
            figures.timesFlagged.threeOrMore += threeOrMore!;
          }
          if (respondedOn === null) continue;
          const owned = days.get(owner)!;
          for (const day of respondedOn.split(',')) {
            const value = workingDays.toRespond(raisedOn, day);
            owned.set(value, (owned.get(value) ?? 0) + 1);
          }
        }
        for (const [owner, owned] of days) {
          owner.medianWorkingDaysToRespond = medianOfCounts(owned);
          for (const [value, n] of owned) every.set(value, (every.get(value) ?? 0) + n);
        }
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
