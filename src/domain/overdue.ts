import { BEING_WORKED, NON_FINAL_STATUSES, type ActionStatus } from './action-lifecycle.js';
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
  /** dueSoonHorizon(asOf, these settings), when the caller has already worked it out. */
  horizon?: LocalDate;
}

/** Which deadline was missed: the action's own due-by date, or the s9FE response period. */
export const OVERDUE_REASONS = ['due_date_passed', 'executive_response_late'] as const;
export type OverdueReason = (typeof OVERDUE_REASONS)[number];

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

/**
 * The deadlines that still bind an action in its current status: its own due-by date while it
 * is being worked, and the executive's response date (s9FE). The executive's statutory duty is
 * separate from the action's status: a recommendation marked `responded` (say, an officer's
 * reply) is still late if the executive has not formally responded. Closed and withdrawn actions
 * are done with, so they are never overdue. Two named dates rather than a list: a report
 * classifies every unfinished action, and the lists were most of what it allocated.
 */
function deadlinesOf(action: OverdueSubject): { due: LocalDate | null; response: LocalDate | null; beingWorked: boolean } {
  const beingWorked = BEING_WORKED.includes(action.status);
  const due = beingWorked ? (action.dueDate ?? null) : null;
  const stillLive = NON_FINAL_STATUSES.includes(action.status);
  const response = stillLive && action.executiveResponse === 'pending' ? (action.responseDueOn ?? null) : null;
  return { due, response, beingWorked };
}

/**
 * The last day that counts as due soon as of `asOf`: the committee's reminder window in working
 * days. A report classifying hundreds of actions works it out once and passes it to
 * classifyOverdue in `settings.horizon`.
 */
export function dueSoonHorizon(asOf: LocalDate, { calendar, reminderWorkingDays }: DueSoonSettings): LocalDate {
  if (!Number.isInteger(reminderWorkingDays) || reminderWorkingDays < 0) {
    throw new RangeError(`reminderWorkingDays must be an integer ≥ 0: ${reminderWorkingDays}`);
  }
  return addWorkingDays(asOf, reminderWorkingDays, calendar);
}

/** Whether the action is overdue as of the day — the `overdue` field on every action. */
export function isOverdue(action: OverdueSubject, asOf: LocalDate): boolean {
  toDateTime(asOf);
  const { due, response } = deadlinesOf(action);
  return (due !== null && due < asOf) || (response !== null && response < asOf);
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
  toDateTime(asOf);
  const { due, response, beingWorked } = deadlinesOf(action);
  const dueMissed = due !== null && due < asOf;
  const responseMissed = response !== null && response < asOf;
  if (dueMissed || responseMissed) {
    // Earliest first; on the same day the action's own date comes first.
    const responseFirst = responseMissed && (!dueMissed || response < due);
    const firstMissed = responseFirst ? response : due!;
    const reasons: OverdueReason[] = responseFirst ? ['executive_response_late'] : ['due_date_passed'];
    if (dueMissed && responseMissed) reasons.push(responseFirst ? 'due_date_passed' : 'executive_response_late');
    return { overdue: true, dueSoon: false, dueBy: firstMissed, daysOverdue: daysFromTo(firstMissed, asOf), reasons };
  }
  const horizon = settings.horizon ?? dueSoonHorizon(asOf, settings);
  const next = due === null ? response : response === null || due <= response ? due : response;
  // Due soon only while the action is being worked (open or in progress), as DESIGN.md says.
  const dueSoon = beingWorked && next !== null && next <= horizon;
  return { overdue: false, dueSoon, dueBy: next, daysOverdue: null, reasons: [] };
}
