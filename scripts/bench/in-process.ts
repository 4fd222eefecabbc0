import Database from 'better-sqlite3';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

// The server's app built in this process on a bench database, for the scripts that time its
// services without HTTP (documents-cpu.ts, tracker-gc.ts, spreadsheets-cpu.ts): no scan at start,
// no logs, and no rate limit for those that do listen.

/** The app on a bench database (`DATABASE_PATH`) or a PostgreSQL copy of one (`DATABASE_URL`). */
export function inProcessApp(database: { DATABASE_PATH: string } | { DATABASE_URL: string }) {
  return buildApp(loadConfig({ ...database, SCAN_ON_START: 'false', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000000' }), { logger: false });
}

/** A bench database's committees, in id order. */
export function committeeIdsIn(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT id FROM committees ORDER BY id').pluck().all() as number[];
  } finally {
    db.close();
  }
}
