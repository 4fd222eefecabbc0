import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.js';
import type { Visibility } from '../domain/visibility.js';
import { createHolidayRepository } from '../modules/holidays/repository.js';
import { buildOverdueReport } from './overdue-report.js';
import { render, type ReportFormat } from './report-formats.js';

// The worker thread behind report-thread.ts: its own read-only connection to the database file,
// so building every committee's report never blocks the server's event loop. It sees committed
// data only, which is all a response may show anyway (see http/group-commit.ts).

export interface ReportRequest {
  id: number;
  asOf: string;
  committeeId?: number;
  visibilities: Visibility[];
  format: ReportFormat;
}

export type ReportReply = { id: number; body: string } | { id: number; error: string };

const db = openDatabase({ path: (workerData as { databasePath: string }).databasePath, readonly: true, migrate: false });

parentPort!.on('message', (request: ReportRequest) => {
  try {
    // A fresh calendar each time: holidays may have changed since the last report.
    const holidays = createHolidayRepository(db, () => undefined);
    const report = buildOverdueReport(db, holidays, request);
    // The report's objects hold exactly the schema's properties, in the order the route's schema
    // serialiser writes them (required ones first, then daysOverdue), so this is the same text.
    const body = request.format === 'json' ? JSON.stringify(report) : render(report, request.format);
    parentPort!.postMessage({ id: request.id, body } satisfies ReportReply);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) } satisfies ReportReply);
  }
});
