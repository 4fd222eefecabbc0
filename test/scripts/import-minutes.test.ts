import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { parseMinutes } from '../../src/import/index.js';
import { main } from '../../scripts/import-minutes.js';
import { callMain, spawnScript, type Run } from './command.js';
import { MINUTES } from './minutes-fixture.js';
import { projectRoot } from '../helper.js';
import { pathToFileURL } from 'node:url';

// `npm run import-minutes -- FILE [--committee ID] [--commit] [--starts-at ISO]`: the draft JSON
// and nothing else on stdout; with --commit, saved through the same code as the API, and
// idempotent. Failures: a non-zero exit and one line on stderr.

const SEEDS = new URL('../shared/seeds/', pathToFileURL(projectRoot));

const FRAGMENT = 'The Board asked for a note on waiting times for speech and language therapy.\n\nRESOLVED: That the report be noted.\n';

/** The command's main() in this process; `real` runs it as a process (kept for one draft and one failure). */
const cli = (databasePath: string, ...args: string[]) => callMain(main, args, { DATABASE_PATH: databasePath });
const real = (databasePath: string, ...args: string[]) => spawnScript('scripts/import-minutes.ts', args, { DATABASE_PATH: databasePath });

/** A temp folder with the minutes files and a database path. */
function workspace(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'import-minutes-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  return { dir, db: join(dir, 'scrutiny.sqlite'), file };
}

/** A database file with one committee and its next meeting. */
function withCommittee(path: string) {
  const db = openDatabase({ path });
  const app = buildApp({ ...defaultConfig, databasePath: path, scheduler: false, scanOnStart: false }, { db, logger: false });
  return app.then(async (a) => {
    const actor = scriptActor('test');
    const committee = await a.services.committees.create(actor, { name: 'Housing Scrutiny Committee', kind: 'scrutiny' });
    const next = await a.services.meetings.create(actor, committee.id, { startsAt: '2026-12-07T18:30:00Z' });
    const count = (table: string) => (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const counts = () => ({
      meetings: count('meetings'), agenda_items: count('agenda_items'), resolutions: count('resolutions'), actions: count('actions'),
      people: count('people'), attendance: count('attendance'), audit_events: count('audit_events'),
    });
    const writeKey = (await a.services.apiKeys.create(actor, 'test-writer', ['write'])).key;
    const close = async () => {
      await a.close();
      db.$client.close();
    };
    return { app: a, db, committeeId: committee.id, next: next.id, counts, close, writeKey };
  });
}

function oneLine(t: Test, run: Run, what: string) {
  t.not(run.code, 0, `${what}: non-zero exit`);
  t.equal(run.stdout, '', `${what}: nothing on stdout`);
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  t.equal(lines.length, 1, `${what}: one line on stderr (${JSON.stringify(run.stderr)})`);
  t.match(lines[0], /^import-minutes: /);
  return lines[0] ?? '';
}

t.test('FILE alone prints the draft JSON, only, and opens no database', async (t) => {
  const ws = workspace(t);
  const path = ws.file('housing.txt', MINUTES);
  const [run, garbage] = await Promise.all([real(ws.db, path), cli(ws.db, ws.file('garbage.bin', randomBytes(32 * 1024)))]);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '');
  const out = JSON.parse(run.stdout);
  t.same(out, { draft: JSON.parse(JSON.stringify(parseMinutes(MINUTES))), committed: null }, 'the parser’s draft, as the API returns it');
  t.same(out.draft.items.map((i: { title: string }) => i.title), ['APOLOGIES FOR ABSENCE', 'DAMP AND MOULD IN COUNCIL HOMES']);
  t.equal(out.draft.actions.length, 2);
  t.notOk(existsSync(ws.db), 'a draft needs no database');

  // Binary garbage: still a draft (empty, with a warning), exit 0.
  t.equal(garbage.code, 0, garbage.stderr);
  const draft = JSON.parse(garbage.stdout).draft;
  t.same(draft.items, []);
  t.ok(draft.warnings.length > 0);
});

t.test('the seed minutes, read in place, print the parser’s draft', { skip: !existsSync(SEEDS) && 'no ../shared/seeds' }, async (t) => {
  const ws = workspace(t);
  const file = readdirSync(SEEDS).find((f) => f.endsWith('.txt') && !f.includes('report'))!;
  const path = new URL(file, SEEDS).pathname;
  const run = await cli(ws.db, path);
  t.equal(run.code, 0, run.stderr);
  const draft = JSON.parse(run.stdout).draft;
  t.same(draft, JSON.parse(JSON.stringify(parseMinutes(readFileSync(path, 'utf8')))));
  t.ok(draft.items.length > 0 && draft.actions.length > 0, `${file}: items and actions`);
});

t.test('bad usage and unreadable files: non-zero exit, one line on stderr', async (t) => {
  const ws = workspace(t);
  const path = ws.file('housing.txt', MINUTES);
  const long = ws.file('long.txt', `${MINUTES}\n`.repeat(Math.ceil(1_000_001 / MINUTES.length)));
  // Independent runs, in parallel to keep the file quick.
  const [noCommittee, missing, badId, tooLong] = await Promise.all([
    real(ws.db, path, '--commit'),
    cli(ws.db, join(ws.dir, 'missing.txt')),
    cli(ws.db, path, '--committee', 'housing'),
    cli(ws.db, long),
  ]);
  t.match(oneLine(t, noCommittee, '--commit without --committee'), /--commit needs --committee/);
  t.equal(noCommittee.code, 2, 'bad usage exits 2');
  t.match(oneLine(t, missing, 'missing file'), /missing\.txt: no such file/);
  t.match(oneLine(t, badId, 'bad committee id'), /--committee must be a committee id/);
  t.match(oneLine(t, tooLong, 'over the limit'), /at most 1000000/);
  t.notOk(existsSync(ws.db), 'no database created');
});

