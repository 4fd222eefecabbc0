import Database from 'better-sqlite3';
import pg from 'pg';
import { migratePg } from '../../src/db/pg/migrate.js';
import { MEETING_DUE_RULES } from '../../src/domain/due.js';
import { databaseUrl, withClient } from '../test-pg.mjs';

// `npm run bench -- --engine postgres`: the generated SQLite database copied into a fresh
// PostgreSQL database, so that both engines serve the same rows (ids, keys, dates) and the
// scenarios' fixtures hold for both. Migrated first; then each table copied in batches, with
// foreign keys and triggers off for the copy (session_replication_role = replica: the rows are a
// consistent copy, the derived columns come with them or are computed from them, DERIVED, and the
// full-text column is generated), and each identity moved past the largest id.

const BATCH_PARAMS = 30_000;

/**
 * Columns PostgreSQL keeps by triggers that SQLite does not have, as SQLite expressions over the
 * table being copied: the copy runs without triggers. effective_due_date is query.ts
 * effectiveDueDate (migrations/pg/0005).
 */
const DERIVED: Record<string, Record<string, string>> = {
  actions: {
    effective_due_date: `CASE WHEN due_rule IN (${MEETING_DUE_RULES.map((rule) => `'${rule}'`).join(', ')})
      THEN (SELECT agenda_despatch_by FROM meetings WHERE meetings.id = actions.due_meeting_id) ELSE due_date END`,
  },
};

export interface BenchPostgres {
  url: string;
  copiedMs: number;
  drop(): Promise<void>;
}

const PREFIX = 'scrutiny_bench_';

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// A bench killed part-way (Ctrl-C, an error, kill -9) leaves its copy behind: each run drops the
// copies whose bench process (the pid in the name) no longer runs on this machine.
export async function dropAbandonedCopies(serverUrl: string): Promise<string[]> {
  const names = await withClient(serverUrl, async (admin) =>
    (await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`)).rows.map((r) => r.datname));
  const abandoned = names.filter((n) => !alive(Number(n.slice(PREFIX.length))));
  for (const n of abandoned) await dropDatabase(serverUrl, n);
  return abandoned;
}

export async function copyToPostgres(sqlitePath: string, serverUrl: string): Promise<BenchPostgres> {
  const name = `${PREFIX}${process.pid}`;
  try {
    return await copyInto(sqlitePath, serverUrl, name);
  } catch (err) {
    await dropDatabase(serverUrl, name).catch(() => undefined);
    throw err;
  }
}

async function copyInto(sqlitePath: string, serverUrl: string, name: string): Promise<BenchPostgres> {
  const started = performance.now();
  await withClient(serverUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const url = databaseUrl(serverUrl, name);
  await migratePg(url);

  const source = new Database(sqlitePath, { readonly: true });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  try {
    const columns = (await client.query<{ table_name: string; column_name: string; data_type: string; is_generated: string }>(
      `SELECT table_name, column_name, data_type, is_generated FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name NOT LIKE '\\_\\_%' ORDER BY table_name, ordinal_position`,
    )).rows;
    const tables = new Map<string, { name: string; boolean: boolean }[]>();
    for (const c of columns) {
      if (c.is_generated === 'ALWAYS') continue;
      tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), { name: c.column_name, boolean: c.data_type === 'boolean' }]);
    }
    await client.query('BEGIN');
    await client.query("SET LOCAL session_replication_role = 'replica'");
    for (const [table, cols] of tables) {
      const names = cols.map((c) => `"${c.name}"`).join(', ');
      const perBatch = Math.max(1, Math.floor(BATCH_PARAMS / cols.length));
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const params: unknown[] = [];
        const rows = batch.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`);
        await client.query(`INSERT INTO "${table}" (${names}) VALUES ${rows.join(', ')}`, params);
        batch = [];
      };
      const selected = cols.map((c) => (DERIVED[table]?.[c.name] ? `${DERIVED[table][c.name]} AS "${c.name}"` : `"${c.name}"`)).join(', ');
      const rows = source.prepare(`SELECT ${selected} FROM "${table}"`).raw().iterate() as IterableIterator<unknown[]>;
      for (const row of rows) {
        batch.push(row.map((v, i) => (cols[i]!.boolean && v !== null ? v === 1 : v)));
        if (batch.length >= perBatch) await flush();
      }
      await flush();
      if (cols.some((c) => c.name === 'id')) {
        await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), coalesce((SELECT max(id) FROM "${table}"), 0) + 1, false)`);
      }
    }
    await client.query('COMMIT');
    // As autovacuum would leave a database in use: statistics, the visibility map, and the GIN
    // index's pending list merged (a fresh copy's ~420 pending pages were read by every search,
    // and made the planner price the index ~30x too high).
    await client.query('VACUUM ANALYZE');
  } finally {
    client.release();
    await pool.end();
    source.close();
  }
  return {
    url,
    copiedMs: performance.now() - started,
    drop: () => dropDatabase(serverUrl, name),
  };
}
