import type { FastifyBaseLogger } from 'fastify';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { ModernGovSync, SyncSummary } from '../../src/jobs/moderngov-sync.js';
import type { NotificationPass } from '../../src/jobs/notify.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { build } from '../helper.js';

// The Modern.gov sync on MODERNGOV_SYNC_CRON joins the scheduler's one queue: it never runs beside
// the scan or the notification pass. Nothing waits for a wall-clock minute: the tests call what
// croner would call (`fire`).

const NEVER = '0 0 1 1 *';
const AT = new Date('2027-01-01T07:00:00Z');

function collectingLog() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (_fields: unknown, message: string) => void lines.push({ level, message });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } as unknown as FastifyBaseLogger };
}

const summary = (errors: SyncSummary['errors'] = []): SyncSummary => ({
  url: 'http://127.0.0.1', from: '2026-01-01', to: '2028-01-01', dryRun: false,
  committees: { created: 0, updated: 0 }, meetings: { created: 0, updated: 0, cancelled: 0 },
  items: { created: 0, updated: 0 }, drafts: { created: 0, updated: 0 }, errors,
});

t.test('a sync and a pass fired together run one after the other, whichever failed', async (t) => {
  const api = await build(t);
  const { log, lines } = collectingLog();
  let inFlight = 0;
  let most = 0;
  const busy = async <T>(value: T, fail = false) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((settle) => setTimeout(settle, 20));
    inFlight -= 1;
    if (fail) throw new Error('gone');
    return value;
  };
  let syncs = 0;
  const sync = { configured: () => true, run: () => busy(summary(syncs++ === 0 ? [{ url: 'u', committee: '1', meeting: null, status: 403, error: 'HTTP 403', body: null }] : []), syncs > 2) } as unknown as ModernGovSync;
  const pass = { run: () => busy({ asOf: '2027-01-01', dryRun: false, emails: [] }) } as unknown as NotificationPass;
  const scheduler = startScheduler(api.app.services.scans, log, { cron: NEVER, runOnStart: false, notify: { pass, cron: NEVER }, sync: { sync, cron: NEVER } });
  t.teardown(() => scheduler.stop());
  t.ok(scheduler.nextRun('sync'), 'the sync is scheduled');

  await Promise.all([scheduler.fire('sync', AT), scheduler.fire('notify', AT), scheduler.fire('sync', AT), scheduler.fire('sync', AT)]);
  t.equal(most, 1, 'never two at once');
  t.same(lines.map((l) => `${l.level} ${l.message}`), [
    'info Modern.gov sync finished',
    'warn Modern.gov sync error',
    'info notification pass finished',
    'info Modern.gov sync finished',
    'error Modern.gov sync failed',
  ]);
});

t.test('without a site no sync is scheduled', async (t) => {
  const api = await build(t);
  const scheduler = startScheduler(api.app.services.scans, collectingLog().log, { cron: NEVER, runOnStart: false });
  t.teardown(() => scheduler.stop());
  t.equal(scheduler.nextRun('sync'), null);
});

t.test('MODERNGOV_URL, MODERNGOV_SYNC_CRON and MODERNGOV_TIMEOUT_MS are checked at start-up', async (t) => {
  t.equal(loadConfig({}).moderngovSyncCron, '0 * * * *', 'hourly by default');
  t.equal(loadConfig({}).moderngovUrl, undefined);
  t.equal(loadConfig({ MODERNGOV_URL: 'https://democracy.example.gov.uk' }).moderngovUrl, 'https://democracy.example.gov.uk');
  t.throws(() => loadConfig({ MODERNGOV_SYNC_CRON: 'every hour!' }), ConfigError);
  t.throws(() => loadConfig({ MODERNGOV_URL: 'democracy.example.gov.uk' }), { name: 'ConfigError', message: /MODERNGOV_URL/ });
  t.throws(() => loadConfig({ MODERNGOV_TIMEOUT_MS: '5' }), { message: /MODERNGOV_TIMEOUT_MS/ });
});
