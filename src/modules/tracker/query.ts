import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { rowMapper } from '../../db/shapes.js';
import { queryShape } from '../../db/shapes.js';
import { actions, actionUpdates, agendaItems, dialect, meetings, overdueFlags, people, perSchema, sqlList } from '../../db/tables.js';
import { actionsVisibleTo } from '../../db/visibility.js';
import { ACTION_STATUSES, BEING_WORKED } from '../../domain/action-lifecycle.js';
import type { Visibility } from '../../domain/visibility.js';
import type { DocumentSource } from '../../documents/model.js';
import { actionColumns, dueMeeting, effectiveDueDate } from '../actions/query.js';

// What the agenda-pack documents read of an action: the action's own columns, the meeting it was
// raised at and the minute (item) number, the owner's name, the due meeting, the number of flags
// (kept on the action's row) and the newest progress update. One SELECT with joins by primary key
// and one correlated lookup by index (the newest update's id), so a committee's tracker costs its
// own actions and nothing more.
//
// Built from the engine's tables (db/tables.ts), once the engine has chosen them: perSchema.

const aliases = perSchema(() => ({
  raised: dialect.alias(meetings, 'raised_meeting'),
  owner: dialect.alias(people, 'document_owner'),
  latest: dialect.alias(actionUpdates, 'latest_update'),
}));

const documentColumns = perSchema(() => {
  const { raised, owner, latest } = aliases();
  return {
    id: actions.id,
    reference: actions.reference,
    title: actions.title,
    detail: actions.detail,
    kind: actions.kind,
    ownerId: actions.ownerId,
    ownerText: actions.ownerText,
    ownerName: owner.name,
    raisedMeetingId: actions.meetingId,
    raisedStartsAt: raised.startsAt,
    raisedLocalDate: raised.localDate,
    minute: agendaItems.number,
    dueRule: actions.dueRule,
    dueMeetingId: actions.dueMeetingId,
    dueDate: effectiveDueDate(),
    dueQuarter: actions.dueQuarter,
    dueMeetingLocalDate: dueMeeting().localDate,
    status: actions.status,
    rag: actions.rag,
    executiveResponse: actions.executiveResponse,
    responseDueOn: actions.responseDueOn,
    timesFlagged: actionColumns().timesFlagged,
    latestUpdateText: latest.text,
    latestUpdateRag: latest.rag,
    latestUpdateAt: latest.createdAt,
  };
});

const documentSourceOf = perSchema(() => rowMapper<DocumentSource>(documentColumns()));

/** A document source from the raw values (`values()`) of one of the queries below. */
export const toDocumentSource = (values: unknown[]): DocumentSource => documentSourceOf()(values);

function selectDocumentSources(db: Db) {
  const { raised, owner, latest } = aliases();
  return db
    .select(documentColumns())
    .from(actions)
    .innerJoin(raised, eq(raised.id, actions.meetingId))
    .leftJoin(agendaItems, eq(agendaItems.id, actions.itemId))
    .leftJoin(owner, eq(owner.id, actions.ownerId))
    .leftJoin(dueMeeting(), eq(dueMeeting().id, actions.dueMeetingId))
    // The newest progress update: the last id of the action's range of (action_id, id), read
    // from the index alone, then its row by primary key.
    .leftJoin(latest, eq(latest.id, sql`(SELECT max(${actionUpdates.id}) FROM ${actionUpdates} WHERE ${actionUpdates.actionId} = ${actions.id})`))
    .$dynamic();
}

export const TRACKER_STATUSES = ['open', 'all'] as const;
export type TrackerStatus = (typeof TRACKER_STATUSES)[number];

/**
 * A committee's actions in the order the tracker lists them (raised first, then by id), for one
 * set of visibilities and one status filter: `open` is what still awaits an answer (open or in
 * progress); `all` adds the responded, closed and withdrawn.
 * Statuses are literals, so SQLite reads the committee's range of actions_committee_status_idx.
 * Prepared once per database handle and key (db/shapes.ts); run with `values()`.
 */
export function trackerSources(db: Db, visibilities: readonly Visibility[], status: TrackerStatus) {
  return queryShape(db, `documents:tracker:${status}:${visibilities.join()}`, () => {
    const statuses = status === 'open' ? BEING_WORKED : ACTION_STATUSES;
    const { raised } = aliases();
    return selectDocumentSources(db)
      .where(and(
        eq(actions.committeeId, sql.placeholder('committeeId')),
        sql`${actions.status} IN ${sqlList(statuses)}`,
        gte(raised.localDate, sql.placeholder('since')),
        actionsVisibleTo({ visibilities }),
      ))
      .orderBy(raised.startsAtUtc, actions.id)
      .prepare();
  });
}

/**
 * Actions by id, those the reader may see, in id order: a report's rows. Its `ids` parameter is
 * `dialect.idList(ids)`.
 */
export function sourcesByIds(db: Db, visibilities: readonly Visibility[]) {
  return queryShape(db, `documents:by-ids:${visibilities.join()}`, () =>
    selectDocumentSources(db)
      .where(and(dialect.idIn(actions.id, sql.placeholder('ids')), actionsVisibleTo({ visibilities })))
      .orderBy(actions.id)
      .prepare(),
  );
}

/** A meeting's action log: due at it, or flagged at it (as GET /v1/meetings/{id}/action-log), in id order. */
export function actionLogSources(db: Db, visibilities: readonly Visibility[]) {
  return queryShape(db, `documents:action-log:${visibilities.join()}`, () =>
    selectDocumentSources(db)
      .where(and(
        sql`(${actions.dueMeetingId} = ${sql.placeholder('meetingId')} OR ${actions.id} IN (SELECT ${overdueFlags.actionId} FROM ${overdueFlags} WHERE ${overdueFlags.meetingId} = ${sql.placeholder('meetingId')}))`,
        actionsVisibleTo({ visibilities }),
      ))
      .orderBy(actions.id)
      .prepare(),
  );
}
