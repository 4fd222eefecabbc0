import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

// A checksum of every row of every table, so "a rejected request wrote nothing" can be
// asserted exactly: counts miss updates, and total_changes() counts rolled-back writes too.

/**
 * Columns that change on a read by design, not by the request under test: a key's
 * `last_used_at` is touched by authentication (at most once a minute).
 */
const IGNORED_COLUMNS: Record<string, readonly string[]> = { api_keys: ['last_used_at'] };

export type Checksums = Record<string, string>;

const statements = new WeakMap<Database.Database, [string, Database.Statement][]>();

/** One SELECT per table, prepared once per database: the schema does not change under test. */
function selects(sqlite: Database.Database): [string, Database.Statement][] {
  let prepared = statements.get(sqlite);
  if (!prepared) {
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    prepared = tables.map((table) => {
      const ignored = IGNORED_COLUMNS[table] ?? [];
      const columns = (sqlite.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[])
        .filter((c) => !ignored.includes(c))
        .map((c) => `"${c.replace(/"/g, '""')}"`);
      return [table, sqlite.prepare(`SELECT ${columns.join(', ') || '*'} FROM "${table}"`).raw()];
    });
    statements.set(sqlite, prepared);
  }
  return prepared;
}

const encode = (_key: string, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v);

export function tableChecksums(sqlite: Database.Database): Checksums {
  const sums: Checksums = {};
  for (const [table, select] of selects(sqlite)) {
    const rows = select.all() as unknown[][];
    const encoded = rows.map((row) => JSON.stringify(row, encode)).sort();
    const hash = createHash('sha256');
    for (const line of encoded) hash.update(line).update('\n');
    sums[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
  }
  return sums;
}

/** The tables whose contents differ, for a readable failure. */
export function changedTables(before: Checksums, after: Checksums): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
