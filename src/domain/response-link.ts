import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NON_FINAL_STATUSES, type ActionStatus } from './action-lifecycle.js';

// Personal response links (DESIGN.md "Answering by link"): the token is the link's id and an
// HMAC-SHA256 of it under the server's secret, so it cannot be guessed or altered, and nothing
// secret is stored beside the link. Pure rules only: the link's row lives in the database.

const TOKEN = /^([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{43})$/;
/** How long a form, once rendered, may be sent back: a working day with room to spare. */
export const FORM_LIFETIME_MS = 24 * 60 * 60 * 1000;

function mac(secret: string, purpose: string, message: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${message}`).digest();
}

/**
 * Compares signatures as written, not as decoded: base64url's last character carries spare bits,
 * so decoding would accept several spellings of one signature, and a token must have one.
 */
function sameSignature(given: string, expected: Buffer): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected.toString('base64url'));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new random secret (32 bytes, base64url). */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function linkToken(secret: string, linkId: number): string {
  return `${linkId}.${mac(secret, 'response-link', String(linkId)).toString('base64url')}`;
}

/** The link id a token names, when its signature is the server's; otherwise undefined. */
export function linkIdOf(secret: string, token: string): number | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && sameSignature(match[2]!, mac(secret, 'response-link', match[1]!)) ? id : undefined;
}

/** When a link issued at `now` stops working. */
export function linkExpiresAt(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
}

export interface LinkState {
  expiresAt: string;
  revokedAt: string | null;
  personId: number;
}

export interface LinkedAction {
  status: ActionStatus;
  ownerId: number | null;
}

/**
 * Whether a link still lets its person answer: not revoked, not expired, and the action is
 * still theirs and still open to an answer (closed or withdrawn business takes none).
 */
export function linkWorks(link: LinkState, action: LinkedAction, now: Date): boolean {
  if (link.revokedAt !== null) return false;
  if (Date.parse(link.expiresAt) <= now.getTime()) return false;
  if (!NON_FINAL_STATUSES.includes(action.status)) return false;
  return action.ownerId === link.personId;
}

/**
 * The anti-forgery value a rendered form carries: a nonce (its time and random bytes) and an
 * HMAC of the link id with that nonce, so it is good for this link only and only for a while.
 */
export function formToken(secret: string, linkId: number, now: Date): { nonce: string; check: string } {
  const nonce = `${now.getTime()}.${randomBytes(12).toString('base64url')}`;
  return { nonce, check: mac(secret, 'response-form', `${linkId}:${nonce}`).toString('base64url') };
}

export function formTokenValid(secret: string, linkId: number, nonce: string, check: string, now: Date): boolean {
  const issued = Number(nonce.split('.')[0]);
  if (!Number.isSafeInteger(issued) || issued > now.getTime() + 60_000 || now.getTime() - issued > FORM_LIFETIME_MS) return false;
  return sameSignature(check, mac(secret, 'response-form', `${linkId}:${nonce}`));
}

/** A URL with any response-link signature masked, for logs: a logged token would be a working credential. */
export function withoutLinkSignature(url: string): string {
  return url.replace(/(\/respond\/[0-9]+\.)[A-Za-z0-9_-]+/g, '$1…');
}
