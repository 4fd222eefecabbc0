import type { FastifyBaseLogger } from 'fastify';
import t, { type Test } from 'tap';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { buildOnFile, committee, meeting, sqliteOnly, until, within } from '../helper.js';

// The in-server scan while another process (the command line) holds the write lock: it must not
// stop the server's thread for the busy timeout and then give up; it tries again once the lock
// is free, and stopping the server meanwhile ends it cleanly.

/** The scheduler's busy retry is for SQLITE_BUSY: another connection holding the file's write lock. */
const FILE_LOCK = 'another connection holding the SQLite file\'s write lock (BEGIN IMMEDIATE)';

interface Logged { level: 'info' | 'error'; message: string }

function collectingLog(): { log: FastifyBaseLogger; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: Logged['level']) => (_obj: unknown, message: string) => void lines.push({ level, message });
  return { lines, log: { info: at('info'), error: at('error') } as unknown as FastifyBaseLogger };
}

/** An app on a database file with one action overdue today, and a second connection to the file. */
async function overdueOnFile(t: Test) {
  const { api, other } = await buildOnFile(t);
  const committeeId = await committee(api);
  const raisedAt = await meeting(api, committeeId, { startsAt: '2020-01-13T18:30:00Z', status: 'held' });
  // The next meeting, which the flag is recorded against, whatever today is.
  await meeting(api, committeeId, { startsAt: '2099-01-12T18:30:00Z' });
  const res = await api.request({
    method: 'POST',
    url: '/v1/actions',
    payload: { meetingId: raisedAt, kind: 'task', title: 'Circulate the ward breakdown', dueDate: '2020-02-01' },
  });
  t.equal(res.statusCode, 201);
  const flags = () => (other.prepare('SELECT count(*) AS n FROM overdue_flags').get() as { n: number }).n;
  return { api, other, flags };
}

t.test('a scan refused by another process\'s lock waits without blocking, then runs once the lock is free', { skip: sqliteOnly(FILE_LOCK) }, async (t) => {
  const { api, other, flags } = await overdueOnFile(t);
  api.app.db.$client.pragma('busy_timeout = 60000');
  const { log, lines } = collectingLog();
  other.exec('BEGIN IMMEDIATE');
  const scheduler = startScheduler(api.app.services.scans, log, { cron: '0 0 1 1 *', runOnStart: true, busyRetryMs: 20 });
  t.teardown(() => scheduler.stop());

  await until(() => lines.some((l) => /waiting/.test(l.message)), 'the scan to find the lock taken');
  const health = await api.request({ method: 'GET', url: '/healthz', as: null });
  t.equal(health.statusCode, 200, 'the server answers while the scan waits');
  t.ok(other.inTransaction, '...and the other process still holds the lock');
  t.equal(flags(), 0, 'nothing recorded yet');

  other.exec('COMMIT');
  await until(() => lines.some((l) => /finished|failed/.test(l.message)), 'the scan to end');
  t.same(lines.filter((l) => l.level === 'error'), [], 'the scan did not fail');
  t.equal(flags(), 1, 'the overdue action was flagged once the lock was free');
});

t.test('stopping the scheduler ends a scan that is waiting for the lock', { skip: sqliteOnly(FILE_LOCK) }, async (t) => {
  const { api, other, flags } = await overdueOnFile(t);
  const { log, lines } = collectingLog();
  other.exec('BEGIN IMMEDIATE');
  // The next try would come only after an hour: stop() must end the wait, not sit it out (the
  // minute allowed below only bounds a hang).
  const scheduler = startScheduler(api.app.services.scans, log, { cron: '0 0 1 1 *', runOnStart: true, busyRetryMs: 3_600_000 });
  await until(() => lines.some((l) => /waiting/.test(l.message)), 'the scan to find the lock taken');
  // Free the lock first: a scan tried again once the wait is cut short would now succeed.
  other.exec('COMMIT');
  await within(scheduler.stop(), 60_000, 'stop() to end the scan waiting for the lock');
  t.equal(flags(), 0, 'the scan did not run after stop()');
  t.same(lines.filter((l) => /finished|failed/.test(l.message)), [], 'nor did it fail or finish');
});
