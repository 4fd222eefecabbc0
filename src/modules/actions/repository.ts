import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { encodeCursor, parseSort, toPage, type Page } from '../../db/keyset.js';
import { all, attempt, first, nothing, outcome, rowById, together, tx, type Program } from '../../db/program.js';
import { preparedQuery } from '../../db/shapes.js';
import { actions, actionUpdates, committees, meetings } from '../../db/tables.js';
import { assertTransition, requiresNewDue } from '../../domain/action-lifecycle.js';
import type { Actor } from '../../domain/actor.js';
import { responseDueOn } from '../../domain/executive-response.js';
import { isOverdue } from '../../domain/overdue.js';
import { isVisibleTo, ownVisibilityAfter, ownVisibilityAtCreation, seesCommittee } from '../../domain/visibility.js';
import { invalidField, NotFoundError } from '../../errors.js';
import type { DueMeeting } from '../../domain/due.js';
import type { Outbox, Subscriptions } from '../webhooks/outbox.js';
import { insertAudited, insertAuditedUnlessTaken, updateAudited } from '../shared/audited.js';
import { listActionsStatements } from './list-query.js';
import { actionByIdStatements, actionForWriteStatements, actionsByIdsStatement, rowAfterInsert, rowAfterUpdate, type ActionForWrite, type ActionRow } from './query.js';
import type { Action, CreateAction, CreateActionUpdate, ListActionsQuery, UpdateAction } from './schemas.js';
import type { ActionDays, JudgedOn } from './today.js';
import { claimReference, withNextReference } from './reference.js';
import { checkMeetingOfCommittee, checkPerson, checkVisibility, dueAt, dueOf, needsSchedule, origin, scheduleFrom } from './write-checks.js';

// Actions as rows, and every write to them. What the API sends for a read is rendered around
// these rows by read-model.ts; nothing here knows it exists. Programs (db/program.ts):
// services.ts runs them on the engine; other programs may `yield*` them.

interface Deps {
  /** Today where each committee sits (today.ts). */
  days: ActionDays;
  /** Webhook events, yielded in the write's own transaction (webhooks/outbox.ts). */
  events?: Outbox;
}

/** An action as the API returns it: the row plus `overdue` as of the given day. */
export function present(row: ActionRow, asOf: string): Action & { version: number } {
  // Null only for a row written straight into the table (schema.ts); JSON writes it as "" too.
  return { ...row, reference: row.reference ?? '', overdue: isOverdue(row, asOf) };
}

type ListStatements = ReturnType<typeof listActionsStatements>;

