import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { actions, actionUpdates, agendaItems, meetings, people, resolutions } from '../../db/schema.js';
import { assertTransition, requiresNewDue } from '../../domain/action-lifecycle.js';
import { resolveDue, type DueFields } from '../../domain/due.js';
import { responseDueOn } from '../../domain/executive-response.js';
import { todayIn } from '../../domain/clock.js';
import { isOverdue } from '../../domain/overdue.js';
import { isLooser, stricter, type Visibility } from '../../domain/visibility.js';
import { invalidField, NotFoundError } from '../../errors.js';
import type { Actor } from '../../http/context.js';
import { parseSort, toPage, type Page } from '../../http/pagination.js';
import type { HolidayRepository } from '../holidays/repository.js';
import type { MeetingRepository } from '../meetings/repository.js';
import { insertAudited, updateAudited, type Tx } from '../shared/crud.js';
import { listActionsStatements } from './list-query.js';
import { actionByIdStatements, type ActionRow } from './query.js';
import type { Action, CreateAction, CreateActionUpdate, ListActionsQuery, UpdateAction } from './schemas.js';

interface Deps {
  holidays: HolidayRepository;
  meetings: MeetingRepository;
  items: unknown;
}

const LONDON = 'Europe/London';

/** An action as the API returns it: the row plus `overdue` as of the given day. */
export function present(row: ActionRow, asOf: string): Action & { version: number } {
  return { ...row, overdue: isOverdue(row, asOf) };
}

