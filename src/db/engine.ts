import type { Config } from '../config.js';
import { createEngine, openSqliteEngine, type Engine, type EngineOptions } from './sqlite/engine.js';

// The one place the database engine is chosen, once, at start. Everything engine-specific (the
// connection and its pragmas, the group commit, checkpoints, the search index, change counters)
// lives under one folder per engine: src/db/sqlite/ today; PostgreSQL (issue 18,
// docs/postgres-plan.md) joins as src/db/pg/ behind the same Engine.

export type { Engine, EngineLog, EngineOptions } from './sqlite/engine.js';
export { createEngine };

export type DatabaseSettings = Pick<Config, 'databasePath' | 'databaseSynchronous'>;

/** Opens the configured database and its engine; closing the engine closes both. */
export function openEngine(settings: DatabaseSettings, options: Omit<EngineOptions, 'ownsConnection'> = {}): Engine {
  return openSqliteEngine({ path: settings.databasePath, synchronous: settings.databaseSynchronous }, options);
}
