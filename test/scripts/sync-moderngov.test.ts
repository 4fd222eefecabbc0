import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { main } from '../../scripts/sync-moderngov.js';
import { startFakeModernGov, type FakeCommittee } from '../moderngov/fake-server.js';
import { callMain, spawnScript } from './command.js';

// `npm run sync:moderngov -- [--url URL] [--committee ID]... [--from] [--to] [--dry-run]`: the
// summary JSON and nothing else on stdout; errors also one line each on stderr and exit 1.

// Next year: meetings still to come, whenever the test runs (3 March is GMT, 7 April BST, every year).
const Y = new Date().getUTCFullYear() + 1;
const COMMITTEES: FakeCommittee[] = [
  {
    id: '201', title: 'Economy Scrutiny Committee',
    meetings: [
      { id: '8001', date: `03/03/${Y}`, time: '6.00 pm', status: 'Confirmed', items: [{ id: '98001', title: 'Town Centre Regeneration' }] },
      { id: '8002', date: `07/04/${Y}`, time: '6.00 pm', status: 'Cancelled' },
    ],
  },
  { id: '202', title: 'Audit Committee', meetings: [{ id: '8101', date: `10/03/${Y}`, time: '2.30 pm', status: 'Confirmed' }] },
];

function workspace(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-sync-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'scrutiny.sqlite');
}
const rows = (path: string, sql: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};

t.test('syncs the named committees in a window, prints the summary, and a second run changes nothing', async (t) => {
  const fake = await startFakeModernGov(t, structuredClone(COMMITTEES));
  const path = workspace(t);
  const cli = (...args: string[]) => callMain(main, args, { DATABASE_PATH: path, MODERNGOV_URL: '' });

  const dry = await cli('--url', fake.url, '--committee', '201', '--from', `${Y}-01-01`, '--to', `${Y}-12-31`, '--dry-run');
  t.equal(dry.code, 0, dry.stderr);
  t.equal(JSON.parse(dry.stdout).meetings.created, 2);
  t.same(rows(path, 'SELECT id FROM meetings'), [], 'a dry run writes nothing');

  const first = await cli('--url', fake.url, '--committee', '201', '--from', `${Y}-01-01`, '--to', `${Y}-12-31`);
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stderr, '');
  const summary = JSON.parse(first.stdout);
  t.same(summary.committees, { created: 1, updated: 0 });
  t.same(summary.meetings, { created: 2, updated: 0, cancelled: 1 });
  t.same(summary.items, { created: 1, updated: 0 });
  t.same(rows(path, 'SELECT external_id AS id, status, starts_at AS startsAt FROM meetings ORDER BY id'), [
    { id: '8001', status: 'scheduled', startsAt: `${Y}-03-03T18:00:00+00:00` },
    { id: '8002', status: 'cancelled', startsAt: `${Y}-04-07T18:00:00+01:00` },
  ]);
  const events = rows(path, 'SELECT count(*) AS n FROM audit_events');
  const again = await cli('--url', fake.url, '--committee', '201', '--from', `${Y}-01-01`, '--to', `${Y}-12-31`);
  t.equal(again.code, 0);
  t.same(JSON.parse(again.stdout).meetings, { created: 0, updated: 0, cancelled: 0 });
  t.same(rows(path, 'SELECT count(*) AS n FROM audit_events'), events, 'nothing written');
  t.ok(rows(path, "SELECT DISTINCT actor FROM audit_events").every((r) => (r as { actor: string }).actor === 'sync:moderngov'));
});

t.test('a host that answers 403: exit 1, the summary on stdout, the error on stderr', async (t) => {
  const fake = await startFakeModernGov(t, structuredClone(COMMITTEES));
  fake.misbehave.set('GetMeetings?lCommitteeId=202', 'waf');
  const path = workspace(t);
  const res = await callMain(main, ['--url', fake.url], { DATABASE_PATH: path });
  t.equal(res.code, 1);
  const summary = JSON.parse(res.stdout);
  t.equal(summary.committees.created, 1, 'the other committee is synced');
  t.match(res.stderr, /^sync:moderngov: http:\/\/127\.0\.0\.1:\d+\/mgWebService\.asmx\/GetMeetings\?lCommitteeId=202&.* HTTP 403: HTTP 403 \(text\/html\) "<html>/);
});

t.test('bad usage: exit 2 with the reason', async (t) => {
  const path = workspace(t);
  for (const args of [['--from', '2025-13-01', '--url', 'http://127.0.0.1:1'], ['--url', 'ftp://x'], ['--bogus'], []]) {
    const res = await callMain(main, args, { DATABASE_PATH: path, MODERNGOV_URL: '' });
    t.equal(res.code, 2, args.join(' '));
    t.equal(res.stdout, '');
    t.match(res.stderr, /^sync:moderngov: .*\(usage: npm run sync:moderngov -- /);
  }
});

t.test('as a process, with MODERNGOV_URL from the environment', async (t) => {
  const fake = await startFakeModernGov(t, structuredClone(COMMITTEES));
  const path = workspace(t);
  const res = await spawnScript('scripts/sync-moderngov.ts', ['--committee', '202', '--from', `${Y}-01-01`, '--to', `${Y}-12-31`], { DATABASE_PATH: path, MODERNGOV_URL: fake.url });
  t.equal(res.code, 0, res.stderr);
  t.same(JSON.parse(res.stdout).meetings, { created: 1, updated: 0, cancelled: 0 });
});
