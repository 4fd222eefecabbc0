import { and, eq, not, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, rowById, tx, type Program } from '../../db/program.js';
import { actions, actionUpdates, agendaItems, attendance, declarations, meetings, memberships, people, dialect } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import { keyset, parseSort, toPage, type Page } from '../../db/keyset.js';
import { actionsVisibleTo, rowsOfCommitteesSeenBy, rowsVisibleTo } from '../../db/visibility.js';
import { mustFind } from '../shared/crud.js';
import { countWhere, deleteAudited, insertAudited, referencesSeenBy, updateAudited, type Reference } from '../shared/audited.js';
import type { CreatePerson, ListPeopleQuery, UpdatePerson } from './schemas.js';

export type PersonRow = typeof people.$inferSelect;

const sortColumns = { id: people.id, name: people.name, createdAt: people.createdAt };

/** `q` is a substring, not a pattern: a name search for "50%" must not match everything. */
function likeSubstring(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Programs (db/program.ts): services.ts runs them on the engine; other repositories' programs
// may `yield*` them.
export function createPersonRepository(db: Db) {
  function* found(id: number): Program<PersonRow> {
    return mustFind(yield* rowById(db, people, id), 'Person', id);
  }

  /**
   * What stops a person being deleted. Declarations and actions on business the caller may
   * not read are counted under a neutral label, so a 409 never reveals which exempt record
   * names them.
   */
  function references(actor: Actor, id: number): Reference[] {
    const itemCommittee = sql`(SELECT ${meetings.committeeId} FROM ${meetings} INNER JOIN ${agendaItems} ON ${agendaItems.meetingId} = ${meetings.id} WHERE ${agendaItems.id} = ${declarations.itemId})`;
    const declarationVisible = and(
      rowsVisibleTo(sql`(SELECT ${agendaItems.visibility} FROM ${agendaItems} WHERE ${agendaItems.id} = ${declarations.itemId})`, actor),
      rowsOfCommitteesSeenBy(itemCommittee, actor),
    )!;
    const actionVisible = actionsVisibleTo(actor);
    // People are shared by every council; what names them in another council's business is, to
    // a key limited to a council, hidden business (counted under the neutral label).
    const membershipSeen = rowsOfCommitteesSeenBy(memberships.committeeId, actor) ?? sql`1 = 1`;
    const attendanceSeen = rowsOfCommitteesSeenBy(sql`(SELECT ${meetings.committeeId} FROM ${meetings} WHERE ${meetings.id} = ${attendance.meetingId})`, actor) ?? sql`1 = 1`;
    const namedIn = or(eq(actions.requestedById, id), eq(actions.ownerId, id))!;
    const declared = eq(declarations.personId, id);
    const member = eq(memberships.personId, id);
    const attended = eq(attendance.personId, id);
    function* authored(where: SQL): Program<number> {
      const row = yield* first(db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(actionUpdates)
        .innerJoin(actions, eq(actions.id, actionUpdates.actionId))
        .where(and(eq(actionUpdates.authorId, id), where)));
      return row?.n ?? 0;
    }
    return referencesSeenBy(
      [
        { label: 'committee memberships', count: () => countWhere(db, memberships, and(member, membershipSeen)!) },
        { label: 'attendance records', count: () => countWhere(db, attendance, and(attended, attendanceSeen)!) },
        { label: 'declarations of interest', count: () => countWhere(db, declarations, and(declared, declarationVisible)!) },
        { label: 'actions', count: () => countWhere(db, actions, and(namedIn, actionVisible)!) },
        { label: 'action updates', count: () => authored(actionVisible) },
      ],
      [
        () => countWhere(db, memberships, and(member, not(membershipSeen))!),
        () => countWhere(db, attendance, and(attended, not(attendanceSeen))!),
        () => countWhere(db, declarations, and(declared, not(declarationVisible))!),
        () => countWhere(db, actions, and(namedIn, not(actionVisible))!),
        () => authored(not(actionVisible)),
      ],
    );
  }

  return {
    get(id: number): Program<PersonRow> {
      return found(id);
    },

    /** For other modules checking a personId they were given. */
    *exists(id: number): Program<boolean> {
      return (yield* first(db.select({ id: people.id }).from(people).where(eq(people.id, id)))) !== undefined;
    },

    *list(query: ListPeopleQuery): Program<Page<PersonRow>> {
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort);
      const field = sort.field as keyof typeof sortColumns;
      const page = keyset(sort, sortColumns[field], people.id, query.cursor);
      const rows = yield* all(
        db
          .select()
          .from(people)
          .where(
            and(
              page.where,
              query.kind ? eq(people.kind, query.kind) : undefined,
              query.q ? dialect.likeInsensitive(people.name, likeSubstring(query.q)) : undefined,
            ),
          )
          .orderBy(...page.orderBy)
          .limit(limit + 1),
      );
      return toPage(rows, limit, sort, (r) => r[field]);
    },

    create(actor: Actor, input: CreatePerson): Program<PersonRow> {
      return tx(() => insertAudited(db, actor, 'person', people, input));
    },

    update(actor: Actor, id: number, input: UpdatePerson, check: (row: PersonRow) => void): Program<PersonRow> {
      return tx(function* () {
        const before = yield* found(id);
        check(before);
        return yield* updateAudited(db, actor, 'person', people, before, input);
      });
    },

    remove(actor: Actor, id: number, check: (row: PersonRow) => void): Program<void> {
      return tx(function* () {
        const before = yield* found(id);
        check(before);
        yield* deleteAudited(db, actor, 'person', 'Person', people, before, references(actor, id));
      });
    },
  };
}

export type PersonRepository = ReturnType<typeof createPersonRepository>;
