import { and, asc, desc, gt, lt, or, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { invalidField } from '../errors.js';

// Keyset pagination: the cursor carries the last row's sort value and id, so each page is an
// indexed range query and concurrent inserts never shift or repeat rows. The id is the
// tie-breaker that makes the order total.

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

interface CursorPayload {
  s: string;
  v: string | number | null;
  i: number;
}

export interface SortSpec {
  field: string;
  descending: boolean;
}

export function parseSort(sort: string | undefined, fallback = 'id'): SortSpec {
  const value = sort ?? fallback;
  return value.startsWith('-')
    ? { field: value.slice(1), descending: true }
    : { field: value, descending: false };
}

export function encodeCursor(sort: SortSpec, value: string | number | null, id: number): string {
  const payload: CursorPayload = { s: (sort.descending ? '-' : '') + sort.field, v: value, i: id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Rejects anything that is not a cursor this service issued for this sort. */
export function decodeCursor(cursor: string, sort: SortSpec): CursorPayload {
  const bad = () => invalidField('cursor', 'is not a valid cursor for this list and sort');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof payload !== 'object' || payload === null) throw bad();
  const { s, v, i } = payload as Record<string, unknown>;
  if (s !== (sort.descending ? '-' : '') + sort.field) throw bad();
  if (!Number.isSafeInteger(i) || (i as number) < 0) throw bad();
  if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw bad();
  return { s, v: v as CursorPayload['v'], i: i as number };
}

/**
 * WHERE and ORDER BY for one page. `column` is the sort column (must be NOT NULL, or
 * coalesced by the caller), `idColumn` the primary key.
 */
export function keyset(
  sort: SortSpec,
  column: AnyColumn | SQL,
  idColumn: AnyColumn,
  cursor: string | undefined,
): { where: SQL | undefined; orderBy: SQL[] } {
  const direction = sort.descending ? desc : asc;
  const orderBy = column === idColumn ? [direction(idColumn)] : [direction(column), direction(idColumn)];
  if (!cursor) return { where: undefined, orderBy };
  const { v, i } = decodeCursor(cursor, sort);
  return { where: keysetAfter(sort, column, idColumn, v, i), orderBy };
}

/**
 * The rows after the one with sort value `v` and id `i`, in the sort's order. The values may be
 * sql.placeholder()s, so a prepared statement can serve every page.
 */
export function keysetAfter(sort: SortSpec, column: AnyColumn | SQL, idColumn: AnyColumn, v: unknown, i: unknown): SQL | undefined {
  const beyond = sort.descending ? lt : gt;
  const op = sql.raw(sort.descending ? '<' : '>');
  return column === idColumn
    ? beyond(idColumn, i)
    : or(sql`${column} ${op} ${v}`, and(sql`${column} = ${v}`, beyond(idColumn, i)));
}

/** Trims the extra row fetched to learn whether there is a next page. */
export function toPage<T extends { id: number }>(
  rows: T[],
  limit: number,
  sort: SortSpec,
  sortValue: (row: T) => string | number | null,
): Page<T> {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data[data.length - 1];
  return {
    data,
    nextCursor: hasMore && last ? encodeCursor(sort, sortValue(last), last.id) : null,
  };
}
