import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { main as importMinutes } from '../../scripts/import-minutes.js';
import { main as overdueReport } from '../../scripts/overdue-report.js';
import { main as seedDemo } from '../../scripts/seed-demo.js';
import { defaultConfig } from '../../src/config.js';
import { openEngine } from '../../src/db/engine.js';
import { scriptActor } from '../../src/domain/actor.js';
import { createServices } from '../../src/services.js';
import { skipWithoutPostgres, testDatabase } from '../pg.js';
import { callMain, spawnScript } from './command.js';
import { MINUTES } from './minutes-fixture.js';

// The command-line tools on a PostgreSQL deployment (issue 18): with DATABASE_URL set,
// `npm run import-minutes`, `overdue-report` and `seed:demo` read and write PostgreSQL, as the server
// on that database does, and leave DATABASE_PATH alone. Each runs once as the real process; the
// rest call its main() in this process, on the same database.

const skip = await skipWithoutPostgres();

/**
 * A fresh PostgreSQL database, the services on it (for setting up), and the commands' environment:
 * DATABASE_URL, and a DATABASE_PATH in a folder that must never be made.
 */
async function postgres(t: Test) {
  const database = await testDatabase(t);
  const dir = mkdtempSync(join(tmpdir(), 'cli-postgres-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const unusedPath = join(dir, 'not-made', 'scrutiny.sqlite');
  const engine = await openEngine({ ...defaultConfig, databaseUrl: database.url });
  t.teardown(() => engine.close());
  const count = async (table: string) =>
    (await database.pool.query<{ n: number }>(`SELECT CAST(count(*) AS integer) AS n FROM ${table}`)).rows[0]!.n;
  return {
    ...database,
    dir,
    services: createServices(engine),
    env: { DATABASE_URL: database.url, DATABASE_PATH: unusedPath },
    count,
    sqliteUntouched: () => !existsSync(join(dir, 'not-made')),
  };
}

t.test('npm run import-minutes --commit with DATABASE_URL saves the minutes in PostgreSQL, once', { skip }, async (t) => {
  const db = await postgres(t);
  const actor = scriptActor('test');
  const committee = await db.services.committees.create(actor, { name: 'Housing Scrutiny Committee', kind: 'scrutiny' });
  const next = await db.services.meetings.create(actor, committee.id, { startsAt: '2026-12-07T18:30:00Z' });
  const file = join(db.dir, 'housing.txt');
  writeFileSync(file, MINUTES);

  const first = await spawnScript('scripts/import-minutes.ts', [file, '--commit', '--committee', String(committee.id)], db.env);
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stderr, '', 'nothing on stderr');
  const { draft, committed } = JSON.parse(first.stdout);
  t.equal(draft.meeting.startsAt.slice(0, 10), '2026-10-12', 'the draft read from the file');
  t.match(committed, { created: true, counts: { items: 2, resolutions: 2, actions: 2, attendance: 3 } });
  const stored = await db.pool.query(
    `SELECT a.due_rule AS rule, a.due_meeting_id AS due, i.title AS item, m.committee_id AS "committeeId"
       FROM actions a JOIN agenda_items i ON i.id = a.item_id JOIN meetings m ON m.id = a.meeting_id
      WHERE a.meeting_id = $1 ORDER BY a.id`,
    [committed.meetingId],
  );
  t.same(stored.rows, [
    { rule: 'next_meeting', due: next.id, item: 'DAMP AND MOULD IN COUNCIL HOMES', committeeId: committee.id },
    { rule: 'next_meeting', due: next.id, item: 'DAMP AND MOULD IN COUNCIL HOMES', committeeId: committee.id },
  ], 'the actions are in PostgreSQL, due at the next meeting');
  const audited = await db.pool.query("SELECT count(*)::int AS n FROM audit_events WHERE actor = 'script:import-minutes'");
  t.ok(audited.rows[0].n >= 2 + 2 + 2, 'saved under the script\'s name');
  t.ok(db.sqliteUntouched(), 'no SQLite database made at DATABASE_PATH');

  const actionsBefore = await db.count('actions');
  const second = await callMain(importMinutes, [file, '--commit', '--committee', String(committee.id)], db.env);
  t.equal(second.code, 0, second.stderr);
  t.match(JSON.parse(second.stdout).committed, { created: false, meetingId: committed.meetingId }, 'a second run finds it imported');
  t.equal(await db.count('actions'), actionsBefore, 'and adds nothing');

  // A refusal from PostgreSQL's (asynchronous) run is still named by the flag that carried it.
  const longAgo = await callMain(importMinutes, [file, '--commit', '--committee', String(committee.id), '--starts-at', '1850-10-20T10:00:00+00:00'], db.env);
  t.equal(longAgo.code, 1);
  t.equal(longAgo.stdout, '');
  t.equal(longAgo.stderr, 'import-minutes: --starts-at: must be in the years 1900–2999\n');
  const unknown = await callMain(importMinutes, [file, '--commit', '--committee', '999'], db.env);
  t.equal(unknown.stderr.trim(), 'import-minutes: Committee 999 was not found');
  t.equal(await db.count('actions'), actionsBefore, 'nothing saved by the refused runs');
});

t.test('npm run overdue-report with DATABASE_URL scans PostgreSQL and prints the report', { skip }, async (t) => {
  const db = await postgres(t);
  const actor = scriptActor('test');
  const overdue = await db.services.committees.create(actor, { name: 'Children and Young People Scrutiny Committee', kind: 'scrutiny' });
  const held = await db.services.meetings.create(actor, overdue.id, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  // Its agenda goes out by 2024-08-22: an action still open on 2024-08-23 is overdue.
  const coming = await db.services.meetings.create(actor, overdue.id, { startsAt: '2024-09-02T18:30:00+01:00' });
  const action = await db.services.actions.create(actor, { meetingId: held.id, kind: 'update', title: 'Update on the school places plan' });
  // Part 2 business, overdue too: flagged, but printed only with --include exempt.
  const part2 = await db.services.items.create(actor, held.id, { title: 'Residential placements contract', visibility: 'exempt', exemptParagraph: 3 });
  const exempt = await db.services.actions.create(actor, { meetingId: held.id, itemId: part2.id, kind: 'update', title: 'Costs of the preferred bidder' });
  const quiet = await db.services.committees.create(actor, { name: 'Health Policy and Performance Board', kind: 'policy_and_performance_board' });
  await db.services.meetings.create(actor, quiet.id, { startsAt: '2024-09-03T18:30:00+01:00' });

  const dry = await callMain(overdueReport, ['--as-of', '2024-08-23', '--dry-run'], db.env);
  t.equal(dry.code, 0, dry.stderr);
  t.equal(await db.count('overdue_flags'), 0, '--dry-run records no flag');

  const run = await spawnScript('scripts/overdue-report.ts', ['--as-of', '2024-08-23'], db.env);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '', 'nothing on stderr');
  const report = JSON.parse(run.stdout);
  t.equal(report.asOf, '2024-08-23');
  const entry = report.meetings.find((m: { committee: { id: number } }) => m.committee.id === overdue.id);
  t.match(entry, { committee: { name: 'Children and Young People Scrutiny Committee' }, meeting: { id: coming.id, agendaDespatchBy: '2024-08-22' } });
  t.same(entry.overdue.map((a: { id: number; title: string; timesFlagged: number }) => [a.id, a.title, a.timesFlagged]), [[action.id, 'Update on the school places plan', 1]]);
  t.notOk(run.stdout.includes('preferred bidder'), 'the exempt action is not printed by default');
  t.same(report.meetings.filter((m: { overdue: unknown[] }) => m.overdue.length > 0).map((m: { committee: { id: number } }) => m.committee.id), [overdue.id], 'only that committee has overdue actions');
  const flags = await db.pool.query('SELECT action_id AS "actionId", meeting_id AS "meetingId" FROM overdue_flags ORDER BY action_id');
  t.same(flags.rows, [{ actionId: action.id, meetingId: coming.id }, { actionId: exempt.id, meetingId: coming.id }], 'both flags recorded in PostgreSQL');
  t.ok(db.sqliteUntouched(), 'no SQLite database made at DATABASE_PATH');

  const markdown = await callMain(overdueReport, ['--as-of', '2024-08-23', '--format', 'md', '--committee', String(overdue.id)], db.env);
  t.equal(markdown.code, 0, markdown.stderr);
  t.match(markdown.stdout, /Update on the school places plan/, 'the agenda-pack document names the action');
  t.notMatch(markdown.stdout, /preferred bidder/, 'and not the exempt one');
  const withExempt = await callMain(overdueReport, ['--as-of', '2024-08-23', '--dry-run', '--include', 'exempt'], db.env);
  t.match(withExempt.stdout, /Costs of the preferred bidder/, '--include exempt prints it');
  t.equal(await db.count('overdue_flags'), 2, 'a second scan flags nothing twice');
});

t.test('npm run seed:demo with DATABASE_URL seeds the demo council in PostgreSQL; a second run adds nothing', { skip }, async (t) => {
  const db = await postgres(t);
  const manifest = JSON.parse(readFileSync(new URL('../../scripts/demo/manifest.json', import.meta.url), 'utf8')) as { committees: { name: string }[] };
  const tables = ['committees', 'meetings', 'agenda_items', 'resolutions', 'actions', 'overdue_flags', 'audit_events'];
  const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await db.count(table)])));

  const first = await spawnScript('scripts/seed-demo.ts', [], db.env);
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stderr, '', 'nothing on stderr');
  const summary = JSON.parse(first.stdout) as {
    imported: { committee: string; committeeId: number; created: boolean; meetingId: number }[];
    scan: { flagsRecorded: number };
  };
  t.same(summary.imported.map((i) => [i.committee, i.created]), manifest.committees.map((c) => [c.name, true]));
  t.ok(summary.scan.flagsRecorded > 0, 'the scan flagged overdue actions');
  const committees = await db.pool.query('SELECT id, name FROM committees ORDER BY id');
  t.same(committees.rows, summary.imported.map((i) => ({ id: i.committeeId, name: i.committee })), 'the committees are in PostgreSQL');
  const seeded = await counts();
  t.ok(seeded.meetings! >= 8 && seeded.actions! > 0 && seeded.resolutions! > 0, 'with meetings, resolutions and actions');
  t.equal(seeded.overdue_flags, summary.scan.flagsRecorded, 'flags recorded in PostgreSQL');
  t.ok(db.sqliteUntouched(), 'no SQLite database made at DATABASE_PATH');

  const second = await callMain((_args, io) => seedDemo(io), [], db.env);
  t.equal(second.code, 0, second.stderr);
  const again = JSON.parse(second.stdout) as typeof summary;
  t.same(again.imported.map((i) => [i.committeeId, i.created, i.meetingId]), summary.imported.map((i) => [i.committeeId, false, i.meetingId]));
  t.equal(again.scan.flagsRecorded, 0);
  t.same(await counts(), seeded, 'nothing duplicated');
});
