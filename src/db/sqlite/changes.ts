import type Database from 'better-sqlite3';

// What has changed in the database since a moment: the two counters the in-memory caches
// (authenticated keys, rendered actions) check before trusting what they hold, and by which a
// transaction knows whether it wrote anything (search-index.ts).

/** What a cache compares with the stamp it was filled under. */
export interface ChangeStamp {
  /**
   * Moves whenever something the cache depends on may have changed; undefined inside a
   * transaction, whose reads may be uncommitted work (a group that could still roll back): a
   * cache must neither use nor keep anything then.
   */
  stamp(): string | undefined;
}

export interface ChangeCounters extends ChangeStamp {
  /**
   * Rows this connection has inserted, updated or deleted so far (`total_changes()`, which
   * counts trigger work too); free to read.
   */
  local(): number;
  /**
   * `PRAGMA data_version`: moves whenever another connection — the command-line import, a scan,
   * a restore, another server process — commits. Reading it opens a read transaction (a few
   * microseconds), so it is read once per turn of the event loop and shared by every check in
   * that turn: within one turn the server acts as of one instant.
   */
  others(): number;
  /** Both at once: any write at all, here or anywhere else. */
  stamp(): string | undefined;
  /**
   * A stamp that moves only when this connection writes to one of `tables` (or another
   * connection commits anything): for a cache that reads only those tables.
   */
  forTables(tables: readonly string[]): ChangeStamp;
}

let functions = 0;

/**
 * Writes to `tables` by this connection, counted by TEMP triggers (this connection's own, never
 * stored in the database) that call back into JavaScript once per row. `total_changes()` counts
 * every table: the once-a-minute `last_used_at` of an API key, an idempotency record, the
 * search queue's trimming or a new person would each empty a cache that never reads them.
 */
function tableWrites(sqlite: Database.Database, tables: readonly string[]): () => number {
  let writes = 0;
  // A read-only connection writes nothing itself; others' commits move data_version.
  if (sqlite.readonly) return () => writes;
  const name = `changes_noted_${++functions}`;
  sqlite.function(name, { deterministic: false }, () => {
    writes++;
    return null;
  });
  for (const table of tables) {
    for (const event of ['insert', 'update', 'delete']) {
      sqlite.exec(`CREATE TEMP TRIGGER "${name}_${table}_${event}" AFTER ${event} ON main."${table}" BEGIN SELECT ${name}(); END`);
    }
  }
  return () => writes;
}

/** The counters of a connection; the engine (engine.ts) makes one set and hands it out. */
export function createChangeCounters(sqlite: Database.Database): ChangeCounters {
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck();
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let version = 0;
  let fresh = false;
  const byTables = new Map<string, ChangeStamp>();
  const found: ChangeCounters = {
    local: () => totalChanges.get() as number,
    stamp: () => (sqlite.inTransaction ? undefined : `${found.local()}:${found.others()}`),
    others() {
      if (!fresh) {
        version = dataVersion.get() as number;
        fresh = true;
        setImmediate(() => (fresh = false)).unref();
      }
      return version;
    },
    forTables(tables) {
      const key = [...tables].sort().join();
      let stamp = byTables.get(key);
      if (stamp === undefined) {
        const writes = tableWrites(sqlite, tables);
        stamp = { stamp: () => (sqlite.inTransaction ? undefined : `${writes()}:${found.others()}`) };
        byTables.set(key, stamp);
      }
      return stamp;
    },
  };
  return found;
}
