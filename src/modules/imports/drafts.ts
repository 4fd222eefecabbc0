import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { keyset, parseSort, toPage, type Page } from '../../db/keyset.js';
import { all, first, tx, type Program } from '../../db/program.js';
import { imports, people } from '../../db/tables.js';
import { rowsOfCommitteesSeenBy, rowsVisibleTo } from '../../db/visibility.js';
import type { Actor } from '../../domain/actor.js';
import { isVisibleTo, seesCommittee, stricter, type Reader, type Visibility } from '../../domain/visibility.js';
import { ConflictError, InvalidFieldError, invalidField, type FieldError } from '../../errors.js';
import type { DraftAction, DueHint, MinutesDraft } from '../../import/index.js';
import { mustFind } from '../shared/crud.js';
import { insertAudited, updateAudited } from '../shared/audited.js';
import type { Candidate, CandidateEdit, ListImportsQuery, StoredImport, UpdateImport } from './draft-schemas.js';
import type { CommitResult, ImportRepository } from './repository.js';

// Stored import drafts: a minutes draft kept for review (POST /v1/imports/minutes with save, or
// the Modern.gov sync), edited candidate by candidate, then committed once — a second commit
// answers what the first saved — or discarded. A draft is as visible as its strictest item.
// Programs (db/program.ts): services.ts runs them; the Modern.gov sync `yield*`s the synced ones.

export type ImportRow = typeof imports.$inferSelect;

/** A candidate as stored: the importer's draft action with an id and, once edited, an owner person. */
export type StoredAction = DraftAction & { id: string; ownerId?: number | null };

/** The draft as stored: candidate ids, and for a synced meeting our item ids (one per draft item). */
export interface StoredDraft extends Omit<MinutesDraft, 'actions'> {
  actions: StoredAction[];
  nextCandidate: number;
  itemIds?: (number | null)[];
}

export function storedDraftOf(draft: MinutesDraft, itemIds?: (number | null)[]): StoredDraft {
  return {
    ...draft,
    actions: draft.actions.map((a, i) => ({ ...a, id: `c${i + 1}` })),
    nextCandidate: draft.actions.length + 1,
    ...(itemIds ? { itemIds } : {}),
  };
}

export function draftVisibility(draft: Pick<MinutesDraft, 'items'>): Visibility {
  return draft.items.reduce<Visibility>((level, item) => stricter(level, item.visibility), 'public');
}

