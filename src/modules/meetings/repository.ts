import { and, eq, gte, inArray, lte, ne, not, or, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, lock, rowById, run, tx, type Program } from '../../db/program.js';
import { actions, agendaItems, attendance, committees, meetings, overdueFlags, people } from '../../db/tables.js';
import { BEING_WORKED } from '../../domain/action-lifecycle.js';
import { agendaDespatchBy } from '../../domain/calendar.js';
import { nextMeetingAfter } from '../../domain/due.js';
import { localDateOf } from '../../domain/local-date.js';
import { ConflictError, invalidField } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { keyset, parseSort, toPage, type Page } from '../../db/keyset.js';
import { actionsVisibleTo, rowsVisibleTo } from '../../db/visibility.js';
import type { HolidayRepository } from '../holidays/repository.js';
import type { Outbox } from '../webhooks/outbox.js';
import { mustFind, nowIso } from '../shared/crud.js';
import { countWhere, deleteAudited, insertAudited, recordAudit, referencesSeenBy, updateAudited } from '../shared/audited.js';
import type { CreateMeeting, ListMeetingsQuery, UpdateMeeting } from './schemas.js';

export type MeetingRow = typeof meetings.$inferSelect;
type CommitteeRow = typeof committees.$inferSelect;
type AttendanceStatus = (typeof attendance.$inferInsert)['status'];

/** The lock a change to a committee's schedule takes exclusive, and due rules judged on it shared (docs/postgres-plan.md §3.5). */
export const COMMITTEE_LOCK = 'committee';

function utcOf(startsAt: string): string {
  const instant = DateTime.fromISO(startsAt, { setZone: true });
  if (!instant.isValid) throw invalidField('startsAt', 'is not a valid ISO 8601 date-time');
  return instant.toUTC().toISO()!;
}

/**
 * Programs (db/program.ts): services.ts runs them on the engine; other programs (the minutes
 * import, the Modern.gov sync, the holiday and committee changes) `yield*` them.
 */
