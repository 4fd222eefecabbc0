import { and, eq, not, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, rowById, run, tx, type Params, type Program } from '../../db/program.js';
import { DEFAULT_TIME_ZONE, systemClock, todayIn, type Clock } from '../../domain/clock.js';
import type { LocalDate } from '../../domain/local-date.js';
import { defaultReferencePrefix } from '../../domain/reference.js';
import { actions, agendaItems, committees, declarations, imports, meetings, memberships, people, perSchema, resolutions } from '../../db/tables.js';
import { rowsOfCommitteesSeenBy, rowsVisibleTo } from '../../db/visibility.js';
import type { Reader } from '../../domain/visibility.js';
import { ConflictError, invalidField } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { keyset, parseSort, toPage, type Page } from '../../db/keyset.js';
import { mustFind, nowIso } from '../shared/crud.js';
import { countWhere, deleteAudited, insertAudited, recordAudit, referencesSeenBy, updateAudited } from '../shared/audited.js';
import type { CreateCommittee, ListCommitteesQuery, PutMembership, UpdateCommittee } from './schemas.js';

export type CommitteeRow = typeof committees.$inferSelect;

/** The kinds of record a path can name that belong to one committee. */
export type RecordKind = 'committee' | 'meeting' | 'item' | 'resolution' | 'declaration' | 'action';

const sortColumns = perSchema(() => ({ id: committees.id, name: committees.name, createdAt: committees.createdAt }));
type SortField = keyof ReturnType<typeof sortColumns>;

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100) || 'committee';
}

function checkTimezone(timezone: string | undefined) {
  if (timezone !== undefined && !IANAZone.isValidZone(timezone)) {
    throw invalidField('timezone', `is not an IANA time zone, e.g. ${DEFAULT_TIME_ZONE}`);
  }
}

/**
 * Programs (db/program.ts). `onScheduleChanged`: what else a change to a committee's time zone or
 * clear days changes (its meetings' despatch days), yielded in the change's own transaction.
 * `clock`: what "today" is for `todayFor` (tests fix it). Every date about a committee is taken
 * in its own time zone (DESIGN.md "Local date").
 */
