import { and, Column, eq, inArray, is, isNull, lt, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
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
export function overdueAsOf(asOf: string | Placeholder): SQL {
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

/**
 * Every action of a committee the overdue report can list as of a day: being worked with a
 * deadline on or before `horizon` (the end of the due-soon window), or a responded recommendation
 * whose executive response is late. A superset of what domain/overdue.ts `classifyOverdue`
 * reports, so the report classifies the few rows that matter instead of every unfinished action.
 * The committee is repeated in each branch so SQLite answers each from its own index.
 */
export function reportableAsOf(committeeId: number, asOf: string, horizon: string): SQL {
  return or(
    and(
      eq(actions.committeeId, committeeId),
      inArray(actions.status, ['open', 'in_progress']),
      or(lte(effectiveDueDate, horizon), and(eq(actions.executiveResponse, 'pending'), lte(actions.responseDueOn, horizon))),
    ),
    and(
      eq(actions.committeeId, committeeId),
      eq(actions.executiveResponse, 'pending'),
      lt(actions.responseDueOn, asOf),
      eq(actions.status, 'responded'),
    ),
  )!;
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

/**
 * An action row from the raw values of `selectActions` (`.values()`), decoded column by column
 * exactly as drizzle's own mapping does for a flat selection, but without its generic per-field
 * type checks: for a page of 50 actions those cost more than SQLite's work.
 */
export const toActionRow: (values: unknown[]) => ActionRow = (() => {
  const keys = Object.keys(actionColumns);
  type Decoder = { mapFromDriverValue(value: unknown): unknown };
  // A column decodes its own values; an sql`` expression carries drizzle's (internal) decoder.
  const decoders: Decoder[] = Object.values(actionColumns).map((field) =>
    is(field, Column) ? field : (field as unknown as { decoder: Decoder }).decoder,
  );
  return (values: unknown[]) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      row[keys[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value);
    }
    return row as ActionRow;
  };
})();

/**
 * The single-action read, prepared once per set of visibilities a caller can hold: it is the
 * hottest query, and building and compiling its SQL afresh cost more than running it. One
 * connection serves the app, so inside a transaction the statement sees that transaction's writes.
 */
export function actionByIdStatements(db: Db) {
  const prepare = (visibilities: readonly Visibility[]) =>
    selectActions(db).where(and(eq(actions.id, sql.placeholder('id')), visibleTo(visibilities))).prepare();
  const prepared = new Map<string, ReturnType<typeof prepare>>();
  return (visibilities: readonly Visibility[], id: number): ActionRow | undefined => {
    const key = visibilities.join();
    let statement = prepared.get(key);
    if (statement === undefined) prepared.set(key, (statement = prepare(visibilities)));
    const [values] = statement.values({ id });
    return values === undefined ? undefined : toActionRow(values);
  };
}
