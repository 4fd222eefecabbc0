import { and, eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, tx, type Program } from '../../db/program.js';
import { actions, agendaItems, perSchema, resolutions } from '../../db/tables.js';
import { isVisibleTo, type Reader, type Visibility } from '../../domain/visibility.js';
import type { Actor } from '../../domain/actor.js';
import { keyset, toPage, type Page } from '../../db/keyset.js';
import { listHistory, type AuditEvent } from '../audit/repository.js';
import type { ItemRepository } from '../items/repository.js';
import type { HistoryQuery } from '../items/schemas.js';
import { mustFind } from '../shared/crud.js';
import { countWhere, deleteAudited, insertAudited, updateAudited } from '../shared/audited.js';
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
const withVisibility = perSchema(() => ({ row: getTableColumns(resolutions), visibility: agendaItems.visibility }));

/** Programs (db/program.ts). */
export function createResolutionRepository(db: Db, items: ItemRepository) {
  const select = () =>
    db.select(withVisibility()).from(resolutions).innerJoin(agendaItems, eq(agendaItems.id, resolutions.itemId));
  function* visible(actor: Reader, id: number) {
    const found = yield* first(select().where(eq(resolutions.id, id)));
    return mustFind(found && isVisibleTo(actor, found.visibility) ? found : undefined, 'Resolution', id);
  }

  return {
    /** Any resolution, whatever its visibility: for modules that apply visibility themselves. */
    *find(id: number): Program<ResolutionRow | undefined> {
      return (yield* first(select().where(eq(resolutions.id, id))))?.row;
    },

    /** The resolution if this caller may read its item; otherwise 404, as if it did not exist. */
    *getVisible(actor: Reader, id: number): Program<ResolutionRecord> {
      const { row, visibility } = yield* visible(actor, id);
      return toResolution(row, visibility);
    },

    /** Its item's visibility (actions raised on it inherit it); undefined if no such resolution. */
    *visibilityOf(id: number): Program<Visibility | undefined> {
      return (yield* first(select().where(eq(resolutions.id, id))))?.visibility;
    },

    *list(actor: Reader, itemId: number, query: ListResolutionsQuery): Program<Page<ResolutionRecord>> {
      const item = yield* items.getVisible(actor, itemId);
      const limit = query.limit ?? 50;
      const page = keyset(byId, resolutions.id, resolutions.id, query.cursor);
      const rows = (yield* all(db
        .select()
        .from(resolutions)
        .where(and(eq(resolutions.itemId, itemId), page.where, query.kind ? eq(resolutions.kind, query.kind) : undefined))
        .orderBy(...page.orderBy)
        .limit(limit + 1)))
        .map((row) => toResolution(row, item.visibility));
      return toPage(rows, limit, byId, (r) => r.id);
    },

    create(actor: Actor, itemId: number, input: CreateResolution): Program<ResolutionRecord> {
      return tx(function* () {
        const item = yield* items.getVisible(actor, itemId);
        const { vote, ...fields } = input;
        const row = yield* insertAudited(db, actor, 'resolution', resolutions, { ...fields, ...voteColumns(vote), itemId });
        return toResolution(row, item.visibility);
      });
    },

    update(actor: Actor, id: number, input: UpdateResolution, check: (row: ResolutionRecord) => void): Program<ResolutionRecord> {
      return tx(function* () {
        const { row: before, visibility } = yield* visible(actor, id);
        check(toResolution(before, visibility));
        const { vote, ...fields } = input;
        const after = yield* updateAudited(db, actor, 'resolution', resolutions, before, { ...fields, ...voteColumns(vote) });
        return toResolution(after, visibility);
      });
    },

    remove(actor: Actor, id: number, check: (row: ResolutionRecord) => void): Program<void> {
      return tx(function* () {
        const { row: before, visibility } = yield* visible(actor, id);
        check(toResolution(before, visibility));
        yield* deleteAudited(db, actor, 'resolution', 'Resolution', resolutions, before, [
          { label: 'actions', count: () => countWhere(db, actions, eq(actions.resolutionId, id)) },
        ]);
      });
    },

    *history(actor: Reader, id: number, query: HistoryQuery): Program<Page<AuditEvent>> {
      yield* visible(actor, id);
      return yield* listHistory(db, 'resolution', id, query.limit ?? 50, query.cursor);
    },
  };
}

export type ResolutionRepository = ReturnType<typeof createResolutionRepository>;
