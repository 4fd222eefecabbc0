import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, rowById, type Program } from '../../db/program.js';
import { actionUpdates, committees, meetings } from '../../db/tables.js';
import { MEETING_DUE_RULES } from '../../domain/due.js';
import type { OpenedLink } from './repository.js';

// What the response page shows, and nothing more: the one action the link is for, where it was
// raised and when it is due. No item, resolution or other business is read, so nothing hidden
// can reach the page by way of its action.

export interface ResponsePageData {
  reference: string | null;
  title: string;
  detail: string | null;
  status: string;
  rag: string | null;
  response: string | null;
  personName: string;
  committeeName: string;
  timeZone: string;
  raisedAt: string | null;
  /** The effective due-by date, YYYY-MM-DD. */
  dueBy: string | null;
  dueMeetingStartsAt: string | null;
  dueQuarter: string | null;
  updates: { text: string; rag: string | null; createdAt: string }[];
}

/** A program (db/program.ts): the page routes run it on the engine. */
export function* responsePageData(db: Db, { action, person }: OpenedLink): Program<ResponsePageData> {
  const committee = (yield* rowById(db, committees, action.committeeId))!;
  const raisedAt = yield* rowById(db, meetings, action.meetingId);
  const dueMeeting = action.dueMeetingId == null ? undefined : yield* rowById(db, meetings, action.dueMeetingId);
  const byMeeting = MEETING_DUE_RULES.includes(action.dueRule);
  // `reference` arrives with the References part of issue 14; shown once the column exists.
  const reference = (action as { reference?: string | null }).reference ?? null;
  const updates = yield* all(db
    .select({ text: actionUpdates.text, rag: actionUpdates.rag, createdAt: actionUpdates.createdAt })
    .from(actionUpdates)
    .where(eq(actionUpdates.actionId, action.id))
    .orderBy(asc(actionUpdates.id)));
  return {
    reference,
    title: action.title,
    detail: action.detail,
    status: action.status,
    rag: action.rag,
    response: action.response,
    personName: person.name,
    committeeName: committee.name,
    timeZone: committee.timezone,
    raisedAt: raisedAt?.startsAt ?? null,
    dueBy: byMeeting ? (dueMeeting?.agendaDespatchBy ?? null) : action.dueDate,
    dueMeetingStartsAt: byMeeting ? (dueMeeting?.startsAt ?? null) : null,
    dueQuarter: action.dueQuarter,
    updates,
  };
}
