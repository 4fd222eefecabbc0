import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedQuery, rowById, rowMapper } from '../../db/prepared.js';
import { searchIndexOf } from '../../db/search.js';
import { actions, actionUpdates, agendaItems, committees, meetings, people, resolutions } from '../../db/schema.js';
import { assertTransition, requiresNewDue } from '../../domain/action-lifecycle.js';
import { resolveDue, type DueFields, type MeetingForDue } from '../../domain/due.js';
import { responseDueOn } from '../../domain/executive-response.js';
import { todayIn } from '../../domain/clock.js';
import { isOverdue } from '../../domain/overdue.js';
import { isLooser, ownVisibilityAfter, ownVisibilityAtCreation, type Visibility } from '../../domain/visibility.js';
import { invalidField, NotFoundError } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { pageJson, type PageJson } from '../../http/links.js';
import { encodeCursor, parseSort, toPage, type Page } from '../../db/keyset.js';
import type { HolidayRepository } from '../holidays/repository.js';
import type { MeetingRow } from '../meetings/repository.js';
import { insertAudited, transaction, updateAudited, type Tx } from '../shared/crud.js';
import { listActionsStatements } from './list-query.js';
import { actionByIdStatements, actionColumns, actionsByIdsStatement, type ActionRow } from './query.js';
import { createActionReadCache } from './read-cache.js';
import type { Action, CreateAction, CreateActionUpdate, ListActionsQuery, UpdateAction } from './schemas.js';

interface Deps {
  holidays: HolidayRepository;
  /** Rendered actions kept between requests (0: none); the server passes ACTION_CACHE_ENTRIES. */
  readCacheEntries: number;
}

/**
 * A string as UTF-8 in a buffer of its own: Buffer.from would slice small strings out of a
 * shared 8 KB pool, and one cached action could then keep a whole pool slab alive.
 */
