import type { ActionStatus } from '../domain/action-lifecycle.js';
import type { ExecutiveResponse } from '../domain/executive-response.js';
import { daysFromTo, type LocalDate } from '../domain/local-date.js';
import { isOverdue } from '../domain/overdue.js';
import type { RagRating } from '../domain/vocabulary.js';
import { dateInWords, dayInWords, dayInWordsWithin, days, instantInWords, localDayOf, ordinal } from './words.js';

// The one model of an agenda-pack document (the recommendation tracker, a meeting's action log,
// the overdue report). Its rows are worked out here once, with every value a person reads
// already in words; the renderers (csv.ts, markdown.ts, html.ts, docx.ts) only lay the model
// out, so no format can list different actions or say a date differently from another.

/** An action as the documents read it (modules/tracker/query.ts selects exactly this). */
export interface DocumentSource {
  id: number;
  reference: string | null;
  title: string;
  detail: string | null;
  kind: string;
  ownerId: number | null;
  ownerText: string | null;
  ownerName: string | null;
  raisedMeetingId: number;
  raisedStartsAt: string;
  raisedLocalDate: string;
  minute: string | null;
  dueRule: string;
  dueMeetingId: number | null;
  dueDate: LocalDate | null;
  dueQuarter: string | null;
  dueMeetingLocalDate: LocalDate | null;
  status: ActionStatus;
  rag: RagRating | null;
  executiveResponse: ExecutiveResponse | null;
  responseDueOn: LocalDate | null;
  timesFlagged: number;
  /** The newest progress update's text, RAG and time, all null when there is none. */
  latestUpdateText: string | null;
  latestUpdateRag: RagRating | null;
  latestUpdateAt: string | null;
}

export interface RagCell {
  value: RagRating | null;
  word: string;
  /** For screens and colour printers; the word is always shown beside it, for greyscale. */
  colour: string;
}

export interface DocumentRow {
  id: number;
  reference: string;
  raisedAt: { meetingId: number; startsAt: string; date: LocalDate; minute: string | null; words: string };
  title: string;
  detail: string | null;
  kind: string;
  owner: string | null;
  due: { rule: string; date: LocalDate | null; meetingId: number | null; quarter: string | null; daysOverdue: number | null; words: string };
  latestUpdate: { text: string; rag: RagRating | null; at: string; words: string } | null;
  rag: RagCell;
  status: { value: ActionStatus; word: string };
  timesFlagged: { count: number; words: string };
}

export interface DocumentTable {
  /** What the table lists, as a machine reads it: `actions` (a tracker), `outstanding` and `answered` (an action log), `overdue` and `due_soon` (the overdue report). */
  name: string;
  caption: string;
  rows: DocumentRow[];
  /** What the table says when it has no rows. */
  empty: string;
}

export interface DocumentSection {
  /** The committee the section is about, and the meeting (a tracker's next, an action log's own, a report's next): the CSV's context columns. */
  committee: { id: number; name: string } | null;
  meeting: { id: number; startsAt: string; agendaDespatchBy: string } | null;
  heading: string | null;
  lines: string[];
  tables: DocumentTable[];
}

export const DOCUMENT_KINDS = ['tracker', 'action-log', 'overdue-report'] as const;

export interface DocumentModel {
  document: (typeof DOCUMENT_KINDS)[number];
  title: string;
  /** The running header of every printed page: authority and committee. */
  runningHeader: string;
  asOf: LocalDate;
  lines: string[];
  sections: DocumentSection[];
  ragKey: { rag: RagRating | null; word: string; colour: string; meaning: string }[];
}

const RAG_WORDS: Record<RagRating | 'none', { word: string; colour: string; meaning: string }> = {
  red: { word: 'Red', colour: '#d4351c', meaning: 'Off track: not done, or will not be done by when it is due' },
  amber: { word: 'Amber', colour: '#f47738', meaning: 'At risk: under way, with some doubt it will be done in time' },
  green: { word: 'Green', colour: '#00703c', meaning: 'On track, or done' },
  none: { word: 'Not rated', colour: '#ffffff', meaning: 'No RAG status has been given yet' },
};

export const RAG_KEY: DocumentModel['ragKey'] = (['red', 'amber', 'green', 'none'] as const).map((rag) => ({
  rag: rag === 'none' ? null : rag,
  ...RAG_WORDS[rag],
}));

const STATUS_WORDS: Record<ActionStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  responded: 'Responded',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
};

/** Where each document row's cells are laid out: one list for every human format. */
export const COLUMNS = [
  { key: 'reference', heading: 'Ref.' },
  { key: 'raisedAt', heading: 'Raised at' },
  { key: 'action', heading: 'Action' },
  { key: 'owner', heading: 'Owner' },
  { key: 'due', heading: 'Due' },
  { key: 'progress', heading: 'Latest progress' },
  { key: 'rag', heading: 'RAG' },
  { key: 'status', heading: 'Status' },
  { key: 'flagged', heading: 'Times flagged' },
] as const;
export type ColumnKey = (typeof COLUMNS)[number]['key'];

/** A cell's text as paragraphs: the same words in HTML, Markdown and Word. */
export function cellText(row: DocumentRow, key: ColumnKey): string[] {
  switch (key) {
    case 'reference': return [row.reference];
    case 'raisedAt': return [row.raisedAt.words];
    case 'action': return row.detail ? [row.title, row.detail] : [row.title];
    case 'owner': return [row.owner ?? 'Not assigned'];
    case 'due': return [row.due.words];
    case 'progress': return row.latestUpdate ? [row.latestUpdate.words, row.latestUpdate.text] : ['No update yet'];
    case 'rag': return [row.rag.word];
    case 'status': return [row.status.word];
    case 'flagged': return [row.timesFlagged.words];
  }
}

