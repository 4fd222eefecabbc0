import type Database from 'better-sqlite3';
import { createChangeCounters, type ChangeCounters } from './changes.js';
import { startCheckpointerLater, type Checkpointer } from './checkpointer.js';
import { openDatabase, type Db, type OpenOptions } from './client.js';
import { createWriteGroups, type WriteGroups } from './group-commit.js';
import type { Program } from '../program.js';
import { runSqlite } from './run.js';
import { createSearchIndex, type SearchIndexOfConnection } from './search.js';
import { useSchema } from '../tables.js';
import { sqliteDialect } from './dialect.js';
import * as schema from './schema.js';

// The database as the rest of the app sees it: one object per connection that owns the write
// path's machinery — the group commit (group-commit.ts), the checkpoint worker (checkpointer.ts),
// the search index and its worker (search.ts), the change counters (changes.ts) — and starts and
// stops it. The composition root (app.ts, services.ts) hands each part to whoever needs it; no
// one finds them through the connection.

export interface EngineLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface EngineOptions {
  /** Where the group commit and the workers report failures; silent when left out. */
  log?: EngineLog;
  /** Close the connection with the engine (it was opened for it: openEngine). */
  ownsConnection?: boolean;
  /** After how long startWorkers() starts the checkpointer (not during start-up). */
  checkpointerDelayMs?: number;
}

export interface SqliteEngine {
  readonly kind: 'sqlite';
  readonly db: Db;
  /** The group commit: what the HTTP edge calls around each request. */
  readonly writes: WriteGroups;
  readonly search: SearchIndexOfConnection;
  readonly changes: ChangeCounters;
  /** Runs a program (db/program.ts) to its end, synchronously (run.ts). */
  run<T>(program: Program<T>): T;
  /** The checkpointer while one runs (started by startWorkers). */
  checkpointer(): Checkpointer | undefined;
  /**
   * Starts the worker threads of a database file opened for writing (the listening server): the
   * search indexer at once, so that an index that has to be built is ready as soon as it can be,
   * and the checkpointer `checkpointerDelayMs` later, once start-up is over. Nothing for an
   * in-memory database.
   */
  startWorkers(): void;
  /** Stops the workers, closes the search index's connections, and the connection if owned. */
  close(): Promise<void>;
}

const silent: EngineLog = { error() {}, warn() {} };
const DEFAULT_CHECKPOINTER_DELAY_MS = 1000;

/** The engine over an open connection (tests and tools that opened it themselves). */
export function createEngine(db: Db, options: EngineOptions = {}): SqliteEngine {
  const sqlite: Database.Database = db.$client;
  useSchema(schema, sqliteDialect);
  const log = options.log ?? silent;
  // Set up now, outside any transaction (an in-memory database attaches its own index).
  const search = createSearchIndex(db);
  const changes = createChangeCounters(sqlite);
  let checkpointing: ReturnType<typeof startCheckpointerLater> | undefined;
  const checkpointer = () => checkpointing?.current();
  const writes = createWriteGroups(sqlite, { checkpointer, search, log });
  let closed = false;

  return {
    kind: 'sqlite',
    db,
    writes,
    search,
    changes,
    run: (program) => runSqlite(db, program),
    checkpointer,
    startWorkers() {
      if (sqlite.memory || sqlite.readonly || closed) return;
      search.startWorker({
        onFailure: (err) => log.error({ err }, 'search index worker failed; searches index for themselves'),
      });
      checkpointing ??= startCheckpointerLater(sqlite, options.checkpointerDelayMs ?? DEFAULT_CHECKPOINTER_DELAY_MS, {
        onFailure: (err) => log.error({ err }, 'checkpoint worker failed; the server checkpoints for itself'),
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await checkpointing?.close();
      await search.close();
      if (options.ownsConnection && sqlite.open) sqlite.close();
    },
  };
}

/** Opens the database (client.ts) and the engine over it; closing the engine closes both. */
export function openSqliteEngine(open: OpenOptions, options: Omit<EngineOptions, 'ownsConnection'> = {}): SqliteEngine {
  return createEngine(openDatabase(open), { ...options, ownsConnection: true });
}
