import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { visibilities as allVisibilities, type Visibility } from '../../src/domain/visibility.js';
import { contentTypes, reportFormats } from '../../src/jobs/report-formats.js';
import { ReportOutput } from '../../src/jobs/report-output.js';
import { createReportThread, type ReportThreadOptions } from '../../src/jobs/report-thread.js';
import { OverdueReportSchema } from '../../src/modules/reports/schemas.js';
import { build, committee, meeting, type TestApp } from '../helper.js';

// Every committee's report is written on a worker thread (jobs/report-worker.ts), a committee at
// a time. It must be byte for byte what the route writes on the main thread for the same data:
// here the same database is served both ways — in memory (no worker) and from a file (the
// worker) — and every format is compared for every caller. Neither path runs the route's
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

/** The test app's database copied into a file of its own (a worker needs a file), removed after. */
function copyToFile(t: Test, api: TestApp, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-report-worker-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  api.app.db.$client.exec(`VACUUM INTO '${path}'`);
  return path;
}

/** A report worker on that file, closed after. */
function workerOn(t: Test, path: string, options?: ReportThreadOptions) {
  const thread = createReportThread(path, options);
  t.teardown(() => thread.close());
  return thread;
}

/** The whole of a report the worker streams. */
async function whole(report: Promise<Readable>): Promise<Buffer> {
  return Buffer.concat(await (await report).toArray());
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

t.test('the worker writes every format byte for byte as the route does on the main thread', async (t) => {
  const api = await build(t);
  const committees = await seed(api);

  // The same data in a file, where the route hands whole reports to the worker.
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
      const [fromRoute, fromWorker] = [await api.app.inject(request), await fileApp.inject(request)];
      t.equal(fromRoute.statusCode, 200, `${format} for ${caller}: main thread`);
      t.equal(fromWorker.statusCode, 200, `${format} for ${caller}: worker`);
      t.equal(fromWorker.headers['content-type'], contentTypes[format], `${format} for ${caller}: content type`);
      t.equal(fromWorker.headers['content-type'], fromRoute.headers['content-type']);
      t.ok(fromRoute.rawPayload.equals(fromWorker.rawPayload), `${format} for ${caller}: the same ${fromRoute.rawPayload.length} bytes`);
    }
  }

  // The schema serialiser, given the same report objects, writes the same bytes.
  const serialize = SerializerSelector()({ OverdueReport: OverdueReportSchema }, {})({ schema: { $ref: 'OverdueReport#' }, method: 'GET', url: '/v1/reports/overdue', httpStatus: '200' });
  const seen: Record<string, Visibility[]> = { all: [...allVisibilities], exempt: ['public', 'exempt'], public: ['public'] };
  for (const [who, visibilities] of Object.entries(seen)) {
    const report = api.app.services.scans.report({ name: 'test', visibilities, admin: false }, { asOf: AS_OF });
    const key = { all: api.keys.admin, exempt: api.keys.exempt, public: api.keys.reader }[who]!;
    const routed = await fileApp.inject({ url: `/v1/reports/overdue?asOf=${AS_OF}`, headers: { authorization: `Bearer ${key}` } });
    t.equal(routed.body, serialize(report), `JSON for ${who}: what the schema serialiser writes`);
    for (const committeeId of committees) {
      const one = api.app.services.scans.report({ name: 'test', visibilities, admin: false }, { asOf: AS_OF, committeeId });
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

t.test('an empty report, and one committee, are written the same way too', async (t) => {
  const api = await build(t);
  const path = copyToFile(t, api, 'empty.sqlite');
  const thread = workerOn(t, path);
  for (const format of reportFormats) {
    const fromRoute = await api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=${AS_OF}&format=${format}` });
    const fromWorker = await whole(thread.render({ asOf: AS_OF, visibilities: ['public', 'exempt', 'confidential'], format }));
    t.ok(fromRoute.rawPayload.equals(fromWorker), `empty ${format}`);
  }

  const committeeId = await seed(api).then((ids) => ids[1]!);
  const one = workerOn(t, copyToFile(t, api, 'one.sqlite'));
  for (const format of reportFormats) {
    const fromRoute = await api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=${AS_OF}&committeeId=${committeeId}&format=${format}` });
    const fromWorker = await whole(one.render({ asOf: AS_OF, committeeId, visibilities: ['public', 'exempt', 'confidential'], format }));
    t.ok(fromRoute.rawPayload.equals(fromWorker), `one committee, ${format}`);
  }
});

t.test('a worker that dies fails its reports, and the next report starts a new one', async (t) => {
  const api = await build(t);
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-report-worker-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const thread = createReportThread(join(dir, 'missing.sqlite'));
  t.teardown(() => thread.close());
  // The file does not exist: the read-only worker cannot open it and exits.
  await t.rejects(thread.render({ asOf: AS_OF, visibilities: ['public'], format: 'json' }));
  const path = join(dir, 'missing.sqlite');
  api.app.db.$client.exec(`VACUUM INTO '${path}'`);
  const body = await whole(thread.render({ asOf: AS_OF, visibilities: ['public'], format: 'json' }));
  t.same(JSON.parse(body.toString('utf8')), { asOf: AS_OF, meetings: [] });
});

t.test('closing the worker settles every report still waiting; the next report starts a new one', async (t) => {
  const api = await build(t);
  await seed(api);
  const thread = workerOn(t, copyToFile(t, api, 'copy.sqlite'));
  const request = { asOf: AS_OF, visibilities: [...allVisibilities], format: 'csv' as const };
  const expected = (await api.request({ method: 'GET', url: `/v1/reports/overdue?asOf=${AS_OF}&format=csv` })).rawPayload;
  const waiting = Promise.allSettled([1, 2, 3].map(() => whole(thread.render(request))));
  await thread.close();
  const settled = await waiting;
  // A report the worker finished before it was stopped is whole; any other fails, none hangs.
  for (const [i, result] of settled.entries()) {
    if (result.status === 'rejected') t.match(String(result.reason), /report worker closed|exited/, `report ${i + 1} failed`);
    else t.ok(result.value.equals(expected), `report ${i + 1} finished first, and whole`);
  }
  t.ok(settled.some((r) => r.status === 'rejected'), 'the reports still being written were failed');
  const again = await whole(thread.render(request));
  t.ok(again.equals(expected), 'a new worker writes the next');
});

t.test('an idle worker is stopped, and the next report starts a new one', async (t) => {
  const api = await build(t);
  await seed(api);
  const thread = workerOn(t, copyToFile(t, api, 'copy.sqlite'), { idleMs: 100 });
  const request = { asOf: AS_OF, visibilities: [...allVisibilities], format: 'md' as const };
  const first = await whole(thread.render(request));
  t.ok(thread.running(), 'running just after a report');
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.notOk(thread.running(), 'stopped once idle');
  t.ok((await whole(thread.render(request))).equals(first), 'the next report is the same');
  // A report that takes longer than the idle time is not cut short: the clock starts when none is waiting.
  const slow = workerOn(t, copyToFile(t, api, 'slow.sqlite'), { idleMs: 1 });
  const reports = await Promise.all([1, 2, 3, 4].map(() => whole(slow.render(request))));
  t.ok(reports.every((r) => r.equals(first)), 'every report written whole');
});

t.test('a report whose client has gone is abandoned, and the worker goes on to the next', async (t) => {
  const api = await build(t);
  await seed(api);
  const path = copyToFile(t, api, 'copy.sqlite');
  const thread = workerOn(t, path);
  const gone = new AbortController();
  gone.abort();
  await t.rejects(thread.render({ asOf: AS_OF, visibilities: ['public'], format: 'csv' }, gone.signal), /cancelled/);
  const body = await whole(thread.render({ asOf: AS_OF, visibilities: ['public'], format: 'json' }));
  t.equal(JSON.parse(body.toString('utf8')).meetings.length, 4, 'the next report is written in full');
});

t.test('a report larger than a part arrives in parts, and joined they are the same report', async (t) => {
  const api = await build(t);
  await seed(api);
  const path = copyToFile(t, api, 'copy.sqlite');
  const parts = workerOn(t, path, { chunkBytes: 200 });
  const at = `/v1/reports/overdue?asOf=${AS_OF}`;
  for (const format of reportFormats) {
    const fromRoute = (await api.request({ method: 'GET', url: `${at}&format=${format}` })).rawPayload;
    const chunks = await (await parts.render({ asOf: AS_OF, visibilities: [...allVisibilities], format })).toArray();
    t.ok(chunks.length >= 3, `${format}: ${chunks.length} parts of ${fromRoute.length} bytes`);
    t.ok(Buffer.concat(chunks).equals(fromRoute), `${format}: the same bytes as the route's`);
  }
});

t.test('a report written into a buffer too small for it grows, whatever the characters at the edge', async (t) => {
  // Each part of a report is written into a buffer of a set size; a committee larger than the
  // room left grows it. The text is cut wherever the buffer ends: in a multi-byte character, between surrogates.
  const pieces = [...AWKWARD, '🚌🚌🚌', 'é'.repeat(7), '\ud83d', '\ude8c tail'];
  for (const size of [1, 2, 3, 5, 16]) {
    const out = new ReportOutput(new ArrayBuffer(size));
    for (const piece of pieces) out.write(piece);
    // Each piece is encoded on its own (a lone surrogate as U+FFFD), as each write is.
    const expected = Buffer.concat(pieces.map((piece) => Buffer.from(piece, 'utf8')));
    t.ok(Buffer.from(out.bytes.buffer, 0, out.length).equals(expected), `from ${size} bytes: ${expected.length} bytes, as Buffer.from writes them`);
  }
});
