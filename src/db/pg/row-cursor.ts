import type pg from 'pg';
import type { BoundStatement, RowCursor } from '../row-cursor.js';

// db/row-cursor.ts on PostgreSQL (docs/postgres-plan.md §3.5.6): a client of the pool's own,
// holding one REPEATABLE READ READ ONLY transaction (one snapshot for every batch, as SQLite's
// statement reads) with the statement declared as a cursor in it; each batch is a FETCH. The
// transaction ends and the client goes back to the pool when the cursor is closed. Meanwhile the
// client is the cursor's alone: every export being read holds one of the pool's connections
// (until spreadsheets/export.ts EXPORT_MAX_MS, or IDLE_READER_MS without a batch read), which
// other requests then wait for.

const CURSOR = 'export_rows';
/**
 * How long the cursor's transaction may wait on its reader between batches: a client that stops
 * reading gives its connection back after this, rather than holding it for the whole export limit.
 */
const IDLE_READER_MS = 60_000;

export async function openPgRowCursor(pool: pg.Pool, statement: BoundStatement): Promise<RowCursor> {
  const client = await pool.connect();
  try {
    // Planned for every row (a cursor is otherwise planned for its first tenth): the export reads them all.
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL idle_in_transaction_session_timeout = ${IDLE_READER_MS}; SET LOCAL cursor_tuple_fraction = 1`);
    await client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${statement.sql}`, values: statement.params });
  } catch (err) {
    // A client whose rollback failed too is discarded, not returned to the pool.
    const broken = await client.query('ROLLBACK').then(() => undefined, (rollback: Error) => rollback);
    client.release(broken);
    throw err;
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    // After any FETCH still under way: a client runs its queries in order. A client whose
    // rollback failed is discarded, not returned to the pool mid-transaction.
    client.query('ROLLBACK').then(() => client.release(), (err: Error) => client.release(err));
  };
  return {
    async read(count) {
      if (closed) return [];
      try {
        return (await client.query({ text: `FETCH ${Math.trunc(count)} FROM ${CURSOR}`, rowMode: 'array' })).rows as unknown[][];
      } catch (err) {
        close();
        throw err;
      }
    },
    close,
  };
}
