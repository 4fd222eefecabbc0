import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';

// Process entry: config → app → listen; the scheduler (scan and notification pass); graceful shutdown on SIGTERM/SIGINT.

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`scrutiny-tracker: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const app = await buildApp(config);
  let scheduler: Scheduler | undefined;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // A client that never finishes its request must not keep the process alive for ever.
    setTimeout(() => {
      app.log.error('in-flight requests did not finish within 15 s; exiting');
      process.exit(1);
    }, 15_000).unref();
    // close() stops accepting, waits for in-flight requests, then the onClose hook closes the database.
    await scheduler?.stop();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  // After listening: working out the next run in Europe/London is not needed to serve.
  if (config.scheduler && !closing) {
    scheduler = startScheduler(app.services.scans, app.log, {
      cron: config.scanCron,
      runOnStart: config.scanOnStart,
      notify: { pass: app.services.notificationPass, cron: config.notifyCron },
      // Each scheduled run once across the processes sharing the database (jobs/job-runs.ts).
      claim: (job, slot) => app.services.jobRuns.claim(job, slot),
      // The Modern.gov sync joins the same queue, so it never runs beside the scan or the pass.
      ...(config.moderngovUrl ? { sync: { sync: app.services.moderngovSync, cron: config.moderngovSyncCron } } : {}),
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`scrutiny-tracker: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
