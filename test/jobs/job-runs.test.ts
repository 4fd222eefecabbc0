import type { FastifyBaseLogger } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { openEngine, type Engine } from '../../src/db/engine.js';
import { ran } from '../../src/db/program.js';
import { createJobRuns } from '../../src/jobs/job-runs.js';
import type { NotificationPass } from '../../src/jobs/notify.js';
import type { ScanService } from '../../src/jobs/overdue-scan.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { defaultConfig } from '../../src/config.js';
import { onPostgres, testDatabase } from '../pg.js';

// Scheduled jobs run once per schedule across the server processes sharing one database
// (src/jobs/job-runs.ts): two engines on one database stand for two processes here, each with a
// scheduler of its own firing at the same minute. On SQLite (two connections to one file) and,
// in the suite's PostgreSQL run, on PostgreSQL (two pools on one database).

const NEVER = '0 0 1 1 *';
const SEVEN = new Date('2027-01-04T07:00:00Z');

async function twoProcesses(t: Test): Promise<[Engine, Engine]> {
  let settings: Parameters<typeof openEngine>[0];
  if (onPostgres()) {
    settings = { ...defaultConfig, databaseUrl: (await testDatabase(t)).url };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'job-runs-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    settings = { ...defaultConfig, databasePath: join(dir, 'jobs.sqlite') };
  }
  const one = await openEngine(settings);
  const other = await openEngine(settings);
  t.teardown(async () => {
    await one.close();
    await other.close();
  });
  return [one, other];
}

function logged(): { log: FastifyBaseLogger; messages: string[] } {
  const messages: string[] = [];
  const at = () => (_fields: object, message: string) => void messages.push(message);
  return { messages, log: { info: at(), error: at(), warn: at() } as unknown as FastifyBaseLogger };
}

t.test('two processes whose pass falls due in the same minute: it runs once; the next minute, once again', async (t) => {
  const engines = await twoProcesses(t);
  let passes = 0;
  const pass = { run: async () => { passes++; return { asOf: '2027-01-04', dryRun: false, emails: [] }; } } as unknown as NotificationPass;
  const logs = engines.map(() => logged());
  const schedulers = engines.map((engine, i) => {
    const jobRuns = ran(engine, createJobRuns(engine.db, { runner: `process-${i}` }));
    return startScheduler({} as ScanService, logs[i]!.log, {
      cron: NEVER, runOnStart: false, notify: { pass, cron: NEVER }, claim: (job, slot) => jobRuns.claim(job, slot),
    });
  });
  t.teardown(() => Promise.all(schedulers.map((s) => s.stop())));

  await Promise.all(schedulers.map((s) => s.fire('notify', new Date(SEVEN.getTime() + 15))));
  t.equal(passes, 1, 'one pass for the two processes');
  t.same(logs.flatMap((l) => l.messages).filter((m) => m.includes('skipped')), ['scheduled job skipped: another process started it']);

  await Promise.all(schedulers.map((s) => s.fire('notify', new Date(SEVEN.getTime() + 60_000))));
  t.equal(passes, 2, 'the next minute is a run of its own');
});

t.test('a claim is one row per job and minute; claims a month old are cleared as new ones are made', async (t) => {
  const [engine] = await twoProcesses(t);
  const jobRuns = ran(engine, createJobRuns(engine.db, { runner: 'me' }));
  t.equal(await jobRuns.claim('scan', SEVEN), true);
  t.equal(await jobRuns.claim('scan', SEVEN), false, 'the same job and minute again');
  t.equal(await jobRuns.claim('notify', SEVEN), true, 'another job in the same minute');
  const later = new Date(SEVEN.getTime() + 31 * 86_400_000);
  t.equal(await jobRuns.claim('scan', later), true);
  t.equal(await jobRuns.claim('scan', SEVEN), true, 'the month-old claim was cleared');
});