/** Where a row stands in its document: the CSV's context columns. */
export interface RowPlace {
  asOf: LocalDate;
  section: DocumentSection;
  table: DocumentTable;
}

/**
 * The machine-readable columns (CSV): the row's values, not its words, so a spreadsheet can sort
 * and filter by them; then where the row stands (its table, committee and meeting, the day the
 * document is as of). Every document has the same columns; the overdue report's are those its
 * CSV always had (README "Agenda-pack documents"), among the rest.
 */
export const CSV_COLUMNS: [header: string, value: (row: DocumentRow, place: RowPlace) => string | number | null][] = [
  ['reference', (r) => r.reference],
  ['table', (_r, p) => p.table.caption],
  ['action_id', (r) => r.id],
  ['raised_meeting_id', (r) => r.raisedAt.meetingId],
  ['raised_on', (r) => r.raisedAt.date],
  ['minute', (r) => r.raisedAt.minute],
  ['title', (r) => r.title],
  ['detail', (r) => r.detail],
  ['owner', (r) => r.owner],
  ['due_rule', (r) => r.due.rule],
  ['due_date', (r) => r.due.date],
  ['due_meeting_id', (r) => r.due.meetingId],
  ['due_quarter', (r) => r.due.quarter],
  ['days_overdue', (r) => r.due.daysOverdue],
  ['latest_update', (r) => r.latestUpdate?.text ?? null],
  ['latest_update_at', (r) => r.latestUpdate?.at ?? null],
  ['rag', (r) => r.rag.value],
  ['status', (r) => r.status.value],
  ['times_flagged', (r) => r.timesFlagged.count],
  ['kind', (r) => r.kind],
  ['section', (_r, p) => p.table.name],
  ['committee', (_r, p) => p.section.committee?.name ?? null],
  ['meeting_starts_at', (_r, p) => p.section.meeting?.startsAt ?? null],
  ['agenda_despatch_by', (_r, p) => p.section.meeting?.agendaDespatchBy ?? null],
  ['as_of', (_r, p) => p.asOf],
];

export interface RowContext {
  timeZone: string;
  asOf: LocalDate;
}

function dueInWords(source: DocumentSource, daysOverdue: number | null): string {
  const date = source.dueDate;
  let words: string;
  if (date === null) words = 'No due date set';
  else if (source.dueRule === 'meeting' || source.dueRule === 'next_meeting') {
    // Due at a meeting means due in its agenda pack: the despatch date is the real deadline.
    const meetingDay = source.dueMeetingLocalDate;
    words = meetingDay
      ? `By the agenda for ${dateInWords(meetingDay)} (despatch ${dayInWordsWithin(date, Number(meetingDay.slice(0, 4)))})`
      : `By ${dayInWords(date)}`;
  } else if (source.dueRule === 'quarter' && source.dueQuarter) words = `By the end of ${source.dueQuarter} (${dayInWords(date)})`;
  else words = `By ${dayInWords(date)}`;
  return daysOverdue === null ? words : `${words}: overdue by ${days(daysOverdue)}`;
}

function latestUpdateOf(source: DocumentSource, timeZone: string): DocumentRow['latestUpdate'] {
  const at = source.latestUpdateAt;
  if (at === null) return null;
  return { text: source.latestUpdateText ?? '', rag: source.latestUpdateRag, at, words: dayInWords(localDayOf(at, timeZone)) };
}

const flaggedInWords = (n: number) => (n === 0 ? 'Not flagged' : `${ordinal(n)} meeting without an update`);

/**
 * A document row from an action. `daysOverdue`, when the caller has classified the action
 * already (the overdue report), is used as given; otherwise the action's own rule decides.
 */
export function documentRow(source: DocumentSource, { timeZone, asOf }: RowContext, daysOverdue?: number | null): DocumentRow {
  // Only a date before the as-of day can make an action overdue: the rule (domain/overdue.ts) is
  // asked only then, since it parses the day afresh for every row.
  const missed = [source.dueDate, source.responseDueOn].filter((d): d is string => d !== null && d < asOf).sort()[0];
  const overdueDays = daysOverdue !== undefined
    ? daysOverdue
    : missed !== undefined && isOverdue(source, asOf) ? daysFromTo(missed, asOf) : null;
  const rag = RAG_WORDS[source.rag ?? 'none'];
  const raisedDay = source.raisedLocalDate;
  return {
    id: source.id,
    reference: source.reference ?? '',
    raisedAt: {
      meetingId: source.raisedMeetingId,
      startsAt: source.raisedStartsAt,
      date: raisedDay,
      minute: source.minute,
      words: `${dayInWords(raisedDay)}${source.minute ? `, minute ${source.minute}` : ''}`,
    },
    title: source.title,
    detail: source.detail,
    kind: source.kind,
    owner: (source.ownerId === null ? source.ownerText : source.ownerName || source.ownerText) ?? null,
    due: {
      rule: source.dueRule,
      date: source.dueDate,
      meetingId: source.dueMeetingId,
      quarter: source.dueQuarter,
      daysOverdue: overdueDays,
      words: dueInWords(source, overdueDays),
    },
    latestUpdate: latestUpdateOf(source, timeZone),
    rag: { value: source.rag, word: rag.word, colour: rag.colour },
    status: { value: source.status, word: STATUS_WORDS[source.status] },
    timesFlagged: { count: source.timesFlagged, words: flaggedInWords(source.timesFlagged) },
  };
}

/** "Halton Borough Council — Children's Scrutiny Committee", or just the one that is known. */
export function runningHeader(authority: string | null, committee: string | null): string {
  return [authority, committee].filter((part): part is string => Boolean(part)).join(' — ') || 'Scrutiny Tracker';
}

export { instantInWords, dayInWords };