function utf8(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

/** Writes one action as the API does (ActionSchema's serialiser). */
export type RenderAction = (action: Action) => string;

/** An action already written as JSON (UTF-8), with what its ETag needs. */
export interface RenderedAction {
  id: number;
  version: number;
  json: Buffer;
}

const LONDON = 'Europe/London';

/** The ActionRow fields read straight from the action's column of the same name. */
const COLUMN_FIELDS = (Object.keys(actionColumns) as (keyof typeof actionColumns)[]).filter(
  (key): key is keyof typeof actionColumns & keyof typeof actions.$inferSelect => actionColumns[key] === (actions as unknown as Record<string, unknown>)[key],
);
/** The columns the other fields are derived from (with the due meeting, and the flags). */
const DERIVATION_INPUTS = ['dueRule', 'dueMeetingId', 'dueDate', 'itemId', 'visibility', 'itemVisibility'];

/** An action as the API returns it: the row plus `overdue` as of the given day. */
export function present(row: ActionRow, asOf: string): Action & { version: number } {
  return { ...row, overdue: isOverdue(row, asOf) };
}

type ListStatements = ReturnType<typeof listActionsStatements>;

export function createActionRepository(db: Db, { holidays, readCacheEntries }: Deps) {
  const actionById = actionByIdStatements(db);
  const listRows = listActionsStatements(db);
  /** The list's statements on the connection searches run on (search.ts), made on first use. */
  let searchRows: { db: Db; rows: ListStatements } | undefined;
  const rowsOn = (searchDb: Db): ListStatements => {
    if (searchDb === db) return listRows;
    if (searchRows?.db !== searchDb) searchRows = { db: searchDb, rows: listActionsStatements(searchDb) };
    return searchRows.rows;
  };
  const rowsByIds = actionsByIdsStatement(db);
  const cache = createActionReadCache(db, readCacheEntries);

  function findVisible(_tx: Db | Tx, actor: Actor, id: number): ActionRow {
    const row = actionById(actor.visibilities, id);
    if (!row) throw new NotFoundError('Action', id);
    return row;
  }

  const scheduleFields = { id: meetings.id, startsAt: meetings.startsAt, localDate: meetings.localDate, status: meetings.status };
  const toScheduleRow = rowMapper<MeetingForDue>(scheduleFields);

  /**
   * The committee's meetings that resolveDue can choose for an action raised at `raisedAtUtc`: the
   * meeting named as due, and every meeting from the day before the raising one on (the next
   * meeting is one that starts after it). A committee keeps years of meetings; reading them all
   * on every write cost more than the rest of the write. The day's margin makes this a superset
   * whatever the time part of `starts_at_utc` looks like; resolveDue still picks exactly.
   */
  function scheduleFor(tx: Tx, committeeId: number, raisedAtUtc: string, dueMeetingId: number | null | undefined) {
    const query = preparedQuery(tx, 'meetings:schedule-from', () =>
      tx
        .select(scheduleFields)
        .from(meetings)
        .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), gte(meetings.startsAtUtc, sql`date(${sql.placeholder('from')}, '-1 day')`)))
        .prepare(),
    );
    const schedule = query.values({ committeeId, from: raisedAtUtc }).map(toScheduleRow);
    if (dueMeetingId != null && !schedule.some((m) => m.id === dueMeetingId)) {
      const named = rowById(tx, meetings, dueMeetingId);
      if (named?.committeeId === committeeId) schedule.push(named);
    }
    return schedule;
  }

  function dueOf(tx: Tx, raisedAt: MeetingRow, fields: DueFields) {
    const committeeId = raisedAt.committeeId;
    const committee = rowById(tx, committees, committeeId)!;
    const due = resolveDue(fields, {
      raisedAt,
      meetings: scheduleFor(tx, committeeId, raisedAt.startsAtUtc, fields.dueMeetingId),
      despatchClearDays: committee.despatchClearDays,
      calendar: holidays.calendarIn(tx),
    });
    // The effective date of a meeting rule is read from the meeting, so it follows reschedules.
    return {
      dueRule: due.dueRule,
      dueMeetingId: due.dueMeetingId,
      dueDate: due.dueRule === 'date' || due.dueRule === 'quarter' ? due.dueDate : null,
      dueQuarter: due.dueQuarter,
    };
  }

  function checkPerson(tx: Tx, field: string, id: number | null | undefined) {
    if (id == null) return;
    if (!rowById(tx, people, id)) throw invalidField(`/body/${field}`, `person ${id} does not exist`);
  }

  function checkMeetingOfCommittee(tx: Tx, field: string, id: number | null | undefined, committeeId: number) {
    if (id == null) return;
    const m = rowById(tx, meetings, id);
    if (!m || m.committeeId !== committeeId) throw invalidField(`/body/${field}`, `meeting ${id} is not a meeting of committee ${committeeId}`);
  }

  /**
   * The action as findVisible would read it after an update, from its row before (`current`) and
   * the updated columns: saves reading it again. Undefined when the update changed a column that
   * one of query.ts's derived fields (the effective due date, the effective visibility) is
   * computed from; then it is read again.
   */
  function rowAfterUpdate(current: ActionRow, after: typeof actions.$inferSelect, changes: object): ActionRow | undefined {
    if (DERIVATION_INPUTS.some((column) => column in changes)) return undefined;
    const row: Record<string, unknown> = { ...current };
    for (const key of COLUMN_FIELDS) row[key] = after[key];
    return row as ActionRow;
  }

  /** The item and resolution an action hangs from, checked against the meeting and the caller. */
  function origin(tx: Tx, actor: Actor, meetingId: number, itemId?: number | null, resolutionId?: number | null) {
    let item = itemId ?? null;
    if (resolutionId != null) {
      const [r] = preparedQuery(tx, 'resolutions:item-visibility', () =>
        tx
          .select({ itemId: resolutions.itemId, visibility: agendaItems.visibility })
          .from(resolutions)
          .innerJoin(agendaItems, eq(agendaItems.id, resolutions.itemId))
          .where(eq(resolutions.id, sql.placeholder('resolutionId')))
          .prepare(),
      ).all({ resolutionId });
      // A resolution of an item the caller may not read answers exactly as a missing one.
      if (!r || !actor.visibilities.includes(r.visibility)) throw invalidField('/body/resolutionId', `resolution ${resolutionId} does not exist`);
      if (item != null && r.itemId !== item) throw invalidField('/body/resolutionId', `resolution ${resolutionId} is not of item ${item}`);
      item = r.itemId;
    }
    let itemVisibility: Visibility = 'public';
    if (item != null) {
      // Only the item's place and level: its row holds the minutes (up to 100 KB), and the
      // minutes import creates hundreds of actions on one item in one transaction.
      const [row] = preparedQuery(tx, 'items:placement', () =>
        tx
          .select({ meetingId: agendaItems.meetingId, visibility: agendaItems.visibility })
          .from(agendaItems)
          .where(eq(agendaItems.id, sql.placeholder('itemId')))
          .prepare(),
      ).all({ itemId: item });
      if (!row || !actor.visibilities.includes(row.visibility)) throw invalidField('/body/itemId', `item ${item} does not exist`);
      if (row.meetingId !== meetingId) throw invalidField('/body/itemId', `item ${item} is not on meeting ${meetingId}`);
      itemVisibility = row.visibility;
    }
    return { itemId: item, itemVisibility };
  }

  function checkVisibility(actor: Actor, requested: Visibility | undefined, itemVisibility: Visibility) {
    if (requested === undefined) return;
    if (isLooser(requested, itemVisibility)) {
      throw invalidField('/body/visibility', `cannot be looser than its item's (${itemVisibility})`);
    }
    if (!actor.visibilities.includes(requested)) {
      throw invalidField('/body/visibility', 'is a level this API key cannot read');
    }
  }

  /** A page of the list, as rows, read by `statements` (the database's, or the search connection's). */
  function listPage(statements: ListStatements, actor: Actor, query: ListActionsQuery): Page<Action> {
    const asOf = query.asOf ?? todayIn(LONDON);
    const limit = query.limit ?? 50;
    const sort = parseSort(query.sort);
    const rows = statements.rows(actor.visibilities, query, sort, asOf, limit + 1);
    const result = toPage(rows, limit, sort, (r) => (sort.field === 'dueDate' ? (r.dueDate ?? '') : (r[sort.field as keyof ActionRow] as string | number)));
    return { data: result.data.map((r) => present(r, asOf)), nextCursor: result.nextCursor };
  }

  /**
   * A page of the list, written as the response body. With the read cache, the same query again
   * is answered from the page cache; otherwise SQL picks the page's ids (and the cursor's sort
   * value) and only the actions not already rendered are read in full.
   */
  function pageJsonOn(statements: ListStatements, actor: Actor, query: ListActionsQuery, render: RenderAction): PageJson {
    if (!cache.usable(actor.visibilities)) {
      const page = listPage(statements, actor, query);
      return pageJson(page.data.map((a) => utf8(render(a))), page.nextCursor);
    }
    const asOf = query.asOf ?? todayIn(LONDON);
    const cached = cache.page(actor.visibilities, asOf, query);
    if (cached.body) return cached.body;
    const limit = query.limit ?? 50;
    const sort = parseSort(query.sort);
    const keys = statements.keys(actor.visibilities, query, sort, asOf, limit + 1);
    const page = keys.length > limit ? keys.slice(0, limit) : keys;
    const json = new Map<number, Buffer>();
    const missing: number[] = [];
    for (const [id] of page) {
      const entry = cache.get(id, asOf);
      if (entry) json.set(id, entry.json);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const row of rowsByIds(missing)) {
        const entry = { visibility: row.visibility, version: row.version, json: utf8(render(present(row, asOf))), asOf };
        cache.set(row.id, entry);
        json.set(row.id, entry.json);
      }
    }
    const last = page[page.length - 1];
    const body = pageJson(
      page.map(([id]) => json.get(id)!),
      keys.length > limit && last ? encodeCursor(sort, last[1], last[0]) : null,
    );
    cached.keep(body);
    return body;
  }

  return {
    today: () => todayIn(LONDON),

    /** `get`, written as JSON: from the read cache when it holds the action. */
    getRendered(actor: Actor, id: number, asOf: string, render: RenderAction): RenderedAction {
      if (!cache.usable(actor.visibilities)) {
        const row = findVisible(db, actor, id);
        return { id, version: row.version, json: utf8(render(present(row, asOf))) };
      }
      let entry = cache.get(id, asOf);
      if (entry === undefined) {
        const row = findVisible(db, actor, id);
        entry = { visibility: row.visibility, version: row.version, json: utf8(render(present(row, asOf))), asOf };
        cache.set(id, entry);
      } else if (!cache.visibleTo(entry, actor.visibilities)) {
        throw new NotFoundError('Action', id);
      }
      return { id, version: entry.version, json: entry.json };
    },

    /**
     * A page of GET /v1/actions, written as the response body. With `q`, once the search index
     * holds every change committed before the call (db/search.ts), on the connection searches run
     * on; it rejects with SearchUnavailableError if the index cannot catch up in time.
     */
    listJson(actor: Actor, query: ListActionsQuery, render: RenderAction): PageJson | Promise<PageJson> {
      if (!query.q) return pageJsonOn(listRows, actor, query, render);
      const index = searchIndexOf(db);
      if (!index) throw new Error('search needs a connection that can write');
      return index.ready().then((searchDb) => pageJsonOn(rowsOn(searchDb), actor, query, render));
    },

    create(actor: Actor, input: CreateAction) {
      return transaction(db, (tx) => this.createIn(tx, actor, input));
    },

    /** For callers that create actions as part of a larger write (the minutes import). */
    createIn(tx: Tx, actor: Actor, input: CreateAction) {
      const meeting = rowById(tx, meetings, input.meetingId);
      if (!meeting) throw invalidField('/body/meetingId', `meeting ${input.meetingId} does not exist`);
      if (input.committeeId !== undefined && input.committeeId !== meeting.committeeId) {
        throw invalidField('/body/committeeId', `meeting ${meeting.id} is a meeting of committee ${meeting.committeeId}`);
      }
      const { itemId, itemVisibility } = origin(tx, actor, meeting.id, input.itemId, input.resolutionId);
      checkVisibility(actor, input.visibility, itemVisibility);
      checkPerson(tx, 'requestedById', input.requestedById);
      checkPerson(tx, 'ownerId', input.ownerId);
      checkMeetingOfCommittee(tx, 'dueMeetingId', input.dueMeetingId, meeting.committeeId);
      const due = dueOf(tx, meeting, input);
      const isRecommendation = input.kind === 'recommendation';
      const row = insertAudited(tx, actor, 'action', actions, {
        ...input,
        committeeId: meeting.committeeId,
        itemId,
        ...due,
        visibility: ownVisibilityAtCreation(input.visibility, itemId == null ? null : itemVisibility),
        itemVisibility: itemId == null ? null : itemVisibility,
        executiveResponse: input.executiveResponse ?? (isRecommendation ? 'pending' : null),
        responseDueOn: input.receivedOn ? responseDueOn(input.receivedOn, input.noticeOn) : null,
      });
      return present(findVisible(tx, actor, row.id), todayIn(LONDON));
    },

    update(actor: Actor, id: number, input: UpdateAction, check: (row: { id: number; version: number }) => void) {
      return transaction(db, (tx) => {
        const current = findVisible(tx, actor, id);
        check(current);
        const before = rowById(tx, actions, id)!;
        const changes: Partial<typeof actions.$inferInsert> = { ...input };
        const status = input.status ?? before.status;
        if (input.status && input.status !== before.status) {
          assertTransition(before.status, input.status);
          const givesDue = input.dueMeetingId != null || input.dueDate != null || input.dueQuarter != null;
          if (requiresNewDue(before.status, input.status) && !givesDue) {
            throw invalidField('/body/dueDate', 'reopening a responded action needs a new due: dueMeetingId, dueDate or dueQuarter');
          }
        }
        if (status === 'responded' && before.status !== 'responded') {
          const response = input.response !== undefined ? input.response : before.response;
          if (!response) throw invalidField('/body/response', 'is required to mark an action responded');
          changes.respondedOn = input.respondedOn ?? before.respondedOn ?? todayIn(LONDON);
        }
        if (input.itemId !== undefined || input.resolutionId !== undefined || input.visibility !== undefined) {
          // null unlinks: `??` would read it as "unchanged".
          const { itemId, itemVisibility } = origin(
            tx, actor, before.meetingId,
            input.itemId !== undefined ? input.itemId : before.itemId,
            input.resolutionId !== undefined ? input.resolutionId : before.resolutionId,
          );
          if (input.visibility !== undefined && !actor.visibilities.includes(input.visibility)) {
            throw invalidField('/body/visibility', 'is a level this API key cannot read');
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
          if ('refused' in own) throw invalidField('/body/visibility', own.refused);
          changes.visibility = own.own;
          changes.itemId = itemId;
          changes.itemVisibility = nextItemVisibility;
        }
        checkPerson(tx, 'requestedById', input.requestedById);
        checkPerson(tx, 'ownerId', input.ownerId);
        checkMeetingOfCommittee(tx, 'dueMeetingId', input.dueMeetingId, before.committeeId);
        checkMeetingOfCommittee(tx, 'respondedMeetingId', input.respondedMeetingId, before.committeeId);
        if ('dueMeetingId' in input || 'dueDate' in input || 'dueQuarter' in input) {
          Object.assign(changes, dueOf(tx, rowById(tx, meetings, before.meetingId)!, input));
        }
        if ('receivedOn' in input || 'noticeOn' in input) {
          const receivedOn = input.receivedOn !== undefined ? input.receivedOn : before.receivedOn;
          const noticeOn = input.noticeOn !== undefined ? input.noticeOn : before.noticeOn;
          changes.responseDueOn = receivedOn ? responseDueOn(receivedOn, noticeOn) : null;
        }
        const operation = status === 'withdrawn' && before.status !== 'withdrawn' ? 'withdraw' : 'update';
        const after = updateAudited(tx, actor, 'action', actions, before, changes, operation);
        return present(rowAfterUpdate(current, after, changes) ?? findVisible(tx, actor, id), todayIn(LONDON));
      });
    },

    /** Throws 404 unless the caller may see the action. */
    assertVisible(actor: Actor, id: number) {
      findVisible(db, actor, id);
    },

    updates(actor: Actor, id: number) {
      findVisible(db, actor, id);
      return db.select().from(actionUpdates).where(eq(actionUpdates.actionId, id)).orderBy(asc(actionUpdates.id)).all();
    },

    addUpdate(actor: Actor, id: number, input: CreateActionUpdate) {
      return transaction(db, (tx) => {
        const current = findVisible(tx, actor, id);
        checkPerson(tx, 'authorId', input.authorId);
        const update = insertAudited(tx, actor, 'action_update', actionUpdates, { ...input, actionId: id, recordedBy: actor.name });
        // A RAG given with an update is the action's new RAG: the timeline and the action agree.
        if (input.rag) {
          const before = rowById(tx, actions, current.id)!;
          updateAudited(tx, actor, 'action', actions, before, { rag: input.rag });
        }
        return update;
      });
    },
  };
}


export type ActionRepository = ReturnType<typeof createActionRepository>;
