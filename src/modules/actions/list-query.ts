import { and, eq, fillPlaceholders, gte, inArray, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { values, type Program } from '../../db/program.js';
import { preparedQuery } from '../../db/shapes.js';
import { actions, dialect, perSchema } from '../../db/tables.js';
import { actionsVisibleTo, readerShape } from '../../db/visibility.js';
import type { Reader } from '../../domain/visibility.js';
import { invalidField } from '../../errors.js';
import { decodeCursor, keyset, keysetAfter, type SortSpec } from '../../db/keyset.js';
import type { BoundStatement } from '../../db/row-cursor.js';
import { actionColumns, actionRowMapper, overdueAsOf, selectActionKeys, selectActions, selectExportRows, windowDueDate, type ActionRow } from './query.js';
import type { ListActionsQuery } from './schemas.js';
import type { JudgedOn } from './today.js';

// GET /v1/actions as prepared statements: one per shape of query (which filters are given, how
// many statuses, the sort, whether there is a cursor, the caller's visibilities), every value a
// placeholder. Building and compiling the SQL afresh cost more than running it for a page of 50.

export const sortColumns = perSchema(() => ({
  id: actions.id,
  createdAt: actions.createdAt,
  updatedAt: actions.updatedAt,
  dueDate: sql`coalesce(${actionColumns().dueDate}, '')`,
  title: actions.title,
}) as const);

/** The optional filters compared for equality, in the order they appear in the WHERE clause. */
const equalities = ['committeeId', 'meetingId', 'dueMeetingId', 'itemId', 'reference'] as const;

/** Each word a prefix term, all of them required, so user text can never be search syntax (dialect.searchTerms). */
export function ftsQuery(q: string): string {
  const words = q.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) throw invalidField('q', 'must contain a letter or digit', 'querystring');
  return dialect.searchTerms(words.slice(0, 20));
}

/**
 * Overdue as of `asOf` (a placeholder, or a day), or, judged committee by committee, as of each
 * committee's own day: grouped by day, so committees on the same day share one condition.
 */
function overdueOn(asOf: Placeholder | JudgedOn): SQL {
  if (!(asOf instanceof Map)) return overdueAsOf(asOf as Placeholder | string);
  const byDay = new Map<string, number[]>();
  for (const [committeeId, day] of asOf) byDay.set(day, [...(byDay.get(day) ?? []), committeeId]);
  return or(...[...byDay].map(([day, ids]) => and(inArray(actions.committeeId, ids), overdueAsOf(day))))!;
}

/**
 * What a failed list statement is answered with: a word the tokenizer splits in two (a few
 * letters it counts as separators) is a phrase, which an index without positions (detail=none,
 * search-index.ts) cannot search.
 */
export function searchRefusal(err: unknown, fts: string | undefined): unknown {
  if (fts !== undefined && err instanceof Error && /detail!=full/.test(err.message)) {
    return invalidField('q', 'contains a word the search cannot match; try its parts as separate words', 'querystring');
  }
  return err;
}

/**
 * What a list statement reads of each action: whole rows, a page's keys (`[id, sort value]`), or
 * the CSV export's columns (query.ts exportColumns).
 */
type Selection = 'rows' | 'keys' | 'export';

/** The export's statement as it is to run, and the search terms it holds, if any (for searchRefusal). */
export interface ExportQuery extends BoundStatement { fts: string | undefined }

