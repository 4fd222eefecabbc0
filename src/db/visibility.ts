import { and, inArray, isNull, or, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Reader } from '../domain/visibility.js';
import { actions } from './schema.js';

// domain/visibility.ts `isVisibleTo` as SQL, for queries that filter or count rows by what the
// reader may see. Every query applies visibility through these two.

/** Rows whose visibility (a column, or a subquery giving one) the reader may see. */
export function rowsVisibleTo(visibility: SQLWrapper, reader: Reader): SQL {
  return inArray(visibility, [...reader.visibilities]);
}

/**
 * Actions the reader may see: the action's own visibility and its item's (kept on the row as
 * `item_visibility`, null without an item) must both be visible, since an action is as
 * restricted as the stricter of the two.
 */
export function actionsVisibleTo(reader: Reader): SQL {
  return and(
    rowsVisibleTo(actions.visibility, reader),
    or(isNull(actions.itemVisibility), rowsVisibleTo(actions.itemVisibility, reader)),
  )!;
}
