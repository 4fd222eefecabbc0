import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, rowById, values, type Program } from '../../db/program.js';
import { preparedQuery, rowMapper } from '../../db/shapes.js';
import { agendaItems, dialect, meetings, people, perSchema, resolutions } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import { MEETING_DUE_RULES, resolveDue, type DueFields, type DueMeeting } from '../../domain/due.js';
import { isLooser, isVisibleTo, seesCommittee, type Visibility } from '../../domain/visibility.js';
import { invalidField } from '../../errors.js';
import type { MeetingRow } from '../meetings/repository.js';

// What a write checks and works out before it changes an action, inside its transaction: where
// the action hangs from (meeting, item, resolution), the people and meetings it names, the
// visibility asked for, and its due. Programs (db/program.ts), yielded by the repository's writes.


const scheduleFields = perSchema(() => ({
  id: meetings.id, startsAt: meetings.startsAt, localDate: meetings.localDate, status: meetings.status, agendaDespatchBy: meetings.agendaDespatchBy,
}));
const toScheduleRow = perSchema(() => rowMapper<DueMeeting>(scheduleFields()));

/**
 * The meetings of its committee that resolveDue can choose for an action raised at the meeting
 * `raisedAtId` (the meeting named as due is added by dueAt): every meeting from the raising one's
 * UTC day on (the next meeting is one that starts after it). A committee keeps years of meetings;
 * reading them all on every write cost more than the rest of the write. From the start of the
 * day, a superset whatever the time part of `starts_at_utc` looks like; resolveDue still picks
 * exactly. Found from the raising meeting's id alone, so that it can be read beside that meeting
 * (together(), db/program.ts), not after it.
 */
export function* scheduleFrom(db: Db, raisedAtId: number): Program<DueMeeting[]> {
  const query = preparedQuery(db, 'meetings:schedule-from-meeting', () => {
    const raisedAt = dialect.alias(meetings, 'raised_at');
    return db
      .select(scheduleFields())
      .from(meetings)
      .innerJoin(raisedAt, and(
        eq(raisedAt.id, sql.placeholder('raisedAtId')),
        eq(meetings.committeeId, raisedAt.committeeId),
        gte(meetings.startsAtUtc, sql`substr(${raisedAt.startsAtUtc}, 1, 10)`),
      ))
      .prepare();
  });
  return (yield* values(query, { raisedAtId })).map(toScheduleRow());
}

/** Whether the due rule given needs the committee's meetings: only a named meeting or the next one. */
export function needsSchedule(fields: DueFields): boolean {
  // A date or a quarter alone is resolved without meetings (more than one given is refused
  // before the meetings are looked at).
  return fields.dueMeetingId != null || (fields.dueDate == null && fields.dueQuarter == null);
}

/** The due columns of an action raised at `raisedAt` (`committee`: its committee's row, if read already). */
export function* dueOf(db: Db, raisedAt: MeetingRow, fields: DueFields) {
  return (yield* dueAt(db, raisedAt, fields)).columns;
}

/**
 * As dueOf, with the action's effective due date as a read of it would give it (under a meeting
 * rule, the due meeting's agenda despatch date as its row has it now). No holiday calendar is
 * read: the meetings carry their despatch dates. `read`: scheduleFrom(raisedAt.id), if the caller
 * has read it already.
 */
export function* dueAt(db: Db, raisedAt: MeetingRow, fields: DueFields, read?: DueMeeting[]) {
  const committeeId = raisedAt.committeeId;
  const schedule = needsSchedule(fields) ? [...(read ?? (yield* scheduleFrom(db, raisedAt.id)))] : [];
  const dueMeetingId = fields.dueMeetingId;
  if (dueMeetingId != null && !schedule.some((m) => m.id === dueMeetingId)) {
    const named = yield* rowById(db, meetings, dueMeetingId);
    if (named?.committeeId === committeeId) schedule.push(named);
  }
  const due = resolveDue(fields, { raisedAt, meetings: schedule });
  const meetingRule = MEETING_DUE_RULES.includes(due.dueRule);
  // The effective date of a meeting rule is read from the meeting, so it follows reschedules.
  const columns = {
    dueRule: due.dueRule,
    dueMeetingId: due.dueMeetingId,
    dueDate: meetingRule ? null : due.dueDate,
    dueQuarter: due.dueQuarter,
  };
  return { columns, effectiveDueDate: due.dueDate };
}

export function* checkPerson(db: Db, field: string, id: number | null | undefined): Program<void> {
  if (id == null) return;
  if (!(yield* rowById(db, people, id))) throw invalidField(field, `person ${id} does not exist`);
}

export function* checkMeetingOfCommittee(db: Db, field: string, id: number | null | undefined, committeeId: number): Program<void> {
  if (id == null) return;
  const m = yield* rowById(db, meetings, id);
  if (!m || m.committeeId !== committeeId) throw invalidField(field, `meeting ${id} is not a meeting of committee ${committeeId}`);
}

/** The item and resolution an action hangs from, checked against the meeting and the caller. */
export function* origin(
  db: Db, actor: Actor, meetingId: number, itemId?: number | null, resolutionId?: number | null,
): Program<{ itemId: number | null; itemVisibility: Visibility }> {
  let item = itemId ?? null;
  if (resolutionId != null) {
    const [r] = yield* all(preparedQuery(db, 'resolutions:item-visibility-committee', () =>
      db
        .select({ itemId: resolutions.itemId, visibility: agendaItems.visibility, committeeId: meetings.committeeId })
        .from(resolutions)
        .innerJoin(agendaItems, eq(agendaItems.id, resolutions.itemId))
        .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
        .where(eq(resolutions.id, sql.placeholder('resolutionId')))
        .prepare(),
    ), { resolutionId });
    // A resolution of an item the caller may not read, or of another council's committee to a
    // key limited to a council, answers exactly as a missing one.
    if (!r || !isVisibleTo(actor, r.visibility) || !seesCommittee(actor, r.committeeId)) throw invalidField('resolutionId', `resolution ${resolutionId} does not exist`);
    if (item != null && r.itemId !== item) throw invalidField('resolutionId', `resolution ${resolutionId} is not of item ${item}`);
    item = r.itemId;
  }
  let itemVisibility: Visibility = 'public';
  if (item != null) {
    // Only the item's place and level: its row holds the minutes (up to 100 KB), and the
    // minutes import creates hundreds of actions on one item in one transaction.
    const [row] = yield* all(preparedQuery(db, 'items:placement-committee', () =>
      db
        .select({ meetingId: agendaItems.meetingId, visibility: agendaItems.visibility, committeeId: meetings.committeeId })
        .from(agendaItems)
        .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
        .where(eq(agendaItems.id, sql.placeholder('itemId')))
        .prepare(),
    ), { itemId: item });
    if (!row || !isVisibleTo(actor, row.visibility) || !seesCommittee(actor, row.committeeId)) throw invalidField('itemId', `item ${item} does not exist`);
    if (row.meetingId !== meetingId) throw invalidField('itemId', `item ${item} is not on meeting ${meetingId}`);
    itemVisibility = row.visibility;
  }
  return { itemId: item, itemVisibility };
}

export function checkVisibility(actor: Actor, requested: Visibility | undefined, itemVisibility: Visibility) {
  if (requested === undefined) return;
  if (isLooser(requested, itemVisibility)) {
    throw invalidField('visibility', `cannot be looser than its item's (${itemVisibility})`);
  }
  if (!isVisibleTo(actor, requested)) {
    throw invalidField('visibility', 'is a level this API key cannot read');
  }
}
