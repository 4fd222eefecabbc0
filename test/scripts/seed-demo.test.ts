import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { main } from '../../scripts/seed-demo.js';
import { callMain, spawnScript } from './command.js';

// `npm run seed:demo` fills a fresh database from the demo minutes in scripts/demo/ (written for
// the project, never the seeds): committees, meetings, resolutions and overdue actions with
// their flags. Running it again adds nothing.

const MANIFEST = JSON.parse(readFileSync(new URL('../../scripts/demo/manifest.json', import.meta.url), 'utf8')) as {
  committees: { name: string }[];
};

/** The real command, as a process. */
const seed = (databasePath: string) => spawnScript('scripts/seed-demo.ts', [], { DATABASE_PATH: databasePath });
/** The command's main() in this process. */
const seedInProcess = (databasePath: string) => callMain((_args, io) => main(io), [], { DATABASE_PATH: databasePath });

const TABLES = ['committees', 'meetings', 'agenda_items', 'resolutions', 'declarations', 'attendance', 'people', 'actions', 'overdue_flags', 'audit_events'];

function countsIn(path: string): Record<string, number> {
  const db = openDatabase({ path });
  try {
    return Object.fromEntries(TABLES.map((table) => [table, (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]));
  } finally {
    db.$client.close();
  }
}

t.test('seed:demo fills a fresh database once; a second run adds nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-demo-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'demo.sqlite');

  const first = await seed(path);
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stderr, '', 'nothing on stderr');
  const summary = JSON.parse(first.stdout) as {
    imported: { committee: string; committeeId: number; created: boolean; meetingId: number; counts: Record<string, number> }[];
    scan: { asOf: string; flagsRecorded: number };
  };
  t.equal(summary.imported.length, 2, 'two committees imported');
  t.same(summary.imported.map((i) => i.committee), MANIFEST.committees.map((c) => c.name));
  for (const entry of summary.imported) {
    t.equal(entry.created, true, `${entry.committee}: created`);
    t.ok(entry.counts.items! >= 3 && entry.counts.resolutions! >= 1 && entry.counts.actions! >= 1, `${entry.committee}: items, resolutions and actions`);
  }
  t.ok(summary.scan.flagsRecorded > 0, 'the scan flagged overdue actions');

  const after = countsIn(path);
  t.equal(after.committees, 2);
  t.ok(after.meetings! >= 8, 'imported meetings and the coming ones');
  t.ok(after.resolutions! > 0);
  t.equal(after.overdue_flags, summary.scan.flagsRecorded, 'flags recorded in the database');

  // What a new user sees through the API.
  const db = openDatabase({ path });
  const app = await buildApp({ ...defaultConfig, scheduler: false, scanOnStart: false }, { db, logger: false });
  t.teardown(async () => {
    await app.close();
    db.$client.close();
  });
  const key = (await app.services.apiKeys.create(scriptActor('test'), 'test-admin', ['admin'])).key;
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  const committees = await get('/v1/committees');
  t.equal(committees.statusCode, 200);
  t.same(committees.json().data.map((c: { name: string }) => c.name).sort(), MANIFEST.committees.map((c) => c.name).sort());
  for (const entry of summary.imported) {
    const held = await get(`/v1/meetings/${entry.meetingId}`);
    t.match(held.json(), { committeeId: entry.committeeId, status: 'held' });
    const overdue = await get(`/v1/actions?committeeId=${entry.committeeId}&overdue=true`);
    t.equal(overdue.statusCode, 200);
    t.ok(overdue.json().data.length > 0, `${entry.committee}: overdue actions`);
    t.ok(overdue.json().data.every((a: { meetingId: number; overdue: boolean }) => a.meetingId === entry.meetingId && a.overdue));
  }
  const flags = await get('/v1/flags');
  t.equal(flags.statusCode, 200);
  t.ok(flags.json().data.length > 0, 'flags readable');
  const snapshot = countsIn(path);

  const second = await seedInProcess(path);
  t.equal(second.code, 0, second.stderr);
  const again = JSON.parse(second.stdout) as typeof summary;
  t.same(again.imported.map((i) => [i.committeeId, i.created, i.meetingId]), summary.imported.map((i) => [i.committeeId, false, i.meetingId]));
  t.equal(again.scan.flagsRecorded, 0);
  t.same(countsIn(path), snapshot, 'nothing added');
});
