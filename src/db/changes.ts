import type Database from 'better-sqlite3';

// What has changed in the database since a moment: the two counters the in-memory caches
// (authenticated keys, rendered actions) check before trusting what they hold, and by which a
// transaction knows whether it wrote anything (search-index.ts).

export interface ChangeCounters {
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
  /**
   * Both at once, for a cache to compare with the stamp it was filled under; undefined inside a
   * transaction, whose reads may be uncommitted work (a group that could still roll back): a
   * cache must neither use nor keep anything then.
   */
  stamp(): string | undefined;
}

const counters = new WeakMap<Database.Database, ChangeCounters>();

/** One set of counters per connection. */
export function changeCounters(sqlite: Database.Database): ChangeCounters {
  let found = counters.get(sqlite);
  if (found) return found;
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck();
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let version = 0;
  let fresh = false;
  found = {
    local: () => totalChanges.get() as number,
    stamp: () => (sqlite.inTransaction ? undefined : `${found!.local()}:${found!.others()}`),
    others() {
      if (!fresh) {
        version = dataVersion.get() as number;
        fresh = true;
        setImmediate(() => (fresh = false)).unref();
      }
      return version;
    },
  };
  counters.set(sqlite, found);
  return found;
}
