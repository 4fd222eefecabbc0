import type { Fixtures } from './fixtures.js';
import { median } from './load.js';
import type { Row } from './table.js';

// Spreadsheets in and out (issue 15): GET /v1/actions?format=csv over every action of the
// generated database, as rows a second and the server's peak memory meanwhile (the export
// streams, so it should stay near the server's resting size whatever the count); and
// POST /v1/imports/actions of a 10,000-row tracker in a council's headings, end to end.

export const SPREADSHEETS = 'spreadsheets';
const IMPORT_ROWS = 10_000;

interface Memory { peakSinceLast(): number }

/** A council tracker of `rows` rows, references unique to `tag`. */
export function benchTracker(rows: number, tag: string): string {
  const statuses = ['Open', 'Ongoing', 'Complete', 'Not started'];
  const lines = ['Reference,Recommendation,Lead Officer,Target date,Status,Action taken'];
  for (let i = 0; i < rows; i++) {
    const status = statuses[i % statuses.length]!;
    const day = String((i % 28) + 1).padStart(2, '0');
    lines.push(`BENCH ${tag}-${i},"That the service reports on item ${i}, with figures by ward",Head of Service ${i % 40},${day}/03/2027,${status},${status === 'Complete' ? 'Report circulated to members' : ''}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function timedExport(url: string, key: string): Promise<{ ms: number; rows: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/actions?format=csv`, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200 || !res.body) throw new Error(`GET /v1/actions?format=csv answered ${res.status}`);
  let rows = 0;
  let bytes = 0;
  let previous = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    // Records end in CRLF (which a chunk may split); a line break inside a quoted cell is a lone LF in generated text.
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0x0a && previous === 0x0d) rows++;
      previous = chunk[i]!;
    }
  }
  return { ms: performance.now() - started, rows: rows - 1, bytes };
}

async function timedImport(url: string, key: string, meetingId: number, tag: string): Promise<number> {
  const body = benchTracker(IMPORT_ROWS, tag);
  const started = performance.now();
  const res = await fetch(`${url}/v1/imports/actions?meetingId=${meetingId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv; charset=utf-8' },
    body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /v1/imports/actions answered ${res.status}: ${text.slice(0, 300)}`);
  return performance.now() - started;
}

export async function measureSpreadsheets(url: string, key: string, fixtures: Fixtures, runs: number, memory: Memory, log: (message: string) => void): Promise<Row[]> {
  const rounds = Math.max(runs, 1);
  const rates: number[] = [];
  const peaks: number[] = [];
  let rows = 0;
  const resting = memory.peakSinceLast();
  for (let i = 0; i < rounds; i++) {
    const run = await timedExport(url, key);
    rows = run.rows;
    rates.push(run.rows / (run.ms / 1000));
    peaks.push(memory.peakSinceLast());
    log(`  ${SPREADSHEETS}: exported ${run.rows.toLocaleString('en-GB')} actions (${(run.bytes / 1024 / 1024).toFixed(1)} MB) in ${run.ms.toFixed(0)} ms; server peak ${peaks.at(-1)!.toFixed(0)} MB`);
  }
  const times: number[] = [];
  const meetingId = fixtures.meetings[0]!.id;
  for (let i = 0; i < rounds; i++) {
    times.push(await timedImport(url, key, meetingId, `${process.pid}-${i}`));
    log(`  ${SPREADSHEETS}: imported ${IMPORT_ROWS.toLocaleString('en-GB')} rows in ${times.at(-1)!.toFixed(0)} ms`);
  }
  const rate = median(rates);
  return [
    { scenario: `GET /v1/actions?format=csv, all ${rows.toLocaleString('en-GB')} actions: rows/s (median of ${rounds})`, rps: rate, p50: median(rates), p99: Math.min(...rates), ratio: null, target: '≥ 50000 rows/s', met: rate >= 50_000 },
    { scenario: `  server resident memory during the export, MB (before, peak)`, rps: null, p50: resting, p99: Math.max(...peaks), ratio: null },
    { scenario: `POST /v1/imports/actions, ${IMPORT_ROWS.toLocaleString('en-GB')}-row tracker: ms (median, max of ${rounds})`, rps: null, p50: median(times), p99: Math.max(...times), ratio: null, target: '≤ 5000 ms', met: Math.max(...times) <= 5000 },
  ];
}
