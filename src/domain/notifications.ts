import type { LocalDate } from './local-date.js';
import type { Visibility } from './visibility.js';

// The kinds of notification (DESIGN.md "Notifications"), what becomes of them, why a recipient
// gets one, and what one digest entry says of an action (digest.ts words them).

export const NOTIFICATION_KINDS = ['reminder', 'overdue', 'agenda_pack', 'response'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_STATUSES = ['sent', 'failed', 'not_sent'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * Why the recipient gets it: they own the action, chair its committee, are its contact officer
 * (an action with no owner; the agenda pack), asked for it, or subscribe to it.
 */
export const RECIPIENT_ROLES = ['owner', 'chair', 'contact', 'requester', 'subscriber'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

export interface DigestItem {
  kind: NotificationKind;
  role: RecipientRole;
  actionId: number;
  reference: string;
  title: string;
  committee: string;
  visibility: Visibility;
  dueBy: LocalDate | null;
  /** The meeting it is due at, or was flagged before: its local date. */
  meetingOn: LocalDate | null;
  /** Overdue: how many times it has been flagged, this flag included. */
  timesFlagged?: number;
  /** Response: the action was answered (else it got a progress update). */
  answered?: boolean;
  /** The recipient's personal response link (owners only). */
  link?: { url: string; expiresAt: string };
  /** Agenda pack: the meeting whose action log this action is in, and where the action stands. */
  pack?: AgendaPackEntry;
}

export interface AgendaPackEntry {
  meetingId: number;
  /** The meeting's agendaDespatchBy: the day the pack must be published by. */
  despatchBy: LocalDate;
  owner: string | null;
  status: string;
  overdue: boolean;
  rag: string | null;
  timesFlagged: number;
}
