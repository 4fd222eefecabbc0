import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { measure, measurementOf, median, medianOf, type Measurement } from './load.js';
import type { Sinks } from './processes.js';
import { plusDays } from './random.js';
import type { Scenario } from './scenarios.js';
import type { Row } from './table.js';

// Issue 14's two figures. Webhooks: POST /v1/actions as fast as it is answered with no webhook,
// then with three subscribed to action.created (receivers in another process answering 200),
// in the same round; the deliveries must not cost more than a tenth of the throughput nor lift
// p99. The notification pass: POST /v1/notifications/run over the whole database, emails going
// to an SMTP server that drops them, while /healthz is asked all along, as the event loop's proxy.

export const WEBHOOK_POSTS = 'POST /v1/actions, three webhooks on action.created';
export const NO_WEBHOOK_POSTS = 'POST /v1/actions, no webhooks (the same round)';
export const NOTIFY_PASS = 'notification pass: POST /v1/notifications/run, ms (median, max)';
export const NOTIFY_PROBE = '  GET /healthz meanwhile (during the notification pass)';
/** autocannon's latency is in whole milliseconds: "does not grow" allows that one step. */
const P99_STEP_MS = 1;
const DRAIN_TIMEOUT_MS = 120_000;

const headersFor = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const lastActionId = (dbPath: string) => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT max(id) FROM actions').pluck().get() as number | null) ?? 0;
  } finally {
    db.close();
  }
};
const receivedBy = async (sinks: Sinks) =>
  (await Promise.all(sinks.receivers.map(async (url) => Number(await (await fetch(url)).text())))).reduce((a, b) => a + b, 0);

export interface WebhookRound {
  none: Measurement;
  three: Measurement;
  /** Deliveries the run called for (three per action created) and how long after it they had all arrived. */
  expected: number;
  drainMs: number | null;
}

/** One round: the POST scenario without webhooks, then with three (created for it, deleted after). */
export async function webhookRound(url: string, key: string, post: Scenario, sinks: Sinks, dbPath: string, duration: number, warmup: number): Promise<WebhookRound> {
  const none = await measure(url, { ...post, name: NO_WEBHOOK_POSTS }, duration, warmup);
  const ids: number[] = [];
  for (const receiver of sinks.receivers) {
    const res = await fetch(`${url}/v1/webhooks`, {
      method: 'POST', headers: headersFor(key),
      body: JSON.stringify({ url: receiver, events: ['action.created'], scopes: ['read', 'read:confidential'] }),
    });
    if (res.status !== 201) throw new Error(`bench: creating a webhook answered ${res.status}: ${await res.text()}`);
    ids.push(((await res.json()) as { id: number }).id);
  }
  const [firstId, receivedBefore] = [lastActionId(dbPath), await receivedBy(sinks)];
  const three = await measure(url, { ...post, name: WEBHOOK_POSTS }, duration, warmup);
  const expected = 3 * (lastActionId(dbPath) - firstId);
  const ended = performance.now();
  let drainMs: number | null = null;
  while (performance.now() - ended < DRAIN_TIMEOUT_MS) {
    if ((await receivedBy(sinks)) - receivedBefore >= expected) {
      drainMs = performance.now() - ended;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const id of ids) await fetch(`${url}/v1/webhooks/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  return { none, three, expected, drainMs };
}

export interface PassRound {
  ms: number;
  probe: Measurement;
  emails: number;
  statuses: Record<string, number>;
}

/** One notification pass as of `asOf`, timed from outside, with /healthz asked throughout. */
export async function notificationPassRound(url: string, key: string, asOf: string): Promise<PassRound> {
  const probe = autocannon({ url, connections: 1, duration: 3600, requests: [{ method: 'GET', path: '/healthz' }], timeout: 30 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = performance.now();
  const res = await fetch(`${url}/v1/notifications/run`, { method: 'POST', headers: headersFor(key), body: JSON.stringify({ asOf }) });
  const body = await res.text();
  const ms = performance.now() - started;
  probe.stop();
  const measured = measurementOf(await probe);
  if (res.status !== 200) throw new Error(`bench: the notification pass answered ${res.status}: ${body.slice(0, 300)}`);
  const emails = (JSON.parse(body) as { emails: { status: string; reason: string | null }[] }).emails;
  const statuses: Record<string, number> = {};
  // Failures by their reason: the sink accepts everything, so any is the server's to explain.
  for (const e of emails) {
    const status = e.status === 'failed' ? `failed (${e.reason ?? 'no reason'})` : e.status;
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return { ms, probe: measured, emails: emails.length, statuses };
}

/** Each round's pass is as of a day later than the last: a pass repeated for one day sends nothing new. */
export const passDay = (anchor: string, round: number) => plusDays(anchor, round - 1);

export function webhookRows(rounds: WebhookRound[], bareRps: number, connections: number): Row[] {
  if (rounds.length === 0) return [];
  const none = medianOf(rounds.map((r) => r.none));
  const three = medianOf(rounds.map((r) => r.three));
  const drains = rounds.map((r) => r.drainMs);
  const drained = drains.every((d) => d !== null);
  return [
    { scenario: `${NO_WEBHOOK_POSTS} (c=${connections})`, rps: none.rps, p50: none.p50, p99: none.p99, ratio: none.rps / bareRps },
    {
      scenario: `${WEBHOOK_POSTS} (c=${connections})`, rps: three.rps, p50: three.p50, p99: three.p99, ratio: three.rps / bareRps,
      target: `≥ 90% of no webhooks' req/s, p99 ≤ theirs (+${P99_STEP_MS} ms)`,
      met: three.rps >= 0.9 * none.rps && three.p99 <= none.p99 + P99_STEP_MS && drained,
      note: `${(three.rps / none.rps * 100).toFixed(0)}% of no webhooks' req/s; `
        + (drained
          ? `all ${rounds.map((r) => r.expected).join(', ')} deliveries received, the last ${drains.map((d) => `${((d ?? 0) / 1000).toFixed(1)} s`).join(', ')} after the run`
          : `deliveries still missing ${DRAIN_TIMEOUT_MS / 1000} s after a run`),
    },
  ];
}

export function passRows(rounds: PassRound[]): Row[] {
  if (rounds.length === 0) return [];
  const times = rounds.map((r) => r.ms);
  const probe = medianOf(rounds.map((r) => r.probe));
  const worstProbe = Math.max(...rounds.map((r) => r.probe.p99));
  return [
    {
      scenario: NOTIFY_PASS, rps: null, p50: median(times), p99: Math.max(...times), ratio: null,
      target: '≤ 10000 ms', met: Math.max(...times) <= 10_000,
      note: `emails per round: ${rounds.map((r) => `${r.emails} (${Object.entries(r.statuses).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'})`).join('; ')}`,
    },
    {
      scenario: `${NOTIFY_PROBE} (c=1)`, rps: probe.rps, p50: probe.p50, p99: worstProbe, ratio: null,
      target: 'p99 ≤ 50 ms', met: worstProbe <= 50,
      note: probe.failures ? `${probe.failures} failed probes` : undefined,
    },
  ];
}