export function createCommitteeRepository(
  db: Db,
  onScheduleChanged: (committeeId: number) => Program<void>,
  clock: Clock = systemClock,
) {
  function* found(id: number): Program<CommitteeRow> {
    return mustFind(yield* rowById(db, committees, id), 'Committee', id);
  }
  // Asked on every read that says what is overdue "today": prepared once (better-sqlite3 runs
  // them on the one connection, inside a transaction too).
  const zoneById = db.select({ timezone: committees.timezone }).from(committees).where(eq(committees.id, sql.placeholder('id'))).prepare();
  const allZones = db.select({ id: committees.id, timezone: committees.timezone }).from(committees).prepare();
  function* timeZoneOf(id: number): Program<string | undefined> {
    return (yield* first(zoneById, { id }))?.timezone;
  }

  const ofAuthority = db.select({ id: committees.id }).from(committees).where(eq(committees.authority, sql.placeholder('authority'))).prepare();
  // The committee a record belongs to, by the kind of record a path names: what a key limited to
  // a council is checked against (http/council-limit.ts). Undefined: no such record.
  const meetingOwner = (id: SQL | Placeholder) => sql`(SELECT ${meetings.committeeId} FROM ${meetings} WHERE ${meetings.id} = ${id})`;
  const itemOwner = (id: SQL | Placeholder) => meetingOwner(sql`(SELECT ${agendaItems.meetingId} FROM ${agendaItems} WHERE ${agendaItems.id} = ${id})`);
  const owners: Record<RecordKind, SQL> = {
    committee: sql`(SELECT ${committees.id} FROM ${committees} WHERE ${committees.id} = ${sql.placeholder('id')})`,
    meeting: meetingOwner(sql.placeholder('id')),
    item: itemOwner(sql.placeholder('id')),
    resolution: itemOwner(sql`(SELECT ${resolutions.itemId} FROM ${resolutions} WHERE ${resolutions.id} = ${sql.placeholder('id')})`),
    declaration: itemOwner(sql`(SELECT ${declarations.itemId} FROM ${declarations} WHERE ${declarations.id} = ${sql.placeholder('id')})`),
    action: sql`(SELECT ${actions.committeeId} FROM ${actions} WHERE ${actions.id} = ${sql.placeholder('id')})`,
  };
  const ownerStatements = new Map<RecordKind, { get(values: Params): { committeeId: number | null } | undefined }>();
  const ownerStatement = (kind: RecordKind) => {
    let statement = ownerStatements.get(kind);
    if (!statement) {
      statement = db.select({ committeeId: sql<number | null>`${owners[kind]}` }).from(sql`(SELECT 1) AS one`).prepare();
      ownerStatements.set(kind, statement);
    }
    return statement;
  };

  /** A limited key creates or moves committees only within its authority (400 naming `authority`). */
  function checkAuthority(actor: Actor, authority: string | null | undefined) {
    if (actor.limit === undefined) return;
    if (!('authority' in actor.limit)) {
      throw invalidField('authority', 'a key limited to a list of committees cannot create committees or change their authority');
    }
    if (authority !== actor.limit.authority) {
      throw invalidField('authority', `this API key is limited to ${actor.limit.authority}: a committee it files must be of it`);
    }
  }

  function* assertSlugFree(slug: string, exceptId?: number): Program<void> {
    const existing = yield* first(db.select({ id: committees.id }).from(committees).where(eq(committees.slug, slug)));
    if (existing && existing.id !== exceptId) {
      throw new ConflictError(`A committee with slug "${slug}" already exists (id ${existing.id})`);
    }
  }

  return {
    /** The committees of an authority now: what a key limited to it covers. */
    *idsOfAuthority(authority: string): Program<number[]> {
      return (yield* all(ofAuthority, { authority })).map((c) => c.id);
    },

    /** The committee a record of this kind belongs to; undefined when there is no such record. */
    *ownerOf(kind: RecordKind, id: number): Program<number | undefined> {
      return (yield* first(ownerStatement(kind), { id }))?.committeeId ?? undefined;
    },

    get(id: number): Program<CommitteeRow> {
      return found(id);
    },

    /** The committee's IANA time zone; undefined when there is no such committee. */
    timeZoneOf,

    /** Every committee's IANA time zone. */
    *zones(): Program<{ id: number; timezone: string }[]> {
      return yield* all(allZones);
    },

    /**
     * Today where the committee sits, at the repository's clock: what "as of today" means for
     * its actions, meetings and reports. A committee that does not exist gets the default zone's.
     */
    *todayFor(id: number): Program<LocalDate> {
      return todayIn((yield* timeZoneOf(id)) ?? DEFAULT_TIME_ZONE, clock());
    },

    /** Every committee's today at one instant, by committee id: for reads across committees. */
    *todayByCommittee(): Program<Map<number, LocalDate>> {
      const zones = yield* all(allZones);
      const now = clock();
      return new Map(zones.map((c) => [c.id, todayIn(c.timezone, now)]));
    },

    *list(actor: Reader, query: ListCommitteesQuery): Program<Page<CommitteeRow>> {
      const limit = query.limit ?? 50;
      const sort = parseSort(query.sort);
      const column = sortColumns()[sort.field as SortField];
      const page = keyset(sort, column, committees.id, query.cursor);
      const rows = yield* all(db
        .select()
        .from(committees)
        .where(
          and(
            page.where,
            query.kind ? eq(committees.kind, query.kind) : undefined,
            query.authority ? eq(committees.authority, query.authority) : undefined,
            rowsOfCommitteesSeenBy(committees.id, actor),
          ),
        )
        .orderBy(...page.orderBy)
        .limit(limit + 1));
      return toPage(rows, limit, sort, (r) => r[sort.field as SortField]);
    },

    create(actor: Actor, input: CreateCommittee): Program<CommitteeRow> {
      checkTimezone(input.timezone);
      // A key limited to an authority files its committees under it, named or not.
      if (actor.limit && 'authority' in actor.limit && input.authority === undefined) input = { ...input, authority: actor.limit.authority };
      checkAuthority(actor, input.authority);
      const fields = input;
      return tx(function* () {
        const slug = fields.slug ?? slugify(fields.name);
        yield* assertSlugFree(slug);
        const referencePrefix = fields.referencePrefix ?? defaultReferencePrefix(fields.name);
        return yield* insertAudited(db, actor, 'committee', committees, { ...fields, slug, referencePrefix });
      });
    },

    update(actor: Actor, id: number, input: UpdateCommittee, check: (row: CommitteeRow) => void): Program<CommitteeRow> {
      checkTimezone(input.timezone);
      if (input.authority !== undefined) checkAuthority(actor, input.authority);
      return tx(function* () {
        const before = yield* found(id);
        check(before);
        if (input.slug) yield* assertSlugFree(input.slug, id);
        const after = yield* updateAudited(db, actor, 'committee', committees, before, input);
        // Time zone and clear days feed every meeting's agendaDespatchBy.
        if (
          after.timezone !== before.timezone ||
          after.despatchClearDays !== before.despatchClearDays
        ) {
          yield* onScheduleChanged(id);
        }
        return after;
      });
    },

    remove(actor: Actor, id: number, check: (row: CommitteeRow) => void): Program<void> {
      return tx(function* () {
        const before = yield* found(id);
        check(before);
        // Stored import drafts (issue 15) refer too; those the caller cannot read are counted without a name.
        const drafts = (visible: boolean) => () =>
          countWhere(db, imports, and(eq(imports.committeeId, id), visible ? rowsVisibleTo(imports.visibility, actor) : not(rowsVisibleTo(imports.visibility, actor)))!);
        yield* deleteAudited(db, actor, 'committee', 'Committee', committees, before, referencesSeenBy([
          { label: 'meetings', count: () => countWhere(db, meetings, eq(meetings.committeeId, id)) },
          { label: 'actions', count: () => countWhere(db, actions, eq(actions.committeeId, id)) },
          { label: 'members', count: () => countWhere(db, memberships, eq(memberships.committeeId, id)) },
          { label: 'import drafts', count: drafts(true) },
        ], [drafts(false)]));
      });
    },

    *members(id: number) {
      yield* found(id);
      return yield* all(db
        .select({
          committeeId: memberships.committeeId,
          personId: memberships.personId,
          role: memberships.role,
          from: memberships.from,
          to: memberships.to,
          createdAt: memberships.createdAt,
          updatedAt: memberships.updatedAt,
          person: { id: people.id, name: people.name, kind: people.kind },
        })
        .from(memberships)
        .innerJoin(people, eq(people.id, memberships.personId))
        .where(eq(memberships.committeeId, id))
        .orderBy(memberships.role, people.name));
    },

    putMember(actor: Actor, id: number, personId: number, input: PutMembership): Program<{ created: boolean }> {
      if (input.from && input.to && input.to < input.from) {
        throw invalidField('to', 'must not be before from');
      }
      return tx(function* () {
        yield* found(id);
        mustFind(yield* first(db.select({ id: people.id }).from(people).where(eq(people.id, personId))), 'Person', personId);
        const key = and(eq(memberships.committeeId, id), eq(memberships.personId, personId));
        const before = yield* first(db.select().from(memberships).where(key));
        const values = { role: input.role, from: input.from ?? null, to: input.to ?? null };
        const entity = `${id}:${personId}`;
        if (before) {
          const after = yield* first(db.update(memberships).set({ ...values, updatedAt: nowIso() }).where(key).returning());
          yield* recordAudit(db, actor, 'membership', entity, 'update', before, after);
          return { created: false };
        }
        const after = yield* first(db.insert(memberships).values({ committeeId: id, personId, ...values }).returning());
        yield* recordAudit(db, actor, 'membership', entity, 'create', null, after);
        return { created: true };
      });
    },

    removeMember(actor: Actor, id: number, personId: number): Program<void> {
      return tx(function* () {
        yield* found(id);
        const key = and(eq(memberships.committeeId, id), eq(memberships.personId, personId));
        const before = mustFind(yield* first(db.select().from(memberships).where(key)), 'Membership', `${id}:${personId}`);
        yield* run(db.delete(memberships).where(key));
        yield* recordAudit(db, actor, 'membership', `${id}:${personId}`, 'delete', before, null);
      });
    },
  };
}

export type CommitteeRepository = ReturnType<typeof createCommitteeRepository>;
