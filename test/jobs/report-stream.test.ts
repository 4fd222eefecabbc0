import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { visibilities as allVisibilities, type Visibility } from '../../src/domain/visibility.js';
import { contentTypes, reportFormats } from '../../src/jobs/report-formats.js';
import { streamReport, type ReportRequest } from '../../src/jobs/report-stream.js';
import { OverdueReportSchema } from '../../src/modules/reports/schemas.js';
import { build, committee, meeting, sqliteOnly, within, type TestApp } from '../helper.js';

// Every committee's report is streamed a committee at a time (jobs/report-stream.ts). It must be
// byte for byte the report built in one go for the same data: here the same database is served
// both ways — in memory (built in one go) and from a file (streamed) — and every format is
// compared for every caller. Neither path runs the route's
// response schema through fast-json-stringify (JSON.stringify is three times faster), so the
// JSON is also compared with what that serialiser, compiled as Fastify compiles it, writes.

const AS_OF = '2024-08-23';
const HELD = '2024-07-15T18:30:00+01:00';

/** Text that trips serialisers: quotes, escapes, markup, pipes, control characters, non-BMP and lone surrogates. */
const AWKWARD = [
  'Costs of "SEND" transport, by route <script>alert(1)</script> & more',
  'Back\\slash | pipe\nnew line\r\nand a tab\there',
  'Café, naïve — “quoted” 🚌 and \u2028 line separator',
  'A lone surrogate \ud800 in the middle',
  `A long one: ${'the committee asked for figures by ward and by year, '.repeat(5)}`.slice(0, 300),
  'Short "q"',
  '\u0001\u001f',
];

/** The test app's database copied into a file of its own (a stream reads the file), removed after. */
function copyToFile(t: Test, api: TestApp, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-report-stream-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  api.app.db.$client.exec(`VACUUM INTO '${path}'`);
  return path;
}

/** The whole of a streamed report. */
async function whole(report: Readable): Promise<Buffer> {
  return Buffer.concat(await report.toArray());
}

async function post(api: TestApp, body: Record<string, unknown>): Promise<number> {
  const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { kind: 'update', ...body } });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

async function seed(api: TestApp) {
  const named = (await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Jo "JB" Bloggs <Director>', kind: 'officer' } })).json().id as number;
  // Two committees meet at the same moment (ordered by id), one meets later, one has no meeting
  // ahead but overdue actions, and one has nothing to report and no meeting (left out).
  const committees: number[] = [];
  for (const [i, name] of ['Children & Young People', 'Adults | Health', 'Place "Scrutiny"', 'Resources <Panel>', 'Dormant'].entries()) {
    const id = await committee(api, { name: `${name} ${i}`, reminderWorkingDays: [10, 3, 0, 10, 10][i] });
    committees.push(id);
  }
  const [cyp, adults, place, resources] = committees as [number, number, number, number];
  const held = new Map<number, number>();
  for (const id of committees) held.set(id, await meeting(api, id, { startsAt: HELD, status: 'held' }));
  await meeting(api, cyp, { startsAt: '2024-09-02T18:30:00+01:00', venue: 'Council Chamber, "Town Hall" & <Annex>' });
  await meeting(api, adults, { startsAt: '2024-09-02T18:30:00+01:00' });
  await meeting(api, place, { startsAt: '2024-10-07T10:00:00+01:00', venue: 'Room | 2' });
  const item = async (committeeId: number, visibility: string) => {
    const payload = { number: visibility, title: `${visibility} business`, visibility, exemptParagraph: 3 };
    const res = await api.request({ method: 'POST', url: `/v1/meetings/${held.get(committeeId)}/items`, payload });
    if (res.statusCode !== 201) throw new Error(`item: ${res.statusCode} ${res.body}`);
    return res.json().id as number;
  };

  let n = 0;
  for (const committeeId of [cyp, adults, place, resources]) {
    const meetingId = held.get(committeeId)!;
    const items = { exempt: await item(committeeId, 'exempt'), confidential: await item(committeeId, 'confidential') };
    for (const title of AWKWARD) {
      n++;
      const base = { meetingId, title: `${title} (${n})` };
      await post(api, { ...base, ownerText: n % 2 ? 'Head of "Transport" | Fleet' : null }); // due at the next meeting
      await post(api, { ...base, dueDate: '2024-08-01', ownerId: named, rag: 'red' }); // overdue by a date
      await post(api, { ...base, dueDate: '2024-08-26', kind: 'information' }); // due soon (or not, by the window)
      await post(api, { ...base, dueDate: '2024-09-20', kind: 'task' }); // due later
      await post(api, { ...base, dueDate: '2024-08-02', itemId: items.exempt }); // overdue, exempt item
      await post(api, { ...base, dueDate: '2024-08-05', visibility: 'confidential' }); // overdue, confidential
      await post(api, { ...base, dueDate: '2024-08-27', itemId: items.confidential }); // due soon, confidential item
    }
    // Recommendations whose executive response is late: still being worked, and already responded.
    await post(api, { meetingId, kind: 'recommendation', title: 'Recommend a review of "home to school" transport', directedTo: 'Executive', receivedOn: '2024-05-01', dueDate: '2024-12-31' });
    const responded = await post(api, { meetingId, kind: 'recommendation', title: 'Recommend a ward-level breakdown', directedTo: 'Executive', receivedOn: '2024-05-02', dueDate: '2024-12-31' });
    await api.request({ method: 'PATCH', url: `/v1/actions/${responded}`, payload: { status: 'responded', response: 'An officer replied.' } });
  }
  // Flags, so timesFlagged is not always 0.
  const scan = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: '2024-08-16' } });
  if (scan.statusCode !== 200) throw new Error(scan.body);
  return committees;
}