export function createMeetingRepository(db: Db, holidays: HolidayRepository, events?: Outbox) {
  function* committeeOf(id: number): Program<CommitteeRow> {
    return mustFind(yield* rowById(db, committees, id), 'Committee', id);
  }

  function* found(id: number): Program<MeetingRow> {
    return mustFind(yield* rowById(db, meetings, id), 'Meeting', id);
  }

  function* schedule(committee: CommitteeRow, startsAt: string) {
    const localDate = localDateOf(startsAt, committee.timezone);
    const calendar = yield* holidays.calendarIn();
    return {
      startsAtUtc: utcOf(startsAt),
      localDate,
      agendaDespatchBy: agendaDespatchBy(localDate, committee.despatchClearDays, calendar),
    };
  }

  // Asked at every meeting created or moved (the Modern.gov sync creates thousands): prepared once.
  const meetingWithExternalId = db.select({ id: meetings.id }).from(meetings)
    .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), eq(meetings.externalId, sql.placeholder('externalId'))))
    .prepare();
  const nextMeetingActionsOf = db.select().from(actions)
    .where(and(
      eq(actions.committeeId, sql.placeholder('committeeId')),
      eq(actions.dueRule, 'next_meeting'),
      inArray(actions.status, [...BEING_WORKED]),
    ))
    .prepare();
  const scheduleOf = db.select({ id: meetings.id, startsAt: meetings.startsAt, localDate: meetings.localDate, status: meetings.status })
    .from(meetings)
    .where(eq(meetings.committeeId, sql.placeholder('committeeId')))
    .prepare();

  function* assertExternalIdFree(committeeId: number, externalId: string | null | undefined, exceptId?: number): Program<void> {
    if (!externalId) return;
    const clash = (yield* first(meetingWithExternalId, { committeeId, externalId })) as { id: number } | undefined;
    if (clash && clash.id !== exceptId) {
      throw new ConflictError(`Meeting ${clash.id} of this committee already has externalId "${externalId}"`);
    }
  }

  /**
   * Re-points every unanswered `next_meeting` action of the committee at the first scheduled
   * meeting after the one it was raised at. Runs in the transaction that changed a meeting, so a
   * cancelled, postponed or held meeting never leaves an action pointing at it. The committee's
   * meetings are read only when it has such actions.
   */
  function* moveNextMeetingActions(actor: Actor, committeeId: number, leaving?: number): Program<void> {
    const affected = (yield* all(nextMeetingActionsOf, { committeeId })) as (typeof actions.$inferSelect)[];
    if (affected.length === 0) return;
    const held = (yield* all(scheduleOf, { committeeId })) as { id: number; startsAt: string; localDate: string; status: MeetingRow['status'] }[];
    const raisedAt = new Map(held.map((m) => [m.id, m]));
    // A meeting about to be deleted is no longer anyone's next meeting.
    const schedule = held.filter((m) => m.id !== leaving);
    for (const action of affected) {
      const from = raisedAt.get(action.meetingId);
      if (!from) continue;
      const due = nextMeetingAfter(schedule, from)?.id ?? null;
      if (due !== action.dueMeetingId) {
        yield* updateAudited(db, actor, 'action', actions, action, { dueMeetingId: due });
      }
    }
  }

  /** For callers that create a meeting as part of a larger write (the minutes import). */
  function* createIn(actor: Actor, committeeId: number, input: CreateMeeting): Program<MeetingRow> {
    const committee = yield* committeeOf(committeeId);
    yield* assertExternalIdFree(committeeId, input.externalId);
    const row = yield* insertAudited(db, actor, 'meeting', meetings, {
      ...input,
      committeeId,
      ...(yield* schedule(committee, input.startsAt)),
    });
    yield* moveNextMeetingActions(actor, committeeId);
    return row;
  }

  /** For callers that change a meeting as part of a larger write (the minutes import). */
  function* updateIn(actor: Actor, before: MeetingRow, input: UpdateMeeting): Program<MeetingRow> {
    const committee = yield* committeeOf(before.committeeId);
    if (input.externalId !== undefined) yield* assertExternalIdFree(before.committeeId, input.externalId, before.id);
    const changes = input.startsAt ? { ...input, ...(yield* schedule(committee, input.startsAt)) } : input;
    const after = yield* updateAudited(db, actor, 'meeting', meetings, before, changes);
    if (after.status !== before.status || after.startsAtUtc !== before.startsAtUtc) {
      yield* moveNextMeetingActions(actor, before.committeeId);
    }
    if (events) yield* events.meeting(after);
    return after;
  }

  function* attendanceOf(id: number) {
    yield* found(id);
    return yield* all(db
      .select({
        personId: attendance.personId,
        status: attendance.status,
        person: { id: people.id, name: people.name, kind: people.kind },
      })
      .from(attendance)
      .innerJoin(people, eq(people.id, attendance.personId))
      .where(eq(attendance.meetingId, id))
      .orderBy(people.name));
  }

  return {
    get(id: number): Program<MeetingRow> {
      return found(id);
    },

    *find(id: number): Program<MeetingRow | undefined> {
      return yield* rowById(db, meetings, id);
    },

    *list(committeeId: number, query: ListMeetingsQuery): Program<Page<MeetingRow>> {
      yield* committeeOf(committeeId);
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort, 'startsAt');
      const column = sort.field === 'id' ? meetings.id : meetings.startsAtUtc;
      const page = keyset(sort, column, meetings.id, query.cursor);
      const rows = yield* all(db
        .select()
        .from(meetings)
        .where(
          and(
            eq(meetings.committeeId, committeeId),
            page.where,
            query.status ? eq(meetings.status, query.status) : undefined,
            query.from ? gte(meetings.localDate, query.from) : undefined,
            query.to ? lte(meetings.localDate, query.to) : undefined,
            query.externalId ? eq(meetings.externalId, query.externalId) : undefined,
          ),
        )
        .orderBy(...page.orderBy)
        .limit(limit + 1));
      return toPage(rows, limit, sort, (r) => (sort.field === 'id' ? r.id : r.startsAtUtc));
    },

    create(actor: Actor, committeeId: number, input: CreateMeeting): Program<MeetingRow> {
      return tx(() => createIn(actor, committeeId, input));
    },

    createIn,

    update(actor: Actor, id: number, input: UpdateMeeting, check: (row: MeetingRow) => void): Program<MeetingRow> {
      return tx(function* () {
        const before = yield* found(id);
        check(before);
        return yield* updateIn(actor, before, input);
      });
    },

    updateIn,

    remove(actor: Actor, id: number, check: (row: MeetingRow) => void): Program<void> {
      return tx(function* () {
        const before = yield* found(id);
        check(before);
        // Next-meeting actions due at it move on first: the row cannot go while they point at it.
        yield* moveNextMeetingActions(actor, before.committeeId, id);
        // A meeting is public, but some of its items and actions may be hidden from this caller.
        const seen = actionsVisibleTo(actor);
        const unseen = not(seen);
        const items = eq(agendaItems.meetingId, id);
        const itemSeen = rowsVisibleTo(agendaItems.visibility, actor);
        const raised = eq(actions.meetingId, id);
        const due = and(eq(actions.dueMeetingId, id), ne(actions.dueRule, 'next_meeting'))!;
        const answered = eq(actions.respondedMeetingId, id);
        function* flags(which: SQL): Program<number> {
          const row = yield* first(db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(overdueFlags)
            .innerJoin(actions, eq(actions.id, overdueFlags.actionId))
            .where(and(eq(overdueFlags.meetingId, id), which)));
          return row?.n ?? 0;
        }
        const references = referencesSeenBy(
          [
            { label: 'agenda items', count: () => countWhere(db, agendaItems, and(items, itemSeen)!) },
            { label: 'actions raised at it', count: () => countWhere(db, actions, and(raised, seen)!) },
            { label: 'actions due at it', count: () => countWhere(db, actions, and(due, seen)!) },
            { label: 'actions answered at it', count: () => countWhere(db, actions, and(answered, seen)!) },
            { label: 'overdue flags', count: () => flags(seen) },
            { label: 'attendance records', count: () => countWhere(db, attendance, eq(attendance.meetingId, id)) },
          ],
          [
            () => countWhere(db, agendaItems, and(items, not(itemSeen))!),
            () => countWhere(db, actions, and(or(raised, due, answered), unseen)!),
            () => flags(unseen),
          ],
        );
        yield* deleteAudited(db, actor, 'meeting', 'Meeting', meetings, before, references);
      });
    },

    attendance: attendanceOf,

    /** Replaces the whole attendance list in one transaction. */
    *putAttendance(actor: Actor, id: number, entries: { personId: number; status: AttendanceStatus }[]) {
      const seen = new Set<number>();
      entries.forEach((e, i) => {
        if (seen.has(e.personId)) throw invalidField(`${i}/personId`, 'appears more than once');
        seen.add(e.personId);
      });
      yield* tx(function* () {
        yield* found(id);
        const known = new Set(
          entries.length === 0
            ? []
            : (yield* all(db.select({ id: people.id }).from(people).where(inArray(people.id, [...seen])))).map((p) => p.id),
        );
        entries.forEach((e, i) => {
          if (!known.has(e.personId)) throw invalidField(`${i}/personId`, `person ${e.personId} does not exist`);
        });
        const before = yield* all(db.select().from(attendance).where(eq(attendance.meetingId, id)));
        yield* run(db.delete(attendance).where(eq(attendance.meetingId, id)));
        if (entries.length > 0) yield* run(db.insert(attendance).values(entries.map((e) => ({ ...e, meetingId: id }))));
        yield* recordAudit(db, actor, 'attendance', id, 'update', before, entries);
      });
      return yield* attendanceOf(id);
    },

    /**
     * Recomputes local dates and despatch days after the calendar, or a committee's time zone or
     * clear days, changed. Without a committee, every meeting (the caller, a holiday change, holds
     * the calendar lock). Its own transaction, or a savepoint in the change's.
     */
    recomputeSchedule(committeeId?: number): Program<void> {
      return tx(function* () {
        if (committeeId !== undefined) yield* lock(COMMITTEE_LOCK, committeeId, 'exclusive');
        const calendar = yield* holidays.calendarIn();
        const zoneOf = new Map((yield* all(db.select().from(committees))).map((c) => [c.id, c]));
        const rows = yield* all(db
          .select({ id: meetings.id, committeeId: meetings.committeeId, startsAt: meetings.startsAt, localDate: meetings.localDate, agendaDespatchBy: meetings.agendaDespatchBy })
          .from(meetings)
          .where(committeeId === undefined ? undefined : eq(meetings.committeeId, committeeId)));
        const now = nowIso();
        for (const row of rows) {
          const committee = zoneOf.get(row.committeeId)!;
          const localDate = localDateOf(row.startsAt, committee.timezone);
          const despatch = agendaDespatchBy(localDate, committee.despatchClearDays, calendar);
          if (localDate !== row.localDate || despatch !== row.agendaDespatchBy) {
            yield* run(db.update(meetings).set({ localDate, agendaDespatchBy: despatch, updatedAt: now, version: sql`${meetings.version} + 1` }).where(eq(meetings.id, row.id)));
          }
        }
      });
    },
  };
}

export type MeetingRepository = ReturnType<typeof createMeetingRepository>;
