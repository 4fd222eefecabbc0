import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '../../src/db/sqlite/client.js';

// For the tests of a migration that changes existing rows (a backfill): a database as an older
// release left it, made by the migrations before the one under test.

/** A database file in `dir`, migrated up to, but not including, migration `upTo`. */
export function databaseBefore(dir: string, upTo: number): string {
  const folder = join(dir, 'migrations');
  cpSync(migrationsFolder(), folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx < upTo) }));
  const path = join(dir, 'before.sqlite');
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: folder });
  sqlite.close();
  return path;
}