/**
 * One app with the data seeded, shared by the tests that only read it (seeding is most of their
 * time): built by the first to ask, closed when the file's tests end.
 */
let seededApp: Promise<{ api: TestApp; committees: number[] }> | undefined;
const seeded = () =>
  (seededApp ??= build(t).then(async (api) => ({ api, committees: await seed(api) })));

/** Streaming reads a SQLite file on a connection of its own (report-stream.ts); PostgreSQL builds every report in one go. */
const STREAMS = 'the report streamed from a SQLite database file on a second connection';

t.test('a streamed report is every format byte for byte as the report built in one go', { skip: sqliteOnly(STREAMS) }, async (t) => {
  const { api } = await seeded();

  // The same data in a file, where the route streams whole reports.
  const path = copyToFile(t, api, 'copy.sqlite');
  const fileDb = openDatabase({ path });
  const fileApp = await buildApp({ ...defaultConfig, scheduler: false, scanOnStart: false, rateLimitPerMinute: 100000 }, { db: fileDb, logger: false });
  t.teardown(async () => {
    await fileApp.close();
    fileDb.$client.close();
  });

  const callers = { admin: api.keys.admin, confidential: api.keys.confidential, exempt: api.keys.exempt, public: api.keys.reader, anonymous: null };
  for (const format of reportFormats) {
    for (const [caller, key] of Object.entries(callers)) {
      const request = { method: 'GET' as const, url: `/v1/reports/overdue?asOf=${AS_OF}&format=${format}`, headers: key ? { authorization: `Bearer ${key}` } : {} };
      const [fromRoute, streamed] = [await api.app.inject(request), await fileApp.inject(request)];
      t.equal(fromRoute.statusCode, 200, `${format} for ${caller}: built in one go`);
      t.equal(streamed.statusCode, 200, `${format} for ${caller}: streamed`);
      t.equal(streamed.headers['content-type'], contentTypes[format], `${format} for ${caller}: content type`);
      t.equal(streamed.headers['content-type'], fromRoute.headers['content-type']);
      t.ok(fromRoute.rawPayload.equals(streamed.rawPayload), `${format} for ${caller}: the same ${fromRoute.rawPayload.length} bytes`);
    }
  }
});

