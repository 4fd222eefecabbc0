import type Database from 'better-sqlite3';

// Another process (the command line's import or scan, a second server) may hold the database's
// write lock. Every connection waits for it up to its busy timeout, but the server's connection
// waits on the event loop: every other request would stand still meanwhile. So the server asks
// for the lock without waiting and, when it is taken, tries again later on its own terms.

/** SQLite refused because another connection holds a lock (SQLITE_BUSY or SQLITE_LOCKED, any variant). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

/** The connection's busy timeout in milliseconds: how long it would wait for a lock. */
export function busyTimeoutMs(sqlite: Database.Database): number {
  return sqlite.pragma('busy_timeout', { simple: true }) as number;
}

/**
 * Runs `work` with the busy timeout off, so that a lock held elsewhere fails at once with
 * SQLITE_BUSY (see isBusy) instead of blocking the thread; the timeout is restored after.
 */
export function withoutWaiting<T>(sqlite: Database.Database, work: () => T): T {
  const timeout = busyTimeoutMs(sqlite);
  if (timeout === 0) return work();
  sqlite.pragma('busy_timeout = 0');
  try {
    return work();
  } finally {
    sqlite.pragma(`busy_timeout = ${timeout}`);
  }
}