export function present(row: ImportRow): StoredImport {
  const { actions, nextCandidate: _next, itemIds: _ids, ...rest } = row.draft as StoredDraft;
  const candidates: Candidate[] = actions.map((a) => ({
    id: a.id,
    itemIndex: a.itemIndex,
    resolutionIndex: a.resolutionIndex,
    kind: a.kind,
    title: a.title,
    detail: a.detail,
    sourceSentence: a.sourceSentence,
    owner: a.owner ?? null,
    ownerId: a.ownerId ?? null,
    dueHint: a.dueHint,
    reference: a.reference ?? null,
  }));
  return {
    id: row.id,
    committeeId: row.committeeId,
    meetingId: row.meetingId,
    source: row.source,
    status: row.status,
    visibility: row.visibility,
    startsAt: row.startsAt,
    draft: rest,
    candidates,
    result: (row.result as CommitResult | null) ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function dueHintOf(hint: CandidateEdit['dueHint'], field: string): DueHint | null {
  if (!hint) return null;
  if (hint.rule === 'quarter') {
    if (!hint.quarter || hint.date) throw invalidField(field, 'a quarter due hint gives `quarter` ("2024-25 Q3") and no date');
    return { rule: 'quarter', quarter: hint.quarter };
  }
  if (hint.rule === 'date') {
    if (!hint.date || hint.quarter) throw invalidField(field, 'a date due hint gives `date` (YYYY-MM-DD) and no quarter');
    return { rule: 'date', date: hint.date };
  }
  if (hint.date || hint.quarter) throw invalidField(field, 'a next_meeting due hint gives no date or quarter');
  return { rule: 'next_meeting' };
}

export function createDraftRepository(db: Db, deps: { imports: ImportRepository }) {
  // Asked for every meeting of every sync: prepared once.
  const syncedDraftState = db.select({ status: imports.status, sourceHash: imports.sourceHash }).from(imports)
    .where(and(eq(imports.meetingId, sql.placeholder('meetingId')), eq(imports.source, 'moderngov'))).prepare();
  const syncedDraftOf = db.select().from(imports)
    .where(and(eq(imports.meetingId, sql.placeholder('meetingId')), eq(imports.source, 'moderngov'))).prepare();

  /**
   * The draft, if the reader may see it: a hidden one, or one of another council's committee to a
   * key limited to a council, is the same 404 as a missing one.
   */
  function* visible(reader: Reader, id: number): Program<ImportRow> {
    const row = yield* first(db.select().from(imports).where(eq(imports.id, id)));
    return mustFind(row && isVisibleTo(reader, row.visibility) && seesCommittee(reader, row.committeeId) ? row : undefined, 'Import', id);
  }

  function* edited(stored: StoredDraft, edit: UpdateImport): Program<StoredDraft> {
    const byCandidate = new Map(stored.actions.map((a) => [a.id, a]));
    const seen = new Set<string>();
    let next = stored.nextCandidate;
    const errors: FieldError[] = [];
    const actions: StoredAction[] = [];
    for (const [i, c] of edit.candidates.entries()) {
      const at = `candidates/${i}`;
      try {
        if (c.itemIndex !== undefined && c.itemIndex >= stored.items.length) {
          throw invalidField(`${at}/itemIndex`, `the draft has ${stored.items.length} items (0–${stored.items.length - 1})`);
        }
        if (c.ownerId) {
          const person = yield* first(db.select({ id: people.id }).from(people).where(eq(people.id, c.ownerId)));
          if (!person) throw invalidField(`${at}/ownerId`, `person ${c.ownerId} does not exist`);
        }
        const dueHint = c.dueHint === undefined ? undefined : dueHintOf(c.dueHint, `${at}/dueHint`);
        const changes = {
          ...(c.itemIndex !== undefined ? { itemIndex: c.itemIndex } : {}),
          ...(c.kind !== undefined ? { kind: c.kind } : {}),
          ...(c.title !== undefined ? { title: c.title } : {}),
          ...(c.detail !== undefined ? { detail: c.detail } : {}),
          ...(c.owner !== undefined ? { owner: c.owner ?? undefined } : {}),
          ...(c.ownerId !== undefined ? { ownerId: c.ownerId } : {}),
          ...(dueHint !== undefined ? { dueHint } : {}),
        };
        if (c.id !== undefined) {
          const before = byCandidate.get(c.id);
          if (!before) throw invalidField(`${at}/id`, `the draft has no candidate "${c.id}"`);
          if (seen.has(c.id)) throw invalidField(`${at}/id`, `candidate "${c.id}" is named twice`);
          seen.add(c.id);
          // A candidate moved to another item no longer comes from its old item's resolution.
          const moved = c.itemIndex !== undefined && c.itemIndex !== before.itemIndex;
          actions.push({ ...before, ...changes, ...(moved ? { resolutionIndex: null } : {}) });
          continue;
        }
        if (c.itemIndex === undefined) throw invalidField(`${at}/itemIndex`, 'is required for a new candidate');
        if (c.kind === undefined) throw invalidField(`${at}/kind`, 'is required for a new candidate');
        if (c.title === undefined) throw invalidField(`${at}/title`, 'is required for a new candidate');
        actions.push({
          id: `c${next++}`,
          itemIndex: c.itemIndex,
          resolutionIndex: null,
          kind: c.kind,
          title: c.title,
          detail: c.detail ?? '',
          sourceSentence: '',
          dueHint: dueHint ?? null,
          ...(c.owner ? { owner: c.owner } : {}),
          ...(c.ownerId ? { ownerId: c.ownerId } : {}),
        });
      } catch (err) {
        if (!(err instanceof InvalidFieldError)) throw err;
        errors.push(...err.errors);
      }
    }
    if (errors.length > 0) throw new InvalidFieldError(errors);
    return { ...stored, actions, nextCandidate: next };
  }

  const mustBeDraft = (row: ImportRow, doing: string) => {
    if (row.status !== 'draft') throw new ConflictError(`Import ${row.id} is ${row.status}: it cannot be ${doing}`);
  };

  return {
    *get(reader: Reader, id: number): Program<StoredImport> {
      return present(yield* visible(reader, id));
    },

    find(reader: Reader, id: number): Program<ImportRow> {
      return visible(reader, id);
    },

    *list(reader: Reader, query: ListImportsQuery): Program<Page<StoredImport>> {
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort, 'id');
      const page = keyset(sort, imports.id, imports.id, query.cursor);
      const rows = yield* all(db
        .select()
        .from(imports)
        .where(
          and(
            page.where,
            rowsVisibleTo(imports.visibility, reader),
            rowsOfCommitteesSeenBy(imports.committeeId, reader),
            query.status ? eq(imports.status, query.status) : undefined,
            query.source ? eq(imports.source, query.source) : undefined,
            query.committeeId ? eq(imports.committeeId, query.committeeId) : undefined,
          ),
        )
        .orderBy(...page.orderBy)
        .limit(limit + 1));
      const result = toPage(rows, limit, sort, (r) => r.id);
      return { data: result.data.map(present), nextCursor: result.nextCursor };
    },

    /** Stores a minutes draft (POST /v1/imports/minutes with save) for review. */
    saveMinutes(actor: Actor, draft: MinutesDraft, options: { committeeId: number; startsAt?: string }): Program<StoredImport> {
      const visibility = draftVisibility(draft);
      if (!isVisibleTo(actor, visibility)) {
        throw invalidField('text', `these minutes hold ${visibility} business, which this API key cannot read: it cannot save them`);
      }
      return tx(function* () {
        yield* deps.imports.committeeExists(actor, options.committeeId);
        return present(yield* insertAudited(db, actor, 'import', imports, {
          committeeId: options.committeeId,
          source: 'minutes',
          visibility,
          draft: storedDraftOf(draft),
          startsAt: options.startsAt ?? null,
        }));
      });
    },

    /** Whether the sync's minutes (by their hash) would create or change the meeting's draft. */
    *syncedDraftWanted(meetingId: number, sourceHash: string): Program<boolean> {
      const existing = yield* first(syncedDraftState, { meetingId });
      return !existing || (existing.status === 'draft' && existing.sourceHash !== sourceHash);
    },

    /**
     * The sync's draft of a held meeting's minutes, once per meeting: created, or — while still a
     * draft — replaced when the minutes changed. A committed or discarded one is left alone.
     */
    *saveSyncedIn(actor: Actor, input: { committeeId: number; meetingId: number; draft: MinutesDraft; itemIds: (number | null)[]; sourceHash: string }): Program<'created' | 'updated' | null> {
      const existing = (yield* first(syncedDraftOf, { meetingId: input.meetingId })) as ImportRow | undefined;
      const values = {
        visibility: draftVisibility(input.draft),
        draft: storedDraftOf(input.draft, input.itemIds),
        sourceHash: input.sourceHash,
      };
      if (!existing) {
        yield* insertAudited(db, actor, 'import', imports, { committeeId: input.committeeId, meetingId: input.meetingId, source: 'moderngov', ...values });
        return 'created';
      }
      if (existing.status !== 'draft' || existing.sourceHash === input.sourceHash) return null;
      yield* updateAudited(db, actor, 'import', imports, existing, values);
      return 'updated';
    },

    update(actor: Actor, id: number, input: UpdateImport, check: (row: ImportRow) => void): Program<ImportRow> {
      return tx(function* () {
        const before = yield* visible(actor, id);
        check(before);
        mustBeDraft(before, 'edited');
        const draft = yield* edited(before.draft as StoredDraft, input);
        return yield* updateAudited(db, actor, 'import', imports, before, { draft });
      });
    },

    /** Discards a draft (DELETE); discarding one already discarded changes nothing. */
    discard(actor: Actor, id: number, check: (row: ImportRow) => void): Program<void> {
      return tx(function* () {
        const before = yield* visible(actor, id);
        check(before);
        if (before.status === 'discarded') return;
        mustBeDraft(before, 'discarded');
        yield* updateAudited(db, actor, 'import', imports, before, { status: 'discarded' });
      });
    },

    /**
     * Saves the draft's meeting, items and follow-ups in one transaction with the draft's new
     * status. Committing again answers what the first commit saved and saves nothing.
     */
    commit(actor: Actor, id: number, check: (row: ImportRow) => void): Program<{ row: ImportRow; first: boolean }> {
      return tx(function* () {
        const before = yield* visible(actor, id);
        check(before);
        if (before.status === 'committed') return { row: before, first: false };
        mustBeDraft(before, 'committed');
        const stored = before.draft as StoredDraft;
        const { nextCandidate: _n, itemIds, ...draft } = stored;
        const result = before.source === 'moderngov' && before.meetingId !== null && itemIds
          ? yield* deps.imports.commitToItemsIn(actor, draft, before.meetingId, itemIds)
          : yield* deps.imports.commitIn(actor, draft, { committeeId: before.committeeId, ...(before.startsAt ? { startsAt: before.startsAt } : {}) });
        const after = yield* updateAudited(db, actor, 'import', imports, before, {
          status: 'committed', result, meetingId: before.meetingId ?? result.meetingId,
        });
        return { row: after, first: true };
      });
    },
  };
}

export type DraftRepository = ReturnType<typeof createDraftRepository>;