// The route's JSON built in one go (on SQLite the streamed one is byte for byte the same: above).
t.test('the JSON report is what the schema serialiser writes; the fixture covers what it means to', async (t) => {
  const { api, committees } = await seeded();
  // The schema serialiser, given the same report objects, writes the same bytes.
  const serialize = SerializerSelector()({ OverdueReport: OverdueReportSchema }, {})({ schema: { $ref: 'OverdueReport#' }, method: 'GET', url: '/v1/reports/overdue', httpStatus: '200' });
  const seen: Record<string, Visibility[]> = { all: [...allVisibilities], exempt: ['public', 'exempt'], public: ['public'] };
  for (const [who, visibilities] of Object.entries(seen)) {
    const report = await api.app.services.scans.report({ name: 'test', visibilities, admin: false }, { asOf: AS_OF });
    const key = { all: api.keys.admin, exempt: api.keys.exempt, public: api.keys.reader }[who]!;
    const routed = await api.app.inject({ url: `/v1/reports/overdue?asOf=${AS_OF}`, headers: { authorization: `Bearer ${key}` } });
    t.equal(routed.body, serialize(report), `JSON for ${who}: what the schema serialiser writes`);
    for (const committeeId of committees) {
      const one = await api.app.services.scans.report({ name: 'test', visibilities, admin: false }, { asOf: AS_OF, committeeId });
      const res = await api.app.inject({ url: `/v1/reports/overdue?asOf=${AS_OF}&committeeId=${committeeId}`, headers: { authorization: `Bearer ${key}` } });
      t.equal(res.body, serialize(one), `JSON for ${who}, committee ${committeeId}`);
    }
  }

  // The fixture covers what it means to: every caller sees a different report, ordered meetings.
  const json = (await api.app.inject({ url: `/v1/reports/overdue?asOf=${AS_OF}`, headers: { authorization: `Bearer ${api.keys.admin}` } })).json();
  t.same(json.meetings.map((m: { committee: { id: number } }) => m.committee.id), committees.slice(0, 4), 'same start ordered by committee, later meetings next, none last, nothing-to-report left out');
  t.ok(json.meetings.every((m: { overdue: unknown[]; dueSoon: unknown[] }) => m.overdue.length > 0), 'overdue actions everywhere');
  t.ok(json.meetings.some((m: { dueSoon: unknown[] }) => m.dueSoon.length > 0), 'due-soon actions somewhere');
  t.ok(json.meetings.some((m: { overdue: { timesFlagged: number }[] }) => m.overdue.some((a) => a.timesFlagged > 0)), 'flagged actions');
  const visible = async (key: string | null) =>
    (await api.app.inject({ url: `/v1/reports/overdue?asOf=${AS_OF}&format=csv`, headers: key ? { authorization: `Bearer ${key}` } : {} })).body.length;
  t.ok((await visible(api.keys.reader)) < (await visible(api.keys.exempt)), 'exempt callers see more');
  t.ok((await visible(api.keys.exempt)) < (await visible(api.keys.admin)), 'and full access more still');
});

/**
 * The seeded data in a file of its own, with a second connection to it (another process, in
 * effect) in WAL mode, and a way to ask whether any reader still holds the log.
 */
async function seededFile(t: Test) {
  const { api } = await seeded();
  const path = copyToFile(t, api, 'copy.sqlite');
  const other = new Database(path);
  t.teardown(() => other.close());
  other.pragma('journal_mode = WAL');
  // A busy log is said at once, rather than after better-sqlite3's default 5 s wait for it.
  other.pragma('busy_timeout = 0');
  /** Writes, then tries to reset the log: busy while some reader's snapshot still uses it. */
  const logHeld = () => {
    other.prepare("UPDATE actions SET title = 'Written meanwhile'").run();
    const [{ busy }] = other.pragma('wal_checkpoint(TRUNCATE)') as [{ busy: number }];
    return busy === 1;
  };
  return { api, path, logHeld };
}

