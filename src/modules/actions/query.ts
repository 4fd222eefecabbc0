import { and, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { actions, agendaItems, meetings, overdueFlags } from '../../db/schema.js';
import type { Visibility } from '../../domain/visibility.js';
import type { Tx } from '../shared/crud.js';

// How actions are read: one SELECT that joins the due meeting (for the effective due-by date)
// and the item (for the effective visibility), and counts flags. Lists, single reads, the
// report and the action log all use it, so they can never disagree.

const dueMeeting = alias(meetings, 'due_meeting');

/** For `meeting`/`next_meeting` the due meeting's agendaDespatchBy; else the stored date. */
export const effectiveDueDate = sql<string | null>`CASE WHEN ${actions.dueRule} IN ('meeting', 'next_meeting') THEN ${dueMeeting.agendaDespatchBy} ELSE ${actions.dueDate} END`;

const rank = (column: SQL | typeof actions.visibility) =>
  sql`CASE ${column} WHEN 'confidential' THEN 2 WHEN 'exempt' THEN 1 ELSE 0 END`;
export const effectiveVisibility = sql<Visibility>`CASE WHEN ${rank(sql`${agendaItems.visibility}`)} > ${rank(actions.visibility)} THEN ${agendaItems.visibility} ELSE ${actions.visibility} END`;

export const actionColumns = {
  id: actions.id,
  committeeId: actions.committeeId,
  meetingId: actions.meetingId,
  itemId: actions.itemId,
  resolutionId: actions.resolutionId,
  kind: actions.kind,
  title: actions.title,
  detail: actions.detail,
  requestedById: actions.requestedById,
  ownerId: actions.ownerId,
  ownerText: actions.ownerText,
  dueRule: actions.dueRule,
  dueMeetingId: actions.dueMeetingId,
  dueDate: effectiveDueDate,
  dueQuarter: actions.dueQuarter,
  status: actions.status,
  rag: actions.rag,
  response: actions.response,
  respondedOn: actions.respondedOn,
  respondedMeetingId: actions.respondedMeetingId,
  visibility: effectiveVisibility,
  directedTo: actions.directedTo,
  receivedOn: actions.receivedOn,
  noticeOn: actions.noticeOn,
  responseDueOn: actions.responseDueOn,
  executiveResponse: actions.executiveResponse,
  responseReason: actions.responseReason,
  timesFlagged: sql<number>`(SELECT count(*) FROM ${overdueFlags} WHERE ${overdueFlags.actionId} = ${actions.id})`,
  version: actions.version,
  createdAt: actions.createdAt,
  updatedAt: actions.updatedAt,
};


/** Only rows this caller may see: the action's own and its item's visibility both allowed. */
export function visibleTo(visibilities: readonly Visibility[]): SQL {
  return and(
    inArray(actions.visibility, [...visibilities]),
    or(isNull(actions.itemId), inArray(agendaItems.visibility, [...visibilities])),
  )!;
}

/**
 * Overdue as of a day, in SQL — the same rule as domain/overdue.ts `isOverdue`: open or in
 * progress past the due-by date, or a recommendation whose executive response is late.
 */
export function overdueAsOf(asOf: string): SQL {
  // NULLs (no due date, no executive response) make the comparison NULL, not false: coalesce so
  // that `NOT overdueAsOf(...)` (overdue=false) is true for them rather than dropping them.
  return sql`coalesce(${or(
    and(inArray(actions.status, ['open', 'in_progress']), lt(effectiveDueDate, asOf)),
    and(
      inArray(actions.status, ['open', 'in_progress', 'responded']),
      eq(actions.executiveResponse, 'pending'),
      lt(actions.responseDueOn, asOf),
    ),
  )!}, 0)`;
}

export function selectActions(db: Db | Tx) {
  return db
    .select(actionColumns)
    .from(actions)
    .leftJoin(dueMeeting, eq(dueMeeting.id, actions.dueMeetingId))
    .leftJoin(agendaItems, eq(agendaItems.id, actions.itemId))
    .$dynamic();
}


export type ActionRow = ReturnType<ReturnType<typeof selectActions>['all']>[number];
