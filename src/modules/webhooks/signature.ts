import { createHmac, randomBytes } from 'node:crypto';

// Standard Webhooks signing (https://www.standardwebhooks.com/): the secret is `whsec_` and the
// base64 of the key's bytes; each message is signed as "{id}.{timestamp}.{body}" with
// HMAC-SHA256 under those bytes, and sent as `webhook-signature: v1,<base64>`.

const PREFIX = 'whsec_';

/** A new secret: 32 random bytes (the convention asks for 24 to 64). */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The `webhook-signature` header value for one message. */
export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}
