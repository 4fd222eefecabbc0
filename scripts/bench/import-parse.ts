import { median } from './load.js';
import type { Row } from './table.js';

// The minutes import's cost (issue 19, defect 3): how long POST /v1/imports/minutes takes to
// answer with a draft (nothing saved) for the worst text known, a header, one item and two
// requests repeated (1 MB once took 49 s and held every other request), at 100 KB and 1 MB;
// and how long GET /healthz, asked one after another meanwhile, waits during the 1 MB parse.

export const IMPORT_PARSE = 'minutes import';

const HEADER = 'Overview and Scrutiny Committee - Monday, 15th July 2024 6.30 pm\n\n1. Performance report\n\n';
const REQUESTS = 'Members requested further information on the figures. Members asked for a report on the numbers.\n';

/** The worst-case minutes, `chars` characters long. */
export function worstCaseMinutes(chars: number): string {
  const text = HEADER + REQUESTS.repeat(Math.ceil(chars / REQUESTS.length));
  return text.slice(0, chars);
}

async function timedImport(url: string, key: string, text: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/imports/minutes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain; charset=utf-8' },
    body: text,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`POST /v1/imports/minutes answered ${res.status}`);
  return performance.now() - started;
}

/** Each /healthz's wait, asked every 20 ms (a light load that leaves the parse its time), until `done` settles. */
async function healthWaits(url: string, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const waits: number[] = [];
  while (!finished) {
    const started = performance.now();
    await (await fetch(`${url}/healthz`)).arrayBuffer();
    waits.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return waits;
}

/** Rows for the table: parse time (median, slowest) at each size, and /healthz meanwhile. */
export async function measureImportParse(url: string, key: string, runs: number, log: (message: string) => void): Promise<Row[]> {
  const rounds = Math.max(runs, 3);
  const rows: Row[] = [];
  const waits: number[] = [];
  for (const [label, chars] of [['100 KB', 100_000], ['1 MB', 1_000_000]] as const) {
    const text = worstCaseMinutes(chars);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const imported = timedImport(url, key, text);
      if (chars === 1_000_000) waits.push(...(await healthWaits(url, imported)));
      times.push(await imported);
      log(`  ${IMPORT_PARSE} ${label}: ${times.at(-1)!.toFixed(0)} ms`);
    }
    rows.push({ scenario: `POST /v1/imports/minutes, ${label} worst-case text, draft only: ms (median, max of ${rounds})`, rps: null, p50: median(times), p99: Math.max(...times), ratio: null });
  }
  rows.push({ scenario: `GET /healthz during the 1 MB imports: ms (median, max of ${waits.length})`, rps: null, p50: median(waits), p99: Math.max(...waits), ratio: null });
  return rows;
}
