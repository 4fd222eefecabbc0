import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrationsFolderOf } from '../migrations-folder.js';

/**
 * The session advisory lock (class 3, key 0) held while migrating: processes starting together
 * on one database migrate one after the other, and the later ones find nothing left to do.
 */
export const MIGRATION_LOCK = [3, 0] as const;

/** migrations/pg, the committed drizzle-kit output for PostgreSQL. */
export const pgMigrationsFolder = (): string => migrationsFolderOf('pg');

/**
 * Applies migrations/pg's pending migrations to the database, in one transaction, under
 * MIGRATION_LOCK. Given a URL, it opens (and closes) a connection of its own; given a pool, it
 * borrows one of its connections.
 */
export async function migratePg(target: pg.Pool | string, migrationsFolder = pgMigrationsFolder()): Promise<void> {
  const pool = typeof target === 'string' ? new pg.Pool({ connectionString: target, max: 1 }) : target;
  try {
    const client = await pool.connect();
    // After a failure the connection is closed, not returned: the lock goes with its session.
    let failed = true;
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
      await migrate(drizzle({ client }), { migrationsFolder });
      await client.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
      failed = false;
    } finally {
      client.release(failed);
    }
  } finally {
    if (pool !== target) await pool.end();
  }
}

/**
 * True when every committed migration of migrations/pg has been applied to the database (GET
 * /readyz); rejects when the database does not answer.
 */
export async function pgMigrationsApplied(pool: pg.Pool, migrationsFolder = pgMigrationsFolder()): Promise<boolean> {
  const { rows: [table] } = await pool.query<{ t: string | null }>("SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t");
  if (!table?.t) return false;
  const { rows: [applied] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return (applied?.n ?? 0) >= journal.entries.length;
}