t.test('--commit --committee saves once; a second run and the API find it already imported', async (t) => {
  const ws = workspace(t);
  const path = ws.file('housing.txt', MINUTES);
  const setup = await withCommittee(ws.db);
  t.teardown(setup.close);
  const before = setup.counts();

  const first = await cli(ws.db, path, '--commit', '--committee', String(setup.committeeId));
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stderr, '');
  const { committed } = JSON.parse(first.stdout);
  t.match(committed, { created: true, counts: { items: 2, resolutions: 2, actions: 2, attendance: 3 } });
  const once = setup.counts();
  t.equal(once.meetings - before.meetings, 1);
  t.equal(once.agenda_items - before.agenda_items, 2);
  t.equal(once.actions - before.actions, 2);
  const stored = setup.db.$client
    .prepare('SELECT a.due_rule AS rule, a.due_meeting_id AS due, i.title AS item FROM actions a JOIN agenda_items i ON i.id = a.item_id WHERE a.meeting_id = ? ORDER BY a.id')
    .all(committed.meetingId);
  t.same(stored, [
    { rule: 'next_meeting', due: setup.next, item: 'DAMP AND MOULD IN COUNCIL HOMES' },
    { rule: 'next_meeting', due: setup.next, item: 'DAMP AND MOULD IN COUNCIL HOMES' },
  ]);
  t.equal(
    (setup.db.$client.prepare("SELECT count(*) AS n FROM audit_events WHERE actor = 'script:import-minutes' AND operation = 'create'").get() as { n: number }).n,
    once.audit_events - before.audit_events - 1, // all but the attendance update
    'every record audited under the script’s name',
  );

  const second = await cli(ws.db, path, '--commit', '--committee', String(setup.committeeId));
  t.equal(second.code, 0, second.stderr);
  t.match(JSON.parse(second.stdout).committed, { created: false, meetingId: committed.meetingId });
  t.same(setup.counts(), once, 'nothing added by the second run');

  const viaApi = await setup.app.inject({
    method: 'POST',
    url: '/v1/imports/minutes',
    payload: { text: MINUTES, committeeId: setup.committeeId, commit: true },
    headers: { authorization: `Bearer ${setup.writeKey}` },
  });
  t.equal(viaApi.statusCode, 200);
  t.match(viaApi.json().committed, { created: false, meetingId: committed.meetingId });
  t.same(setup.counts(), once, 'nor by the API');
});

t.test('a value the import refuses is named by the flag or file that carried it', async (t) => {
  const ws = workspace(t);
  const setup = await withCommittee(ws.db);
  t.teardown(setup.close);
  const before = setup.counts();
  const id = String(setup.committeeId);
  // Exempt business must name its Schedule 12A paragraph; these minutes exclude the public without one.
  const contract = ws.file('contract.txt', `${MINUTES}\n3 CONTRACT AWARD (EXEMPT)\n\nThe press and public were excluded. Members asked for a note on the tender scores.\n`);
  const [longAgo, noParagraph] = await Promise.all([
    cli(ws.db, ws.file('fragment.txt', FRAGMENT), '--commit', '--committee', id, '--starts-at', '1850-10-20T10:00:00+00:00'),
    cli(ws.db, contract, '--commit', '--committee', id),
  ]);
  t.equal(oneLine(t, longAgo, 'a year out of range'), 'import-minutes: --starts-at: must be in the years 1900–2999');
  t.match(oneLine(t, noParagraph, 'exempt without a paragraph'), `import-minutes: ${contract}: item 3 ("CONTRACT AWARD (EXEMPT)") is exempt business`);
  t.same(setup.counts(), before, 'nothing saved');
});

t.test('--commit failures: unknown committee, no date, garbage; nothing saved', async (t) => {
  const ws = workspace(t);
  const setup = await withCommittee(ws.db);
  t.teardown(setup.close);
  const before = setup.counts();
  const id = String(setup.committeeId);
  const fragment = ws.file('fragment.txt', FRAGMENT);

  const garbage = ws.file('garbage.bin', randomBytes(4096));
  const [unknown, noDate, badStart, noSeconds, rubbish] = await Promise.all([
    cli(ws.db, ws.file('housing.txt', MINUTES), '--commit', '--committee', '999'),
    cli(ws.db, fragment, '--commit', '--committee', id),
    cli(ws.db, fragment, '--commit', '--committee', id, '--starts-at', 'tuesday'),
    // The API's one date-time format holds for the command line too: seconds are required.
    cli(ws.db, fragment, '--commit', '--committee', id, '--starts-at', '2026-10-20T10:00+01:00'),
    cli(ws.db, garbage, '--commit', '--committee', id, '--starts-at', '2026-10-20T10:00:00+01:00'),
  ]);
  t.match(oneLine(t, unknown, 'unknown committee'), /Committee 999 was not found/);
  t.match(oneLine(t, noDate, 'no date'), /--starts-at: the minutes give no meeting date/);
  t.match(oneLine(t, badStart, 'bad --starts-at'), /--starts-at: must be an ISO 8601/);
  t.match(oneLine(t, noSeconds, 'no seconds, as the API'), /--starts-at: must be an ISO 8601/);
  t.match(oneLine(t, rubbish, 'garbage'), /no agenda items/i);
  t.same(setup.counts(), before, 'nothing saved');

  const saved = await cli(ws.db, fragment, '--commit', '--committee', id, '--starts-at', '2026-10-20T10:00:00+01:00');
  t.equal(saved.code, 0, saved.stderr);
  t.match(JSON.parse(saved.stdout).committed, { created: true, counts: { items: 1, resolutions: 1, actions: 1 } });
});
