import { and, inArray, isNull, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { visibilities, type Reader } from '../domain/visibility.js';
import { actions } from './tables.js';

// domain/visibility.ts `isVisibleTo` and `seesCommittee` as SQL, for queries that filter or count
// rows by what the reader may see. Every query applies visibility through these.

/** Rows whose visibility (a column, or a subquery giving one) the reader may see. */
export function rowsVisibleTo(visibility: SQLWrapper, reader: Reader): SQL {
  return inArray(visibility, [...reader.visibilities]);
}

/**
 * Rows of committees the reader may see (a committee id column, or a subquery giving one):
 * undefined for an unlimited reader, so its queries are exactly what they were. The ids are
 * literals, not parameters: they are part of the statement's shape (`readerShape`).
 */
export function rowsOfCommitteesSeenBy(committeeId: SQLWrapper, reader: Reader): SQL | undefined {
  if (reader.committeeIds === undefined) return undefined;
  // An empty IN () is refused by some engines; nothing is seen.
  if (reader.committeeIds.length === 0) return sql`0 = 1`;
  return inArray(committeeId, reader.committeeIds.map((id) => sql.raw(String(Math.trunc(id)))));
}

/** What makes the reader's visibility SQL differ from another's: for keys of prepared statements and caches. */
export function readerShape(reader: Reader): string {
  const levels = reader.visibilities.join();
  return reader.committeeIds === undefined ? levels : `${levels}|c${reader.committeeIds.join('.')}`;
}

/**
 * Actions the reader may see: the action's own visibility and its item's (kept on the row as
 * `item_visibility`, null without an item) must both be visible, since an action is as
 * restricted as the stricter of the two; and, for a key limited to a council, of its committees.
 */
export function actionsVisibleTo(reader: Reader): SQL {
  return and(
    rowsVisibleTo(actions.visibility, reader),
    or(isNull(actions.itemVisibility), rowsVisibleTo(actions.itemVisibility, reader)),
    rowsOfCommitteesSeenBy(actions.committeeId, reader),
  )!;
}

/**
 * actionsVisibleTo for a query that reads every action of a committee (the statistics): for a
 * reader that may see every level the level tests are left out, since every action passes them
 * (its own visibility and its item's are always one of the levels), which saves them on every
 * row; the limit to a council still applies. Any other reader gets actionsVisibleTo itself.
 */
export function actionsVisibleToEveryRow(reader: Reader): SQL | undefined {
  const seesEveryLevel = visibilities.every((level) => reader.visibilities.includes(level));
  return seesEveryLevel ? rowsOfCommitteesSeenBy(actions.committeeId, reader) : actionsVisibleTo(reader);
}
