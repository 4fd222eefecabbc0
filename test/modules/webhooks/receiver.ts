import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

// A real HTTP receiver for webhook tests: a node:http server on 127.0.0.1 (port 0), closed when
// the test ends. It records every request's headers and exact body bytes, and answers with the
// statuses queued by the test (then `fallback`).

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses to answer with, in order; `fallback` once they are used up. */
  answers: (number | ((res: ServerResponse) => void))[];
  fallback: number | ((res: ServerResponse) => void);
}

export async function receiver(t: Test, fallback: Receiver['fallback'] = 204): Promise<Receiver> {
  const state: Receiver = { url: '', received: [], answers: [], fallback };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      state.received.push({ headers: req.headers, body, json: JSON.parse(body.toString('utf8')) });
      const answer = state.answers.shift() ?? state.fallback;
      if (typeof answer === 'function') return answer(res);
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return state;
}

/**
 * The test's own check of a Standard Webhooks signature over the exact body bytes: HMAC-SHA256
 * of "{id}.{timestamp}.{body}" keyed with the base64-decoded secret after `whsec_`.
 */
export function verifies(secret: string, message: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = Buffer.concat([Buffer.from(`${message.headers['webhook-id']}.${message.headers['webhook-timestamp']}.`), message.body]);
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  const given = String(message.headers['webhook-signature'] ?? '').split(' ');
  return given.includes(expected);
}
