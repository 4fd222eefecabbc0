import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/sqlite/client.js';
import { all, first, type Program, type ProgramRunner } from '../db/program.js';
import { actionSubscribers, committees, memberships, notifiedActions, people } from '../db/tables.js';
import { RECIPIENT_ROLES, type DigestItem, type RecipientRole } from '../domain/notifications.js';
import { recipientKey } from '../modules/notifications/repository.js';
import type { Breathe, Candidate } from './notify-candidates.js';

// Who is told of each of a pass's candidates (DESIGN.md "Notifications"), grouped by recipient,
// leaving out what is already done with: the owner (else the contact officer, or for business
// not for publication the requester), the chair copied from the second flag, the requester and
// subscribers of a response, the contact officer for an agenda pack.

export type RecipientItem = DigestItem & { key: string };

export interface Recipient {
  personId: number | null;
  email: string | null;
  name: string | null;
  /** Why nothing can be sent to them: opted out, no email. */
  blocked: string | null;
  /**
   * What they are told, compactly: each a candidate's place in the pass's list and the role
   * (candidate × ROLE_SPAN + role's index). A first pass over a large database tells a few
   * hundred people of tens of thousands of candidates; their items are made (itemsOf) only
   * when their email is written, so the pass never holds every recipient's items at once.
   */
  picks: number[];
}

const ROLE_SPAN = RECIPIENT_ROLES.length;

/** Candidates whose notifications done with are read in one statement (each action's id a bound variable). */
const DONE_PIECE = 500;
/** Candidates given their recipients by one program (its reads run on the engine one after another); what they are done with is read with them. */
const CANDIDATES_PIECE = DONE_PIECE;
const doneKey = (actionId: number, kind: string, key: string, recipient: string) => `${actionId}\u0000${kind}\u0000${key}\u0000${recipient}`;

