import type { FastifyBaseLogger } from 'fastify';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { NotificationPass } from '../../src/jobs/notify.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { build, committee, meeting } from '../helper.js';

// The notification pass on NOTIFY_CRON. Nothing here waits for a wall-clock minute: the tests
// call what croner would call (`fire`) with the time it would pass, and the cron patterns given
// to croner itself are ones that will not come round while a test runs.

interface Logged { level: 'info' | 'error'; message: string; fields: Record<string, unknown> }

function collectingLog(): { log: FastifyBaseLogger; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: Logged['level']) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, message, fields });
  return { lines, log: { info: at('info'), error: at('error') } as unknown as FastifyBaseLogger };
}

const NEVER = '0 0 1 1 *';
// 07:00 on 1 January 2027, Europe/London (GMT in winter).
const NEW_YEAR_SEVEN = new Date('2027-01-01T07:00:00Z');

t.test('scan and pass due in the same minute: the scan runs first, once, and the pass sends what it flagged', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api, { contactEmail: 'scrutiny@example.gov.uk' });
  const raisedAt = await meeting(api, committeeId, { startsAt: '2020-01-13T18:30:00Z', status: 'held' });
  await meeting(api, committeeId, { startsAt: '2099-01-12T18:30:00Z' });
  const created = await api.request({
    method: 'POST',
    url: '/v1/actions',
    payload: { meetingId: raisedAt, kind: 'task', title: 'Circulate the ward breakdown', dueDate: '2020-02-01' },
  });
  t.equal(created.statusCode, 201);
  const { log, lines } = collectingLog();
  const scheduler = startScheduler(api.app.services.scans, log, {
    cron: '0 7 * * *',
    runOnStart: false,
    notify: { pass: api.app.services.notificationPass, cron: '0 7 * * 1-5' },
  });
  t.teardown(() => scheduler.stop());

  // croner may fire the pass's timer before the scan's: the pass still comes second.
  const pass = scheduler.fire('notify', NEW_YEAR_SEVEN);
  const scan = scheduler.fire('scan', new Date(NEW_YEAR_SEVEN.getTime() + 5));
  await Promise.all([pass, scan]);
  t.same(lines.map((l) => l.message), ['overdue scan finished', 'notification pass finished']);
  t.equal(lines[0]!.fields.flagsRecorded, 1);
  const listed = await api.request({ method: 'GET', url: '/v1/notifications?kind=overdue' });
  t.equal(listed.statusCode, 200);
  t.match(listed.json().data, [{ kind: 'overdue', actionIds: [created.json().id], status: 'not_sent', reason: 'no SMTP' }],
    'the pass saw the flag the scan had just recorded');
});

t.test('a pass in a minute without a scan does not run one', async (t) => {
  const api = await build(t);
  const { log, lines } = collectingLog();
  const scheduler = startScheduler(api.app.services.scans, log, {
    cron: '30 5 * * *',
    runOnStart: false,
    notify: { pass: api.app.services.notificationPass, cron: '0 7 * * 1-5' },
  });
  t.teardown(() => scheduler.stop());
  await scheduler.fire('notify', NEW_YEAR_SEVEN);
  t.same(lines.map((l) => l.message), ['notification pass finished']);
  const next = scheduler.nextRun('notify')!;
  const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
  t.equal(london.format(next), '07:00', 'the pass is scheduled at 07:00 London time');
});

t.test('never two passes at once, and a failing pass is logged without stopping the next', async (t) => {
  const api = await build(t);
  const { log, lines } = collectingLog();
  let inFlight = 0;
  let most = 0;
  let calls = 0;
  const pass = {
    async run() {
      calls += 1;
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((settle) => setTimeout(settle, 20));
      inFlight -= 1;
      if (calls === 1) throw new Error('the database went away');
      return { asOf: '2027-01-01', dryRun: false, emails: [] };
    },
  } as unknown as NotificationPass;
  const scheduler = startScheduler(api.app.services.scans, log, { cron: NEVER, runOnStart: false, notify: { pass, cron: NEVER } });
  t.teardown(() => scheduler.stop());

  await Promise.all([scheduler.fire('notify', NEW_YEAR_SEVEN), scheduler.fire('notify', new Date('2027-01-01T07:01:00Z'))]);
  t.equal(calls, 2);
  t.equal(most, 1, 'the second pass waited for the first');
  t.match(lines, [
    { level: 'error', message: 'notification pass failed' },
    { level: 'info', message: 'notification pass finished' },
  ]);
});

t.test('after stop() no pass starts', async (t) => {
  const api = await build(t);
  const { log, lines } = collectingLog();
  const scheduler = startScheduler(api.app.services.scans, log, {
    cron: NEVER,
    runOnStart: false,
    notify: { pass: api.app.services.notificationPass, cron: NEVER },
  });
  await scheduler.stop();
  await scheduler.fire('notify', NEW_YEAR_SEVEN);
  t.same(lines, []);
  t.equal(scheduler.nextRun('notify'), null);
});

t.test('NOTIFY_CRON: 07:00 on weekdays by default; a bad pattern stops start-up naming the variable', async (t) => {
  t.equal(loadConfig({}).notifyCron, '0 7 * * 1-5');
  t.equal(loadConfig({ NOTIFY_CRON: '15 6 * * 1-5' }).notifyCron, '15 6 * * 1-5');
  t.throws(() => loadConfig({ NOTIFY_CRON: 'not a cron' }), ConfigError);
  t.throws(() => loadConfig({ NOTIFY_CRON: '0 25 * * 1-5' }), /NOTIFY_CRON/);
});