t.test('an empty report, and one committee, are written the same way too', { skip: sqliteOnly(STREAMS) }, async (t) => {
  const everything: ReportRequest = { asOf: AS_OF, visibilities: [...allVisibilities], format: 'json' };
  const sameAsRoute = async (api: TestApp, path: string, committeeId?: number) => {
    for (const format of reportFormats) {
      const query = committeeId === undefined ? '' : `&committeeId=${committeeId}`;
      const fromRoute = await api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=${AS_OF}&format=${format}${query}` });
      const streamed = await whole(streamReport(path, { ...everything, committeeId, format }));
      t.ok(fromRoute.rawPayload.equals(streamed), `${committeeId === undefined ? 'empty' : 'one committee'}, ${format}`);
    }
  };
  const empty = await build(t);
  await sameAsRoute(empty, copyToFile(t, empty, 'empty.sqlite'));
  const { api, committees } = await seeded();
  await sameAsRoute(api, copyToFile(t, api, 'one.sqlite'), committees[1]);
});

t.test('a report its client stops reading is ended after the time allowed, releasing its snapshot', { skip: sqliteOnly(STREAMS) }, async (t) => {
  const { path, logHeld } = await seededFile(t);
  const report = streamReport(path, { asOf: AS_OF, visibilities: ['public'], format: 'csv' }, 200);
  // Nobody reads it: it stays paused after the first part.
  const ended = new Promise<Error | undefined>((resolve) => report.once('error', resolve).once('close', () => resolve(undefined)));
  t.ok(logHeld(), 'while it is open, its snapshot holds the log');
  // The report's own timer does not hold the process open (a server's would not wait for it): a
  // minute, which only bounds a hang, does.
  t.match(String(await within(ended, 60_000, 'the unread report to end')), /not read within 0.2 s/);
  t.notOk(logHeld(), 'once ended, nothing holds the log');
});

t.test('a report on a database file that is not there fails before it starts', { skip: sqliteOnly(STREAMS) }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-report-stream-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.throws(() => streamReport(join(dir, 'missing.sqlite'), { asOf: AS_OF, visibilities: ['public'], format: 'json' }));
});

t.test('a report arrives a committee at a time, other work running in between, from one snapshot', { skip: sqliteOnly(STREAMS) }, async (t) => {
  const { api, path, logHeld } = await seededFile(t);
  const expected = (await api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=${AS_OF}&format=csv` })).rawPayload;
  // Between two committees' parts the event loop turns: work queued when the first part arrives
  // runs before the last. And a write committed meanwhile (another connection, any process) is
  // not in the report: it reads one snapshot.
  const report = streamReport(path, { asOf: AS_OF, visibilities: [...allVisibilities], format: 'csv' });
  const order: string[] = [];
  const chunks: Buffer[] = [];
  for await (const chunk of report) {
    if (chunks.length === 1) {
      setImmediate(() => order.push('other work'));
      t.ok(logHeld(), 'a write meanwhile, while the report holds its snapshot');
    }
    chunks.push(chunk as Buffer);
    order.push('part');
  }
  // (An iterator takes whatever has been pushed since its last read, so parts may arrive joined.)
  t.ok(chunks.length >= 3, `in parts: ${chunks.length}`);
  t.ok(order.includes('other work') && order.indexOf('other work') < order.length - 1, 'other work ran before the report ended');
  t.ok(Buffer.concat(chunks).equals(expected), 'and the report is the one from before the write');
});

t.test('a report whose client has gone stops, and releases its snapshot', { skip: sqliteOnly(STREAMS) }, async (t) => {
  const { path, logHeld } = await seededFile(t);
  const report = streamReport(path, { asOf: AS_OF, visibilities: ['public'], format: 'json' });
  const closed = new Promise((resolve) => report.once('close', resolve));
  await new Promise<void>((resolve) => {
    // The first committee's part is out, the report's read transaction holds its snapshot.
    report.once('data', () => report.once('data', () => {
      report.destroy();
      resolve();
    }));
  });
  await closed;
  t.notOk(logHeld(), 'no reader left holding the log');
});
