import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, type Program } from '../../db/program.js';
import { actions, committees, meetings } from '../../db/tables.js';
import { actionsVisibleTo } from '../../db/visibility.js';
import { BEING_WORKED } from '../../domain/action-lifecycle.js';
import type { Reader } from '../../domain/visibility.js';
import { dueMeeting, effectiveDueDate } from '../actions/query.js';
import type { CommitteeRepository, CommitteeRow } from '../committees/repository.js';
import type { PersonRepository, PersonRow } from '../people/repository.js';

// What the calendar feeds read (routes.ts renders them, feeds.ts builds the ICS). Meetings carry
// no visibility of their own: their exempt or confidential items are never part of a meeting's
// event. A person's actions are filtered by what the reader may see, as every action read is.

/** A meeting as its calendar events need it. */
export interface CalendarMeeting {
  id: number;
  startsAtUtc: string;
  localDate: string;
  agendaDespatchBy: string;
  venue: string | null;
  status: (typeof meetings.$inferSelect)['status'];
  version: number;
  updatedAt: string;
}

/** An open action of the person's, with the date it is due by (a meeting rule's: its agenda despatch). */
export interface CalendarAction {
  id: number;
  committeeId: number;
  committeeName: string;
  /** How the council cites it ("CYPF (24/25) 07"): feeds.ts's actionSummary puts it first. */
  reference?: string | null;
  title: string;
  detail: string | null;
  status: (typeof actions.$inferSelect)['status'];
  dueBy: string;
  version: number;
  updatedAt: string;
}

/** Programs (db/program.ts): services.ts runs them on the engine. */
export function createCalendarRepository(db: Db, deps: { committees: CommitteeRepository; people: PersonRepository }) {
  const committeeMeetings = db
    .select({
      id: meetings.id,
      startsAtUtc: meetings.startsAtUtc,
      localDate: meetings.localDate,
      agendaDespatchBy: meetings.agendaDespatchBy,
      venue: meetings.venue,
      status: meetings.status,
      version: meetings.version,
      updatedAt: meetings.updatedAt,
    })
    .from(meetings)
    .where(eq(meetings.committeeId, sql.placeholder('committeeId')))
    .orderBy(asc(meetings.startsAtUtc), asc(meetings.id))
    .prepare();

  return {
    /** The committee (404 when there is none) and all its meetings, cancelled ones included. */
    *committeeCalendar(committeeId: number): Program<{ committee: CommitteeRow; meetings: CalendarMeeting[] }> {
      const committee = yield* deps.committees.get(committeeId);
      return { committee, meetings: (yield* all(committeeMeetings, { committeeId })) as CalendarMeeting[] };
    },

    /** The person (404 when there is none) and the open actions they own that the reader may see and that have a due-by date. */
    *personCalendar(reader: Reader, personId: number): Program<{ person: PersonRow; actions: CalendarAction[] }> {
      const person = yield* deps.people.get(personId);
      const rows = yield* all(db
        .select({
          id: actions.id,
          committeeId: actions.committeeId,
          committeeName: committees.name,
          reference: actions.reference,
          title: actions.title,
          detail: actions.detail,
          status: actions.status,
          dueBy: effectiveDueDate(),
          version: actions.version,
          updatedAt: actions.updatedAt,
        })
        .from(actions)
        .innerJoin(committees, eq(committees.id, actions.committeeId))
        .leftJoin(dueMeeting(), eq(dueMeeting().id, actions.dueMeetingId))
        .where(
          and(
            eq(actions.ownerId, personId),
            inArray(actions.status, [...BEING_WORKED]),
            actionsVisibleTo(reader),
            isNotNull(effectiveDueDate()),
          ),
        )
        .orderBy(asc(effectiveDueDate()), asc(actions.id)));
      return { person, actions: rows as CalendarAction[] };
    },
  };
}

export type CalendarRepository = ReturnType<typeof createCalendarRepository>;