export function listActionsStatements(db: Db) {
  const p = (name: string) => sql.placeholder(name);

  /** The list's query for this shape, unprepared; without `paged`, every matching row (the export's). */
  function selectQuery(reader: Reader, query: ListActionsQuery, sort: SortSpec, hasCursor: boolean, statusCount: number, selection: Selection, asOf: Placeholder | JudgedOn, paged = true) {
    const column = sortColumns()[sort.field as keyof ReturnType<typeof sortColumns>];
    const dueDate = windowDueDate();
    const where: (SQL | undefined)[] = [
      actionsVisibleTo(reader),
      hasCursor ? keysetAfter(sort, column as never, actions.id, p('cursorValue'), p('cursorId')) : undefined,
      ...equalities.map((name) => (query[name] ? eq(actions[name], p(name)) : undefined)),
      statusCount > 0 ? inArray(actions.status, Array.from({ length: statusCount }, (_, i) => p(`status${i}`))) : undefined,
      query.kind ? eq(actions.kind, p('kind')) : undefined,
      query.ownerId ? eq(actions.ownerId, p('ownerId')) : undefined,
      query.dueBefore ? lte(dueDate, p('dueBefore')) : undefined,
      query.dueAfter ? gte(dueDate, p('dueAfter')) : undefined,
      query.overdue === 'true' ? overdueOn(asOf) : undefined,
      query.overdue === 'false' ? sql`NOT (${overdueOn(asOf)})` : undefined,
      query.q ? dialect.actionsMatching(p('fts')) : undefined,
    ];
    const usesDueDate = sort.field === 'dueDate' || Boolean(query.dueBefore || query.dueAfter || query.overdue);
    const select = selection === 'keys' ? selectActionKeys(db, column as SQL, usesDueDate) : selection === 'export' ? selectExportRows(db) : selectActions(db);
    const ordered = select.where(and(...where)).orderBy(...keyset(sort, column as never, actions.id, undefined).orderBy);
    return paged ? ordered.limit(p('limit')) : ordered;
  }

  function build(...args: Parameters<typeof selectQuery>) {
    return selectQuery(...args).prepare();
  }

  /** The values of a query's placeholders. */
  function parameters(query: ListActionsQuery, statuses: readonly string[], asOf: JudgedOn, fts: string | undefined, limit?: number, cursor?: { v: unknown; i: number }): Record<string, unknown> {
    const params: Record<string, unknown> = { limit, asOf: typeof asOf === 'string' ? asOf : undefined, fts, cursorValue: cursor?.v, cursorId: cursor?.i, kind: query.kind, ownerId: query.ownerId, dueBefore: query.dueBefore, dueAfter: query.dueAfter };
    for (const name of equalities) params[name] = query[name];
    statuses.forEach((status, i) => (params[`status${i}`] = status));
    return params;
  }

  /**
   * Up to `limit` rows matching the query, in the sort's order, after the cursor's row: whole
   * rows, or with `keys` each row's id and sort value (`[id, value]`), which an index can
   * often answer without reading the rows themselves.
   */
  function* run(reader: Reader, query: ListActionsQuery, sort: SortSpec, asOf: JudgedOn, limit: number, selection: Selection): Program<unknown[][]> {
    const cursor = query.cursor ? decodeCursor(query.cursor, sort) : undefined;
    const statuses = query.status?.split(',') ?? [];
    const fts = query.q ? ftsQuery(query.q) : undefined;
    const shape = JSON.stringify([
      selection, readerShape(reader), sort, cursor !== undefined, statuses.length, ...equalities.map((name) => !query[name]),
      !query.kind, !query.ownerId, !query.dueBefore, !query.dueAfter, query.overdue ?? '', !query.q,
    ]);
    const make = (on: Placeholder | JudgedOn) => build(reader, query, sort, cursor !== undefined, statuses.length, selection, on);
    // Committees on different days (today.ts) make an overdue filter of their own: built for the
    // request, not kept (the usual one day is a placeholder of the kept statement).
    const perCommittee = typeof asOf !== 'string';
    const statement = perCommittee && query.overdue ? make(asOf) : preparedQuery(db, `actions:list:${shape}`, () => make(sql.placeholder('asOf')));
    const params = parameters(query, statuses, asOf, fts, limit, cursor);
    try {
      return (yield* values(statement, params)) as unknown[][];
    } catch (err) {
      throw searchRefusal(err, fts);
    }
  }

  // Programs (db/program.ts), run by the caller's engine.
  return {
    *rows(reader: Reader, query: ListActionsQuery, sort: SortSpec, asOf: JudgedOn, limit: number): Program<ActionRow[]> {
      return (yield* run(reader, query, sort, asOf, limit, 'rows')).map(actionRowMapper());
    },
    *keys(reader: Reader, query: ListActionsQuery, sort: SortSpec, asOf: string, limit: number): Program<[id: number, sortValue: string | number | null][]> {
      return (yield* run(reader, query, sort, asOf, limit, 'keys')) as [id: number, sortValue: string | number | null][];
    },
    /**
     * The CSV export's one statement (spreadsheets/export.ts): every action the query matches,
     * not a page (the query's own cursor and limit are not read), in the sort's order, as
     * query.ts exportColumns; its SQL and parameter values, for the export to read through a
     * cursor of its own. Built for each export: its cost is nothing beside the export's.
     */
    exportQuery(reader: Reader, query: ListActionsQuery, sort: SortSpec, asOf: JudgedOn): ExportQuery {
      const statuses = query.status?.split(',') ?? [];
      const fts = query.q ? ftsQuery(query.q) : undefined;
      const on = typeof asOf !== 'string' && query.overdue ? asOf : sql.placeholder('asOf');
      const built = (selectQuery(reader, query, sort, false, statuses.length, 'export', on, false) as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
      return { sql: built.sql, params: fillPlaceholders(built.params, parameters(query, statuses, asOf, fts)), fts };
    },
  };
}
