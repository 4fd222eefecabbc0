import { Compile } from 'typebox/compile';
import type { Db } from '../../db/sqlite/client.js';
import { transaction } from '../../db/sqlite/transaction.js';
import { nextStatuses, requiresNewDue, type ActionStatus } from '../../domain/action-lifecycle.js';
import type { Actor } from '../../domain/actor.js';
import { ConflictError, IllegalTransitionError, InvalidFieldError, NotFoundError, ScrutinyError } from '../../errors.js';
import type { ActionRepository } from '../actions/repository.js';
import { CreateActionSchema, UpdateActionSchema, type CreateAction, type UpdateAction } from '../actions/schemas.js';
import type { Column } from './columns.js';
import { parseDateCell } from './cells.js';
import type { Sheet, SheetRow } from './parse.js';
import { createResolver, dueOfCell, kindOf, ragOf, STATUS_HINT, statusOf, visibilityOf, type CommitteeRef, type Resolver } from './resolve.js';

// POST /v1/imports/actions: a tracker's rows written as actions, through the action repository's
// own create and update (actions/repository.ts), so that every rule, reference, audit event and
// webhook event applies as for a change made through the API. The whole file is one transaction;
// each row is a savepoint inside it, so a row the rules refuse is undone alone and the rows after
// it are still tried: the answer lists every bad row, and then the transaction is rolled back
// and nothing is written. A dry run does the same and always rolls back.

export const IMPORT_RESULTS = ['created', 'updated', 'unchanged', 'error'] as const;

export interface RowError { column: string; reason: string }
export interface RowResult {
  row: number;
  result: (typeof IMPORT_RESULTS)[number];
  reference: string | null;
  /** The action created or updated (for a dry run, what its id would have been). */
  id?: number;
  /** The columns an update changes. */
  changed?: string[];
  errors?: RowError[];
}

export interface ImportOptions {
  committeeId?: number;
  meetingId?: number;
  dryRun: boolean;
}

/** The longest title an action takes (CreateActionSchema); a longer one keeps its whole text as detail. */
const TITLE_MAX = 300;

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

class RowRefused extends Error {
  constructor(readonly errors: RowError[]) {
    super('row refused');
  }
}
class RollBack extends Error {}

/** The due as the action repository takes it: one of the three, or none for the next meeting. */
interface DueInput { dueMeetingId: number | null; dueDate: string | null; dueQuarter: string | null }

