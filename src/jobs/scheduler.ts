import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import { scriptActor } from '../http/context.js';
import type { ScanService } from './overdue-scan.js';

// The nightly scan inside the server. croner runs it at SCAN_CRON in Europe/London (so 05:30
// stays 05:30 across the clock changes), `protect` stops a slow run overlapping the next, and
// stop() waits for a run in progress so shutdown never interrupts a scan mid-transaction (the
// scan is one synchronous transaction anyway: it either committed or never started).

export interface Scheduler {
  stop(): Promise<void>;
  nextRun(): Date | null;
}

export function startScheduler(
  scans: ScanService,
  log: FastifyBaseLogger,
  options: { cron: string; runOnStart: boolean },
): Scheduler {
  let running: Promise<void> | undefined;
  const run = (reason: string) => {
    running = (async () => {
      try {
        const { report, flagsRecorded } = scans.scan(scriptActor('scheduler'));
        log.info({ reason, asOf: report.asOf, flagsRecorded, meetings: report.meetings.length }, 'overdue scan finished');
      } catch (err) {
        log.error({ err, reason }, 'overdue scan failed');
      }
    })();
    return running;
  };
  const job = new Cron(options.cron, { timezone: 'Europe/London', protect: true }, () => run('schedule'));
  // Catch up after downtime: a scan missed while the server was down runs now.
  if (options.runOnStart) setImmediate(() => void run('start-up'));
  return {
    async stop() {
      job.stop();
      await running;
    },
    nextRun: () => job.nextRun(),
  };
}
