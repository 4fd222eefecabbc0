import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/sqlite/client.js';
import { actionSubscribers, committees, memberships, notifiedActions, people } from '../db/tables.js';
import type { DigestItem, RecipientRole } from '../domain/notifications.js';
import { recipientKey } from '../modules/notifications/repository.js';
import type { Breathe, Candidate } from './notify-candidates.js';

// Who is told of each of a pass's candidates (DESIGN.md "Notifications"), grouped by recipient,
// leaving out what is already done with: the owner (else the contact officer, or for business
// not for publication the requester), the chair copied from the second flag, the requester and
// subscribers of a response, the contact officer for an agenda pack.

export interface Recipient {
  personId: number | null;
  email: string | null;
  name: string | null;
  /** Why nothing can be sent to them: opted out, no email. */
  blocked: string | null;
  items: (DigestItem & { key: string })[];
}

/** Actions whose notifications done with are read in one statement (each id a bound variable). */
const DONE_PIECE = 500;
const doneKey = (actionId: number, kind: string, key: string, recipient: string) => `${actionId}\u0000${kind}\u0000${key}\u0000${recipient}`;

export function createRecipientFinder(db: Db) {
  const personById = db.select().from(people).where(eq(people.id, sql.placeholder('id'))).prepare();
  const committeeById = db.select().from(committees).where(eq(committees.id, sql.placeholder('id'))).prepare();
  const subscribersOf = db.select({ personId: actionSubscribers.personId }).from(actionSubscribers)
    .where(eq(actionSubscribers.actionId, sql.placeholder('actionId'))).orderBy(asc(actionSubscribers.personId)).prepare();
  const chairsOf = db.select({ personId: memberships.personId }).from(memberships)
    .where(and(eq(memberships.committeeId, sql.placeholder('committeeId')), eq(memberships.role, 'chair'))).prepare();

  /** What a pass reads again and again (a few hundred people and committees, thousands of times), read once. */
  function lookups() {
    const known = { people: new Map<number, typeof people.$inferSelect | undefined>(), committees: new Map<number, typeof committees.$inferSelect>(), chairs: new Map<number, number[]>() };
    return {
      person(id: number) {
        if (!known.people.has(id)) known.people.set(id, personById.get({ id }));
        return known.people.get(id);
      },
      committee(id: number) {
        if (!known.committees.has(id)) known.committees.set(id, committeeById.get({ id })!);
        return known.committees.get(id)!;
      },
      chairs(committeeId: number) {
        if (!known.chairs.has(committeeId)) known.chairs.set(committeeId, chairsOf.all({ committeeId }).map((c) => c.personId));
        return known.chairs.get(committeeId)!;
      },
    };
  }
  type Lookups = ReturnType<typeof lookups>;

  /**
   * What the candidates' actions have been notified of already (notified_actions), read a piece
   * of actions at a time rather than asked once per candidate and recipient.
   */
  async function doneWith(list: Candidate[], breathe: Breathe): Promise<Set<string>> {
    const ids = [...new Set(list.map((c) => c.action.id))];
    const done = new Set<string>();
    for (let i = 0; i < ids.length; i += DONE_PIECE) {
      const rows = db.select({ actionId: notifiedActions.actionId, kind: notifiedActions.kind, key: notifiedActions.key, recipient: notifiedActions.recipient })
        .from(notifiedActions).where(inArray(notifiedActions.actionId, ids.slice(i, i + DONE_PIECE))).all();
      for (const r of rows) done.add(doneKey(r.actionId, r.kind, r.key, r.recipient));
      await breathe();
    }
    return done;
  }

  /** Who gets each candidate, grouped by recipient; what is already done is left out. */
  async function recipients(list: Candidate[], known: Lookups, breathe: Breathe): Promise<Recipient[]> {
    const byKey = new Map<string, Recipient>();
    const notified = await doneWith(list, breathe);
    const isDone = (c: Candidate, recipient: string) => notified.has(doneKey(c.action.id, c.kind, c.key, recipient));
    const add = (who: Omit<Recipient, 'items'>, role: RecipientRole, c: Candidate) => {
      const key = recipientKey(who.personId, who.email);
      if (isDone(c, key)) return;
      const r = byKey.get(key) ?? { ...who, items: [] };
      byKey.set(key, r);
      const committee = known.committee(c.action.committeeId);
      r.items.push({
        kind: c.kind, role, key: c.key, actionId: c.action.id, reference: c.action.reference ?? `#${c.action.id}`,
        title: c.action.title, committee: committee.name, visibility: c.action.visibility,
        dueBy: c.dueBy, meetingOn: c.meetingOn, timesFlagged: c.timesFlagged, answered: c.answered, pack: c.pack,
      });
    };
    const asPerson = (id: number): Omit<Recipient, 'items'> | undefined => {
      const p = known.person(id);
      if (!p) return undefined;
      const blocked = !p.notify ? 'opted out' : p.email ? null : 'no email';
      return { personId: p.id, email: p.email, name: p.name, blocked };
    };
    const contactOf = (c: Candidate) => known.committee(c.action.committeeId).contactEmail;
    // A meeting's action log goes whole, once: after it has gone, an action that joins the log
    // later is not sent on its own.
    const packsSent = new Set(list
      .filter((c) => c.kind === 'agenda_pack' && isDone(c, recipientKey(null, contactOf(c))))
      .map((c) => c.key));
    for (const c of list) {
      await breathe();
      if (c.kind === 'agenda_pack') {
        const contact = contactOf(c);
        if (!packsSent.has(c.key)) add({ personId: null, email: contact, name: null, blocked: contact ? null : 'no contact email' }, 'contact', c);
        continue;
      }
      const hidden = c.action.visibility !== 'public';
      // Exempt and confidential business is named only to its owner or requester.
      const mayRead = (personId: number) => !hidden || personId === c.action.ownerId || personId === c.action.requestedById;
      if (c.kind === 'response') {
        // To the person who asked and the subscribers, each once. A subscriber of exempt or
        // confidential business who neither owns nor asked for it is told nothing: subscribing
        // is no licence to read what is not for publication.
        const told = new Set<number>();
        const tell = (personId: number, role: RecipientRole) => {
          if (told.has(personId) || !mayRead(personId)) return;
          told.add(personId);
          const who = asPerson(personId);
          if (who) add(who, role, c);
        };
        if (c.action.requestedById !== null) tell(c.action.requestedById, 'requester');
        for (const { personId } of subscribersOf.all({ actionId: c.action.id })) tell(personId, 'subscriber');
        continue;
      }
      const owner = c.action.ownerId !== null ? asPerson(c.action.ownerId) : undefined;
      if (owner) add(owner, 'owner', c);
      else if (!hidden) {
        const contact = contactOf(c);
        add({ personId: null, email: contact, name: null, blocked: contact ? null : 'no contact email' }, 'contact', c);
      } else {
        const requester = c.action.requestedById !== null ? asPerson(c.action.requestedById) : undefined;
        if (requester) add(requester, 'owner', c);
        else add({ personId: null, email: null, name: null, blocked: 'no owner, and not for publication' }, 'contact', c);
      }
      if (c.kind === 'overdue' && (c.timesFlagged ?? 0) >= 2) {
        for (const personId of known.chairs(c.action.committeeId)) {
          const chair = asPerson(personId);
          // A chair without an email is not copied (DESIGN.md: "with an email"); nor on hidden business they may not read.
          if (chair && chair.email && personId !== c.action.ownerId && mayRead(personId)) add(chair, 'chair', c);
        }
      }
    }
    return [...byKey.values()];
  }

  return { lookups, recipients };
}
