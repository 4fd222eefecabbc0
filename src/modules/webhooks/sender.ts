import type { Clock } from '../../domain/clock.js';
import type { Claimed } from './delivery-rows.js';
import { signatureOf } from './signature.js';

// One attempt at a delivery: the Standard Webhooks POST, signed, with a timeout and no redirect
// followed. What the receiver answered is the worker's to record (worker.ts).

export interface Outcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Why an attempt was cut short by stop(): such an attempt is not recorded. */
export const STOPPING = new Error('server stopping');

export function createSender({ clock, timeoutMs }: { clock: Clock; timeoutMs: number }) {
  const inFlight = new Set<AbortController>();

  /** The receiver's answer, or undefined when abortAll() cut the attempt short. */
  async function post(delivery: Claimed): Promise<Outcome | undefined> {
    // The body is built as text so that what is signed is exactly what is sent.
    const body = `{"type":${JSON.stringify(delivery.type)},"timestamp":${JSON.stringify(delivery.occurredAt)},"data":${delivery.data}}`;
    const id = `msg_${delivery.id}`;
    const timestamp = Math.floor(clock().getTime() / 1000);
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    inFlight.add(controller);
    const started = performance.now();
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body,
        // A redirect is not followed: it could lead the signed payload anywhere. A 3xx fails.
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'scrutiny-tracker-webhooks',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureOf(delivery.secret, id, timestamp, body),
        },
      });
      await response.body?.cancel().catch(() => {});
      const ok = response.status >= 200 && response.status < 300;
      const error = ok ? null : response.status >= 300 && response.status < 400 ? 'redirect not followed' : `HTTP ${response.status}`;
      return { statusCode: response.status, error, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      if (reason === STOPPING) return undefined;
      const cause = (reason as { cause?: { code?: string; message?: string } }).cause;
      const message = cause?.code ?? cause?.message ?? (reason instanceof Error ? reason.message : String(reason));
      return { statusCode: null, error: message, durationMs: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timeout);
      inFlight.delete(controller);
    }
  }

  return {
    post,
    /** Cuts short every attempt in flight: they resolve undefined. */
    abortAll(): void {
      for (const controller of inFlight) controller.abort(STOPPING);
    },
  };
}
