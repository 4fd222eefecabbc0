import type { SQL, SQLWrapper } from 'drizzle-orm';
// Types only (the layering rule is about run-time imports): shared code types tables as SQLite's.
import type { alias as sqliteAlias } from 'drizzle-orm/sqlite-core';

// The SQL that differs between the engines (docs/postgres-plan.md §2), one implementation per
// engine (sqlite/dialect.ts, pg/dialect.ts), found with dialectOf(db) (tables.ts). Shared code
// builds everything else with drizzle's builders, which are the same on both.

export interface Dialect {
  readonly kind: 'sqlite' | 'postgres';
  /** `value` contains `pattern` (a LIKE pattern, `\` escaping), ignoring case. */
  likeInsensitive(value: SQLWrapper, pattern: string | SQLWrapper): SQL;
  /** The boolean false, as a value (`coalesce(<condition>, false)`). */
  readonly falseValue: SQL;
  /** The larger of two values. */
  greatest(a: SQLWrapper | number, b: SQLWrapper | number): SQL;
  /** The smaller of two values. */
  least(a: SQLWrapper | number, b: SQLWrapper | number): SQL;
  /** `column` is one of the ids in `ids` (a placeholder or value holding a JS number array). */
  idIn(column: SQLWrapper, ids: SQLWrapper): SQL;
  /** The ids parameter for idIn(): a JSON text on SQLite, the array itself on PostgreSQL. */
  idList(ids: readonly number[]): unknown;
  /**
   * Actions whose title, detail or response hold every one of `words` as a prefix: the search
   * terms (searchTerms()) go in as the parameter `terms` of actionsMatching().
   */
  searchTerms(words: readonly string[]): string;
  /** The condition on `actions` for a full-text search (SQLite: FTS5; PostgreSQL: tsvector). */
  actionsMatching(terms: SQLWrapper): SQL;
  /**
   * An action's due-by date as a due-date window compares it (a list's dueAfter and dueBefore):
   * `computed` itself (query.ts effectiveDueDate, which joins the due meeting) on SQLite; on
   * PostgreSQL the same date kept on the row by triggers (migration 0005), whose statistics and
   * index the planner can use.
   */
  actionsDueBy(computed: SQL): SQL;
  /** An aggregate: the group's non-null values of a text column joined by commas, in no set order; NULL when there are none. */
  joinedText(column: SQLWrapper): SQL;
  /** A JSON object of these keys and values, as text (`{"text":…,"rag":…}`). */
  jsonObject(entries: Record<string, SQLWrapper>): SQL;
  /**
   * A select (before prepare()) that locks the rows of `table` it reads and skips those another
   * transaction holds (`FOR UPDATE OF … SKIP LOCKED`), so that workers in several processes take
   * different rows; on SQLite, whose writes are serial, the select as it was.
   */
  skipLocked<Q extends object>(select: Q, table: object): Q;
  /**
   * A select (before prepare()) that locks the rows of `table` it reads until the transaction
   * ends (`FOR UPDATE OF …`): a write that judges a row (its version against If-Match) then
   * changes it, so that another transaction's change cannot come in between; on SQLite, whose
   * writes are serial, the select as it was.
   */
  lockedForUpdate<Q extends object>(select: Q, table: object): Q;
  /** `column` is one of the texts in `values` (a placeholder or value holding a JS string array). */
  textIn(column: SQLWrapper, values: SQLWrapper): SQL;
  /** The values parameter for textIn(): a JSON text on SQLite, the array itself on PostgreSQL. */
  textList(values: readonly string[]): unknown;
  /** A second name for a table in one query (self-joins), typed as the table. */
  alias: typeof sqliteAlias;
}
