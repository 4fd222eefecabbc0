import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import { isBusy } from '../db/busy.js';
import { scriptActor } from '../domain/actor.js';
import type { ScanService } from './overdue-scan.js';

// The nightly scan inside the server. croner runs it at SCAN_CRON in Europe/London (so 05:30
// stays 05:30 across the clock changes), `protect` stops a slow run overlapping the next, and
// stop() waits for a run in progress so shutdown never interrupts a scan mid-transaction (the
// scan is one synchronous transaction anyway: it either committed or never started).
//
// The scan runs on the server's thread. While another process holds the write lock (the command
// line's import, say), waiting for it would stop every request for the busy timeout; so the scan
// asks for the lock without waiting and, refused, tries again a little later (db/busy.ts).

/** How long the scheduler keeps retrying a scan refused by another process's lock. */
const BUSY_RETRY_FOR_MS = 10 * 60_000;

export interface Scheduler {
  stop(): Promise<void>;
  nextRun(): Date | null;
}

export function startScheduler(
  scans: ScanService,
  log: FastifyBaseLogger,
  options: { cron: string; runOnStart: boolean; busyRetryMs?: number },
): Scheduler {
  const busyRetryMs = options.busyRetryMs ?? 1000;
  let running: Promise<void> | undefined;
  let stopped = false;
  let retry: { timer: NodeJS.Timeout; settle: () => void } | undefined;
  const pause = () =>
    new Promise<void>((settle) => {
      retry = { timer: setTimeout(settle, busyRetryMs), settle };
    });
  const run = (reason: string) => {
    running = (async () => {
      for (let waited = 0; !stopped; waited += busyRetryMs) {
        try {
          const { report, flagsRecorded } = scans.scan(scriptActor('scheduler'), { waitForLock: false });
          log.info({ reason, asOf: report.asOf, flagsRecorded, meetings: report.meetings.length }, 'overdue scan finished');
          return;
        } catch (err) {
          if (!isBusy(err) || waited >= BUSY_RETRY_FOR_MS) {
            log.error({ err, reason }, 'overdue scan failed');
            return;
          }
          if (waited === 0) log.info({ reason }, 'overdue scan waiting: another process holds the write lock');
          await pause();
        }
      }
    })();
    return running;
  };
  const job = new Cron(options.cron, { timezone: 'Europe/London', protect: true }, () => run('schedule'));
  // Catch up after downtime: a scan missed while the server was down runs now.
  if (options.runOnStart) setImmediate(() => void run('start-up'));
  return {
    async stop() {
      stopped = true;
      job.stop();
      if (retry) {
        clearTimeout(retry.timer);
        retry.settle();
      }
      await running;
    },
    nextRun: () => job.nextRun(),
  };
}
