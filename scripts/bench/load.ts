import autocannon, { type Result } from 'autocannon';
import type { Scenario } from './scenarios.js';

// Drives one scenario with autocannon: a short warm-up (JIT, SQLite page cache), then a
// measured run of fixed duration.

export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  /** Responses that were not 2xx, and socket errors/timeouts: any makes the figure suspect. */
  failures: number;
  statuses: Record<string, number>;
}

export function measurementOf(result: Result): Measurement {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    statuses,
  };
}

function run(url: string, scenario: Scenario, duration: number): Promise<Result> {
  return autocannon({ url, connections: scenario.connections, overallRate: scenario.rate, duration, requests: scenario.requests, timeout: 30 });
}

export async function measure(url: string, scenario: Scenario, duration: number, warmup: number): Promise<Measurement> {
  if (warmup > 0) await run(url, scenario, warmup);
  return measurementOf(await run(url, scenario, duration));
}

/** Two scenarios at once (the report and the probe beside it); both measured over the same time. */
export async function measureTogether(url: string, main: Scenario, beside: Scenario, duration: number, warmup: number): Promise<[Measurement, Measurement]> {
  if (warmup > 0) await run(url, main, warmup);
  const [a, b] = await Promise.all([run(url, main, duration), run(url, beside, duration)]);
  return [measurementOf(a), measurementOf(b)];
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
  };
}