export function createActionRepository(db: Db, { days, events }: Deps) {
  const actionById = actionByIdStatements(db);
  const actionForWrite = actionForWriteStatements(db);
  const listRows = listActionsStatements(db);
  /** The list's statements on the connection searches run on (search.ts), made on first use. */
  let searchRows: { db: Db; rows: ListStatements } | undefined;
  const rowsOn = (searchDb: Db | undefined): ListStatements => {
    if (searchDb === undefined || searchDb === db) return listRows;
    if (searchRows?.db !== searchDb) searchRows = { db: searchDb, rows: listActionsStatements(searchDb) };
    return searchRows.rows;
  };
  const rowsByIds = actionsByIdsStatement(db);
  const meetingWithCommittee = () => preparedQuery(db, 'meetings:with-committee', () =>
    db.select({ meeting: meetings, committee: committees }).from(meetings).innerJoin(committees, eq(committees.id, meetings.committeeId))
      .where(eq(meetings.id, sql.placeholder('id'))).prepare());

  function* findVisible(actor: Actor, id: number): Program<ActionRow> {
    const row = yield* actionById(actor, id);
    if (!row) throw new NotFoundError('Action', id);
    return row;
  }

  /** findVisible, with the row as stored and the committee's time zone, for a change. */
  function* findForWrite(actor: Actor, id: number): Program<ActionForWrite> {
    const found = yield* actionForWrite(actor, id);
    if (!found) throw new NotFoundError('Action', id);
    return found;
  }

  /** For callers that create actions as part of a larger write (the minutes import). */
  function* createIn(actor: Actor, input: CreateAction): Program<Action & { version: number }> {
    // What the checks read, read together (on PostgreSQL one round trip, db/program.ts together):
    // the meeting with its committee (the reference's prefix, the day the action is judged on),
    // the item or resolution it hangs from, the committee's meetings for its due, and what the
    // webhooks want (read before the reference: a generated one holds the committee's counter
    // row to the commit). The checks then judge in their own order, so that an input with several
    // faults is refused for the same one as before; nothing read is shown before its check.
    const [raisedAt, placement, schedule, subscriptions] = yield* together(
      first(meetingWithCommittee(), { id: input.meetingId }),
      attempt(origin(db, actor, input.meetingId, input.itemId, input.resolutionId)),
      needsSchedule(input) ? scheduleFrom(db, input.meetingId) : nothing<DueMeeting[]>([]),
      events ? events.subscriptions() : nothing<Subscriptions>(),
    );
    // Another council's meeting, to a key limited to a council, answers as a missing one.
    if (!raisedAt || !seesCommittee(actor, raisedAt.meeting.committeeId)) throw invalidField('meetingId', `meeting ${input.meetingId} does not exist`);
    const { meeting, committee } = raisedAt;
    if (input.committeeId !== undefined && input.committeeId !== meeting.committeeId) {
      throw invalidField('committeeId', `meeting ${meeting.id} is a meeting of committee ${meeting.committeeId}`);
    }
    const { itemId, itemVisibility } = outcome(placement);
    checkVisibility(actor, input.visibility, itemVisibility);
    yield* checkPerson(db, 'requestedById', input.requestedById);
    yield* checkPerson(db, 'ownerId', input.ownerId);
    yield* checkMeetingOfCommittee(db, 'dueMeetingId', input.dueMeetingId, meeting.committeeId);
    const { columns: due, effectiveDueDate } = yield* dueAt(db, meeting, input, schedule);
    const isRecommendation = input.kind === 'recommendation';
    const values = {
      ...input,
      committeeId: meeting.committeeId,
      itemId,
      ...due,
      visibility: ownVisibilityAtCreation(input.visibility, itemId == null ? null : itemVisibility),
      itemVisibility: itemId == null ? null : itemVisibility,
      executiveResponse: input.executiveResponse ?? (isRecommendation ? 'pending' : null),
      responseDueOn: input.receivedOn ? responseDueOn(input.receivedOn, input.noticeOn) : null,
    };
    // A given reference is checked first (409 when taken); a generated one is the first free
    // number, the unique index saying in the insert whether it is free.
    const row = input.reference !== undefined
      ? yield* insertAudited(db, actor, 'action', actions, { ...values, reference: yield* claimReference(db, meeting.committeeId, input.reference, undefined, committee) })
      : yield* withNextReference(db, meeting.committeeId, meeting.localDate, committee, (reference) =>
        insertAuditedUnlessTaken(db, actor, 'action', actions, values, [actions.reference, actions.committeeId], reference));
    // As a read would give it, without the read (the caller sees it, or it reads as missing).
    const known = rowAfterInsert(row, effectiveDueDate);
    const read = isVisibleTo(actor, known.visibility) ? known : yield* findVisible(actor, row.id);
    const created = present(read, days.in(committee.timezone));
    if (events) yield* events.action('action.created', created, subscriptions);
    return created;
  }

  /** For callers that change actions as part of a larger write (the spreadsheet import). */
  function* updateIn(actor: Actor, id: number, input: UpdateAction, check: (row: { id: number; version: number }) => void): Program<Action & { version: number }> {
    // The action, and what the webhooks want, read together (on PostgreSQL one round trip).
    const [found, subscriptions] = yield* together(findForWrite(actor, id), events ? events.subscriptions() : nothing<Subscriptions>());
    const { current, stored: before, timezone } = found;
    check(current);
    const changes: Partial<typeof actions.$inferInsert> = { ...input };
    const status = input.status ?? before.status;
    if (input.status && input.status !== before.status) {
      assertTransition(before.status, input.status);
      const givesDue = input.dueMeetingId != null || input.dueDate != null || input.dueQuarter != null;
      if (requiresNewDue(before.status, input.status) && !givesDue) {
        throw invalidField('dueDate', 'reopening a responded action needs a new due: dueMeetingId, dueDate or dueQuarter');
      }
    }
    if (status === 'responded' && before.status !== 'responded') {
      const response = input.response !== undefined ? input.response : before.response;
      if (!response) throw invalidField('response', 'is required to mark an action responded');
      changes.respondedOn = input.respondedOn ?? before.respondedOn ?? days.in(timezone);
    }
    if (input.itemId !== undefined || input.resolutionId !== undefined || input.visibility !== undefined) {
      // null unlinks: `??` would read it as "unchanged".
      const { itemId, itemVisibility } = yield* origin(
        db, actor, before.meetingId,
        input.itemId !== undefined ? input.itemId : before.itemId,
        input.resolutionId !== undefined ? input.resolutionId : before.resolutionId,
      );
      if (input.visibility !== undefined && !isVisibleTo(actor, input.visibility)) {
        throw invalidField('visibility', 'is a level this API key cannot read');
      }
      const nextItemVisibility = itemId == null ? null : itemVisibility;
      const own = ownVisibilityAfter({
        own: before.visibility,
        itemVisibility: before.itemVisibility,
        nextItemVisibility,
        moved: itemId !== before.itemId,
        requested: input.visibility,
        mayDeclassify: actor.admin === true,
      });
      if ('refused' in own) throw invalidField('visibility', own.refused);
      changes.visibility = own.own;
      changes.itemId = itemId;
      changes.itemVisibility = nextItemVisibility;
    }
    if (input.reference !== undefined && input.reference !== before.reference) yield* claimReference(db, before.committeeId, input.reference, id);
    yield* checkPerson(db, 'requestedById', input.requestedById);
    yield* checkPerson(db, 'ownerId', input.ownerId);
    yield* checkMeetingOfCommittee(db, 'dueMeetingId', input.dueMeetingId, before.committeeId);
    yield* checkMeetingOfCommittee(db, 'respondedMeetingId', input.respondedMeetingId, before.committeeId);
    if ('dueMeetingId' in input || 'dueDate' in input || 'dueQuarter' in input) {
      Object.assign(changes, yield* dueOf(db, (yield* rowById(db, meetings, before.meetingId))!, input));
    }
    if ('receivedOn' in input || 'noticeOn' in input) {
      const receivedOn = input.receivedOn !== undefined ? input.receivedOn : before.receivedOn;
      const noticeOn = input.noticeOn !== undefined ? input.noticeOn : before.noticeOn;
      changes.responseDueOn = receivedOn ? responseDueOn(receivedOn, noticeOn) : null;
    }
    const operation = status === 'withdrawn' && before.status !== 'withdrawn' ? 'withdraw' : 'update';
    const after = yield* updateAudited(db, actor, 'action', actions, before, changes, operation);
    const updated = present(rowAfterUpdate(current, after, changes) ?? (yield* findVisible(actor, id)), days.in(timezone));
    if (events) yield* events.action('action.updated', updated, subscriptions);
    if (events && updated.status === 'responded' && before.status !== 'responded') yield* events.action('action.responded', updated, subscriptions);
    return updated;
  }

  /** For callers that add updates as part of a larger write (the spreadsheet import). */
  function* addUpdateIn(actor: Actor, id: number, input: CreateActionUpdate): Program<typeof actionUpdates.$inferSelect> {
    const { current, stored: before, timezone } = yield* findForWrite(actor, id);
    yield* checkPerson(db, 'authorId', input.authorId);
    const update = yield* insertAudited(db, actor, 'action_update', actionUpdates, { ...input, actionId: id, recordedBy: actor.name });
    // A RAG given with an update is the action's new RAG: the timeline and the action agree.
    if (input.rag) {
      const changes = { rag: input.rag };
      const after = yield* updateAudited(db, actor, 'action', actions, before, changes);
      if (events) yield* events.action('action.updated', present(rowAfterUpdate(current, after, changes) ?? (yield* findVisible(actor, id)), days.in(timezone)));
    }
    return update;
  }

  return {
    /** The action, if the caller may see it; else 404. */
    find(actor: Actor, id: number): Program<ActionRow> {
      return findVisible(actor, id);
    },

    /** Whole rows by id, in id order; no visibility check (the caller has chosen the ids). */
    rowsByIds,

    /**
     * A page of GET /v1/actions as rows, `overdue` filtered as of `asOf`, read on `on` (the
     * database's connection unless a search gives the search index's, db/sqlite/search.ts).
     */
    *page(actor: Actor, query: ListActionsQuery, asOf: JudgedOn, on?: Db): Program<Page<ActionRow>> {
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort);
      const rows = yield* rowsOn(on).rows(actor, query, sort, asOf, limit + 1);
      return toPage(rows, limit, sort, (r) => (sort.field === 'dueDate' ? (r.dueDate ?? '') : (r[sort.field as keyof ActionRow] as string | number)));
    },

    /** The same page as `page`, as its actions' ids: SQL picks them, often from an index alone. */
    *pageIds(actor: Actor, query: ListActionsQuery, asOf: string, on?: Db): Program<Page<number>> {
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort);
      const keys = yield* rowsOn(on).keys(actor, query, sort, asOf, limit + 1);
      const page = keys.length > limit ? keys.slice(0, limit) : keys;
      const last = page[page.length - 1];
      return {
        data: page.map(([id]) => id),
        nextCursor: keys.length > limit && last ? encodeCursor(sort, last[1], last[0]) : null,
      };
    },

    create(actor: Actor, input: CreateAction): Program<Action & { version: number }> {
      return tx(() => createIn(actor, input));
    },

    createIn,

    update(actor: Actor, id: number, input: UpdateAction, check: (row: { id: number; version: number }) => void): Program<Action & { version: number }> {
      return tx(() => updateIn(actor, id, input, check));
    },

    updateIn,

    /** Throws 404 unless the caller may see the action. */
    *assertVisible(actor: Actor, id: number): Program<void> {
      yield* findVisible(actor, id);
    },

    *updates(actor: Actor, id: number): Program<(typeof actionUpdates.$inferSelect)[]> {
      yield* findVisible(actor, id);
      return yield* all(db.select().from(actionUpdates).where(eq(actionUpdates.actionId, id)).orderBy(asc(actionUpdates.id)));
    },

    addUpdate(actor: Actor, id: number, input: CreateActionUpdate): Program<typeof actionUpdates.$inferSelect> {
      return tx(() => addUpdateIn(actor, id, input));
    },

    addUpdateIn,
  };
}

export type ActionRepository = ReturnType<typeof createActionRepository>;
