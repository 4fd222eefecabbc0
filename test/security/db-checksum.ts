import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { sqlRows } from '../helper.js';

// A checksum of every row of every table, so "a rejected request wrote nothing" can be
// asserted exactly: counts miss updates, and total_changes() counts rolled-back writes too.
// Either engine (test/helper.ts sqlRows): the tables and their columns come from the database's
// own catalogue, so a table added by a migration is covered without a change here.

/**
 * Columns that change on a read by design, not by the request under test: a key's
 * `last_used_at` is touched by authentication (at most once a minute).
 */
const IGNORED_COLUMNS: Record<string, readonly string[]> = { api_keys: ['last_used_at'] };

export type Checksums = Record<string, string>;

const selects = new WeakMap<FastifyInstance, Promise<[string, string][]>>();

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The app's tables and their columns, each in the order the database lists them. */
async function catalogue(app: FastifyInstance): Promise<[string, string[]][]> {
  if (app.engine.kind === 'postgres') {
    // The app's own schema only: drizzle's bookkeeping lives in the "drizzle" schema.
    const rows = await sqlRows<{ table_name: string; column_name: string }>(app,
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name, c.ordinal_position`);
    const tables = new Map<string, string[]>();
    for (const { table_name: table, column_name: column } of rows) tables.set(table, [...(tables.get(table) ?? []), column]);
    return [...tables];
  }
  const tables = await sqlRows<{ name: string }>(app, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  return Promise.all(tables.map(async ({ name }) =>
    [name, (await sqlRows<{ name: string }>(app, 'SELECT name FROM pragma_table_info(?)', name)).map((c) => c.name)] as [string, string[]]));
}

/** Each table's SELECT of the columns compared, built once per app: the schema does not change under test. */
function selectsOf(app: FastifyInstance): Promise<[string, string][]> {
  let built = selects.get(app);
  if (!built) {
    built = catalogue(app).then((tables) => tables.map(([table, all]) => {
      const ignored = IGNORED_COLUMNS[table] ?? [];
      const columns = all.filter((c) => !ignored.includes(c)).map(quoted);
      return [table, `SELECT ${columns.join(', ') || '*'} FROM ${quoted(table)}`];
    }));
    selects.set(app, built);
  }
  return built;
}

const encode = (_key: string, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v);

export async function tableChecksums(app: FastifyInstance): Promise<Checksums> {
  const sums: Checksums = {};
  const tables = await selectsOf(app);
  if (app.engine.kind === 'postgres') {
    // Every table in one statement, hashed by PostgreSQL: a statement per table was some thirty
    // round trips for each request checked.
    const rows = await sqlRows<{ name: string; n: number; hash: string }>(app, tables.map(([table, select]) =>
      `SELECT ${literal(table)} AS name, CAST(count(*) AS integer) AS n,
              md5(coalesce(string_agg(r, E'\\n' ORDER BY r COLLATE "C"), '')) AS hash
         FROM (SELECT CAST(row_to_json(x) AS text) AS r FROM (${select}) x) y`).join('\nUNION ALL\n'));
    for (const { name, n, hash } of rows) sums[name] = `${n}:${hash.slice(0, 16)}`;
    return sums;
  }
  for (const [table, select] of tables) {
    const rows = await sqlRows(app, select);
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
