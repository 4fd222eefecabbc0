import type { Readable } from 'node:stream';
import { runSqlite } from '../db/sqlite/run.js';
import { pieceStream } from '../db/piece-stream.js';
import { openDatabase, type Db } from '../db/sqlite/client.js';
import type { Visibility } from '../domain/visibility.js';
import { createHolidayRepository } from '../modules/holidays/repository.js';
import { overdueReportSection } from '../modules/tracker/repository.js';
import { documentCsvHeader, documentSectionCsv } from '../documents/csv.js';
import type { HolidayCalendar } from '../domain/holiday-calendar.js';
import { planReport, reportCommittee, type PlannedCommittee, type ReportedMeeting } from './overdue-report.js';
import { compactJson, type ReportFormat, type ReportWriter } from './report-formats.js';

// Every committee's report at once, written on the server's own thread a committee at a time.
//
// At a million actions the whole report is ten megabytes and most of a second of work. Built in
// one go it would stall every other request for that second, and hold the whole report as
// objects (a hundred megabytes). Here each committee's part is built only when the client has
// taken the last one, in a turn of the event loop of its own (a few milliseconds), and sent on:
// other requests are answered between committees, and only one committee's part exists at a
// time. It reads through a read-only connection of its own, opened for the report and closed
// after, in one read transaction: every committee's part comes from the same snapshot, and only
// committed data is shown (what a response may show, see db/sqlite/group-commit.ts).
//
// The report's reads are programs (db/program.ts), run here synchronously on that connection
// (runSqlite), each committee's when the stream asks for the next piece. On PostgreSQL
// (docs/postgres-plan.md §3.5.6) the same programs would run on a dedicated pooled client
// holding one `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY` transaction for the whole
// report (the snapshot SQLite's read transaction gives here), committed or rolled back and
// released at the end, on timeout or when the client goes; pieceStream's `next` would then
// await each committee's program, so it must accept a promise. That runner is still to come.
//
// (A worker thread did this before. It kept the server responsive too, but its heap, its own
// copy of the code and its memory allocator's arena added some 50 MB to the server's resident
// memory at the first whole report, and kept it.)

export interface ReportRequest {
  /** The day to judge every committee as of; absent, each committee's own today (planReport). */
  asOf?: string;
  /** The instant "today" is taken at when `asOf` is absent. */
  now?: Date;
  committeeId?: number;
  visibilities: readonly Visibility[];
  /** A key limited to a council: only these committees (overdue-report.ts ReportScope). */
  committeeIds?: readonly number[];
  format: ReportFormat;
}

/** How SQLite's page cache is sized on the report's connection: it reads each page about once. */
const REPORT_CACHE_KIB = 2000;

/**
 * The longest a report may take to be read. Its snapshot keeps the write-ahead log from being
 * checkpointed past it, so a client that stops reading would otherwise make the log grow for as
 * long as it held the connection open. A million actions' report is read in under a second.
 */
export const REPORT_MAX_MS = 60_000;

/**
 * The report in `format` as a stream, byte for byte what the route writes for a report built
 * whole (JSON as the route's schema serialiser writes it). Opening the connection and planning
 * happen now, so a report that cannot start throws; an error later ends the stream with it.
 * Destroying the stream (the client has gone) stops it before the next committee.
 */
export function streamReport(databasePath: string, request: ReportRequest, maxMs = REPORT_MAX_MS): Readable {
  const db: Db = openDatabase({ path: databasePath, readonly: true, migrate: false });
  let planned: PlannedCommittee[] = [];
  let calendar: HolidayCalendar | undefined;
  let asOf = '';
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    if (db.$client.inTransaction) db.$client.exec('COMMIT');
    db.$client.close();
  };
  try {
    db.$client.pragma(`cache_size = -${REPORT_CACHE_KIB}`);
    db.$client.exec('BEGIN');
    // A fresh calendar each time: holidays may have changed since the last report.
    calendar = runSqlite(db, createHolidayRepository(db, function* () { /* reads only */ }, { stamp: () => undefined }).calendar());
    const plan = runSqlite(db, planReport(db, request));
    asOf = plan.asOf;
    planned = plan.committees;
  } catch (err) {
    db.$client.close();
    throw err;
  }
  // CSV is the agenda-pack document's (documents/csv.ts), a section per committee: its rows are
  // read by id on this connection, from the same snapshot as the report.
  const committeeRows = new Map(planned.map((p) => [p.committee.id, p.committee]));
  const csv: ReportWriter = {
    head: () => documentCsvHeader(),
    meeting: (m: ReportedMeeting, day) =>
      documentSectionCsv(runSqlite(db, overdueReportSection(db, request, committeeRows.get(m.committee.id)!, m, day)), day),
    tail: () => '',
  };
  const writer = request.format === 'json' ? compactJson : csv;
  let written = 0;
  let started = false;
  let at = 0;

  /** The next committee's part with something to report, or undefined after the last. */
  function nextPart(): ReportedMeeting | undefined {
    while (at < planned.length) {
      const part = runSqlite(db, reportCommittee(db, calendar!, planned[at++]!, request.visibilities));
      if (part) return part;
    }
    return undefined;
  }

  /** The next piece of the report, or null at the end. */
  function next(): string | null {
    if (!started) {
      started = true;
      return writer.head(asOf);
    }
    if (finished) return null;
    const part = nextPart();
    if (part === undefined) {
      finish();
      return writer.tail(asOf, written);
    }
    return writer.meeting(part, asOf, written++);
  }

  // Any part is larger than 16 KiB: the next committee is read once the last has left.
  const stream = pieceStream(next, finish, 16 * 1024);
  const deadline = setTimeout(() => stream.destroy(new Error(`the report was not read within ${maxMs / 1000} s`)), maxMs).unref();
  return stream;
}
