import type { Readable } from 'node:stream';
import type { Db } from '../db/sqlite/client.js';
import { BUSY, first, lock, tx, txIfFree, type Program, type ProgramRunner, type Ran } from '../db/program.js';
import { dialect, overdueFlags } from '../db/tables.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { visibilities as allVisibilities } from '../domain/visibility.js';
import type { Actor } from '../domain/actor.js';
import { DatabaseBusyError } from '../errors.js';
import { recordAudit } from '../modules/shared/audited.js';
import type { HolidayRepository } from '../modules/holidays/repository.js';
import type { Outbox } from '../modules/webhooks/outbox.js';
import { buildOverdueReport, judgedMeetings, planReport, type OverdueReport } from './overdue-report.js';
import { compactJson, write, type ReportFormat } from './report-formats.js';
import { streamReport } from './report-stream.js';

// The scan: flag every action overdue as of a day against its committee's next meeting.
// The server's scheduler, POST /v1/scans/overdue and the cron command all call `scan`, a program
// (db/program.ts) the services run on the engine; the report is read as before (overdue-report.ts
// is not yet written as programs).

export interface ScanRequest {
  /** The day to judge every committee as of; absent, each committee's own today (planReport). */
  asOf?: string;
  committeeId?: number;
  /**
   * false: when another process holds the write lock (or, on PostgreSQL, is scanning), fail at
   * once with DatabaseBusyError rather than wait. The server's scheduler asks this: it runs on
   * the event loop.
   */
  waitForLock?: boolean;
}

export interface ScanResult {
  report: OverdueReport;
  /** Flags this run added; the rest already existed. */
  flagsRecorded: number;
}

/** `clock`: the instant "today" is taken at, in each committee's time zone, when no day is given. */
/** `events`: webhook events (action.flagged, scan.completed), written in the scan's transaction. */
export function createScanService(
  db: Db,
  { engine, holidays, clock = systemClock, events }: { engine: ProgramRunner; holidays: HolidayRepository; clock?: Clock; events?: Outbox },
) {
  const reportAt = (actor: Actor, request: ScanRequest, now: Date): Program<OverdueReport> =>
    buildOverdueReport(db, holidays, { asOf: request.asOf, now, committeeId: request.committeeId, visibilities: actor.visibilities, committeeIds: actor.committeeIds });

  return {
    /** The report as it stands, recording nothing. */
    report(actor: Actor, request: ScanRequest = {}): Program<OverdueReport> {
      return reportAt(actor, request, clock());
    },

    /**
     * The report written in `format`, as GET /v1/reports/overdue sends it (JSON as its schema's
     * serialiser writes it; CSV as the agenda-pack document's, `csvOf`). Every committee's at
     * once from a SQLite database file is streamed a committee at a time, on a read connection of
     * its own (report-stream.ts); one committee's, any from an in-memory database (which no second
     * connection can open), and any on PostgreSQL, is built in one go.
     */
    reportBody(actor: Actor, request: ScanRequest, format: ReportFormat, csvOf: (report: OverdueReport) => string | Promise<string>): string | Readable | Promise<string> {
      if (request.committeeId === undefined && dialect.kind === 'sqlite' && !db.$client.memory) {
        return streamReport(db.$client.name, { asOf: request.asOf, now: clock(), visibilities: actor.visibilities, committeeIds: actor.committeeIds, format });
      }
      const body = (built: OverdueReport) => (format === 'json' ? write(compactJson, built) : csvOf(built));
      const built = engine.run(reportAt(actor, request, clock()));
      return built instanceof Promise ? built.then(body) : body(built);
    },

    /**
     * Records the flags, then returns the report as the caller may see it. The write is one
     * transaction that holds the write lock before it reads (SQLite: BEGIN IMMEDIATE) and the
     * named lock 'scan' (PostgreSQL: an advisory lock, so two scans run one after the other),
     * and the unique (action, meeting) index with ON CONFLICT DO NOTHING makes a flag appear
     * once however many scans run, in however many processes.
     */
    *scan(actor: Actor, request: ScanRequest = {}): Program<ScanResult> {
      // One instant for the scan and the report it returns, so both judge the same days.
      const now = clock();
      function* record(): Program<number> {
        yield* lock('scan', 0);
        // Every action is scanned, whatever the caller may read: flags are facts about actions.
        // Each flag is dated the day its committee was judged as of (its own today by default).
        // An admin limited to a council scans its own committees only.
        const plan = yield* planReport(db, { asOf: request.asOf, now, committeeId: request.committeeId, committeeIds: actor.committeeIds });
        const flagged: number[] = [];
        for (const { asOf, entry } of yield* judgedMeetings(db, yield* holidays.calendar(), plan, allVisibilities)) {
          if (!entry.meeting) continue;
          for (const action of entry.overdue) {
            const reason = `Overdue by ${action.daysOverdue} day${action.daysOverdue === 1 ? '' : 's'} (due ${action.dueDate}) before the meeting on ${entry.meeting.startsAt.slice(0, 10)}`;
            const row = yield* first(
              db.insert(overdueFlags)
                .values({ actionId: action.id, meetingId: entry.meeting.id, flaggedOn: asOf, reason })
                .onConflictDoNothing()
                .returning(),
            );
            if (row) {
              yield* recordAudit(db, actor, 'overdue_flag', row.id, 'create', null, row);
              if (events) yield* events.flagged(row);
              flagged.push(action.id);
            }
          }
        }
        if (events) yield* events.scanCompleted({ asOf: request.asOf ?? null, committeeId: request.committeeId ?? null, flaggedActionIds: flagged });
        return flagged.length;
      }
      const flagsRecorded = request.waitForLock === false ? yield* txIfFree(record) : yield* tx(record, { immediate: true });
      if (flagsRecorded === BUSY) throw new DatabaseBusyError();
      return { report: yield* reportAt(actor, request, now), flagsRecorded };
    },
  };
}

/** The scan's programs and report readers, as createScanService makes them. */
export type ScanJobs = ReturnType<typeof createScanService>;
/** The scans as the services hand them out: scan() run on the engine (awaited), the reports read as they are. */
export type ScanService = Pick<ScanJobs, 'reportBody'> & Ran<Pick<ScanJobs, 'report' | 'scan'>>;
