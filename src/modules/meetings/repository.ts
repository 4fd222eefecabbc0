import { runSqlite } from '../../db/sqlite/run.js';
import { and, eq, gte, inArray, lte, ne, not, or, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/sqlite/client.js';
import { transaction, type Tx } from '../../db/sqlite/transaction.js';
import { actions, agendaItems, attendance, committees, meetings, overdueFlags, people } from '../../db/tables.js';
import { BEING_WORKED } from '../../domain/action-lifecycle.js';
import { agendaDespatchBy } from '../../domain/calendar.js';
import { nextMeetingAfter } from '../../domain/due.js';
import { localDateOf } from '../../domain/local-date.js';
import { ConflictError, invalidField } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { keyset, parseSort, toPage, type Page } from '../../db/keyset.js';
import { actionsVisibleTo, rowsVisibleTo } from '../../db/visibility.js';
import { recordAudit } from '../audit/repository.js';
import type { HolidayRepository } from '../holidays/repository.js';
import type { Outbox } from '../webhooks/outbox.js';
import { countWhere, deleteAudited, insertAudited, mustFind, nowIso, referencesSeenBy, updateAudited } from '../shared/crud.js';
import type { CreateMeeting, ListMeetingsQuery, UpdateMeeting } from './schemas.js';

export type MeetingRow = typeof meetings.$inferSelect;
type CommitteeRow = typeof committees.$inferSelect;

function utcOf(startsAt: string): string {
  const instant = DateTime.fromISO(startsAt, { setZone: true });
  if (!instant.isValid) throw invalidField('startsAt', 'is not a valid ISO 8601 date-time');
  return instant.toUTC().toISO()!;
}

export function createMeetingRepository(db: Db, holidays: HolidayRepository, events?: Outbox) {
  const byId = (tx: Tx | Db, id: number) => tx.select().from(meetings).where(eq(meetings.id, id)).get();
  const committeeOf = (tx: Tx | Db, id: number) =>
    mustFind(tx.select().from(committees).where(eq(committees.id, id)).get(), 'Committee', id);

  function schedule(tx: Tx, committee: CommitteeRow, startsAt: string) {
    const localDate = localDateOf(startsAt, committee.timezone);
    return {
      startsAtUtc: utcOf(startsAt),
      localDate,
      agendaDespatchBy: agendaDespatchBy(localDate, committee.despatchClearDays, holidays.calendarIn(tx)),
    };
  }

  function assertExternalIdFree(tx: Tx, committeeId: number, externalId: string | null | undefined, exceptId?: number) {
    if (!externalId) return;
    const clash = tx
      .select({ id: meetings.id })
      .from(meetings)
      .where(and(eq(meetings.committeeId, committeeId), eq(meetings.externalId, externalId)))
      .get();
    if (clash && clash.id !== exceptId) {
      throw new ConflictError(`Meeting ${clash.id} of this committee already has externalId "${externalId}"`);
    }
  }

  /**
   * Re-points every unanswered `next_meeting` action of the committee at the first scheduled
   * meeting after the one it was raised at. Runs in the transaction that changed a meeting, so a
   * cancelled, postponed or held meeting never leaves an action pointing at it.
   */
  function moveNextMeetingActions(tx: Tx, actor: Actor, committeeId: number, leaving?: number) {
    const all = tx
      .select({ id: meetings.id, startsAt: meetings.startsAt, localDate: meetings.localDate, status: meetings.status })
      .from(meetings)
      .where(eq(meetings.committeeId, committeeId))
      .all();
    const raisedAt = new Map(all.map((m) => [m.id, m]));
    // A meeting about to be deleted is no longer anyone's next meeting.
    const schedule = all.filter((m) => m.id !== leaving);
    const affected = tx
      .select()
      .from(actions)
      .where(
        and(
          eq(actions.committeeId, committeeId),
          eq(actions.dueRule, 'next_meeting'),
          inArray(actions.status, [...BEING_WORKED]),
        ),
      )
      .all();
    for (const action of affected) {
      const from = raisedAt.get(action.meetingId);
      if (!from) continue;
      const due = nextMeetingAfter(schedule, from)?.id ?? null;
      if (due !== action.dueMeetingId) {
        updateAudited(tx, actor, 'action', actions, action, { dueMeetingId: due });
      }
    }
  }

  return {
    get(id: number): MeetingRow {
      return mustFind(byId(db, id), 'Meeting', id);
    },

    find(id: number): MeetingRow | undefined {
      return byId(db, id);
    },

    list(committeeId: number, query: ListMeetingsQuery): Page<MeetingRow> {
      committeeOf(db, committeeId);
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort, 'startsAt');
      const column = sort.field === 'id' ? meetings.id : meetings.startsAtUtc;
      const page = keyset(sort, column, meetings.id, query.cursor);
      const rows = db
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
        .limit(limit + 1)
        .all();
      return toPage(rows, limit, sort, (r) => (sort.field === 'id' ? r.id : r.startsAtUtc));
    },

    create(actor: Actor, committeeId: number, input: CreateMeeting): MeetingRow {
      return transaction(db, (tx) => this.createIn(tx, actor, committeeId, input));
    },

    /** For callers that create a meeting as part of a larger write (the minutes import). */
    createIn(tx: Tx, actor: Actor, committeeId: number, input: CreateMeeting): MeetingRow {
      const committee = committeeOf(tx, committeeId);
      assertExternalIdFree(tx, committeeId, input.externalId);
      const row = insertAudited(tx, actor, 'meeting', meetings, {
        ...input,
        committeeId,
        ...schedule(tx, committee, input.startsAt),
      });
      moveNextMeetingActions(tx, actor, committeeId);
      return row;
    },

    update(actor: Actor, id: number, input: UpdateMeeting, check: (row: MeetingRow) => void): MeetingRow {
      return transaction(db, (tx) => {
        const before = mustFind(byId(tx, id), 'Meeting', id);
        check(before);
        return this.updateIn(tx, actor, before, input);
      });
    },

    /** For callers that change a meeting as part of a larger write (the minutes import). */
    updateIn(tx: Tx, actor: Actor, before: MeetingRow, input: UpdateMeeting): MeetingRow {
      const committee = committeeOf(tx, before.committeeId);
      if (input.externalId !== undefined) assertExternalIdFree(tx, before.committeeId, input.externalId, before.id);
      const changes = input.startsAt ? { ...input, ...schedule(tx, committee, input.startsAt) } : input;
      const after = updateAudited(tx, actor, 'meeting', meetings, before, changes);
      if (after.status !== before.status || after.startsAtUtc !== before.startsAtUtc) {
        moveNextMeetingActions(tx, actor, before.committeeId);
      }
      if (events) runSqlite(db, events.meeting(after));
      return after;
    },

    remove(actor: Actor, id: number, check: (row: MeetingRow) => void): void {
      transaction(db, (tx) => {
        const before = mustFind(byId(tx, id), 'Meeting', id);
        check(before);
        // Next-meeting actions due at it move on first: the row cannot go while they point at it.
        moveNextMeetingActions(tx, actor, before.committeeId, id);
        // A meeting is public, but some of its items and actions may be hidden from this caller.
        const seen = actionsVisibleTo(actor);
        const unseen = not(seen);
        const items = eq(agendaItems.meetingId, id);
        const itemSeen = rowsVisibleTo(agendaItems.visibility, actor);
        const raised = eq(actions.meetingId, id);
        const due = and(eq(actions.dueMeetingId, id), ne(actions.dueRule, 'next_meeting'))!;
        const answered = eq(actions.respondedMeetingId, id);
        const flags = (t: Tx, which: SQL) =>
          t.select({ n: sql<number>`count(*)` }).from(overdueFlags).innerJoin(actions, eq(actions.id, overdueFlags.actionId))
            .where(and(eq(overdueFlags.meetingId, id), which)).get()?.n ?? 0;
        const references = referencesSeenBy(
          [
            { label: 'agenda items', count: (t) => countWhere(t, agendaItems, and(items, itemSeen)!) },
            { label: 'actions raised at it', count: (t) => countWhere(t, actions, and(raised, seen)!) },
            { label: 'actions due at it', count: (t) => countWhere(t, actions, and(due, seen)!) },
            { label: 'actions answered at it', count: (t) => countWhere(t, actions, and(answered, seen)!) },
            { label: 'overdue flags', count: (t) => flags(t, seen) },
            { label: 'attendance records', count: (t) => countWhere(t, attendance, eq(attendance.meetingId, id)) },
          ],
          [
            (t) => countWhere(t, agendaItems, and(items, not(itemSeen))!),
            (t) => countWhere(t, actions, and(or(raised, due, answered), unseen)!),
            (t) => flags(t, unseen),
          ],
        );
        deleteAudited(tx, actor, 'meeting', 'Meeting', meetings, before, references);
      });
    },

    attendance(id: number) {
      mustFind(byId(db, id), 'Meeting', id);
      return db
        .select({
          personId: attendance.personId,
          status: attendance.status,
          person: { id: people.id, name: people.name, kind: people.kind },
        })
        .from(attendance)
        .innerJoin(people, eq(people.id, attendance.personId))
        .where(eq(attendance.meetingId, id))
        .orderBy(people.name)
        .all();
    },

    /** Replaces the whole attendance list in one transaction. */
    putAttendance(actor: Actor, id: number, entries: { personId: number; status: (typeof attendance.$inferInsert)['status'] }[]) {
      const seen = new Set<number>();
      entries.forEach((e, i) => {
        if (seen.has(e.personId)) throw invalidField(`${i}/personId`, 'appears more than once');
        seen.add(e.personId);
      });
      transaction(db, (tx) => {
        mustFind(byId(tx, id), 'Meeting', id);
        const known = new Set(
          entries.length === 0
            ? []
            : tx.select({ id: people.id }).from(people).where(inArray(people.id, [...seen])).all().map((p) => p.id),
        );
        entries.forEach((e, i) => {
          if (!known.has(e.personId)) throw invalidField(`${i}/personId`, `person ${e.personId} does not exist`);
        });
        const before = tx.select().from(attendance).where(eq(attendance.meetingId, id)).all();
        tx.delete(attendance).where(eq(attendance.meetingId, id)).run();
        if (entries.length > 0) tx.insert(attendance).values(entries.map((e) => ({ ...e, meetingId: id }))).run();
        recordAudit(tx, actor, 'attendance', id, 'update', before, entries);
      });
      return this.attendance(id);
    },

    /**
     * Recomputes local dates and despatch days after the calendar, or a committee's time zone or
     * clear days, changed. Without a committee, every meeting.
     */
    recomputeSchedule(tx: Tx, committeeId?: number) {
      const calendar = holidays.calendarIn(tx);
      const zoneOf = new Map(tx.select().from(committees).all().map((c) => [c.id, c]));
      const rows = tx
        .select({ id: meetings.id, committeeId: meetings.committeeId, startsAt: meetings.startsAt, localDate: meetings.localDate, agendaDespatchBy: meetings.agendaDespatchBy })
        .from(meetings)
        .where(committeeId === undefined ? undefined : eq(meetings.committeeId, committeeId))
        .all();
      const now = nowIso();
      for (const row of rows) {
        const committee = zoneOf.get(row.committeeId)!;
        const localDate = localDateOf(row.startsAt, committee.timezone);
        const despatch = agendaDespatchBy(localDate, committee.despatchClearDays, calendar);
        if (localDate !== row.localDate || despatch !== row.agendaDespatchBy) {
          tx.update(meetings).set({ localDate, agendaDespatchBy: despatch, updatedAt: now, version: sql`${meetings.version} + 1` }).where(eq(meetings.id, row.id)).run();
        }
      }
    },
  };
}

export type MeetingRepository = ReturnType<typeof createMeetingRepository>;
