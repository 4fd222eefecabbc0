import { and, asc, eq, gte, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, type Program } from '../../db/program.js';
import { queryShape } from '../../db/shapes.js';
import { actions, committees, dialect, meetings, overdueFlags, people, perSchema, sqlList } from '../../db/tables.js';
import { actionsVisibleTo, readerShape, rowsOfCommitteesSeenBy } from '../../db/visibility.js';
import { BEING_WORKED } from '../../domain/action-lifecycle.js';
import type { Actor } from '../../domain/actor.js';
import { MEETING_STATUSES } from '../../domain/due.js';
import { seesCommittee, type Reader } from '../../domain/visibility.js';
import { invalidField, NotFoundError } from '../../errors.js';
import type { CommitteeRepository } from '../committees/repository.js';
import type { HolidayRepository } from '../holidays/repository.js';
import { dueMeeting, effectiveDueDate, overdueAsOf } from '../actions/query.js';
import { weightedMedian, workingDaysToRespond } from './working-days.js';

// Response statistics (DESIGN.md "Documents and calendars for the agenda pack"): per committee
// and per owner, over the actions raised at its meetings in a period. Counted by SQL in groups;
// only the median needs the holiday calendar, and it reads one row per (raised day, response
// day) pair, never one per action.

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
  // 0, 1, 2 or 3 (meaning 3 or more); the unique (action_id, meeting_id) index counts them.
  const flagBucket = sql<number>`${dialect.least(sql`(SELECT count(*) FROM ${overdueFlags} WHERE ${overdueFlags.actionId} = ${actions.id})`, 3)}`
    .mapWith(Number).as('flag_bucket');
  const responded = sql`${actions.respondedOn} IS NOT NULL`;
  const inTime = sql`(${effectiveDueDate()} IS NULL OR ${actions.respondedOn} <= ${effectiveDueDate()})`;
  return { raisedAt, ownerTextKey, flagBucket, responded, inTime };
});
// count(*) and sum() are bigints on PostgreSQL, which its driver gives as text.
const count = (condition: SQL) => sql<number>`coalesce(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`.mapWith(Number);

const EARLIEST = '0000-01-01';
const LATEST = '9999-12-31';

function statsQueries(db: Db, reader: Reader) {
  return queryShape(db, `stats:${readerShape(reader)}`, () => {
    const { raisedAt, ownerTextKey, flagBucket, responded, inTime } = parts();
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
        ownerName: sql<string | null>`max(${people.name})`,
        flagged: flagBucket,
        raised: sql<number>`count(*)`.mapWith(Number),
        respondedOnTime: count(sql`${responded} AND ${inTime}`),
        respondedLate: count(sql`${responded} AND NOT ${inTime}`),
        open: count(sql`${actions.status} IN ${sqlList(BEING_WORKED)}`),
        overdue: count(overdueAsOf(sql.placeholder('asOf'))),
      })
      .from(raisedAt)
      .innerJoin(actions, eq(actions.meetingId, raisedAt.id))
      .leftJoin(dueMeeting(), eq(dueMeeting().id, actions.dueMeetingId))
      .leftJoin(people, eq(people.id, actions.ownerId))
      .where(raisedIn)
      .groupBy(actions.ownerId, ownerTextKey, sql`flag_bucket`)
      .prepare();
    const responseDays = db
      .select({
        ownerId: actions.ownerId,
        ownerText: ownerTextKey,
        raisedOn: raisedAt.localDate,
        respondedOn: sql<string>`${actions.respondedOn}`,
        count: sql<number>`count(*)`.mapWith(Number),
      })
      .from(raisedAt)
      .innerJoin(actions, eq(actions.meetingId, raisedAt.id))
      .where(and(raisedIn, isNotNull(actions.respondedOn)))
      .groupBy(actions.ownerId, ownerTextKey, raisedAt.localDate, actions.respondedOn)
      .prepare();
    return { counts, responseDays };
  });
}

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
      const from = query.from ?? EARLIEST;
      const to = query.to ?? LATEST;
      const result: CommitteeStats[] = [];
      for (const committee of chosen) {
        const asOf = query.asOf ?? (yield* committeeRepository.todayFor(committee.id));
        const params = { committeeId: committee.id, from, to, asOf };
        const total = emptyFigures();
        const owners = new Map<string, OwnerStats>();
        const days = new Map<string, { value: number; count: number }[]>();
        const keyOf = (row: { ownerId: number | null; ownerText: string | null }) => JSON.stringify([row.ownerId, row.ownerText]);
        for (const row of yield* all(counts, params)) {
          const key = keyOf(row);
          let owner = owners.get(key);
          if (!owner) {
            const name = row.ownerId === null ? row.ownerText : (row.ownerName ?? '') || null;
            owner = { owner: { personId: row.ownerId, name }, ...emptyFigures() };
            owners.set(key, owner);
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
        const every: { value: number; count: number }[] = [];
        const responses = yield* all(responseDays, params);
        const workingDays = workingDaysToRespond(responses, calendar);
        for (const [i, row] of responses.entries()) {
          const value = { value: workingDays[i]!, count: row.count };
          const key = keyOf(row);
          const owned = days.get(key);
          if (owned) owned.push(value);
          else days.set(key, [value]);
          every.push(value);
        }
        for (const [key, owner] of owners) owner.medianWorkingDaysToRespond = weightedMedian(days.get(key) ?? []);
        total.medianWorkingDaysToRespond = weightedMedian(every);
        const ownerList = [...owners.values()].sort(
          (a, b) => (a.owner.name ?? '\uffff').localeCompare(b.owner.name ?? '\uffff') || (a.owner.personId ?? 0) - (b.owner.personId ?? 0),
        );
        result.push({ committee: { id: committee.id, name: committee.name }, asOf, ...total, owners: ownerList });
      }
      return { from: query.from ?? null, to: query.to ?? null, committees: result };
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