// The reads are programs (db/program.ts) run on `engine` a piece at a time, the pass giving way
// to the event loop between pieces.
export function createRecipientFinder(db: Db, engine: ProgramRunner) {
  const personById = db.select().from(people).where(eq(people.id, sql.placeholder('id'))).prepare();
  const committeeById = db.select().from(committees).where(eq(committees.id, sql.placeholder('id'))).prepare();
  const chairsOf = db.select({ personId: memberships.personId }).from(memberships)
    .where(and(eq(memberships.committeeId, sql.placeholder('committeeId')), eq(memberships.role, 'chair'))).prepare();

  /** What a pass reads again and again (a few hundred people and committees, thousands of times), read once. */
  function lookups() {
    const known = { people: new Map<number, typeof people.$inferSelect | undefined>(), committees: new Map<number, typeof committees.$inferSelect>(), chairs: new Map<number, number[]>() };
    return {
      *person(id: number): Program<typeof people.$inferSelect | undefined> {
        if (!known.people.has(id)) known.people.set(id, yield* first(personById, { id }));
        return known.people.get(id);
      },
      *committee(id: number): Program<typeof committees.$inferSelect> {
        if (!known.committees.has(id)) known.committees.set(id, (yield* first(committeeById, { id }))!);
        return known.committees.get(id)!;
      },
      /** A committee `committee` has read already. */
      committeeRead(id: number): typeof committees.$inferSelect {
        return known.committees.get(id)!;
      },
      *chairs(committeeId: number): Program<number[]> {
        if (!known.chairs.has(committeeId)) known.chairs.set(committeeId, (yield* all(chairsOf, { committeeId })).map((c) => c.personId));
        return known.chairs.get(committeeId)!;
      },
    };
  }
  type Lookups = ReturnType<typeof lookups>;

  /**
   * What these candidates (at most DONE_PIECE actions' worth) have been notified of already, read
   * in one statement of their actions' notified_actions rows; only the rows of these candidates'
   * kinds and keys are kept. Read a piece of candidates at a time, so that a pass after a first
   * one over a large database (tens of thousands of rows done with) never holds them all.
   */
  function* doneFor(piece: readonly Candidate[]): Program<Set<string>> {
    const done = new Set<string>();
    if (piece.length === 0) return done;
    const asked = new Set(piece.map((c) => doneKey(c.action.id, c.kind, c.key, '')));
    const rows = yield* all(db.select({ actionId: notifiedActions.actionId, kind: notifiedActions.kind, key: notifiedActions.key, recipient: notifiedActions.recipient })
      .from(notifiedActions).where(inArray(notifiedActions.actionId, [...new Set(piece.map((c) => c.action.id))])));
    for (const r of rows) if (asked.has(doneKey(r.actionId, r.kind, r.key, ''))) done.add(doneKey(r.actionId, r.kind, r.key, r.recipient));
    return done;
  }

  /**
   * The recipient's items, made from the candidates (the list `recipients` was given, unchanged
   * since) in the order they were picked; the committees were read when they were picked.
   */
  function itemsOf(r: Recipient, list: readonly Candidate[], known: Lookups): RecipientItem[] {
    return r.picks.map((pick) => {
      const c = list[Math.floor(pick / ROLE_SPAN)]!;
      return {
        kind: c.kind, role: RECIPIENT_ROLES[pick % ROLE_SPAN]!, key: c.key, actionId: c.action.id, reference: c.action.reference ?? `#${c.action.id}`,
        title: c.action.title, committee: known.committeeRead(c.action.committeeId).name, visibility: c.action.visibility,
        dueBy: c.dueBy, meetingOn: c.meetingOn, timesFlagged: c.timesFlagged, answered: c.answered, pack: c.pack,
      };
    });
  }

  /** Who gets each candidate, grouped by recipient; what is already done is left out. */
  async function recipients(list: Candidate[], known: Lookups, breathe: Breathe): Promise<Recipient[]> {
    const byKey = new Map<string, Recipient>();
    // What the piece being given its recipients is done with (doneFor, read with each piece).
    let notified = new Set<string>();
    const isDone = (c: Candidate, recipient: string) => notified.has(doneKey(c.action.id, c.kind, c.key, recipient));
    // The place in the list of the candidate being given its recipients (inPieces sets it).
    let at = 0;
    function* add(who: Omit<Recipient, 'picks'>, role: RecipientRole, c: Candidate): Program<void> {
      const key = recipientKey(who.personId, who.email);
      if (isDone(c, key)) return;
      const r = byKey.get(key) ?? { ...who, picks: [] };
      byKey.set(key, r);
      // Read now, so that itemsOf finds it.
      yield* known.committee(c.action.committeeId);
      r.picks.push(at * ROLE_SPAN + RECIPIENT_ROLES.indexOf(role));
    }
    function* asPerson(id: number): Program<Omit<Recipient, 'picks'> | undefined> {
      const p = yield* known.person(id);
      if (!p) return undefined;
      const blocked = !p.notify ? 'opted out' : p.email ? null : 'no email';
      return { personId: p.id, email: p.email, name: p.name, blocked };
    }
    function* contactOf(c: Candidate): Program<string | null> {
      return (yield* known.committee(c.action.committeeId)).contactEmail;
    }
    /** Each piece of the list, a program per piece (`start` first), giving way between them. */
    async function inPieces(each: (c: Candidate) => Program<void>, start?: (piece: Candidate[]) => Program<void>): Promise<void> {
      for (let i = 0; i < list.length; i += CANDIDATES_PIECE) {
        const piece = list.slice(i, i + CANDIDATES_PIECE);
        await engine.run((function* () {
          if (start) yield* start(piece);
          for (let j = 0; j < piece.length; j++) {
            at = i + j;
            yield* each(piece[j]!);
          }
        })());
        await breathe();
      }
    }
    /** The subscribers of the piece's responses' actions, by action, read in one statement. */
    const subscribed = new Map<number, number[]>();
    function* readSubscribers(piece: Candidate[]): Program<void> {
      subscribed.clear();
      const ids = [...new Set(piece.filter((c) => c.kind === 'response').map((c) => c.action.id))];
      if (ids.length === 0) return;
      const rows = yield* all(db.select({ actionId: actionSubscribers.actionId, personId: actionSubscribers.personId }).from(actionSubscribers)
        .where(inArray(actionSubscribers.actionId, ids)).orderBy(asc(actionSubscribers.actionId), asc(actionSubscribers.personId)));
      for (const r of rows) {
        const of = subscribed.get(r.actionId) ?? [];
        of.push(r.personId);
        subscribed.set(r.actionId, of);
      }
    }
    // A meeting's action log goes whole, once: after it has gone, an action that joins the log
    // later is not sent on its own.
    // (A few committees' logs: their contacts are read once each.)
    const packsSent = new Set<string>();
    const packs = list.filter((c) => c.kind === 'agenda_pack');
    for (let i = 0; i < packs.length; i += DONE_PIECE) {
      const piece = packs.slice(i, i + DONE_PIECE);
      await engine.run((function* () {
        notified = yield* doneFor(piece);
        for (const c of piece) if (isDone(c, recipientKey(null, yield* contactOf(c)))) packsSent.add(c.key);
      })());
      await breathe();
    }
    await inPieces(function* (c) {
      if (c.kind === 'agenda_pack') {
        const contact = yield* contactOf(c);
        if (!packsSent.has(c.key)) yield* add({ personId: null, email: contact, name: null, blocked: contact ? null : 'no contact email' }, 'contact', c);
        return;
      }
      const hidden = c.action.visibility !== 'public';
      // Exempt and confidential business is named only to its owner or requester.
      const mayRead = (personId: number) => !hidden || personId === c.action.ownerId || personId === c.action.requestedById;
      if (c.kind === 'response') {
        // To the person who asked and the subscribers, each once. A subscriber of exempt or
        // confidential business who neither owns nor asked for it is told nothing: subscribing
        // is no licence to read what is not for publication.
        const told = new Set<number>();
        const tell = function* (personId: number, role: RecipientRole): Program<void> {
          if (told.has(personId) || !mayRead(personId)) return;
          told.add(personId);
          const who = yield* asPerson(personId);
          if (who) yield* add(who, role, c);
        };
        if (c.action.requestedById !== null) yield* tell(c.action.requestedById, 'requester');
        for (const personId of subscribed.get(c.action.id) ?? []) yield* tell(personId, 'subscriber');
        return;
      }
      const owner = c.action.ownerId !== null ? yield* asPerson(c.action.ownerId) : undefined;
      if (owner) yield* add(owner, 'owner', c);
      else if (!hidden) {
        const contact = yield* contactOf(c);
        yield* add({ personId: null, email: contact, name: null, blocked: contact ? null : 'no contact email' }, 'contact', c);
      } else {
        const requester = c.action.requestedById !== null ? yield* asPerson(c.action.requestedById) : undefined;
        if (requester) yield* add(requester, 'owner', c);
        else yield* add({ personId: null, email: null, name: null, blocked: 'no owner, and not for publication' }, 'contact', c);
      }
      if (c.kind === 'overdue' && (c.timesFlagged ?? 0) >= 2) {
        for (const personId of yield* known.chairs(c.action.committeeId)) {
          const chair = yield* asPerson(personId);
          // A chair without an email is not copied (DESIGN.md: "with an email"); nor on hidden business they may not read.
          if (chair && chair.email && personId !== c.action.ownerId && mayRead(personId)) yield* add(chair, 'chair', c);
        }
      }
    }, function* (piece) {
      notified = yield* doneFor(piece);
      yield* readSubscribers(piece);
    });
    return [...byKey.values()];
  }

  return { lookups, recipients, itemsOf };
}
