import { Compile } from 'typebox/compile';
import type { Db } from '../../db/sqlite/client.js';
import type { Program } from '../../db/program.js';
import { nextStatuses, requiresNewDue, type ActionStatus } from '../../domain/action-lifecycle.js';
import type { Actor } from '../../domain/actor.js';
import { ConflictError, IllegalTransitionError, InvalidFieldError, NotFoundError, ScrutinyError } from '../../errors.js';
import type { ActionRepository } from '../actions/repository.js';
import { CreateActionSchema, UpdateActionSchema, type CreateAction, type UpdateAction } from '../actions/schemas.js';
import type { Column } from './columns.js';
import type { Desired } from './import-rows.js';
import type { Resolver } from './resolve.js';

// One row's action written, inside the import's transaction: created, or brought to what the row
// asks for, through the action repository's own create and update (actions/repository.ts), so that
// every rule, reference, audit event and webhook event applies as for a change made through the
// API. A refusal throws; the import (repository.ts) turns it into the row's errors. Programs
// (db/program.ts); the action repository's writes are called directly until it converts.

export interface RowError { column: string; reason: string }

/** Which column a field of the action repository's input comes from. */
const COLUMN_OF_FIELD: Record<string, Column> = {
  reference: 'reference', committeeId: 'committee', meetingId: 'raised_at', itemId: 'item', resolutionId: 'item', kind: 'kind',
  title: 'title', detail: 'detail', ownerId: 'owner', ownerText: 'owner', dueMeetingId: 'due_meeting', dueDate: 'due_date',
  dueQuarter: 'due_quarter', status: 'status', rag: 'rag', response: 'response', respondedOn: 'responded_on', visibility: 'visibility', text: 'latest_update',
};

// The request schemas the API validates a create and an update with, compiled once: the
// repository trusts its input to have passed them.
const checkCreate = Compile(CreateActionSchema);
const checkUpdate = Compile(UpdateActionSchema);
type Checker = typeof checkCreate | typeof checkUpdate;

export class RowRefused extends Error {
  constructor(readonly errors: RowError[]) {
    super('row refused');
  }
}

/** The shortest run of allowed steps from one status to another (domain/action-lifecycle.ts). */
function statusSteps(from: ActionStatus, to: ActionStatus): ActionStatus[] | undefined {
  if (from === to) return [];
  const paths = new Map<ActionStatus, ActionStatus[]>([[from, []]]);
  const queue: ActionStatus[] = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const next of nextStatuses(at)) {
      if (paths.has(next)) continue;
      const path = [...paths.get(at)!, next];
      if (next === to) return path;
      paths.set(next, path);
      queue.push(next);
    }
  }
  return undefined;
}

/** Throws RowRefused when the schema the API checks would refuse the input. */
function checkSchema(schema: Checker, input: object) {
  if (schema.Check(input)) return;
  // One entry per column: an empty title fails both minLength and pattern.
  const byColumn = new Map<string, string>();
  for (const e of schema.Errors(input)) {
    const column = COLUMN_OF_FIELD[e.instancePath.split('/')[1] ?? ''] ?? '';
    if (!byColumn.has(column)) byColumn.set(column, e.message);
  }
  throw new RowRefused([...byColumn].map(([column, reason]) => ({ column, reason })));
}

/** A refusal from the rules, as the columns it concerns; anything else is rethrown. */
export function rowErrorsOf(err: unknown): RowError[] {
  if (err instanceof RowRefused) return err.errors;
  if (err instanceof InvalidFieldError) return err.errors.map((e) => ({ column: COLUMN_OF_FIELD[e.field.split('/')[0]!] ?? e.field, reason: e.detail }));
  if (err instanceof ConflictError) return [{ column: 'reference', reason: err.message }];
  if (err instanceof IllegalTransitionError) return [{ column: 'status', reason: err.message }];
  if (err instanceof NotFoundError || err instanceof ScrutinyError) return [{ column: '', reason: err.message }];
  throw err;
}

