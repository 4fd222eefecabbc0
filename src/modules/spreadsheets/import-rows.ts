import type { Program } from '../../db/program.js';
import type { ActionStatus } from '../../domain/action-lifecycle.js';
import type { CreateAction } from '../actions/schemas.js';
import { parseDateCell } from './cells.js';
import type { Column } from './columns.js';
import type { Sheet, SheetRow } from './parse.js';
import { dueOfCell, kindOf, ragOf, STATUS_HINT, statusOf, visibilityOf, type CommitteeRef, type Resolver } from './resolve.js';

// One row of a tracker read as what it asks of the action it names: committee and meeting
// resolved to ids, each given column to the value the action repository takes. Reading only:
// nothing here writes (import-writes.ts does, repository.ts runs both over the sheet). A program
// (db/program.ts): the resolver reads a committee's meetings, the people, … the first time a row asks.

export interface ImportOptions {
  committeeId?: number;
  meetingId?: number;
  dryRun: boolean;
}

/** The longest title an action takes (CreateActionSchema); a longer one keeps its whole text as detail. */
const TITLE_MAX = 300;

/** The due as the action repository takes it: one of the three, or none for the next meeting. */
export interface DueInput { dueMeetingId: number | null; dueDate: string | null; dueQuarter: string | null }

/** What a row asks for, resolved to ids; a field is present only if its column is. */
export interface Desired {
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

/** A row's cells as what it asks for, or the reasons it cannot be read. */
export function* desiredOf(sheet: Sheet, { cells }: SheetRow, resolve: Resolver, options: ImportOptions, error: (column: Column | string, reason: string) => void): Program<Desired | undefined> {
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
      const found = yield* resolve.meetingOn(committee, date);
      if (typeof found === 'string') error('raised_at', found);
      else meetingId = found;
    }
  } else if (options.meetingId !== undefined) {
    const meeting = yield* resolve.meeting(options.meetingId);
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
      const found = yield* resolve.person(text('owner'));
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
      const found = yield* resolve.item(meetingId, text('item'));
      if (typeof found === 'string') error('item', found);
      else desired.itemId = found;
    }
  }
  desired.due = yield* dueOf(sheet, cells, committee, resolve, error);
  if (!committee || meetingId === undefined) return undefined;
  return { ...desired, committee, meetingId } as Desired;
}

/** The due a row gives: by its rule column (the export's), or read from the date column (a council's "Target date"). */
function* dueOf(sheet: Sheet, cells: SheetRow['cells'], committee: CommitteeRef | undefined, resolve: Resolver, error: (column: Column, reason: string) => void): Program<DueInput | undefined> {
  const none: DueInput = { dueMeetingId: null, dueDate: null, dueQuarter: null };
  const cell = (column: Column) => (cells[column] ?? '').trim();
  const rule = cell('due_rule');
  if (rule === '' && !sheet.headingOf.due_date && !sheet.headingOf.due_quarter && !sheet.headingOf.due_meeting) return undefined;
  if (rule === 'next_meeting') return none;
  if (rule === 'meeting' || (rule === '' && cell('due_meeting') !== '')) {
    const date = parseDateCell(cell('due_meeting'));
    if (!date) return void error('due_meeting', 'is not the date of a meeting: write dd/mm/yyyy or YYYY-MM-DD');
    if (!committee) return undefined;
    const found = yield* resolve.meetingOn(committee, date);
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
