import autocannon, { type Result } from 'autocannon';
import type { Scenario } from './scenarios.js';

// Drives one scenario with autocannon: a short warm-up (JIT, SQLite page cache), then a
// measured run of fixed duration. autocannon closes its connections when the window ends, but the
// server goes on with any request it was given: a slow one (all-committee stats at a million
// actions took 6–9 s) would go on running into the next scenario and be counted against it. So a
// run that ends with requests unanswered waits until the server has finished them (`settle`), and
// the measurement says how long the server went on after the window (`overranMs`).

export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  /** Responses that were not 2xx, and socket errors/timeouts: any makes the figure suspect. */
  failures: number;
  statuses: Record<string, number>;
  /** Requests sent but not answered when the window closed (in flight then): not in the latencies. */
  cutOff: number;
  /** Milliseconds the server went on working on them after the window closed. */
  overranMs: number;
}

/** Below this, what was in flight at the end of a window was finished at once (a throughput scenario's last requests). */
export const OVERRAN_MS = 100;

/** Waits until the server under test has finished the work it was given; resolves with how long it was still busy, in milliseconds. */
export type Settle = () => Promise<number>;

export function measurementOf(result: Result, overranMs = 0): Measurement {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    statuses,
    cutOff: cutOff(result),
    overranMs,
  };
}

/** Requests autocannon sent that got no answer before it closed its connections. */
const cutOff = (result: Result) => Math.max(0, result.requests.sent - result.requests.total - result.errors - result.timeouts);

/** One autocannon run; when it leaves requests unanswered, the server is let finish them before the next. */
async function run(url: string, scenario: Scenario, duration: number, settle?: Settle): Promise<{ result: Result; overranMs: number }> {
  const result = await autocannon({ url, connections: scenario.connections, overallRate: scenario.rate, duration, requests: scenario.requests, timeout: 30 });
  const overranMs = settle && cutOff(result) > 0 ? await settle() : 0;
  return { result, overranMs };
}

export async function measure(url: string, scenario: Scenario, duration: number, warmup: number, settle?: Settle): Promise<Measurement> {
  if (warmup > 0) await run(url, scenario, warmup, settle);
  const { result, overranMs } = await run(url, scenario, duration, settle);
  return measurementOf(result, overranMs);
}

/** Two scenarios at once (the report and the probe beside it); both measured over the same time. */
export async function measureTogether(url: string, main: Scenario, beside: Scenario, duration: number, warmup: number, settle?: Settle): Promise<[Measurement, Measurement]> {
  if (warmup > 0) await run(url, main, warmup, settle);
  const [a, b] = await Promise.all([run(url, main, duration, settle), run(url, beside, duration)]);
  return [measurementOf(a.result, a.overranMs), measurementOf(b.result, b.overranMs)];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of each figure across runs; failures are summed. */
export function medianOf(runs: Measurement[]): Measurement {
  const statuses: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
    statuses,
    cutOff: runs.reduce((sum, r) => sum + r.cutOff, 0),
    overranMs: Math.max(0, ...runs.map((r) => r.overranMs)),
  };
}
