import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.js';
import type { Visibility } from '../domain/visibility.js';
import { createHolidayRepository } from '../modules/holidays/repository.js';
import { reportCommittee, reportPlan } from './overdue-report.js';
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

/** Memory of an earlier report, handed back by the server once it has been sent. */
export interface RecycledBuffer {
  recycle: ArrayBuffer;
}

/** The rendered report: `length` bytes of UTF-8 at the start of `body`, handed over rather than copied. */
export type ReportReply = { id: number; body: ArrayBuffer; length: number } | { id: number; error: string };

const db = openDatabase({ path: (workerData as { databasePath: string }).databasePath, readonly: true, migrate: false });

let spare: ArrayBuffer | undefined;

/**
 * The report in its format, written one committee at a time: each committee's part is built and
 * written before the next is read, so this thread's heap only ever holds one committee's actions
 * (the whole report, tens of megabytes of objects at scale, never exists). JSON is written as the
 * route's schema serialiser would write it, the other formats exactly as `render` writes them.
 */
function writeReport(request: ReportRequest): ReportOutput {
  const writer = request.format === 'json' ? compactJson : writers[request.format];
  // A fresh calendar each time: holidays may have changed since the last report.
  const calendar = createHolidayRepository(db, () => undefined).calendar();
  const out = new ReportOutput(spare);
  spare = undefined;
  let written = 0;
  try {
    out.write(writer.head(request.asOf));
    for (const planned of reportPlan(db, request)) {
      if (Atomics.load(request.cancelled, 0) === 1) throw new Error('report cancelled: the client has gone');
      const entry = reportCommittee(db, calendar, planned, request);
      if (entry) out.write(writer.meeting(entry, request.asOf, written++));
    }
  } catch (err) {
    // The memory goes back to being the spare, whatever stopped the report.
    spare = out.bytes.buffer as ArrayBuffer;
    throw err;
  }
  out.write(writer.tail(request.asOf, written));
  return out;
}

parentPort!.on('message', (message: ReportRequest | RecycledBuffer) => {
  if ('recycle' in message) {
    // Keep the larger: it fits more of the reports to come.
    if (message.recycle.byteLength > (spare?.byteLength ?? 0)) spare = message.recycle;
    return;
  }
  try {
    // One read transaction: every committee's part comes from the same snapshot.
    const out = db.transaction(() => writeReport(message));
    const body = out.bytes.buffer as ArrayBuffer;
    parentPort!.postMessage({ id: message.id, body, length: out.length } satisfies ReportReply, [body]);
  } catch (err) {
    parentPort!.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) } satisfies ReportReply);
  }
});
