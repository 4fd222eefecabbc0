import { and, asc, eq, gt, not, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { transaction, type Tx } from '../../db/sqlite/transaction.js';
import { actions, agendaItems, declarations, people, resolutions } from '../../db/tables.js';
import { isLooser, isVisibleTo, type Reader, type Visibility } from '../../domain/visibility.js';
import { actionsVisibleTo, rowsVisibleTo } from '../../db/visibility.js';
import { InvalidFieldError, invalidField, type FieldError } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { decodeCursor, keyset, toPage, type Page } from '../../db/keyset.js';
import { listHistory, type AuditEvent } from '../audit/repository.js';
import { runSqlite } from '../../db/sqlite/run.js';
import type { MeetingRepository } from '../meetings/repository.js';
import { countWhere, deleteAudited, insertAudited, mustFind, referencesSeenBy, updateAudited } from '../shared/crud.js';
import type { CreateDeclaration, CreateItem, HistoryQuery, ListItemsQuery, UpdateItem } from './schemas.js';

export type ItemRow = typeof agendaItems.$inferSelect;
/**
 * Exempt business names its Schedule 12A paragraph; public business has none. Confidential
 * business (LGA 1972 s100A(3): information a government department gave on terms forbidding
 * disclosure, or that a court order or Act forbids disclosing) is withheld by law rather than
 * under Schedule 12A, so it needs no paragraph (one may still be recorded). And a caller may not
 * file an item where it could not read it back (it would vanish from their view).
 */
export function checkExemption(actor: Reader, visibility: Visibility, exemptParagraph: number | null | undefined) {
  const errors: FieldError[] = [];
  if (!isVisibleTo(actor, visibility)) {
    errors.push({ field: 'visibility', detail: `this API key cannot read ${visibility} business, so cannot file it` });
  }
  if (visibility === 'public' && exemptParagraph != null) {
    errors.push({ field: 'exemptParagraph', detail: 'must be null for a public item' });
  }
  if (visibility === 'exempt' && exemptParagraph == null) {
    errors.push({ field: 'exemptParagraph', detail: 'is required for exempt business (Schedule 12A paragraph 1–7)' });
  }
  if (errors.length > 0) throw new InvalidFieldError(errors);
}

const byPosition = { field: 'position', descending: false };
const declarationColumns = {
  id: declarations.id,
  itemId: declarations.itemId,
  personId: declarations.personId,
  person: { id: people.id, name: people.name, kind: people.kind },
  kind: declarations.kind,
  detail: declarations.detail,
  createdAt: declarations.createdAt,
  updatedAt: declarations.updatedAt,
};

export function createItemRepository(db: Db, meetings: MeetingRepository) {
  const byId = (tx: Tx | Db, id: number) => tx.select().from(agendaItems).where(eq(agendaItems.id, id)).get();
  // A hidden item answers exactly as a missing one does: same 404, same message.
  const visibleIn = (tx: Tx | Db, actor: Reader, id: number): ItemRow => {
    const row = byId(tx, id);
    return mustFind(row && isVisibleTo(actor, row.visibility) ? row : undefined, 'Item', id);
  };
  const declarationsQuery = (tx: Tx | Db) =>
    tx.select(declarationColumns).from(declarations).innerJoin(people, eq(people.id, declarations.personId));

  return {
    /** Any item, whatever its visibility: for modules that apply visibility themselves. */
    find(id: number, tx: Tx | Db = db): ItemRow | undefined {
      return byId(tx, id);
    },

    /** The item if this caller may read it; otherwise 404, as if it did not exist. */
    getVisible(actor: Reader, id: number, tx: Tx | Db = db): ItemRow {
      return visibleIn(tx, actor, id);
    },

    /** The item's visibility, which its resolutions and actions inherit; undefined if no such item. */
    visibilityOf(id: number, tx: Tx | Db = db): Visibility | undefined {
      return tx.select({ v: agendaItems.visibility }).from(agendaItems).where(eq(agendaItems.id, id)).get()?.v;
    },

    list(actor: Reader, meetingId: number, query: ListItemsQuery): Page<ItemRow> {
      meetings.get(meetingId);
      const limit = query.limit ?? 50;
      const page = keyset(byPosition, agendaItems.position, agendaItems.id, query.cursor);
      const rows = db
        .select()
        .from(agendaItems)
        .where(and(eq(agendaItems.meetingId, meetingId), rowsVisibleTo(agendaItems.visibility, actor), page.where))
        .orderBy(...page.orderBy)
        .limit(limit + 1)
        .all();
      return toPage(rows, limit, byPosition, (r) => r.position);
    },

    create(actor: Actor, meetingId: number, input: CreateItem): ItemRow {
      meetings.get(meetingId);
      const visibility = input.visibility ?? 'public';
      checkExemption(actor, visibility, input.exemptParagraph);
      return transaction(db, (tx) => {
        const last = tx
          .select({ max: sql<number | null>`max(${agendaItems.position})` })
          .from(agendaItems)
          .where(eq(agendaItems.meetingId, meetingId))
          .get();
        const position = input.position ?? (last?.max == null ? 1 : last.max + 1);
        return insertAudited(tx, actor, 'item', agendaItems, { ...input, meetingId, visibility, position });
      });
    },

    update(actor: Actor, id: number, input: UpdateItem, check: (row: ItemRow) => void): ItemRow {
      return transaction(db, (tx) => {
        const before = visibleIn(tx, actor, id);
        check(before);
        const visibility = input.visibility ?? before.visibility;
        // Declassifying Part 2 business is a deliberate decision, not an edit: admins only.
        if (isLooser(visibility, before.visibility) && !actor.admin) {
          throw invalidField('visibility', `only an admin key may make ${before.visibility} business ${visibility}`);
        }
        // Making an item public drops its paragraph unless the caller says otherwise (then 400).
        const exemptParagraph =
          input.exemptParagraph !== undefined ? input.exemptParagraph : visibility === 'public' ? null : before.exemptParagraph;
        checkExemption(actor, visibility, exemptParagraph);
        return updateAudited(tx, actor, 'item', agendaItems, before, { ...input, exemptParagraph });
      });
    },

    remove(actor: Actor, id: number, check: (row: ItemRow) => void): void {
      transaction(db, (tx) => {
        const before = visibleIn(tx, actor, id);
        check(before);
        // Its resolutions and declarations are as visible as the item; an action can be hidden.
        const onItem = eq(actions.itemId, id);
        const references = referencesSeenBy(
          [
            { label: 'resolutions', count: (t) => countWhere(t, resolutions, eq(resolutions.itemId, id)) },
            { label: 'declarations of interest', count: (t) => countWhere(t, declarations, eq(declarations.itemId, id)) },
            { label: 'actions', count: (t) => countWhere(t, actions, and(onItem, actionsVisibleTo(actor))!) },
          ],
          [(t) => countWhere(t, actions, and(onItem, not(actionsVisibleTo(actor)))!)],
        );
        deleteAudited(tx, actor, 'item', 'Item', agendaItems, before, references);
      });
    },

    history(actor: Reader, id: number, query: HistoryQuery): Page<AuditEvent> {
      visibleIn(db, actor, id);
      return runSqlite(db, listHistory(db, 'item', id, query.limit ?? 50, query.cursor)); // listHistory is a program (audit)
    },

    declarations(actor: Reader, itemId: number, query: ListItemsQuery) {
      visibleIn(db, actor, itemId);
      const limit = query.limit ?? 50;
      const byId = { field: 'id', descending: false };
      const after = query.cursor ? decodeCursor(query.cursor, byId).i : undefined;
      const rows = declarationsQuery(db)
        .where(and(eq(declarations.itemId, itemId), after === undefined ? undefined : gt(declarations.id, after)))
        .orderBy(asc(declarations.id))
        .limit(limit + 1)
        .all();
      return toPage(rows, limit, byId, (r) => r.id);
    },

    declaration(actor: Reader, id: number) {
      const row = declarationsQuery(db).where(eq(declarations.id, id)).get();
      const itemVisibility = row ? this.visibilityOf(row.itemId) : undefined;
      return mustFind(itemVisibility && isVisibleTo(actor, itemVisibility) ? row : undefined, 'Declaration', id);
    },

    declare(actor: Actor, itemId: number, input: CreateDeclaration) {
      const id = transaction(db, (tx) => {
        visibleIn(tx, actor, itemId);
        if (!tx.select({ id: people.id }).from(people).where(eq(people.id, input.personId)).get()) {
          throw invalidField('personId', `person ${input.personId} does not exist`);
        }
        return insertAudited(tx, actor, 'declaration', declarations, { ...input, itemId }).id;
      });
      return this.declaration(actor, id);
    },
  };
}

export type ItemRepository = ReturnType<typeof createItemRepository>;
