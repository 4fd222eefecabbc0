import { IllegalTransitionError } from '../errors.js';

// The lifecycle of an action (DESIGN.md "Lifecycle of an action"). `overdue` is deliberately
// not a status: it is derived from the due rule, the date and the status (see overdue.ts).

export const ACTION_STATUSES = ['open', 'in_progress', 'responded', 'closed', 'withdrawn'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * Statuses an action is still live in: `withdrawn` is reachable from each, and an executive
 * response still owed binds it (overdue.ts).
 */
export const NON_FINAL_STATUSES: readonly ActionStatus[] = ['open', 'in_progress', 'responded'];

/** Statuses an action is being worked in: its own due-by date binds it (overdue, due soon). */
export const BEING_WORKED: readonly ActionStatus[] = ['open', 'in_progress'];

const ALLOWED: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
  open: ['in_progress', 'responded', 'withdrawn'],
  in_progress: ['responded', 'withdrawn'],
  // Back to open when the committee is not satisfied with the response.
  responded: ['closed', 'open', 'withdrawn'],
  // Reopening is the only way out of closed; a withdrawn action stays withdrawn for the record.
  closed: ['open'],
  withdrawn: [],
};

export function isActionStatus(value: string): value is ActionStatus {
  return (ACTION_STATUSES as readonly string[]).includes(value);
}

/** Statuses `from` may move to, not counting staying where it is. */
export function nextStatuses(from: ActionStatus): readonly ActionStatus[] {
  return ALLOWED[from];
}

/** Whether `from` → `to` is allowed. Staying in the same status is always allowed (a no-op). */
export function canTransition(from: ActionStatus, to: ActionStatus): boolean {
  return from === to || ALLOWED[from].includes(to);
}

/** Throws IllegalTransitionError (409) when `from` → `to` is not allowed. */
export function assertTransition(from: ActionStatus, to: ActionStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/**
 * Whether the caller must supply a new due (dueMeetingId, dueDate or dueQuarter, or explicitly
 * choose the next meeting) for this change: sending a response back leaves the old due date,
 * which has usually passed, meaningless.
 */
export function requiresNewDue(from: ActionStatus, to: ActionStatus): boolean {
  return from === 'responded' && to === 'open';
}
