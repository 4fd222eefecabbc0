import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, rowById, run, tx, type Program } from '../../db/program.js';
import { actions, people, responseLinks, settings } from '../../db/tables.js';
import { NON_FINAL_STATUSES } from '../../domain/action-lifecycle.js';
import type { Actor } from '../../domain/actor.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { linkExpiresAt, linkIdOf, linkToken, linkWorks, newLinkSecret } from '../../domain/response-link.js';
import { ConflictError, invalidField, NotFoundError } from '../../errors.js';
import type { ActionRepository } from '../actions/repository.js';
import { insertAudited, recordAudit } from '../shared/audited.js';

// Personal response links (DESIGN.md "Answering by link"): issued for an action's owner, stored
// without their token (domain/response-link.ts signs the id), revocable, and opened by the
// /respond pages. Notifications call `issue` to put a link in each reminder.

export type ResponseLinkRow = typeof responseLinks.$inferSelect;
export type LinkedActionRow = typeof actions.$inferSelect;
export type LinkedPerson = typeof people.$inferSelect;

export interface ResponseLinkOptions {
  /** PUBLIC_BASE_URL, without a trailing slash; unset: the origin the caller of `issue` gives. */
  publicBaseUrl?: string;
  /** RESPONSE_LINK_DAYS. */
  days: number;
  /** LINK_SECRET; unset: generated on first use and kept in `settings`. */
  secret?: string;
  clock?: Clock;
}

export interface IssuedLink {
  id: number;
  url: string;
  expiresAt: string;
}

/** What a working link opens: the link, its action as stored, and the person it was issued to. */
export interface OpenedLink {
  link: ResponseLinkRow;
  action: LinkedActionRow;
  person: LinkedPerson;
}

const SECRET_SETTING = 'link_secret';
/** Links issued with neither PUBLIC_BASE_URL nor a request to take an origin from (defaultConfig's port). */
const FALLBACK_ORIGIN = 'http://localhost:3000';
/** Who issues a link when no API caller does (the notification pass). */
const issuer: Actor = { name: 'response-links', visibilities: ['public', 'exempt', 'confidential'] };

