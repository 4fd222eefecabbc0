import { InvalidFieldError, invalidField } from '../errors.js';
import { quarterEndDate } from './financial-quarter.js';
import { instantMillis, isLocalDate, type LocalDate } from './local-date.js';

// Due-rule resolution (DESIGN.md "Due rules"). An action is due by exactly one of a named
// meeting, a date or a financial quarter; with none, by the committee's next meeting after the
// one it was raised at. Every rule ends in one effective due-by date, which overdue.ts uses.

export const DUE_RULES = ['meeting', 'date', 'quarter', 'next_meeting'] as const;
export type DueRule = (typeof DUE_RULES)[number];
/** The rules whose due-by date is a meeting's agenda despatch date, read from the meeting. */
export const MEETING_DUE_RULES: readonly DueRule[] = ['meeting', 'next_meeting'];

export const MEETING_STATUSES = ['scheduled', 'held', 'cancelled', 'postponed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** What resolution needs of a meeting; `localDate` is localDateOf(startsAt, committee's zone). */
export interface MeetingForDue {
  id: number;
  startsAt: string;
  localDate: LocalDate;
  status: MeetingStatus;
}

/** The due fields as given by the caller; null and absent both mean "not given". */
export interface DueFields {
  dueMeetingId?: number | null;
  dueDate?: LocalDate | null;
  dueQuarter?: string | null;
}

/**
 * A meeting an action can be due at, with its agenda despatch date as the meeting has it
 * (calendar.ts agendaDespatchBy of its local date, the committee's clear days and the holiday
 * calendar; the meetings' writes keep it so when any of those change).
 */
export interface DueMeeting extends MeetingForDue {
  agendaDespatchBy: LocalDate;
}

export interface DueContext {
  /** The meeting the action was raised at. */
  raisedAt: Pick<MeetingForDue, 'startsAt'>;
  /** The committee's meetings, in any order; a named due meeting must be one of them. */
  meetings: readonly DueMeeting[];
  /** For errors, the path to the object holding the due fields ("actions/2"); none when they stand alone. */
  field?: string;
}

export interface ResolvedDue {
  dueRule: DueRule;
  dueMeetingId: number | null;
  /** The effective due-by date: the due meeting's agendaDespatchBy, the date or quarter end. */
  dueDate: LocalDate | null;
  dueQuarter: string | null;
}

const DUE_FIELDS = ['dueMeetingId', 'dueDate', 'dueQuarter'] as const;

export function resolveDue(fields: DueFields, context: DueContext): ResolvedDue {
  const fieldName = (name: string) => (context.field ? `${context.field}/${name}` : name);
  const given = DUE_FIELDS.filter((name) => fields[name] != null);
  if (given.length > 1) {
    const detail =
      `give at most one of dueMeetingId, dueDate and dueQuarter (got ${given.join(' and ')})`;
    throw new InvalidFieldError(given.map((name) => ({ field: fieldName(name), detail })));
  }
  if (fields.dueMeetingId != null) {
    const id = fields.dueMeetingId;
    const meeting = context.meetings.find((m) => m.id === id);
    if (meeting === undefined) {
      const detail = `meeting ${id} is not a meeting of this committee`;
      throw invalidField(fieldName('dueMeetingId'), detail);
    }
    // A meeting named explicitly stays the due meeting even if it is cancelled: the person who
    // named it chose it, and moving it silently would hide that the plan changed.
    return { dueRule: 'meeting', dueMeetingId: id, dueDate: meeting.agendaDespatchBy, dueQuarter: null };
  }
  if (fields.dueDate != null) {
    if (!isLocalDate(fields.dueDate)) {
      throw invalidField(fieldName('dueDate'), 'must be a calendar date, YYYY-MM-DD');
    }
    return { dueRule: 'date', dueMeetingId: null, dueDate: fields.dueDate, dueQuarter: null };
  }
  if (fields.dueQuarter != null) {
    const dueDate = quarterEndDate(fields.dueQuarter, fieldName('dueQuarter'));
    return { dueRule: 'quarter', dueMeetingId: null, dueDate, dueQuarter: fields.dueQuarter };
  }
  const next = nextMeetingAfter(context.meetings, context.raisedAt);
  return {
    dueRule: 'next_meeting',
    dueMeetingId: next?.id ?? null,
    dueDate: next === null ? null : next.agendaDespatchBy,
    dueQuarter: null,
  };
}

/** Scheduled meetings in the order they happen; ties (same instant) by id. */
function scheduledInOrder<M extends MeetingForDue>(meetings: readonly M[]): M[] {
  return meetings
    .filter((m) => m.status === 'scheduled')
    .map((m) => ({ meeting: m, at: instantMillis(m.startsAt) }))
    .sort((a, b) => a.at - b.at || a.meeting.id - b.meeting.id)
    .map(({ meeting }) => meeting);
}

/**
 * The first scheduled meeting that starts strictly after `after`. Held, cancelled and postponed
 * meetings are passed over: an action due at a cancelled meeting moves to the following one, and
 * one still unanswered when its meeting is held moves on to the next (keeping its flags).
 */
export function nextMeetingAfter<M extends MeetingForDue>(
  meetings: readonly M[],
  after: Pick<MeetingForDue, 'startsAt'>,
): M | null {
  const from = instantMillis(after.startsAt);
  return scheduledInOrder(meetings).find((m) => instantMillis(m.startsAt) > from) ?? null;
}

/** The committee's next meeting as of a day: its first scheduled meeting on or after that day. */
export function nextMeetingAsOf<M extends MeetingForDue>(
  meetings: readonly M[],
  asOf: LocalDate,
): M | null {
  return scheduledInOrder(meetings).find((m) => m.localDate >= asOf) ?? null;
}
