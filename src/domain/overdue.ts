import type { ActionStatus } from './action-lifecycle.js';
import { addWorkingDays } from './calendar.js';
import type { ExecutiveResponse } from './executive-response.js';
import type { HolidayCalendar } from './holiday-calendar.js';
import { daysFromTo, type LocalDate, toDateTime } from './local-date.js';

// Overdue and due-soon as of a day D (DESIGN.md "Overdue: when and what"). Nothing here is
// stored: the `overdue` field on an action, the report and the scan all derive it from this.

export interface OverdueSubject {
  status: ActionStatus;
  /** The effective due-by date, ResolvedDue.dueDate; null when there is nothing to be due by. */
  dueDate: LocalDate | null;
  /** Recommendations only. */
  executiveResponse?: ExecutiveResponse | null;
  responseDueOn?: LocalDate | null;
}

export interface DueSoonSettings {
  calendar: HolidayCalendar;
  /** The committee's `reminderWorkingDays`. */
  reminderWorkingDays: number;
}

/** Which deadline was missed: the action's own due-by date, or the s9FE response period. */
export type OverdueReason = 'due_date_passed' | 'executive_response_late';

export interface OverdueClassification {
  overdue: boolean;
  dueSoon: boolean;
  /**
   * The date to report: when overdue, the earliest missed deadline; otherwise the earliest one
   * still to come (null when none applies, e.g. a closed action).
   */
  dueBy: LocalDate | null;
  /** Calendar days from `dueBy` to the as-of day; null when not overdue. */
  daysOverdue: number | null;
  reasons: OverdueReason[];
}

interface Deadline {
  reason: OverdueReason;
  date: LocalDate;
}

/** Deadlines that still bind an action in its current status. */
function deadlinesOf(action: OverdueSubject): Deadline[] {
  const deadlines: Deadline[] = [];
  const beingWorked = action.status === 'open' || action.status === 'in_progress';
  if (beingWorked && action.dueDate != null) {
    deadlines.push({ reason: 'due_date_passed', date: action.dueDate });
  }
  // The executive's statutory duty is separate from the action's status: a recommendation marked
  // `responded` (say, an officer's reply) is still late if the executive has not formally
  // responded. Closed and withdrawn actions are done with, so they are never overdue.
  const stillLive = beingWorked || action.status === 'responded';
  if (stillLive && action.executiveResponse === 'pending' && action.responseDueOn != null) {
    deadlines.push({ reason: 'executive_response_late', date: action.responseDueOn });
  }
  return deadlines.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** Missed deadlines as of the day, earliest first. */
function missedAsOf(action: OverdueSubject, asOf: LocalDate): Deadline[] {
  toDateTime(asOf);
  return deadlinesOf(action).filter((d) => d.date < asOf);
}

/** Whether the action is overdue as of the day — the `overdue` field on every action. */
export function isOverdue(action: OverdueSubject, asOf: LocalDate): boolean {
  return missedAsOf(action, asOf).length > 0;
}

/**
 * Classifies an action as of a day for the overdue report. When more than one deadline has been
 * missed, the earliest is reported: the action has been overdue since then, and `daysOverdue`
 * from a later date would understate how long the committee has been waiting.
 */
export function classifyOverdue(
  action: OverdueSubject,
  asOf: LocalDate,
  settings: DueSoonSettings,
): OverdueClassification {
  const missed = missedAsOf(action, asOf);
  const [firstMissed] = missed;
  if (firstMissed !== undefined) {
    return {
      overdue: true,
      dueSoon: false,
      dueBy: firstMissed.date,
      daysOverdue: daysFromTo(firstMissed.date, asOf),
      reasons: missed.map((d) => d.reason),
    };
  }
  const { calendar, reminderWorkingDays } = settings;
  if (!Number.isInteger(reminderWorkingDays) || reminderWorkingDays < 0) {
    throw new RangeError(`reminderWorkingDays must be an integer ≥ 0: ${reminderWorkingDays}`);
  }
  const [next] = deadlinesOf(action);
  // Due soon only while the action is being worked (open or in progress), as DESIGN.md says.
  const beingWorked = action.status === 'open' || action.status === 'in_progress';
  const dueSoon =
    beingWorked &&
    next !== undefined &&
    next.date <= addWorkingDays(asOf, reminderWorkingDays, calendar);
  return { overdue: false, dueSoon, dueBy: next?.date ?? null, daysOverdue: null, reasons: [] };
}
