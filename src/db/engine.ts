import type { Config } from '../config.js';
import { openPgEngine, type PgEngine } from './pg/engine.js';
import { pgMigrationsApplied } from './pg/migrate.js';
import { migrationsApplied } from './sqlite/client.js';
import { createEngine, openSqliteEngine, type EngineOptions, type SqliteEngine } from './sqlite/engine.js';

// The one place the database engine is chosen, once, at start: PostgreSQL when DATABASE_URL is
// set, else SQLite at DATABASE_PATH. Everything engine-specific (connections, pragmas or the pool,
// the group commit or the per-request transaction, checkpoints, the search index, change
// counters) lives under one folder per engine: src/db/sqlite/, src/db/pg/.

export type { EngineLog, EngineOptions, SqliteEngine } from './sqlite/engine.js';
export type { PgEngine } from './pg/engine.js';
export { createEngine };

/** Either engine; `kind` tells which. */
export type Engine = SqliteEngine | PgEngine;

export type DatabaseSettings = Pick<Config, 'databasePath' | 'databaseSynchronous'> & Partial<Pick<Config, 'databaseUrl'>>;

/** Opens the configured database and its engine (migrated); closing the engine closes both. */
export async function openEngine(settings: DatabaseSettings, options: Omit<EngineOptions, 'ownsConnection'> = {}): Promise<Engine> {
  if (settings.databaseUrl) return openPgEngine(settings.databaseUrl, { log: options.log });
  return openSqliteEngine({ path: settings.databasePath, synchronous: settings.databaseSynchronous }, options);
}

/**
 * Whether every committed migration is applied to the engine's database (GET /readyz); throws
 * (or rejects) when the database does not answer.
 */
export async function migrationsCurrent(engine: Engine): Promise<boolean> {
  if (engine.kind === 'postgres') return pgMigrationsApplied(engine.pool);
  engine.db.$client.prepare('SELECT 1').get();
  return migrationsApplied(engine.db);
}
