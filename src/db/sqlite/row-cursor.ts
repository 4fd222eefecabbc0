import type { BoundStatement, RowCursor } from '../row-cursor.js';
import { openDatabase, type Db } from './client.js';

// db/row-cursor.ts on SQLite. From a database file, the statement runs on a read-only connection
// opened for it and closed after: a statement being stepped keeps its connection busy (nothing
// else can run on it meanwhile), and it reads one snapshot from its first step to its last, so
// only committed data, as of the start. Its sort spills to a temporary file beyond the page cache
// (temp_store = FILE here; the server's connections sort in memory), so a sort of every action
// holds a few megabytes, not the whole export. An in-memory database (tests) has one connection,
// which other requests use between batches: the rows are read at once there.

/** The page cache, and the most of a sort held in memory: SQLite reads each page about once. */
const CURSOR_CACHE_KIB = 4000;

export interface SqliteCursorOptions {
  /** A database file to attach as `search` (the search index's, sqlite/search.ts). */
  search?: string;
}

export function openSqliteRowCursor(db: Db, statement: BoundStatement, options: SqliteCursorOptions = {}): RowCursor {
  if (db.$client.memory) {
    const rows = db.$client.prepare(statement.sql).raw(true).all(...statement.params) as unknown[][];
    let at = 0;
    return {
      read: (count) => rows.slice(at, (at += count)),
      close: () => void (at = rows.length),
    };
  }
  const own = openDatabase({ path: db.$client.name, readonly: true, migrate: false }).$client;
  let iterator: IterableIterator<unknown[]>;
  try {
    own.pragma(`cache_size = -${CURSOR_CACHE_KIB}`);
    own.pragma('temp_store = FILE');
    if (options.search) {
      own.prepare('ATTACH ? AS search').run(options.search);
      own.pragma(`search.cache_size = -${CURSOR_CACHE_KIB / 2}`);
    }
    iterator = own.prepare(statement.sql).raw(true).iterate(...statement.params) as IterableIterator<unknown[]>;
  } catch (err) {
    own.close();
    throw err;
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    iterator.return?.();
    own.close();
  };
  return {
    read(count) {
      const rows: unknown[][] = [];
      if (closed) return rows;
      try {
        while (rows.length < count) {
          const step = iterator.next();
          if (step.done) break;
          rows.push(step.value);
        }
      } catch (err) {
        close();
        throw err;
      }
      return rows;
    },
    close,
  };
}
