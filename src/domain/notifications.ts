import { daysFromTo, toDateTime, type LocalDate } from './local-date.js';
import type { Visibility } from './visibility.js';

// What the notification pass tells people (DESIGN.md "Notifications"), as words: the digest one
// recipient gets in one pass. Pure: the pass (jobs/notify.ts) decides who gets what and sends it.

export const NOTIFICATION_KINDS = ['reminder', 'overdue', 'response'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_STATUSES = ['sent', 'failed', 'not_sent'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Why the recipient gets it: they own the action, chair its committee, or are its contact officer (unassigned). */
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
}

export interface Digest {
  subject: string;
  text: string;
  html: string;
}

/** "Friday 16 January 2026". */
export const inWords = (date: LocalDate): string => toDateTime(date).setLocale('en-GB').toFormat('cccc d LLLL yyyy');

function when(dueBy: LocalDate | null, asOf: LocalDate): string {
  if (dueBy === null) return 'no date set';
  const days = daysFromTo(asOf, dueBy);
  const relative = days === 0 ? 'today' : days === 1 ? 'tomorrow' : days > 0 ? `in ${days} days` : days === -1 ? '1 day ago' : `${-days} days ago`;
  return `${inWords(dueBy)} (${relative})`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Exempt or confidential business named: the subject must say so (Local Government Act 1972 Sch 12A). */
export const notForPublication = (items: readonly DigestItem[]) => items.some((i) => i.visibility !== 'public');

function headline(item: DigestItem): string {
  if (item.kind === 'response') return item.answered ? 'Answered' : 'New progress update';
  if (item.kind === 'reminder') return item.role === 'contact' ? 'Due soon, with no owner' : 'Due soon';
  const times = item.timesFlagged && item.timesFlagged > 1 ? ` (flagged ${item.timesFlagged} times)` : '';
  return (item.role === 'contact' ? 'Overdue, with no owner' : 'Overdue') + times;
}

function whatToDo(item: DigestItem): string {
  if (item.link) return 'Send an update or your response using your personal link';
  if (item.role === 'contact') return 'Find the officer who owns this action and record them as its owner';
  if (item.role === 'requester' || item.role === 'subscriber') return 'Nothing: for your information, the answer is in the tracker';
  if (item.role === 'chair') return 'For your information as chair: the owner has been asked for an answer';
  return 'Send an update to the scrutiny officer';
}

const kindOrder: Record<NotificationKind, number> = { overdue: 0, reminder: 1, response: 2 };

/** The email for one recipient: every item of theirs in this pass, overdue first. */
export function composeDigest(name: string | null, items: readonly DigestItem[], asOf: LocalDate): Digest {
  const sorted = [...items].sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || (a.dueBy ?? '').localeCompare(b.dueBy ?? '') || a.actionId - b.actionId);
  const count = (kind: NotificationKind) => sorted.filter((i) => i.kind === kind).length;
  const [overdue, dueSoon, answered] = [count('overdue'), count('reminder'), count('response')];
  const counts = [overdue ? `${overdue} overdue` : '', dueSoon ? `${dueSoon} due soon` : '', answered ? `${answered} answered or updated` : '']
    .filter(Boolean).join(', ');
  const subject = `${notForPublication(sorted) ? 'Not for publication: ' : ''}Scrutiny actions: ${counts}`;
  const greeting = name ? `Dear ${name},` : 'Hello,';
  const intro = `These scrutiny actions need your attention as of ${inWords(asOf)}.`;
  const lines = sorted.map((i) => [
    `${i.reference} — ${i.title}`,
    `  ${headline(i)}. Due by ${when(i.dueBy, asOf)}.`,
    `  Committee: ${i.committee}${i.meetingOn ? `, meeting on ${inWords(i.meetingOn)}` : ''}.`,
    `  What to do: ${whatToDo(i)}${i.link ? `: ${i.link.url} (works until ${inWords(i.link.expiresAt.slice(0, 10))})` : '.'}`,
  ].join('\n'));
  const footer = notForPublication(sorted)
    ? 'This email names business that is not for publication (exempt or confidential). Do not forward it.'
    : 'You get this because the scrutiny tracker lists you against these actions.';
  const text = [greeting, '', intro, '', lines.join('\n\n'), '', footer, ''].join('\n');
  const htmlItems = sorted.map((i) => `<li><p><strong>${escapeHtml(i.reference)}</strong> — ${escapeHtml(i.title)}</p>`
    + `<p>${escapeHtml(headline(i))}. Due by <strong>${escapeHtml(when(i.dueBy, asOf))}</strong>.</p>`
    + `<p>Committee: ${escapeHtml(i.committee)}${i.meetingOn ? `, meeting on ${escapeHtml(inWords(i.meetingOn))}` : ''}.</p>`
    + (i.link
      ? `<p><a href="${escapeHtml(i.link.url)}">Send an update or your response for ${escapeHtml(i.reference)}</a> (works until ${escapeHtml(inWords(i.link.expiresAt.slice(0, 10)))})</p>`
      : `<p>What to do: ${escapeHtml(whatToDo(i))}.</p>`)
    + '</li>').join('\n');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`
    + `<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5"><p>${escapeHtml(greeting)}</p><p>${escapeHtml(intro)}</p>`
    + `<ul>\n${htmlItems}\n</ul><p>${escapeHtml(footer)}</p></body></html>`;
  return { subject, text, html };
}