export function createRowWriter(db: Db, actions: ActionRepository) {
  function* statusChange(actor: Actor, id: number, from: ActionStatus, desired: Desired, first: UpdateAction): Program<number> {
    const to = desired.status ?? from;
    const steps = statusSteps(from, to);
    if (!steps) throw new IllegalTransitionError(from, to);
    let writes = 0;
    const updates: UpdateAction[] = steps.map((status) => ({ status }));
    // The other columns' changes go with the first step, as one PATCH would send them (a response
    // with the status that needs it); alone when the status stays.
    if (Object.keys(first).length > 0) {
      if (updates.length > 0) updates[0] = { ...first, ...updates[0] };
      else updates.push(first);
    }
    for (const [i, update] of updates.entries()) {
      const before = i === 0 ? from : (updates[i - 1]!.status ?? from);
      if (update.status && requiresNewDue(before, update.status) && desired.due) Object.assign(update, desired.due);
      checkSchema(checkUpdate, update);
      yield* actions.updateIn(actor, id, update, () => {});
      writes++;
    }
    return writes;
  }

  return {
    *create(actor: Actor, desired: Desired, defaultKind: CreateAction['kind']): Program<{ id: number; reference: string }> {
      const input: CreateAction = {
        meetingId: desired.meetingId,
        committeeId: desired.committee.id,
        kind: desired.kind ?? defaultKind,
        title: desired.title ?? '',
        ...(desired.reference !== undefined ? { reference: desired.reference } : {}),
        ...(desired.detail != null ? { detail: desired.detail } : {}),
        ...(desired.owner ?? {}),
        ...(desired.due ?? {}),
        ...(desired.rag != null ? { rag: desired.rag } : {}),
        ...(desired.visibility !== undefined ? { visibility: desired.visibility } : {}),
        ...(desired.itemId != null ? { itemId: desired.itemId } : {}),
      };
      checkSchema(checkCreate, input);
      const created = yield* actions.createIn(actor, input);
      const after: UpdateAction = {};
      if (desired.response != null) after.response = desired.response;
      if (desired.respondedOn != null) after.respondedOn = desired.respondedOn;
      yield* statusChange(actor, created.id, 'open', desired, after);
      if (desired.latestUpdate !== undefined) yield* actions.addUpdateIn(actor, created.id, { text: desired.latestUpdate });
      return { id: created.id, reference: created.reference };
    },

    /** The update that brings the action to what the row asks, and the columns it changes. */
    *update(actor: Actor, id: number, desired: Desired, resolve: Resolver): Program<string[]> {
      const current = yield* actions.find(actor, id);
      if (current.meetingId !== desired.meetingId) {
        throw new RowRefused([{ column: 'raised_at', reason: `${current.reference} was raised at another meeting; an import does not move an action` }]);
      }
      const fields: UpdateAction = {};
      const changed: Column[] = [];
      const set = <K extends keyof UpdateAction>(column: Column, key: K, value: UpdateAction[K] | undefined, now: unknown) => {
        if (value === undefined || value === now) return;
        fields[key] = value;
        if (!changed.includes(column)) changed.push(column);
      };
      set('kind', 'kind', desired.kind, current.kind);
      set('title', 'title', desired.title, current.title);
      set('detail', 'detail', desired.detail, current.detail);
      if (desired.owner) {
        set('owner', 'ownerId', desired.owner.ownerId, current.ownerId);
        set('owner', 'ownerText', desired.owner.ownerText, current.ownerText);
      }
      set('rag', 'rag', desired.rag, current.rag);
      set('response', 'response', desired.response, current.response);
      set('responded_on', 'respondedOn', desired.respondedOn, current.respondedOn);
      set('visibility', 'visibility', desired.visibility, current.visibility);
      set('item', 'itemId', desired.itemId, current.itemId);
      if (desired.due) {
        const { dueMeetingId, dueDate, dueQuarter } = desired.due;
        const same = dueMeetingId !== null ? current.dueRule === 'meeting' && current.dueMeetingId === dueMeetingId
          : dueDate !== null ? current.dueRule === 'date' && current.dueDate === dueDate
          : dueQuarter !== null ? current.dueRule === 'quarter' && current.dueQuarter === dueQuarter
          : current.dueRule === 'next_meeting';
        if (!same) {
          Object.assign(fields, desired.due);
          changed.push(dueMeetingId !== null ? 'due_meeting' : dueQuarter !== null ? 'due_quarter' : 'due_date');
        }
      }
      if (desired.status !== undefined && desired.status !== current.status) changed.push('status');
      const newUpdate = desired.latestUpdate !== undefined && desired.latestUpdate !== (yield* resolve.latestUpdate(id));
      if (newUpdate) changed.push('latest_update');
      if (changed.length === 0) return [];
      yield* statusChange(actor, id, current.status, desired, fields);
      if (newUpdate) yield* actions.addUpdateIn(actor, id, { text: desired.latestUpdate! });
      return changed;
    },
  };
}

export type RowWriter = ReturnType<typeof createRowWriter>;
