import { and, eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { transaction, type Tx } from '../../db/sqlite/transaction.js';
import { actions, agendaItems, resolutions } from '../../db/tables.js';
import { isVisibleTo, type Reader, type Visibility } from '../../domain/visibility.js';
import type { Actor } from '../../domain/actor.js';
import { keyset, toPage, type Page } from '../../db/keyset.js';
import { listHistory, type AuditEvent } from '../audit/repository.js';
import { runSqlite } from '../../db/sqlite/run.js';
import type { ItemRepository } from '../items/repository.js';
import type { HistoryQuery } from '../items/schemas.js';
import { countWhere, deleteAudited, insertAudited, mustFind, updateAudited } from '../shared/crud.js';
import type { CreateResolution, ListResolutionsQuery, Resolution, UpdateResolution, VoteInput } from './schemas.js';

type ResolutionRow = typeof resolutions.$inferSelect;
/** The API shape plus the version the ETag needs (the serializer drops it from the body). */
export type ResolutionRecord = Resolution & { version: number };

/** The API's nested `vote` onto the vote_* columns: undefined leaves them, null clears them. */
function voteColumns(vote: VoteInput | null | undefined) {
  if (vote === undefined) return {};
  return {
    voteFor: vote?.for ?? null,
    voteAgainst: vote?.against ?? null,
    voteAbstentions: vote?.abstentions ?? null,
    voteMethod: vote?.method ?? null,
  };
}

function toResolution(row: ResolutionRow, visibility: Visibility): ResolutionRecord {
  const { voteFor, voteAgainst, voteAbstentions, voteMethod, ...rest } = row;
  const voted = [voteFor, voteAgainst, voteAbstentions, voteMethod].some((v) => v !== null);
  return {
    ...rest,
    visibility,
    vote: voted ? { for: voteFor, against: voteAgainst, abstentions: voteAbstentions, method: voteMethod } : null,
  };
}

const byId = { field: 'id', descending: false };
// A resolution is as visible as its item: every read joins the item and filters on it.
const withVisibility = { row: getTableColumns(resolutions), visibility: agendaItems.visibility };

export function createResolutionRepository(db: Db, items: ItemRepository) {
  const select = (tx: Tx | Db) =>
    tx.select(withVisibility).from(resolutions).innerJoin(agendaItems, eq(agendaItems.id, resolutions.itemId));
  const visibleIn = (tx: Tx | Db, actor: Reader, id: number) => {
    const found = select(tx).where(eq(resolutions.id, id)).get();
    return mustFind(found && isVisibleTo(actor, found.visibility) ? found : undefined, 'Resolution', id);
  };

  return {
    /** Any resolution, whatever its visibility: for modules that apply visibility themselves. */
    find(id: number, tx: Tx | Db = db): ResolutionRow | undefined {
      return select(tx).where(eq(resolutions.id, id)).get()?.row;
    },

    /** The resolution if this caller may read its item; otherwise 404, as if it did not exist. */
    getVisible(actor: Reader, id: number, tx: Tx | Db = db): ResolutionRecord {
      const { row, visibility } = visibleIn(tx, actor, id);
      return toResolution(row, visibility);
    },

    /** Its item's visibility (actions raised on it inherit it); undefined if no such resolution. */
    visibilityOf(id: number, tx: Tx | Db = db): Visibility | undefined {
      return select(tx).where(eq(resolutions.id, id)).get()?.visibility;
    },

    list(actor: Reader, itemId: number, query: ListResolutionsQuery): Page<ResolutionRecord> {
      const item = items.getVisible(actor, itemId);
      const limit = query.limit ?? 50;
      const page = keyset(byId, resolutions.id, resolutions.id, query.cursor);
      const rows = db
        .select()
        .from(resolutions)
        .where(and(eq(resolutions.itemId, itemId), page.where, query.kind ? eq(resolutions.kind, query.kind) : undefined))
        .orderBy(...page.orderBy)
        .limit(limit + 1)
        .all()
        .map((row) => toResolution(row, item.visibility));
      return toPage(rows, limit, byId, (r) => r.id);
    },

    create(actor: Actor, itemId: number, input: CreateResolution): ResolutionRecord {
      return transaction(db, (tx) => {
        const item = items.getVisible(actor, itemId, tx);
        const { vote, ...fields } = input;
        const row = insertAudited(tx, actor, 'resolution', resolutions, { ...fields, ...voteColumns(vote), itemId });
        return toResolution(row, item.visibility);
      });
    },

    update(actor: Actor, id: number, input: UpdateResolution, check: (row: ResolutionRecord) => void): ResolutionRecord {
      return transaction(db, (tx) => {
        const { row: before, visibility } = visibleIn(tx, actor, id);
        check(toResolution(before, visibility));
        const { vote, ...fields } = input;
        const after = updateAudited(tx, actor, 'resolution', resolutions, before, { ...fields, ...voteColumns(vote) });
        return toResolution(after, visibility);
      });
    },

    remove(actor: Actor, id: number, check: (row: ResolutionRecord) => void): void {
      transaction(db, (tx) => {
        const { row: before, visibility } = visibleIn(tx, actor, id);
        check(toResolution(before, visibility));
        deleteAudited(tx, actor, 'resolution', 'Resolution', resolutions, before, [
          { label: 'actions', count: (t) => countWhere(t, actions, eq(actions.resolutionId, id)) },
        ]);
      });
    },

    history(actor: Reader, id: number, query: HistoryQuery): Page<AuditEvent> {
      visibleIn(db, actor, id);
      return runSqlite(db, listHistory(db, 'resolution', id, query.limit ?? 50, query.cursor)); // listHistory is a program (audit)
    },
  };
}

export type ResolutionRepository = ReturnType<typeof createResolutionRepository>;
