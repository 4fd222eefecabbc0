import { searchIndexPath } from '../../src/db/sqlite/search-index.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { addWorkingDays } from '../../src/domain/calendar.js';
import { HolidayCalendar } from '../../src/domain/holiday-calendar.js';
import { visibilities } from '../../src/domain/visibility.js';
import { reportableRows } from '../../src/jobs/overdue-report.js';
import type { Fixtures } from './fixtures.js';
import { median } from './load.js';

// The database floor: the scenarios' queries as raw better-sqlite3 prepared statements in a
// tight loop in this process — no HTTP, no validation, no JSON. What the server adds on top of
// these is the framework and the application.

export interface FloorResult {
  name: string;
  opsPerSecond: number;
  p50: number;
  p99: number;
}

/** The action read the API does: the due meeting for the effective date, the item for visibility, the flag count. */
const ACTION_READ = `
  SELECT a.*, CASE WHEN a.due_rule IN ('meeting', 'next_meeting') THEN dm.agenda_despatch_by ELSE a.due_date END AS effective_due,
         i.visibility AS item_visibility,
         (SELECT count(*) FROM overdue_flags f WHERE f.action_id = a.id) AS times_flagged
  FROM actions a
  LEFT JOIN meetings dm ON dm.id = a.due_meeting_id
  LEFT JOIN agenda_items i ON i.id = a.item_id`;

function time(durationMs: number, op: (i: number) => void): Omit<FloorResult, 'name'> {
  const latencies: number[] = [];
  const started = performance.now();
  let i = 0;
  while (performance.now() - started < durationMs) {
    const t = performance.now();
    op(i++);
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return {
    opsPerSecond: (latencies.length / (performance.now() - started)) * 1000,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

export function sqliteFloor(path: string, f: Fixtures, durationMs: number, runs: number): FloorResult[] {
  // The server's own connection settings (WAL, synchronous=FULL, …), but no HTTP in front.
  const app = openDatabase({ path, migrate: false });
  const db = app.$client;
  // The search index file, as the server's search connection reads it.
  db.prepare('ATTACH ? AS search').run(searchIndexPath(path));
  try {
    const byId = db.prepare(`${ACTION_READ} WHERE a.id = ?`);
    const list = db.prepare(`${ACTION_READ} WHERE a.committee_id = ? AND a.status IN ('open') ORDER BY a.id LIMIT 51`);
    const search = db.prepare(`${ACTION_READ} WHERE a.id IN (SELECT rowid FROM search.actions_fts WHERE actions_fts MATCH ?) ORDER BY a.id LIMIT 51`);
    const nextMeeting = db.prepare("SELECT * FROM meetings WHERE committee_id = ? AND status = 'scheduled' AND local_date >= ? ORDER BY starts_at_utc, id LIMIT 1");
    // The rows the report can list, by the app's own prepared statement.
    const horizon = addWorkingDays(f.anchor, 10, HolidayCalendar.englandAndWales());
    const candidates = reportableRows(app, visibilities);

    const insert = db.prepare(`INSERT INTO actions (committee_id, meeting_id, kind, title, detail, due_rule, due_date, status, visibility)
      SELECT committee_id, id, 'information', 'Officers to circulate a briefing note on housing repairs', 'Members asked for the figures by ward.', 'date', ?, 'open', 'public' FROM meetings WHERE id = ?`);
    const update = db.prepare('UPDATE actions SET rag = ?, detail = ?, version = version + 1, updated_at = ? WHERE id = ?');
    const audit = db.prepare("INSERT INTO audit_events (actor, entity_type, entity_id, operation, before, after) VALUES ('bench', 'action', ?, ?, ?, ?)");
    const write = db.transaction((op: () => void) => op());
    const report = (committeeId: number) => {
      nextMeeting.get(committeeId, f.anchor);
      candidates.values({ committeeId, asOf: f.anchor, horizon });
    };
    const ftsTerms = f.searches.map((s) => (s.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => `"${w}"*`).join(' '));

    const ops: [string, (i: number) => void][] = [
      ['sqlite: action by id', (i) => byId.get(f.readIds[i % f.readIds.length])],
      ['sqlite: list committee+open, 50', (i) => list.all(f.committeeIds[i % f.committeeIds.length])],
      ['sqlite: full-text search, 50', (i) => search.all(ftsTerms[i % ftsTerms.length])],
      ['sqlite: insert + audit (FULL, 1 commit)', (i) => write(() => {
        const m = f.meetings[i % f.meetings.length]!;
        const id = insert.run(f.anchor, m.id).lastInsertRowid;
        audit.run(String(id), 'create', null, '{}');
      })],
      ['sqlite: update + audit (FULL, 1 commit)', (i) => write(() => {
        const id = f.patchIds[i % f.patchIds.length]!;
        update.run('amber', `Reviewed (${i})`, new Date().toISOString(), id);
        audit.run(String(id), 'update', '{}', '{}');
      })],
      ['sqlite: report rows (SQL only), one committee', (i) => report(f.committeeIds[i % f.committeeIds.length]!)],
      ['sqlite: report rows (SQL only), all committees', () => f.committeeIds.forEach(report)],
    ];
    return ops.map(([name, op]) => {
      const results = Array.from({ length: runs }, () => time(durationMs, op));
      return {
        name,
        opsPerSecond: median(results.map((r) => r.opsPerSecond)),
        p50: median(results.map((r) => r.p50)),
        p99: median(results.map((r) => r.p99)),
      };
    });
  } finally {
    db.close();
  }
}