export function createActionRepository(db: Db, { holidays }: Deps) {
  const actionById = actionByIdStatements(db);
  const listRows = listActionsStatements(db);

  function findVisible(_tx: Db | Tx, actor: Actor, id: number): ActionRow {
    const row = actionById(actor.visibilities, id);
    if (!row) throw new NotFoundError('Action', id);
    return row;
  }

  function committeeMeetings(tx: Tx, committeeId: number) {
    return tx
      .select({ id: meetings.id, startsAt: meetings.startsAt, localDate: meetings.localDate, status: meetings.status })
      .from(meetings)
      .where(eq(meetings.committeeId, committeeId))
      .all();
  }

  function dueOf(tx: Tx, committeeId: number, raisedAtId: number, fields: DueFields) {
    const schedule = committeeMeetings(tx, committeeId);
    const raisedAt = schedule.find((m) => m.id === raisedAtId)!;
    const committee = tx.query.committees.findFirst({ where: (c, { eq: e }) => e(c.id, committeeId) }).sync()!;
    const due = resolveDue(fields, {
      raisedAt,
      meetings: schedule,
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
    if (!tx.select({ id: people.id }).from(people).where(eq(people.id, id)).get()) {
      throw invalidField(`/body/${field}`, `person ${id} does not exist`);
    }
  }

  function checkMeetingOfCommittee(tx: Tx, field: string, id: number | null | undefined, committeeId: number) {
    if (id == null) return;
    const m = tx.select({ committeeId: meetings.committeeId }).from(meetings).where(eq(meetings.id, id)).get();
    if (!m || m.committeeId !== committeeId) throw invalidField(`/body/${field}`, `meeting ${id} is not a meeting of committee ${committeeId}`);
  }

  /** The item and resolution an action hangs from, checked against the meeting and the caller. */
  function origin(tx: Tx, actor: Actor, meetingId: number, itemId?: number | null, resolutionId?: number | null) {
    let item = itemId ?? null;
    if (resolutionId != null) {
      const r = tx
        .select({ itemId: resolutions.itemId, visibility: agendaItems.visibility })
        .from(resolutions)
        .innerJoin(agendaItems, eq(agendaItems.id, resolutions.itemId))
        .where(eq(resolutions.id, resolutionId))
        .get();
      // A resolution of an item the caller may not read answers exactly as a missing one.
      if (!r || !actor.visibilities.includes(r.visibility)) throw invalidField('/body/resolutionId', `resolution ${resolutionId} does not exist`);
      if (item != null && r.itemId !== item) throw invalidField('/body/resolutionId', `resolution ${resolutionId} is not of item ${item}`);
      item = r.itemId;
    }
    let itemVisibility: Visibility = 'public';
    if (item != null) {
      const row = tx.select().from(agendaItems).where(eq(agendaItems.id, item)).get();
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

  return {
    today: () => todayIn(LONDON),

    get(actor: Actor, id: number, asOf = todayIn(LONDON)) {
      return present(findVisible(db, actor, id), asOf);
    },

    list(actor: Actor, query: ListActionsQuery): Page<Action> {
      const asOf = query.asOf ?? todayIn(LONDON);
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort);
      const rows = listRows(actor.visibilities, query, sort, asOf, limit + 1);
      const result = toPage(rows, limit, sort, (r) => (sort.field === 'dueDate' ? (r.dueDate ?? '') : (r[sort.field as keyof ActionRow] as string | number)));
      return { data: result.data.map((r) => present(r, asOf)), nextCursor: result.nextCursor };
    },

    create(actor: Actor, input: CreateAction) {
      return db.transaction((tx) => this.createIn(tx, actor, input));
    },

    /** For callers that create actions as part of a larger write (the minutes import). */
    createIn(tx: Tx, actor: Actor, input: CreateAction) {
      const meeting = tx.select().from(meetings).where(eq(meetings.id, input.meetingId)).get();
      if (!meeting) throw invalidField('/body/meetingId', `meeting ${input.meetingId} does not exist`);
      if (input.committeeId !== undefined && input.committeeId !== meeting.committeeId) {
        throw invalidField('/body/committeeId', `meeting ${meeting.id} is a meeting of committee ${meeting.committeeId}`);
      }
      const { itemId, itemVisibility } = origin(tx, actor, meeting.id, input.itemId, input.resolutionId);
      checkVisibility(actor, input.visibility, itemVisibility);
      checkPerson(tx, 'requestedById', input.requestedById);
      checkPerson(tx, 'ownerId', input.ownerId);
      checkMeetingOfCommittee(tx, 'dueMeetingId', input.dueMeetingId, meeting.committeeId);
      const due = dueOf(tx, meeting.committeeId, meeting.id, input);
      const isRecommendation = input.kind === 'recommendation';
      const row = insertAudited(tx, actor, 'action', actions, {
        ...input,
        committeeId: meeting.committeeId,
        itemId,
        ...due,
        visibility: input.visibility ?? stricter('public', itemVisibility),
        executiveResponse: input.executiveResponse ?? (isRecommendation ? 'pending' : null),
        responseDueOn: input.receivedOn ? responseDueOn(input.receivedOn, input.noticeOn) : null,
      });
      return present(findVisible(tx, actor, row.id), todayIn(LONDON));
    },

    update(actor: Actor, id: number, input: UpdateAction, check: (row: { id: number; version: number }) => void) {
      return db.transaction((tx) => {
        const current = findVisible(tx, actor, id);
        check(current);
        const before = tx.select().from(actions).where(eq(actions.id, id)).get()!;
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
          const { itemId, itemVisibility } = origin(tx, actor, before.meetingId, input.itemId ?? before.itemId, input.resolutionId ?? before.resolutionId);
          checkVisibility(actor, input.visibility ?? before.visibility, itemVisibility);
          // DESIGN.md: an action's visibility can be tightened, never loosened.
          if (input.visibility !== undefined && isLooser(input.visibility, before.visibility)) {
            throw invalidField('/body/visibility', `cannot be loosened from ${before.visibility}`);
          }
          changes.itemId = itemId;
        }
        checkPerson(tx, 'requestedById', input.requestedById);
        checkPerson(tx, 'ownerId', input.ownerId);
        checkPerson(tx, 'ownerId', input.ownerId);
        checkMeetingOfCommittee(tx, 'dueMeetingId', input.dueMeetingId, before.committeeId);
        checkMeetingOfCommittee(tx, 'respondedMeetingId', input.respondedMeetingId, before.committeeId);
        if ('dueMeetingId' in input || 'dueDate' in input || 'dueQuarter' in input) {
          Object.assign(changes, dueOf(tx, before.committeeId, before.meetingId, input));
        }
        if ('receivedOn' in input || 'noticeOn' in input) {
          const receivedOn = input.receivedOn !== undefined ? input.receivedOn : before.receivedOn;
          const noticeOn = input.noticeOn !== undefined ? input.noticeOn : before.noticeOn;
          changes.responseDueOn = receivedOn ? responseDueOn(receivedOn, noticeOn) : null;
        }
        const operation = status === 'withdrawn' && before.status !== 'withdrawn' ? 'withdraw' : 'update';
        updateAudited(tx, actor, 'action', actions, before, changes, operation);
        return present(findVisible(tx, actor, id), todayIn(LONDON));
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
      return db.transaction((tx) => {
        const current = findVisible(tx, actor, id);
        checkPerson(tx, 'authorId', input.authorId);
        const update = insertAudited(tx, actor, 'action_update', actionUpdates, { ...input, actionId: id, recordedBy: actor.name });
        // A RAG given with an update is the action's new RAG: the timeline and the action agree.
        if (input.rag) {
          const before = tx.select().from(actions).where(eq(actions.id, current.id)).get()!;
          updateAudited(tx, actor, 'action', actions, before, { rag: input.rag });
        }
        return update;
      });
    },
  };
}


export type ActionRepository = ReturnType<typeof createActionRepository>;
