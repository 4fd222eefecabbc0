import { visibilities, type Visibility } from './visibility.js';

// Signed webhooks (DESIGN.md "Notifications"): which events there are, what a webhook may be
// allowed to see, and when a failed delivery is tried again. Pure rules; the outbox, the worker
// and the routes all take them from here.

export const WEBHOOK_EVENTS = [
  'action.created',
  'action.updated',
  'action.responded',
  'action.flagged',
  'action.reminded',
  'meeting.updated',
  'scan.completed',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * The scopes that grant reading, as an API key's (modules/api-keys builds its list from these):
 * a webhook may be given these alone.
 */
export const READ_SCOPES = ['read', 'read:exempt', 'read:confidential'] as const;
export type ReadScope = (typeof READ_SCOPES)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What a webhook with these scopes may be told about, as an API key with them may read. */
export function visibilitiesOfScopes(scopes: readonly ReadScope[]): Visibility[] {
  const confidential = scopes.includes('read:confidential');
  const exempt = confidential || scopes.includes('read:exempt');
  return visibilities.filter((v) => v === 'public' || (v === 'exempt' && exempt) || (v === 'confidential' && confidential));
}

/** The first retry waits this long; each later one twice the last, up to RETRY_CAP_MS. */
export const FIRST_RETRY_MS = 30_000;
export const RETRY_CAP_MS = 2 * 60 * 60 * 1000;
/** Retries go on for at least this long after the first attempt before a delivery is `failed`. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * When to try again after `attempts` failed attempts, the first made at `firstAttemptAt`; null
 * once the retry window is over (the delivery has failed). The window is checked on the attempt
 * just made, so the last retry falls at or after 24 hours: "at least 24 hours" of retrying.
 */
export function nextAttemptAfter(attempts: number, firstAttemptAt: number, now: number): number | null {
  if (now - firstAttemptAt >= RETRY_WINDOW_MS) return null;
  const wait = Math.min(FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 30), RETRY_CAP_MS);
  return now + wait;
}

/** A webhook's URL: absolute http or https, nothing else. The reason it is not, or undefined. */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http or https URL';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  return undefined;
}
