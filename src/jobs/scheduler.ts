import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import { scriptActor } from '../domain/actor.js';
import { DatabaseBusyError } from '../errors.js';
import type { ModernGovSync } from './moderngov-sync.js';
import type { NotificationPass } from './notify.js';
import type { ScanService } from './overdue-scan.js';

// The nightly scan and the notification pass inside the server. croner runs them at SCAN_CRON
// and NOTIFY_CRON in Europe/London (so 05:30 stays 05:30 across the clock changes), `protect`
// stops a slow run overlapping its own next, and stop() waits for a run in progress so shutdown
// never interrupts a scan mid-transaction (the scan is one synchronous transaction anyway: it
// either committed or never started).
//
// Both jobs go through one queue, so a pass never runs beside a scan or another pass. A pass
// reads the flags the scan records, so when both fall in the same minute the scan goes first,
// whichever of the two timers croner happens to fire first.
//
// The scan runs on the server's thread. While another process holds the write lock (the command
// line's import, say), waiting for it would stop every request for the busy timeout; so the scan
// asks for the lock without waiting and, refused (DatabaseBusyError), tries again a little later.

/** How long the scheduler keeps retrying a scan refused by another process's lock. */
const BUSY_RETRY_FOR_MS = 10 * 60_000;

export type ScheduledJob = 'scan' | 'notify' | 'sync';

export interface Scheduler {
  stop(): Promise<void>;
  nextRun(job?: ScheduledJob): Date | null;
  /** What croner calls when `job` is due at `at`; settles when that run (and any before it) ends. */
  fire(job: ScheduledJob, at: Date): Promise<void>;
}

const minuteOf = (at: Date) => Math.floor(at.getTime() / 60_000) * 60_000;

export function startScheduler(
  scans: ScanService,
  log: FastifyBaseLogger,
  options: {
    cron: string;
    runOnStart: boolean;
    busyRetryMs?: number;
    notify?: { pass: NotificationPass; cron: string };
    /** The Modern.gov sync (MODERNGOV_URL set): one more job in the same queue. */
    sync?: { sync: ModernGovSync; cron: string };
    /**
     * Claims a scheduled run for this process (jobs/job-runs.ts): false when another process on
     * the same database already started `job` for that minute. Left out: every run is this one's.
     */
    claim?: (job: ScheduledJob, slot: Date) => boolean | Promise<boolean>;
  },
): Scheduler {
  const busyRetryMs = options.busyRetryMs ?? 1000;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  let retry: { timer: NodeJS.Timeout; settle: () => void } | undefined;
  const pause = () =>
    new Promise<void>((settle) => {
      retry = { timer: setTimeout(settle, busyRetryMs), settle };
    });
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(() => (stopped ? undefined : task()));
    return queue;
  };
  // Whether this process runs `job` for the minute `at` falls in (several servers, one database).
  const claimed = async (job: ScheduledJob, at: Date): Promise<boolean> => {
    if (!options.claim) return true;
    const slot = new Date(minuteOf(at));
    try {
      if (await options.claim(job, slot)) return true;
      log.info({ job, slot: slot.toISOString() }, 'scheduled job skipped: another process started it');
    } catch (err) {
      log.error({ err, job }, 'scheduled job not started: its run could not be claimed');
    }
    return false;
  };

  const scan = async (reason: string) => {
    for (let waited = 0; !stopped; waited += busyRetryMs) {
      try {
        const { report, flagsRecorded } = await scans.scan(scriptActor('scheduler'), { waitForLock: false });
        log.info({ reason, asOf: report.asOf, flagsRecorded, meetings: report.meetings.length }, 'overdue scan finished');
        return;
      } catch (err) {
        if (!(err instanceof DatabaseBusyError) || waited >= BUSY_RETRY_FOR_MS) {
          log.error({ err, reason }, 'overdue scan failed');
          return;
        }
        if (waited === 0) log.info({ reason }, 'overdue scan waiting: another process holds the write lock');
        await pause();
      }
    }
  };
  const notify = async (pass: NotificationPass) => {
    try {
      const run = await pass.run();
      const sent = run.emails.filter((e) => e.status === 'sent').length;
      log.info({ asOf: run.asOf, emails: run.emails.length, sent }, 'notification pass finished');
    } catch (err) {
      // A broken pass is the next pass's to retry; it must never take the server down.
      log.error({ err }, 'notification pass failed');
    }
  };

  const sync = async (job: ModernGovSync) => {
    try {
      const summary = await job.run();
      log.info({ committees: summary.committees, meetings: summary.meetings, items: summary.items, drafts: summary.drafts, errors: summary.errors.length }, 'Modern.gov sync finished');
      for (const error of summary.errors) log.warn({ error }, 'Modern.gov sync error');
    } catch (err) {
      log.error({ err }, 'Modern.gov sync failed');
    }
  };
  const syncDue = (at: Date) => {
    const job = options.sync?.sync;
    return job ? enqueue(async () => (await claimed('sync', at)) ? sync(job) : undefined) : queue;
  };

  // The minute whose scan has been queued, so a scan queued early for a pass is not run twice.
  let scannedMinute: number | undefined;
  const scanDue = (at: Date) => {
    const minute = minuteOf(at);
    if (scannedMinute === minute) return queue;
    scannedMinute = minute;
    return enqueue(async () => (await claimed('scan', at)) ? scan('schedule') : undefined);
  };
  // Only to ask whether the scan falls in a given minute; never started.
  const scanPattern = new Cron(options.cron, { timezone: 'Europe/London', paused: true });
  const notifyDue = (at: Date) => {
    const pass = options.notify?.pass;
    if (!pass) return queue;
    const minute = minuteOf(at);
    if (scanPattern.nextRun(new Date(minute - 1))?.getTime() === minute) void scanDue(at);
    return enqueue(async () => (await claimed('notify', at)) ? notify(pass) : undefined);
  };

  const scanJob = new Cron(options.cron, { timezone: 'Europe/London', protect: true }, () => scanDue(new Date()));
  const notifyJob = options.notify
    ? new Cron(options.notify.cron, { timezone: 'Europe/London', protect: true }, () => notifyDue(new Date()))
    : undefined;
  const syncJob = options.sync
    ? new Cron(options.sync.cron, { timezone: 'Europe/London', protect: true }, () => syncDue(new Date()))
    : undefined;
  // Catch up after downtime: a scan missed while the server was down runs now.
  if (options.runOnStart) setImmediate(() => void enqueue(() => scan('start-up')));
  return {
    async stop() {
      stopped = true;
      scanJob.stop();
      notifyJob?.stop();
      syncJob?.stop();
      scanPattern.stop();
      if (retry) {
        clearTimeout(retry.timer);
        retry.settle();
      }
      await queue;
    },
    nextRun: (job = 'scan') => (job === 'scan' ? scanJob.nextRun() : job === 'sync' ? syncJob?.nextRun() ?? null : notifyJob?.nextRun() ?? null),
    fire: (job, at) => (job === 'scan' ? scanDue(at) : job === 'sync' ? syncDue(at) : notifyDue(at)),
  };
}
