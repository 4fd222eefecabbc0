import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.js';
import type { Visibility } from '../domain/visibility.js';
import { createHolidayRepository } from '../modules/holidays/repository.js';
import { reportedMeetings } from './overdue-report.js';
import { compactJson, writers, type ReportFormat } from './report-formats.js';
import { ReportOutput } from './report-output.js';

// The worker thread behind report-thread.ts: its own read-only connection to the database file,
// so building every committee's report never blocks the server's event loop. It sees committed
// data only, which is all a response may show anyway (see http/group-commit.ts).

export interface ReportRequest {
  id: number;
  asOf: string;
  committeeId?: number;
  visibilities: Visibility[];
  format: ReportFormat;
  /** Set to 1 by the server when the client has gone: the report is abandoned at the next committee. */
  cancelled: Int32Array;
}

/**
 * The report arrives in parts, in order: `length` bytes of UTF-8 at the start of each `chunk`
 * (handed over, not copied), then `end`, or an `error` at any point.
 */
export type ReportReply =
  | { id: number; chunk: ArrayBuffer; length: number }
  | { id: number; end: true }
  | { id: number; error: string };

const { databasePath, chunkBytes } = workerData as { databasePath: string; chunkBytes: number };
const db = openDatabase({ path: databasePath, readonly: true, migrate: false });
// A report reads each index page about once, so SQLite's cache (16 MB a connection as
// better-sqlite3 builds it) only kept 16 MB of this thread's memory for good; the operating
// system's file cache serves the next report's reads as fast.
db.$client.pragma('cache_size = -2000');

/** Where each part is written before it is sent: one buffer, grown as needed and kept. */
let scratch = new ArrayBuffer(chunkBytes * 2);

/**
 * The report in its format, written one committee at a time and sent on in parts of about
 * `chunkBytes` as it is written: this thread's heap only ever holds one committee's actions, and
 * neither thread ever holds the whole report (ten megabytes and more at scale). JSON is written
 * as the route's schema serialiser would write it, the other formats exactly as `render` writes
 * them.
 */
function writeReport(request: ReportRequest): void {
  const writer = request.format === 'json' ? compactJson : writers[request.format];
  // A fresh calendar each time: holidays may have changed since the last report.
  const calendar = createHolidayRepository(db, () => undefined).calendar();
  let out = new ReportOutput(scratch);
  // Each part leaves as a copy of exactly its bytes (handed over, so copied once): a report
  // allocates its size, not its size in half-empty buffers.
  const send = () => {
    const chunk = out.bytes.buffer.slice(0, out.length) as ArrayBuffer;
    parentPort!.postMessage({ id: request.id, chunk, length: out.length } satisfies ReportReply, [chunk]);
    scratch = out.bytes.buffer as ArrayBuffer;
    out = new ReportOutput(scratch);
  };
  const gone = () => {
    if (Atomics.load(request.cancelled, 0) === 1) throw new Error('report cancelled: the client has gone');
  };
  let written = 0;
  out.write(writer.head(request.asOf));
  gone();
  // Checked after each committee's part, before the next is built.
  for (const entry of reportedMeetings(db, calendar, request)) {
    out.write(writer.meeting(entry, request.asOf, written++));
    if (out.length >= chunkBytes) send();
    gone();
  }
  out.write(writer.tail(request.asOf, written));
  send();
}

parentPort!.on('message', (message: ReportRequest) => {
  try {
    // One read transaction: every committee's part comes from the same snapshot.
    db.transaction(() => writeReport(message));
    parentPort!.postMessage({ id: message.id, end: true } satisfies ReportReply);
  } catch (err) {
    parentPort!.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) } satisfies ReportReply);
  }
});
