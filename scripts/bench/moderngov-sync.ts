import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../src/db/engine.js';
import { createServices } from '../../src/services.js';
import { median } from './load.js';
import { ROOT, stop, track } from './processes.js';
import type { Row } from './table.js';

// The Modern.gov sync's cost (issue 15): 50 committees × 10 years of monthly meetings (each with
// five agenda items, the past ones with minutes) from a local web service of the bench's own,
// synced into a fresh database file: the first sync (everything created and drafted) ≤ 30 s, a
// second with nothing changed (nothing written) ≤ 5 s. The service runs in a process of its own
// with every answer built before the clock starts (moderngov-service.ts): in life it is another
// host, and building its XML in this process made most of the unchanged sync's time the
// service's. Each round syncs a fresh database; the figures are the rounds' medians, with the
// processor time this process spent in the sync (process.cpuUsage, user + system) beside them.

export const MODERNGOV_SYNC = 'Modern.gov sync';

interface Service {
  url: string;
  child: ReturnType<typeof spawn>;
}

/** The web service, listening, in a child process. */
export function startModernGovService(committees: number, years: number, firstYear: number): Promise<Service> {
  const child = track(spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'moderngov-service.ts'), String(committees), String(years), String(firstYear)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  }));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!out.includes('\n')) return;
      resolve({ child, url: (JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string }).url });
    });
    child.once('exit', (code) => reject(new Error(`the bench's Modern.gov service exited (${code}) before listening`)));
  });
}

interface Timed {
  seconds: number;
  cpuSeconds: number;
  wrote: number;
  meetings: number;
  drafts: number;
}

/** One round: a fresh database, its first sync and a second with nothing changed. */
async function round(url: string, window: { from: string; to: string }): Promise<{ first: Timed; unchanged: Timed }> {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-bench-sync-'));
  const engine = await openEngine({ databasePath: join(dir, 'sync.sqlite'), databaseSynchronous: 'NORMAL' });
  const services = createServices(engine, { moderngov: { url } });
  const timed = async (): Promise<Timed> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await services.moderngovSync.run(window);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (summary.errors.length > 0) throw new Error(`sync errors: ${JSON.stringify(summary.errors[0])}`);
    const wrote = summary.committees.created + summary.committees.updated + summary.meetings.created + summary.meetings.updated + summary.meetings.cancelled
      + summary.items.created + summary.items.updated + summary.drafts.created + summary.drafts.updated;
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6, wrote, meetings: summary.meetings.created, drafts: summary.drafts.created };
  };
  try {
    return { first: await timed(), unchanged: await timed() };
  } finally {
    services.mailer.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows for the table: the first sync and a second with nothing changed, seconds (medians of `runs` rounds). */
export async function measureModernGovSync(log: (message: string) => void, runs = 1, committees = 50, years = 10): Promise<Row[]> {
  const firstYear = new Date().getUTCFullYear() - years + 1;
  const service = await startModernGovService(committees, years, firstYear);
  try {
    const window = { from: `${firstYear}-01-01`, to: `${firstYear + years - 1}-12-31` };
    const rounds: { first: Timed; unchanged: Timed }[] = [];
    for (let i = 1; i <= runs; i++) {
      const r = await round(service.url, window);
      rounds.push(r);
      log(`  ${MODERNGOV_SYNC} round ${i}/${runs}: first ${r.first.seconds.toFixed(1)} s (cpu ${r.first.cpuSeconds.toFixed(1)} s; ${r.first.meetings} meetings, ${r.first.drafts} drafts), ` +
        `unchanged ${r.unchanged.seconds.toFixed(2)} s (cpu ${r.unchanged.cpuSeconds.toFixed(2)} s${r.unchanged.wrote ? `; ${r.unchanged.wrote} writes` : ''})`);
    }
    const label = `${committees} committees × ${years} years`;
    const first = rounds.map((r) => r.first.seconds);
    const unchanged = rounds.map((r) => r.unchanged.seconds);
    const wrote = Math.max(...rounds.map((r) => r.unchanged.wrote));
    const cpu = (key: 'first' | 'unchanged') => `sync's processor time ${median(rounds.map((r) => r[key].cpuSeconds)).toFixed(2)} s (median)`;
    return [
      { scenario: `${MODERNGOV_SYNC}, ${label}, first sync: s`, rps: null, p50: median(first), p99: Math.max(...first), ratio: null, target: '≤ 30 s', met: median(first) <= 30, note: cpu('first') },
      {
        scenario: `${MODERNGOV_SYNC}, ${label}, nothing changed: s`, rps: null, p50: median(unchanged), p99: Math.max(...unchanged), ratio: null, target: '≤ 5 s',
        met: median(unchanged) <= 5 && wrote === 0, note: `${cpu('unchanged')}${wrote ? `; ${wrote} writes` : ''}`,
      },
    ];
  } finally {
    await stop(service);
  }
}