/** What a row asks for, resolved to ids; a field is present only if its column is. */
interface Desired {
  committee: CommitteeRef;
  meetingId: number;
  reference?: string;
  kind?: CreateAction['kind'];
  title?: string;
  detail?: string | null;
  owner?: { ownerId: number | null; ownerText: string | null };
  due?: DueInput;
  status?: ActionStatus;
  rag?: CreateAction['rag'];
  response?: string | null;
  respondedOn?: string | null;
  visibility?: CreateAction['visibility'];
  itemId?: number | null;
  latestUpdate?: string;
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

export function createSpreadsheetImport(db: Db, { actions }: { actions: ActionRepository }) {
  /** A row's cells as what it asks for, or the reasons it cannot be read. */
  function desiredOf(sheet: Sheet, { cells }: SheetRow, resolve: Resolver, options: ImportOptions, error: (column: Column | string, reason: string) => void): Desired | undefined {
    const has = (column: Column) => cells[column] !== undefined;
    const text = (column: Column) => cells[column] ?? '';
    const blank = (column: Column) => text(column).trim() === '';

    let committee: CommitteeRef | undefined;
    let meetingId: number | undefined;
    if (!blank('committee')) {
      const found = resolve.committee(text('committee'));
      if (typeof found === 'string') error('committee', found);
      else committee = found;
    } else if (options.committeeId !== undefined) {
      committee = resolve.committeeById(options.committeeId);
      if (!committee) error('?committeeId', `committee ${options.committeeId} does not exist`);
    }
    if (!blank('raised_at')) {
      const date = parseDateCell(text('raised_at').trim());
      if (!date) error('raised_at', 'is not a date: write dd/mm/yyyy or YYYY-MM-DD');
      else if (committee) {
        const found = resolve.meetingOn(committee, date);
        if (typeof found === 'string') error('raised_at', found);
        else meetingId = found;
      }
    } else if (options.meetingId !== undefined) {
      const meeting = resolve.meeting(options.meetingId);
      if (!meeting) error('?meetingId', `meeting ${options.meetingId} does not exist`);
      else if (committee && meeting.committeeId !== committee.id) error('?meetingId', `meeting ${meeting.id} is not a meeting of ${committee.name}`);
      else {
        committee ??= resolve.committeeById(meeting.committeeId);
        meetingId = meeting.id;
      }
    } else {
      error('raised_at', 'is blank: give the date of the meeting the action was raised at, or ?meetingId=');
    }
    if (!committee && blank('committee') && options.committeeId === undefined && !(blank('raised_at') && options.meetingId !== undefined)) {
      error('committee', 'is blank: give the committee\'s name or id, or ?committeeId=');
    }

    const desired: Partial<Desired> = {};
    if (!blank('reference')) desired.reference = text('reference').trim();
    if (has('kind') && !blank('kind')) {
      desired.kind = kindOf(text('kind'));
      if (!desired.kind) error('kind', 'is not one of update, information, recommendation, task');
    }
    if (has('title')) {
      const title = text('title');
      if (title.length > TITLE_MAX) {
        // A recommendation's whole text is often longer than a title: the title is its start, the detail all of it.
        const cut = title.slice(0, TITLE_MAX - 1);
        desired.title = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), TITLE_MAX / 2)).trimEnd()}…`;
        desired.detail = blank('detail') ? title : `${title}\n\n${text('detail')}`;
      } else desired.title = title;
    }
    if (has('detail') && desired.detail === undefined) desired.detail = blank('detail') ? null : text('detail');
    if (has('owner')) {
      if (blank('owner')) desired.owner = { ownerId: null, ownerText: null };
      else {
        const found = resolve.person(text('owner'));
        if (typeof found === 'string') error('owner', found);
        else desired.owner = 'id' in found ? { ownerId: found.id, ownerText: null } : { ownerId: null, ownerText: found.text };
      }
    }
    if (has('status') && !blank('status')) {
      desired.status = statusOf(text('status'));
      if (!desired.status) error('status', `is not a status: ${STATUS_HINT}`);
    }
    if (has('rag')) {
      if (blank('rag')) desired.rag = null;
      else {
        desired.rag = ragOf(text('rag'));
        if (!desired.rag) error('rag', 'is not red, amber or green');
      }
    }
    if (has('response')) desired.response = blank('response') ? null : text('response');
    if (has('responded_on')) {
      if (blank('responded_on')) desired.respondedOn = null;
      else {
        desired.respondedOn = parseDateCell(text('responded_on').trim());
        if (!desired.respondedOn) error('responded_on', 'is not a date: write dd/mm/yyyy or YYYY-MM-DD');
      }
    }
    if (has('visibility') && !blank('visibility')) {
      desired.visibility = visibilityOf(text('visibility'));
      if (!desired.visibility) error('visibility', 'is not public, exempt or confidential');
    }
    if (has('latest_update') && !blank('latest_update')) desired.latestUpdate = text('latest_update');
    if (has('item') && meetingId !== undefined) {
      if (blank('item')) desired.itemId = null;
      else {
        const found = resolve.item(meetingId, text('item'));
        if (typeof found === 'string') error('item', found);
        else desired.itemId = found;
      }
    }
    desired.due = dueOf(sheet, cells, committee, resolve, error);
    if (!committee || meetingId === undefined) return undefined;
    return { ...desired, committee, meetingId } as Desired;
  }

  /** The due a row gives: by its rule column (the export's), or read from the date column (a council's "Target date"). */
  function dueOf(sheet: Sheet, cells: SheetRow['cells'], committee: CommitteeRef | undefined, resolve: Resolver, error: (column: Column, reason: string) => void): DueInput | undefined {
    const none: DueInput = { dueMeetingId: null, dueDate: null, dueQuarter: null };
    const cell = (column: Column) => (cells[column] ?? '').trim();
    const rule = cell('due_rule');
    if (rule === '' && !sheet.headingOf.due_date && !sheet.headingOf.due_quarter && !sheet.headingOf.due_meeting) return undefined;
    if (rule === 'next_meeting') return none;
    if (rule === 'meeting' || (rule === '' && cell('due_meeting') !== '')) {
      const date = parseDateCell(cell('due_meeting'));
      if (!date) return void error('due_meeting', 'is not the date of a meeting: write dd/mm/yyyy or YYYY-MM-DD');
      if (!committee) return undefined;
      const found = resolve.meetingOn(committee, date);
      return typeof found === 'string' ? void error('due_meeting', found) : { ...none, dueMeetingId: found };
    }
    if (rule === 'quarter' || (rule === '' && cell('due_quarter') !== '')) {
      const due = dueOfCell(cell('due_quarter'));
      return due?.rule === 'quarter' ? { ...none, dueQuarter: due.quarter } : void error('due_quarter', 'is not a financial quarter like "2024-25 Q3"');
    }
    if (rule !== '' && rule !== 'date') return void error('due_rule', 'is not one of meeting, date, quarter, next_meeting');
    const due = dueOfCell(cell('due_date'));
    if (!due) return void error('due_date', 'is not a date (dd/mm/yyyy or YYYY-MM-DD), a quarter ("2024-25 Q3") or "next meeting"');
    if (rule === 'date' && due.rule !== 'date') return void error('due_date', 'is not a date: write dd/mm/yyyy or YYYY-MM-DD');
    return due.rule === 'date' ? { ...none, dueDate: due.date } : due.rule === 'quarter' ? { ...none, dueQuarter: due.quarter } : none;
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

  function statusChange(actor: Actor, id: number, from: ActionStatus, desired: Desired, first: UpdateAction): number {
    const to = desired.status ?? from;
    const steps = statusSteps(from, to);
    if (!steps) throw new IllegalTransitionError(from, to);
    let writes = 0;
    const updates: UpdateAction[] = steps.map((status) => ({ status }));
    if (Object.keys(first).length > 0) updates.unshift(first);
    for (const [i, update] of updates.entries()) {
      const before = i === 0 ? from : (updates[i - 1]!.status ?? from);
      if (update.status && requiresNewDue(before, update.status) && desired.due) Object.assign(update, desired.due);
      checkSchema(checkUpdate, update);
      actions.update(actor, id, update, () => {});
      writes++;
    }
    return writes;
  }

  function create(actor: Actor, desired: Desired, defaultKind: CreateAction['kind']): { id: number; reference: string } {
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
    const created = transaction(db, (tx) => actions.createIn(tx, actor, input));
    const after: UpdateAction = {};
    if (desired.response != null) after.response = desired.response;
    if (desired.respondedOn != null) after.respondedOn = desired.respondedOn;
    statusChange(actor, created.id, 'open', desired, after);
    if (desired.latestUpdate !== undefined) actions.addUpdate(actor, created.id, { text: desired.latestUpdate });
    return { id: created.id, reference: created.reference };
  }

  /** The update that brings the action to what the row asks, and the columns it changes. */
  function update(actor: Actor, id: number, desired: Desired, resolve: Resolver): string[] {
    const current = actions.find(actor, id);
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
    const newUpdate = desired.latestUpdate !== undefined && desired.latestUpdate !== resolve.latestUpdate(id);
    if (newUpdate) changed.push('latest_update');
    if (changed.length === 0) return [];
    statusChange(actor, id, current.status, desired, fields);
    if (newUpdate) actions.addUpdate(actor, id, { text: desired.latestUpdate! });
    return changed;
  }

  /** A refusal from the rules, as the columns it concerns. */
  function rowErrorsOf(err: unknown): RowError[] {
    if (err instanceof RowRefused) return err.errors;
    if (err instanceof InvalidFieldError) return err.errors.map((e) => ({ column: COLUMN_OF_FIELD[e.field.split('/')[0]!] ?? e.field, reason: e.detail }));
    if (err instanceof ConflictError) return [{ column: 'reference', reason: err.message }];
    if (err instanceof IllegalTransitionError) return [{ column: 'status', reason: err.message }];
    if (err instanceof NotFoundError || err instanceof ScrutinyError) return [{ column: '', reason: err.message }];
    throw err;
  }

  return {
    /**
     * Imports the sheet's rows: every row's result, and whether anything was kept (not for a dry
     * run, nor when any row is refused). Errors name the file's own headings (or `?committeeId`).
     */
    run(actor: Actor, sheet: Sheet, options: ImportOptions): { results: RowResult[]; written: boolean } {
      const defaultKind: CreateAction['kind'] = sheet.headingOf.title && /^recommendation$/i.test(sheet.headingOf.title.trim()) ? 'recommendation' : 'task';
      const heading = (column: string) => sheet.headingOf[column as Column] ?? column;
      const results: RowResult[] = [];
      try {
        transaction(db, (tx) => {
          const resolve = createResolver(tx, actor);
          const seen = new Map<string, number>();
          for (const row of sheet.rows) {
            const errors: RowError[] = [];
            const error = (column: string, reason: string) => errors.push({ column: heading(column), reason });
            const desired = desiredOf(sheet, row, resolve, options, error);
            const reference = desired?.reference ?? null;
            if (desired?.reference !== undefined) {
              const key = `${desired.committee.id}|${desired.reference}`;
              const first = seen.get(key);
              if (first !== undefined) error('reference', `"${desired.reference}" is also on row ${first}: a reference names one action of a committee`);
              else seen.set(key, row.row);
            }
            if (!desired || errors.length > 0) {
              results.push({ row: row.row, result: 'error', reference, errors });
              continue;
            }
            try {
              const outcome = transaction(db, (): RowResult => {
                const holder = desired.reference === undefined ? undefined : resolve.holder(desired.committee.id, desired.reference);
                if (holder === undefined) {
                  const made = create(actor, desired, defaultKind);
                  return { row: row.row, result: 'created', reference: made.reference, id: made.id };
                }
                try {
                  actions.assertVisible(actor, holder);
                } catch {
                  // Not which action holds it: that one is business this key may not read.
                  throw new ConflictError(`Reference "${desired.reference}" is already used by another action of ${desired.committee.name}`);
                }
                const changed = update(actor, holder, desired, resolve);
                return changed.length === 0
                  ? { row: row.row, result: 'unchanged', reference, id: holder }
                  : { row: row.row, result: 'updated', reference, id: holder, changed: changed.map(heading) };
              });
              results.push(outcome);
            } catch (err) {
              results.push({ row: row.row, result: 'error', reference, errors: rowErrorsOf(err).map((e) => ({ column: heading(e.column), reason: e.reason })) });
            }
          }
          if (options.dryRun || results.some((r) => r.result === 'error')) throw new RollBack();
        });
      } catch (err) {
        if (!(err instanceof RollBack)) throw err;
        return { results, written: false };
      }
      return { results, written: true };
    },
  };
}

export type SpreadsheetImport = ReturnType<typeof createSpreadsheetImport>;
