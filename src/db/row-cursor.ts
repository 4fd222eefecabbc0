import type { Awaitable } from './program.js';

// One statement's rows read a batch at a time, from one snapshot, on a connection of their own:
// for a read as long as the whole table (the CSV export, spreadsheets/export.ts). Paging the
// list's keyset instead, batch after batch, made the database find and sort the rest of the
// matching rows again for every batch of a sort no index gives: quadratic in the rows (200,000
// actions by due date took 261 s). One statement sorts once. Each engine's is under its folder
// (sqlite/row-cursor.ts, pg/row-cursor.ts).

/** A statement as it is to run: its SQL and its parameters' values. */
export interface BoundStatement {
  sql: string;
  params: unknown[];
}

export interface RowCursor {
  /** Up to `count` more rows, each an array of its column values; fewer (or none) after the last. */
  read(count: number): Awaitable<unknown[][]>;
  /** Ends the read and lets its connection go; again, does nothing. */
  close(): void;
}