// Programs (db/program.ts): services.ts runs them on the engine, the notification pass yields
// `issue` inside its own transactions. `now`, `actorFor`, `addUpdate` and `respond` touch no
// database themselves and stay plain methods.
export function createResponseLinkRepository(db: Db, actionRepository: ActionRepository, options: ResponseLinkOptions) {
  const clock = options.clock ?? systemClock;
  let secret = options.secret;

  /**
   * The signing key. Two servers starting on one new database may both generate one: the insert
   * keeps the first and both read it back, so they sign alike.
   */
  function* linkSecret(): Program<string> {
    if (secret !== undefined) return secret;
    yield* run(db.insert(settings).values({ name: SECRET_SETTING, value: newLinkSecret() }).onConflictDoNothing());
    secret = (yield* first(db.select({ value: settings.value }).from(settings).where(eq(settings.name, SECRET_SETTING))))!.value;
    return secret;
  }

  /** Where links point: PUBLIC_BASE_URL, else the origin the caller was reached at, else this machine. */
  const baseFor = (origin: string | undefined) => options.publicBaseUrl ?? origin ?? FALLBACK_ORIGIN;

  /** Who an answer through the link is recorded as, seeing this action and nothing more. */
  function actorFor(opened: OpenedLink, requestId?: string): Actor {
    const visibilities = [...new Set(['public', opened.action.visibility, opened.action.itemVisibility ?? 'public'] as const)];
    return { name: `${opened.person.name} (response link)`, visibilities, requestId };
  }

  /** The link as issued: its URL (a credential, shown once) carries its signed token. */
  const issuedLink = (key: string, link: { id: number; expiresAt: string }, origin?: string): IssuedLink =>
    ({ id: link.id, url: `${baseFor(origin)}/respond/${linkToken(key, link.id)}`, expiresAt: link.expiresAt });

  return {
    linkSecret,
    /** What time it is for links (tests fix it). */
    now: () => clock(),

    /** A personal link for the action's owner, valid RESPONSE_LINK_DAYS from `now`. */
    *issue(actionId: number, personId: number, now: Date = clock(), by: { actor?: Actor; origin?: string } = {}): Program<IssuedLink> {
      const actor = by.actor ?? issuer;
      const key = yield* linkSecret();
      const link = yield* tx(function* () {
        const action = yield* rowById(db, actions, actionId);
        if (!action) throw new NotFoundError('Action', actionId);
        if (!NON_FINAL_STATUSES.includes(action.status)) {
          throw new ConflictError(`action ${actionId} is ${action.status}: it takes no answer`);
        }
        if (!(yield* rowById(db, people, personId))) throw invalidField('personId', `person ${personId} does not exist`);
        if (action.ownerId !== personId) throw invalidField('personId', `is not the owner (ownerId) of action ${actionId}`);
        return yield* insertAudited(db, actor, 'response_link', responseLinks, {
          actionId,
          personId,
          expiresAt: linkExpiresAt(now, options.days).toISOString(),
          createdAt: now.toISOString(),
        });
      });
      return issuedLink(key, link, by.origin);
    },

    /**
     * Links for one owner's actions at once (the notification pass: a first pass over a large
     * database names thousands of actions per owner): the actions are read in one statement and
     * each still the person's and unfinished gets a link, as `issue` would give it; the others
     * (reassigned or finished meanwhile) get none and are left out of the answer. Yield it inside
     * the caller's transaction; `actionIds` is a piece small enough for one statement's variables.
     */
    *issueForOwner(personId: number, actionIds: readonly number[], now: Date = clock()): Program<Map<number, IssuedLink>> {
      const issued = new Map<number, IssuedLink>();
      if (actionIds.length === 0) return issued;
      const key = yield* linkSecret();
      if (!(yield* rowById(db, people, personId))) return issued;
      const owned = yield* all(db.select({ id: actions.id, status: actions.status, ownerId: actions.ownerId }).from(actions)
        .where(inArray(actions.id, [...new Set(actionIds)])));
      const expiresAt = linkExpiresAt(now, options.days).toISOString();
      for (const action of owned) {
        if (action.ownerId !== personId || !NON_FINAL_STATUSES.includes(action.status)) continue;
        const link = yield* insertAudited(db, issuer, 'response_link', responseLinks, { actionId: action.id, personId, expiresAt, createdAt: now.toISOString() });
        issued.set(action.id, issuedLink(key, link));
      }
      return issued;
    },

    /** The action's links, oldest first (without their URLs: those are credentials). */
    *list(actionId: number): Program<ResponseLinkRow[]> {
      return yield* all(db.select().from(responseLinks).where(eq(responseLinks.actionId, actionId)).orderBy(asc(responseLinks.id)));
    },

    /** Stops one link of the action working; revoking a revoked link changes nothing. */
    revoke(actor: Actor, actionId: number, linkId: number, now: Date = clock()): Program<void> {
      return tx(function* () {
        const before = yield* first(db.select().from(responseLinks)
          .where(and(eq(responseLinks.id, linkId), eq(responseLinks.actionId, actionId))));
        if (!before) throw new NotFoundError('Response link', linkId);
        if (before.revokedAt !== null) return;
        const after = yield* first(db.update(responseLinks).set({ revokedAt: now.toISOString() })
          .where(and(eq(responseLinks.id, linkId), isNull(responseLinks.revokedAt))).returning());
        yield* recordAudit(db, actor, 'response_link', linkId, 'update', before, after);
      });
    },

    /** The link a token opens, if the token is the server's and the link still works; else undefined. */
    *open(token: string, now: Date = clock()): Program<OpenedLink | undefined> {
      const id = linkIdOf(yield* linkSecret(), token);
      if (id === undefined) return undefined;
      const link = yield* rowById(db, responseLinks, id);
      if (!link) return undefined;
      const action = yield* rowById(db, actions, link.actionId);
      if (!action || !linkWorks(link, action, now)) return undefined;
      const person = yield* rowById(db, people, link.personId);
      return person ? { link, action, person } : undefined;
    },

    actorFor,

    /** A progress update (and RAG) from the link's person, through the API's own rules. */
    addUpdate(opened: OpenedLink, input: { text: string; rag: 'red' | 'amber' | 'green' | null }, requestId?: string) {
      return actionRepository.addUpdate(actorFor(opened, requestId), opened.action.id, {
        text: input.text,
        rag: input.rag,
        authorId: opened.person.id,
      });
    },

    /** The response: the action becomes `responded`, through the API's own rules. */
    respond(opened: OpenedLink, response: string, requestId?: string) {
      return actionRepository.update(actorFor(opened, requestId), opened.action.id, { status: 'responded', response }, () => {});
    },
  };
}

export type ResponseLinkRepository = ReturnType<typeof createResponseLinkRepository>;
