import type { Target } from './scenarios.js';

// One table for everything the run measured, printed as Markdown (it pastes into docs/performance.md)
// and written as JSON with the same rows.

export interface Row {
  scenario: string;
  /** Requests (or operations) per second; null where it does not apply. */
  rps: number | null;
  /** Milliseconds, or the unit the scenario names. */
  p50: number;
  p99: number;
  /** rps as a share of the bare route's. */
  ratio: number | null;
  target?: string;
  met?: boolean;
  /** Anything that makes the figure suspect, e.g. non-2xx responses. */
  note?: string;
}

export function targetOf(target: Target | undefined): string | undefined {
  if (!target) return undefined;
  const parts: string[] = [];
  if (target.ratio !== undefined) parts.push(`≥ ${target.ratio * 100}% of bare`);
  if (target.minRps !== undefined) parts.push(`≥ ${target.minRps}/s`);
  if (target.maxP99 !== undefined) parts.push(`p99 ≤ ${target.maxP99} ms`);
  return parts.join(', ');
}

export function meets(target: Target | undefined, rps: number | null, p99: number, ratio: number | null): boolean | undefined {
  if (!target) return undefined;
  // No answer within the run (every request slower than the duration) is no figure at all.
  if (rps === 0) return false;
  return (
    (target.ratio === undefined || (ratio ?? 0) >= target.ratio) &&
    (target.minRps === undefined || (rps ?? 0) >= target.minRps) &&
    (target.maxP99 === undefined || p99 <= target.maxP99)
  );
}

const num = (n: number | null, digits = 1) =>
  n === null ? '' : n >= 100 ? Math.round(n).toLocaleString('en-GB') : n.toFixed(digits);

export function render(rows: Row[]): string {
  const header = ['Scenario', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'Target', ''];
  const body = rows.map((r) => [
    r.scenario,
    num(r.rps),
    num(r.p50, 2),
    num(r.p99, 2),
    r.ratio === null ? '' : `${(r.ratio * 100).toFixed(0)}%`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 || i >= 5 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const notes = rows.filter((r) => r.note).map((r) => `  note: ${r.scenario}: ${r.note}`);
  return [line(header), rule, ...body.map(line), ...notes].join('\n');
}
