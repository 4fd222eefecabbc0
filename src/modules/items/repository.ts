import { and, asc, eq, gt, not, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, rowById, tx, type Program } from '../../db/program.js';
import { actions, agendaItems, declarations, people, perSchema, resolutions } from '../../db/tables.js';
import { isLooser, isVisibleTo, type Reader, type Visibility } from '../../domain/visibility.js';
import { actionsVisibleTo, rowsVisibleTo } from '../../db/visibility.js';
import { InvalidFieldError, invalidField, type FieldError } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { decodeCursor, keyset, toPage, type Page } from '../../db/keyset.js';
import { listHistory, type AuditEvent } from '../audit/repository.js';
import type { MeetingRepository } from '../meetings/repository.js';
import { mustFind } from '../shared/crud.js';
import { countWhere, deleteAudited, insertAudited, referencesSeenBy, updateAudited } from '../shared/audited.js';
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
const declarationColumns = perSchema(() => ({
  id: declarations.id,
  itemId: declarations.itemId,
  personId: declarations.personId,
  person: { id: people.id, name: people.name, kind: people.kind },
  kind: declarations.kind,
  detail: declarations.detail,
  createdAt: declarations.createdAt,
  updatedAt: declarations.updatedAt,
}));

/** Programs (db/program.ts); resolutions' programs `yield*` getVisible. */
export function createItemRepository(db: Db, meetings: MeetingRepository) {
  // A hidden item answers exactly as a missing one does: same 404, same message.
  function* visible(actor: Reader, id: number): Program<ItemRow> {
    const row = yield* rowById(db, agendaItems, id);
    return mustFind(row && isVisibleTo(actor, row.visibility) ? row : undefined, 'Item', id);
  }
  const declarationsQuery = () =>
    db.select(declarationColumns()).from(declarations).innerJoin(people, eq(people.id, declarations.personId));

  function* visibilityOf(id: number): Program<Visibility | undefined> {
    return (yield* first(db.select({ v: agendaItems.visibility }).from(agendaItems).where(eq(agendaItems.id, id))))?.v;
  }

  function* declaration(actor: Reader, id: number) {
    const row = yield* first(declarationsQuery().where(eq(declarations.id, id)));
    const itemVisibility = row ? yield* visibilityOf(row.itemId) : undefined;
    return mustFind(itemVisibility && isVisibleTo(actor, itemVisibility) ? row : undefined, 'Declaration', id);
  }

  return {
    /** Any item, whatever its visibility: for modules that apply visibility themselves. */
    *find(id: number): Program<ItemRow | undefined> {
      return yield* rowById(db, agendaItems, id);
    },

    /** The item if this caller may read it; otherwise 404, as if it did not exist. */
    getVisible(actor: Reader, id: number): Program<ItemRow> {
      return visible(actor, id);
    },

    /** The item's visibility, which its resolutions and actions inherit; undefined if no such item. */
    visibilityOf,

    *list(actor: Reader, meetingId: number, query: ListItemsQuery): Program<Page<ItemRow>> {
      yield* meetings.get(meetingId);
      const limit = query.limit ?? 50;
      const page = keyset(byPosition, agendaItems.position, agendaItems.id, query.cursor);
      const rows = yield* all(db
        .select()
        .from(agendaItems)
        .where(and(eq(agendaItems.meetingId, meetingId), rowsVisibleTo(agendaItems.visibility, actor), page.where))
        .orderBy(...page.orderBy)
        .limit(limit + 1));
      return toPage(rows, limit, byPosition, (r) => r.position);
    },

    *create(actor: Actor, meetingId: number, input: CreateItem): Program<ItemRow> {
      yield* meetings.get(meetingId);
      const visibility = input.visibility ?? 'public';
      checkExemption(actor, visibility, input.exemptParagraph);
      return yield* tx(function* () {
        const last = yield* first(db
          .select({ max: sql<number | null>`max(${agendaItems.position})`.mapWith((v) => (v === null ? null : Number(v))) })
          .from(agendaItems)
          .where(eq(agendaItems.meetingId, meetingId)));
        const position = input.position ?? (last?.max == null ? 1 : last.max + 1);
        return yield* insertAudited(db, actor, 'item', agendaItems, { ...input, meetingId, visibility, position });
      });
    },

    update(actor: Actor, id: number, input: UpdateItem, check: (row: ItemRow) => void): Program<ItemRow> {
      return tx(function* () {
        const before = yield* visible(actor, id);
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
        return yield* updateAudited(db, actor, 'item', agendaItems, before, { ...input, exemptParagraph });
      });
    },

    remove(actor: Actor, id: number, check: (row: ItemRow) => void): Program<void> {
      return tx(function* () {
        const before = yield* visible(actor, id);
        check(before);
        // Its resolutions and declarations are as visible as the item; an action can be hidden.
        const onItem = eq(actions.itemId, id);
        const references = referencesSeenBy(
          [
            { label: 'resolutions', count: () => countWhere(db, resolutions, eq(resolutions.itemId, id)) },
            { label: 'declarations of interest', count: () => countWhere(db, declarations, eq(declarations.itemId, id)) },
            { label: 'actions', count: () => countWhere(db, actions, and(onItem, actionsVisibleTo(actor))!) },
          ],
          [() => countWhere(db, actions, and(onItem, not(actionsVisibleTo(actor)))!)],
        );
        yield* deleteAudited(db, actor, 'item', 'Item', agendaItems, before, references);
      });
    },

    *history(actor: Reader, id: number, query: HistoryQuery): Program<Page<AuditEvent>> {
      yield* visible(actor, id);
      return yield* listHistory(db, 'item', id, query.limit ?? 50, query.cursor);
    },

    *declarations(actor: Reader, itemId: number, query: ListItemsQuery) {
      yield* visible(actor, itemId);
      const limit = query.limit ?? 50;
      const byId = { field: 'id', descending: false };
      const after = query.cursor ? decodeCursor(query.cursor, byId).i : undefined;
      const rows = yield* all(declarationsQuery()
        .where(and(eq(declarations.itemId, itemId), after === undefined ? undefined : gt(declarations.id, after)))
        .orderBy(asc(declarations.id))
        .limit(limit + 1));
      return toPage(rows, limit, byId, (r) => r.id);
    },

    declaration,

    *declare(actor: Actor, itemId: number, input: CreateDeclaration) {
      const id = yield* tx(function* () {
        yield* visible(actor, itemId);
        if (!(yield* first(db.select({ id: people.id }).from(people).where(eq(people.id, input.personId))))) {
          throw invalidField('personId', `person ${input.personId} does not exist`);
        }
        return (yield* insertAudited(db, actor, 'declaration', declarations, { ...input, itemId })).id;
      });
      return yield* declaration(actor, id);
    },
  };
}

export type ItemRepository = ReturnType<typeof createItemRepository>;
