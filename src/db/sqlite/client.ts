import Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { drizzleOver } from './connection.js';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as schema from './schema.js';
import { migrationsFolderOf } from '../migrations-folder.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenOptions {
  /** File path, or ':memory:' for tests. */
  path: string;
  synchronous?: 'FULL' | 'NORMAL' | 'EXTRA';
  /** Apply pending migrations on open (the server and CLI do; `readonly` tools do not). */
  migrate?: boolean;
  readonly?: boolean;
}

/** migrations/sqlite, the committed drizzle-kit output for SQLite. */
export const migrationsFolder = (): string => migrationsFolderOf('sqlite');

/**
 * Creates the database's directory one level at a time. Node's recursive mkdirSync never returns
 * for a parent that reports ENOENT while its own parent exists (e.g. /proc/nope): the server and
 * the cron job must fail with a reason instead of hanging.
 */
function ensureDirectory(dir: string) {
  if (existsSync(dir) || dirname(dir) === dir) return;
  ensureDirectory(dirname(dir));
  mkdirSync(dir);
}

export function openDatabase(options: OpenOptions): Db {
  if (options.path !== ':memory:' && !options.readonly) ensureDirectory(dirname(resolve(options.path)));
  const sqlite = new Database(options.path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  // WAL lets readers (the cron command, backups) run beside the server's writer; the busy
  // timeout makes a second process wait for the write lock instead of failing at once.
  if (!options.readonly) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // Savepoints (each request's transaction inside a group commit) and sorts keep their scratch
  // data in memory rather than in a temporary file created and deleted every time.
  sqlite.pragma('temp_store = MEMORY');
  // FULL: a commit is fsynced before it is acknowledged, so it survives power loss.
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  const db = drizzleOver(sqlite, schema) as Db;
  if (options.migrate ?? true) migrate(db, { migrationsFolder: migrationsFolder() });
  return db;
}

/** True when every committed migration has been applied to this database. */
export function migrationsApplied(db: Db): boolean {
  const applied = db.$client
    .prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'",
    )
    .get() as { n: number };
  if (applied.n === 0) return false;
  const { n } = db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as {
    n: number;
  };
  return n >= journalEntries();
}

// The journal does not change while the process runs.
let cachedJournalEntries: number | undefined;
function journalEntries(): number {
  if (cachedJournalEntries === undefined) {
    const journal = JSON.parse(
      readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8'),
    ) as { entries: unknown[] };
    cachedJournalEntries = journal.entries.length;
  }
  return cachedJournalEntries;
}
