import { and, eq, getTableColumns, getTableName, inArray, lt, lte, or, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { batched, values, type Batched, type Program } from '../../db/program.js';
import { preparedQuery, queryShape, rowMapper } from '../../db/shapes.js';
import { actions, actionUpdates, agendaItems, committees, dialect, meetings, overdueFlags, people, perSchema, sqlList } from '../../db/tables.js';
import { BEING_WORKED, NON_FINAL_STATUSES } from '../../domain/action-lifecycle.js';
import { MEETING_DUE_RULES } from '../../domain/due.js';
import { actionsVisibleTo, readerShape } from '../../db/visibility.js';
import { stricter, visibilities, type Reader, type Visibility } from '../../domain/visibility.js';
import type { Tx } from '../../db/sqlite/transaction.js';

// How actions are read: one SELECT that joins the due meeting (for the effective due-by date)
// and counts flags; the item's visibility is on the action's row (migration 0004). Lists, single reads, the
// report and the action log all use it (the report fewer of its columns), so they can never
// disagree.
//
// Everything here that names a table is built after the engine chose its tables (db/tables.ts):
// once per process with perSchema(), called as `dueMeeting()`, `actionColumns()`, ….

/** The due meeting, joined by every query that reads effectiveDueDate. */
export const dueMeeting = perSchema(() => dialect.alias(meetings, 'due_meeting'));

/** For `meeting`/`next_meeting` the due meeting's agendaDespatchBy; else the stored date. */
export const effectiveDueDate = perSchema(
  () => sql<string | null>`CASE WHEN ${actions.dueRule} IN ${sqlList(MEETING_DUE_RULES)} THEN ${dueMeeting().agendaDespatchBy} ELSE ${actions.dueDate} END`,
);

/**
 * effectiveDueDate as a due-date window (a list's dueAfter, dueBefore) compares it: on PostgreSQL
 * the same date stored on the row (dialect.actionsDueBy), which the planner can estimate and index.
 */
export const windowDueDate = perSchema(() => dialect.actionsDueBy(effectiveDueDate()));

/** domain/visibility.ts's order (public < exempt < confidential) as a number, in SQL. */
const rank = (column: SQLWrapper) =>
  sql`CASE ${column} ${sql.raw(visibilities.map((level, i) => `WHEN '${level}' THEN ${i}`).join(' '))} ELSE 0 END`;
export const effectiveVisibility = perSchema(
  () => sql<Visibility>`CASE WHEN ${rank(sql`${actions.itemVisibility}`)} > ${rank(actions.visibility)} THEN ${actions.itemVisibility} ELSE ${actions.visibility} END`,
);

/**
 * How many meetings the action has been flagged overdue at: the count of its overdue flags, kept
 * on its row by triggers (migrations: sqlite 0019, pg 0004) so that no read counts flags. Not in
 * the drizzle schema, so that selected rows, RETURNING and audit JSON never carry it.
 */
export const storedTimesFlagged = perSchema(() => sql<number>`${actions}.${sql.identifier('times_flagged')}`.mapWith(Number));

export const actionColumns = perSchema(() => ({
  id: actions.id,
  reference: actions.reference,
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
  dueDate: effectiveDueDate(),
  dueQuarter: actions.dueQuarter,
  status: actions.status,
  rag: actions.rag,
  response: actions.response,
  respondedOn: actions.respondedOn,
  respondedMeetingId: actions.respondedMeetingId,
  visibility: effectiveVisibility(),
  directedTo: actions.directedTo,
  receivedOn: actions.receivedOn,
  noticeOn: actions.noticeOn,
  responseDueOn: actions.responseDueOn,
  executiveResponse: actions.executiveResponse,
  responseReason: actions.responseReason,
  timesFlagged: storedTimesFlagged(),
  version: actions.version,
  createdAt: actions.createdAt,
  updatedAt: actions.updatedAt,
}));


/**
 * Overdue as of a day, in SQL — the same rule as domain/overdue.ts `isOverdue`: open or in
 * progress past the due-by date, or a recommendation whose executive response is late.
 */
export function overdueAsOf(asOf: string | Placeholder): SQL {
  // NULLs (no due date, no executive response) make the comparison NULL, not false: coalesce so
  // that `NOT overdueAsOf(...)` (overdue=false) is true for them rather than dropping them.
  return sql`coalesce(${or(
    and(inArray(actions.status, [...BEING_WORKED]), lt(effectiveDueDate(), asOf)),
    and(
      inArray(actions.status, [...NON_FINAL_STATUSES]),
      eq(actions.executiveResponse, 'pending'),
      lt(actions.responseDueOn, asOf),
    ),
  )!}, ${dialect.falseValue})`;
}

// Literal, not bound: SQLite uses a partial index only when the query repeats its WHERE.
const beingWorked = perSchema(() => sql`${actions.status} IN ${sqlList(BEING_WORKED)}`);

/**
 * Every action of a committee the overdue report can list as of a day, as the two halves of a
 * UNION ALL: being worked with a deadline on or before `horizon` (the end of the due-soon
 * window), and responded recommendations whose executive response is late. Together a superset
 * of what domain/overdue.ts `classifyOverdue` reports, so the report classifies the few rows that
 * matter instead of every unfinished action. Apart, each half is one range of an index; OR'd in
 * one WHERE, SQLite read every action of the committee instead.
 */
export function reportableAsOf(committeeId: number | Placeholder, asOf: string | Placeholder, horizon: string | Placeholder): [beingWorked: SQL, responseLate: SQL] {
  return [
    and(
      eq(actions.committeeId, committeeId),
      beingWorked(),
      or(lte(effectiveDueDate(), horizon), and(eq(actions.executiveResponse, 'pending'), lte(actions.responseDueOn, horizon))),
    )!,
    and(
      eq(actions.committeeId, committeeId),
      eq(actions.executiveResponse, 'pending'),
      lt(actions.responseDueOn, asOf),
      eq(actions.status, 'responded'),
    )!,
  ];
}

export function selectActions(db: Db | Tx) {
  const due = dueMeeting();
  return db
    .select(actionColumns())
    .from(actions)
    .leftJoin(due, eq(due.id, actions.dueMeetingId))
    .$dynamic();
}

export type ActionRow = ReturnType<ReturnType<typeof selectActions>['all']>[number];

/**
 * Every table `selectActions` reads: a write to any other cannot change what it returns. (The
 * item's visibility is copied onto the action by triggers, migration 0004; so is the count of
 * its flags, migration 0019, so a flag recorded or removed is a write to the action's row.)
 */
export const actionReadTables = perSchema(() => [actions, meetings].map(getTableName));

/**
 * The same FROM and joins as `selectActions`, selecting only the id and a sort value: a page's
 * keys. For the common filters (committee and status) SQLite answers from the index alone.
 */
export function selectActionKeys(db: Db | Tx, sortValue: SQLWrapper, usesDueDate: boolean) {
  const keys = db.select({ id: actions.id, sortValue: sql`${sortValue}` }).from(actions).$dynamic();
  // SQLite drops an unused join from the plan only after choosing the index, and the due
  // meeting's join would then stop the index from covering the query: add it only when used.
  if (!usesDueDate) return keys;
  const due = dueMeeting();
  return keys.leftJoin(due, eq(due.id, actions.dueMeetingId));
}

/** `selectActions` of the ids in the `ids` placeholder (`dialect.idList`), in id order, those `visible` lets through. */
const selectActionsByIds = (db: Db, visible?: SQL) =>
  selectActions(db).where(and(dialect.idIn(actions.id, sql.placeholder('ids')), visible)).orderBy(actions.id);

/** Whole action rows by id, in id order: the rows a page lacks (a program, db/program.ts). */
export function actionsByIdsStatement(db: Db) {
  const statement = selectActionsByIds(db).prepare();
  return function* rowsByIds(ids: readonly number[]): Program<ActionRow[]> {
    return (yield* values(statement, { ids: dialect.idList(ids) })).map(actionRowMapper());
  };
}

const owner = perSchema(() => dialect.alias(people, 'owner'));

/**
 * What the overdue report needs of an action, through the same joins and expressions as
 * `selectActions` (plus the owner's name): every unfinished action of every committee passes
 * through the report, and the columns it never shows (detail, response, …) were most of the
 * reading and the memory.
 */
export const reportColumns = perSchema(() => ({
  id: actions.id,
  reference: actions.reference,
  title: actions.title,
  kind: actions.kind,
  ownerId: actions.ownerId,
  ownerText: actions.ownerText,
  ownerName: owner().name,
  dueRule: actions.dueRule,
  dueMeetingId: actions.dueMeetingId,
  dueDate: effectiveDueDate(),
  // Counted from the flags' own index rather than read from the row: actions_report_idx covers
  // every other column here, so a committee's report reads that index and never the rows.
  timesFlagged: sql<number>`(SELECT count(*) FROM ${overdueFlags} WHERE ${overdueFlags.actionId} = ${actions.id})`.mapWith(Number),
  status: actions.status,
  rag: actions.rag,
  executiveResponse: actions.executiveResponse,
  responseDueOn: actions.responseDueOn,
}));

export function selectReportRows(db: Db | Tx) {
  const due = dueMeeting();
  const named = owner();
  return db
    .select(reportColumns())
    .from(actions)
    .leftJoin(due, eq(due.id, actions.dueMeetingId))
    .leftJoin(named, eq(named.id, actions.ownerId))
    .$dynamic();
}

export type ReportRow = ReturnType<ReturnType<typeof selectReportRows>['all']>[number];

const raisedAt = perSchema(() => dialect.alias(meetings, 'raised_at'));

/**
 * What the CSV export (spreadsheets/export.ts) writes of an action, read as it writes it: the
 * first twenty in the order of its columns (spreadsheets/columns.ts), names and dates joined
 * rather than the ids, then what `overdue` is judged from and the committee it is judged for.
 * The same joins and expressions as `selectActions`, so the export and the list agree; the rest
 * of an action (some twenty columns the CSV never shows) is not read. `overdue` itself is judged
 * in JS as of the committee's day (domain/overdue.ts), so here it is a placeholder null.
 */
export const exportColumns = perSchema(() => {
  const due = dueMeeting();
  return {
    reference: actions.reference,
    committee: committees.name,
    raisedAt: raisedAt().localDate,
    item: sql<string | null>`(SELECT ${agendaItems.number} FROM ${agendaItems} WHERE ${agendaItems.id} = ${actions.itemId})`,
    kind: actions.kind,
    title: actions.title,
    detail: actions.detail,
    // A person's name when the owner is one, else the free text.
    owner: sql<string | null>`coalesce(${owner().name}, ${actions.ownerText})`,
    dueRule: actions.dueRule,
    dueDate: effectiveDueDate(),
    dueMeeting: sql<string | null>`CASE WHEN ${actions.dueRule} IN ${sqlList(MEETING_DUE_RULES)} THEN ${due.localDate} END`,
    dueQuarter: actions.dueQuarter,
    status: actions.status,
    rag: actions.rag,
    response: actions.response,
    respondedOn: actions.respondedOn,
    // The newest progress update: the last of the action's range of the (action_id, id) index.
    latestUpdate: sql<string | null>`(SELECT ${actionUpdates.text} FROM ${actionUpdates} WHERE ${actionUpdates.actionId} = ${actions.id} ORDER BY ${actionUpdates.id} DESC LIMIT 1)`,
    overdue: sql<null>`NULL`,
    timesFlagged: actionColumns().timesFlagged,
    visibility: effectiveVisibility(),
    executiveResponse: actions.executiveResponse,
    responseDueOn: actions.responseDueOn,
    committeeId: actions.committeeId,
    id: actions.id,
  };
});

/** `exportColumns`, read as raw values. */
export function selectExportRows(db: Db | Tx) {
  const due = dueMeeting();
  const raised = raisedAt();
  const named = owner();
  return db
    .select(exportColumns())
    .from(actions)
    .leftJoin(due, eq(due.id, actions.dueMeetingId))
    .leftJoin(committees, eq(committees.id, actions.committeeId))
    .leftJoin(raised, eq(raised.id, actions.meetingId))
    .leftJoin(named, eq(named.id, actions.ownerId))
    .$dynamic();
}

/**
 * An action row from the raw values of `selectActions` (`.values()`), decoded column by column
 * exactly as drizzle's own mapping does for a flat selection, but without its generic per-field
 * type checks: for a page of 50 actions those cost more than SQLite's work.
 */
export const actionRowMapper = perSchema(() => rowMapper<ActionRow>(actionColumns()));
const reportRowMapper = perSchema(() => rowMapper<ReportRow>(reportColumns()));
export const toActionRow = (values: unknown[]): ActionRow => actionRowMapper()(values);
export const toReportRow = (values: unknown[]): ReportRow => reportRowMapper()(values);

/**
 * The single-action read, prepared once per set of visibilities a caller can hold: it is the
 * hottest query, and building and compiling its SQL afresh cost more than running it. One
 * connection serves the app, so inside a transaction the statement sees that transaction's writes.
 * A batched read (db/program.ts): on PostgreSQL the reads of requests in flight together go as
 * one statement, with the same visibility in SQL.
 */
export function actionByIdStatements(db: Db) {
  const readsFor = (reader: Reader): Batched<number, ActionRow> =>
    queryShape(db, `actions:by-id-reads:${readerShape(reader)}`, () => ({
      *one(id: number): Program<ActionRow | undefined> {
        const statement = preparedQuery(db, `actions:by-id:${readerShape(reader)}`, () =>
          selectActions(db).where(and(eq(actions.id, sql.placeholder('id')), actionsVisibleTo(reader))).prepare(),
        );
        const [row] = yield* values(statement, { id });
        return row === undefined ? undefined : actionRowMapper()(row);
      },
      *many(ids: readonly number[]): Program<ReadonlyMap<number, ActionRow>> {
        const statement = preparedQuery(db, `actions:by-ids:${readerShape(reader)}`, () => selectActionsByIds(db, actionsVisibleTo(reader)).prepare());
        const rows = (yield* values(statement, { ids: dialect.idList(ids) })).map(actionRowMapper());
        return new Map(rows.map((row) => [row.id, row]));
      },
    }));
  return function* actionById(reader: Reader, id: number): Program<ActionRow | undefined> {
    return yield* batched(readsFor(reader), id);
  };
}

/**
 * What a change to an action reads first, in one statement: the action as `selectActions` reads
 * it (if the reader may see it), the row as stored (the audit's "before", the version checked),
 * and its committee's time zone (the day it is judged on). Three reads were one row's worth.
 */
const writeColumns = perSchema(() => ({
  ...actionColumns(),
  storedDueDate: actions.dueDate,
  ownVisibility: actions.visibility,
  storedItemVisibility: actions.itemVisibility,
  timezone: committees.timezone,
}));
const writeRowMapper = perSchema(() => rowMapper<ActionRow & { storedDueDate: string | null; ownVisibility: Visibility; storedItemVisibility: Visibility | null; timezone: string }>(writeColumns()));
/** The stored row's fields that `selectActions` gives derived, or not at all: from the extra columns. */
const STORED_FROM = { dueDate: 'storedDueDate', visibility: 'ownVisibility', itemVisibility: 'storedItemVisibility' } as const;

export interface ActionForWrite {
  current: ActionRow;
  stored: typeof actions.$inferSelect;
  timezone: string;
}

/**
 * The action a write is about to change, as a read gives it and as stored, inside the write's
 * transaction. Its row stays locked to the commit (PostgreSQL: FOR UPDATE OF actions), so that two
 * writes of one action judge it one after the other: the second sees the first's version, and an
 * If-Match both were given is met by one only (412 for the other), not by both.
 */
export function actionForWriteStatements(db: Db) {
  return function* actionForWrite(reader: Reader, id: number): Program<ActionForWrite | undefined> {
    const statement = preparedQuery(db, `actions:for-write:${readerShape(reader)}`, () =>
      dialect.lockedForUpdate(
        db
          .select(writeColumns())
          .from(actions)
          .leftJoin(dueMeeting(), eq(dueMeeting().id, actions.dueMeetingId))
          .innerJoin(committees, eq(committees.id, actions.committeeId))
          .where(and(eq(actions.id, sql.placeholder('id')), actionsVisibleTo(reader))),
        actions,
      ).prepare(),
    );
    const [raw] = yield* values(statement, { id });
    if (raw === undefined) return undefined;
    const read = writeRowMapper()(raw);
    const current: Record<string, unknown> = {};
    for (const key of Object.keys(actionColumns())) current[key] = read[key as keyof typeof read];
    const stored: Record<string, unknown> = {};
    for (const key of Object.keys(getTableColumns(actions))) {
      stored[key] = read[(STORED_FROM[key as keyof typeof STORED_FROM] ?? key) as keyof typeof read];
    }
    return { current: current as ActionRow, stored: stored as typeof actions.$inferSelect, timezone: read.timezone };
  };
}

type ActionColumns = ReturnType<typeof actionColumns>;

/** The ActionRow fields read straight from the action's column of the same name. */
const COLUMN_FIELDS = perSchema(() => {
  const columns = actionColumns();
  return (Object.keys(columns) as (keyof ActionColumns)[]).filter(
    (key): key is keyof ActionColumns & keyof typeof actions.$inferSelect => columns[key] === (actions as unknown as Record<string, unknown>)[key],
  );
});
/** The columns the other fields are derived from (with the due meeting, and the flags). */
const DERIVATION_INPUTS = ['dueRule', 'dueMeetingId', 'dueDate', 'itemId', 'visibility', 'itemVisibility'];

/**
 * The action as `selectActions` would read it just after it was inserted, from the inserted row
 * and its effective due date (the due meeting's despatch date under a meeting rule): saves
 * reading it again. Its visibility is the stricter of its own and its item's, as in SQL, and a
 * new action has no flags.
 */
export function rowAfterInsert(inserted: typeof actions.$inferSelect, effectiveDue: string | null): ActionRow {
  const row: Record<string, unknown> = {};
  // In the order of the read's fields; those it derives are set below.
  for (const key of Object.keys(actionColumns())) row[key] = undefined;
  for (const key of COLUMN_FIELDS()) row[key] = inserted[key];
  row.dueDate = effectiveDue;
  row.visibility = inserted.itemVisibility == null ? inserted.visibility : stricter(inserted.itemVisibility, inserted.visibility);
  row.timesFlagged = 0;
  return row as ActionRow;
}

/**
 * The action as `selectActions` would read it after an update, from its row before (`current`)
 * and the updated columns: saves reading it again. Undefined when the update changed a column
 * that one of the derived fields above (the effective due date, the effective visibility) is
 * computed from; then it is read again.
 */
export function rowAfterUpdate(current: ActionRow, after: typeof actions.$inferSelect, changes: object): ActionRow | undefined {
  if (DERIVATION_INPUTS.some((column) => column in changes)) return undefined;
  const row: Record<string, unknown> = { ...current };
  for (const key of COLUMN_FIELDS()) row[key] = after[key];
  return row as ActionRow;
}
