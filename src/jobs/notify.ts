import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { actions, actionSubscribers, actionUpdates, committees, meetings, memberships, overdueFlags, people } from '../db/schema.js';
import { transaction } from '../db/transaction.js';
import { NON_FINAL_STATUSES } from '../domain/action-lifecycle.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { composeDigest, type DigestItem, type NotificationKind, type RecipientRole } from '../domain/notifications.js';
import { stricter, visibilities as allVisibilities, type Visibility } from '../domain/visibility.js';
import type { HolidayRepository } from '../modules/holidays/repository.js';
import { actionByIdStatements } from '../modules/actions/query.js';
import { present } from '../modules/actions/repository.js';
import type { Mailer } from '../modules/notifications/mailer.js';
import type { Outbox } from '../modules/webhooks/outbox.js';
import { recipientKey, type NotificationRepository } from '../modules/notifications/repository.js';
import type { NotificationEmail, NotificationRun } from '../modules/notifications/schemas.js';
import type { ResponseLinkRepository } from '../modules/response-links/repository.js';
import { judgedMeetings, planReport } from './overdue-report.js';

// The notification pass as of a day D (DESIGN.md "Notifications"): reminders for actions that
// have become due soon (once per due-by date), overdue notices for the scan's flags (once per
// flag, the chair copied from the second), response notices for progress updates and answers
// (once per update, to the requester and the subscribers), one digest email per recipient. What was notified is
// recorded per action, kind, key and recipient, so a second pass on the same day sends nothing
// new; a failed email is not recorded as done and goes again next pass. The server runs `run` on
// NOTIFY_CRON (jobs/scheduler.ts); POST /v1/notifications/run and `npm run notify` call it too.

export interface NotifyRequest {
  asOf?: string;
  dryRun?: boolean;
}

interface ActionFacts {
  id: number;
  committeeId: number;
  reference: string | null;
  title: string;
  ownerId: number | null;
  requestedById: number | null;
  status: string;
  visibility: Visibility;
}

interface Recipient {
  personId: number | null;
  email: string | null;
  name: string | null;
  /** Why nothing can be sent to them: opted out, no email. */
  blocked: string | null;
  items: (DigestItem & { key: string })[];
}

interface Candidate {
  kind: NotificationKind;
  key: string;
  action: ActionFacts;
  dueBy: string | null;
  meetingOn: string | null;
  timesFlagged?: number;
  answered?: boolean;
}

/**
 * How far back a pass looks for updates and responses to tell people of. The pass runs on
 * weekdays; a week covers a long weekend or a missed run without reaching back into the history
 * of a database that had no response notices before.
 */
const RESPONSE_LOOKBACK_DAYS = 7;

const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

export function createNotificationPass(
  db: Db,
  deps: { holidays: HolidayRepository; notifications: NotificationRepository; responseLinks: ResponseLinkRepository; mailer: Mailer; clock?: Clock; events?: Outbox },
) {
  const clock = deps.clock ?? systemClock;
  const actionById = actionByIdStatements(db);
  const person = (id: number) => db.select().from(people).where(eq(people.id, id)).get();
  const committeeOf = (id: number) => db.select().from(committees).where(eq(committees.id, id)).get()!;
  const factsOf = (ids: number[]): Map<number, ActionFacts> => {
    if (ids.length === 0) return new Map();
    const rows = db.select({
      id: actions.id, committeeId: actions.committeeId, reference: actions.reference, title: actions.title,
      ownerId: actions.ownerId, requestedById: actions.requestedById, status: actions.status,
      visibility: actions.visibility, itemVisibility: actions.itemVisibility,
    }).from(actions).where(inArray(actions.id, ids)).all();
    return new Map(rows.map((r) => [r.id, { ...r, visibility: stricter(r.visibility, r.itemVisibility ?? 'public') }]));
  };

  /** What the pass has to say as of the day: due-soon actions, and flags with their counts. */
  function candidates(asOf: string | undefined, now: Date): { asOf: string; list: Candidate[] } {
    const plan = planReport(db, { asOf, now });
    const list: Candidate[] = [];
    const dueSoon: { id: number; dueBy: string; meetingOn: string | null }[] = [];
    for (const { entry } of judgedMeetings(db, deps.holidays.calendar(), plan, allVisibilities)) {
      for (const a of entry.dueSoon) {
        if (a.dueDate !== null) dueSoon.push({ id: a.id, dueBy: a.dueDate, meetingOn: entry.meeting?.startsAt.slice(0, 10) ?? null });
      }
    }
    const flags = db.select({
      id: overdueFlags.id, actionId: overdueFlags.actionId, flaggedOn: overdueFlags.flaggedOn, meetingOn: meetings.localDate,
      // This flag's place among the action's flags: the chair is copied from the second.
      ordinal: sql<number>`(SELECT count(*) FROM ${overdueFlags} f WHERE f.action_id = ${overdueFlags.actionId} AND f.id <= ${overdueFlags.id})`,
      dueBy: actions.dueDate,
    }).from(overdueFlags)
      .innerJoin(meetings, eq(meetings.id, overdueFlags.meetingId))
      .innerJoin(actions, eq(actions.id, overdueFlags.actionId))
      .where(and(lte(overdueFlags.flaggedOn, plan.asOf), inArray(actions.status, [...NON_FINAL_STATUSES])))
      .all();
    // Response: each progress update, and each answer, of the last week up to D (once each).
    const since = daysBefore(plan.asOf, RESPONSE_LOOKBACK_DAYS);
    const updated = db.select({ id: actionUpdates.id, actionId: actionUpdates.actionId }).from(actionUpdates)
      .where(and(gte(sql`substr(${actionUpdates.createdAt}, 1, 10)`, since), lte(sql`substr(${actionUpdates.createdAt}, 1, 10)`, plan.asOf)))
      .all();
    const answered = db.select({ id: actions.id, respondedOn: actions.respondedOn }).from(actions)
      .where(and(eq(actions.status, 'responded'), gte(actions.respondedOn, since), lte(actions.respondedOn, plan.asOf)))
      .all();
    const facts = factsOf([...new Set([
      ...dueSoon.map((d) => d.id), ...flags.map((f) => f.actionId), ...updated.map((u) => u.actionId), ...answered.map((a) => a.id),
    ])]);
    for (const d of dueSoon) {
      const action = facts.get(d.id);
      if (action) list.push({ kind: 'reminder', key: d.dueBy, action, dueBy: d.dueBy, meetingOn: d.meetingOn });
    }
    for (const f of flags) {
      const action = facts.get(f.actionId);
      if (action) list.push({ kind: 'overdue', key: String(f.id), action, dueBy: f.dueBy, meetingOn: f.meetingOn, timesFlagged: f.ordinal });
    }
    for (const u of updated) {
      const action = facts.get(u.actionId);
      if (action) list.push({ kind: 'response', key: `update:${u.id}`, action, dueBy: null, meetingOn: null, answered: false });
    }
    for (const a of answered) {
      const action = facts.get(a.id);
      if (action) list.push({ kind: 'response', key: `responded:${a.respondedOn}`, action, dueBy: null, meetingOn: null, answered: true });
    }
    return { asOf: plan.asOf, list };
  }

  /** Who gets each candidate, grouped by recipient; what is already done is left out. */
  function recipients(list: Candidate[]): Recipient[] {
    const byKey = new Map<string, Recipient>();
    const add = (who: Omit<Recipient, 'items'>, role: RecipientRole, c: Candidate) => {
      const key = recipientKey(who.personId, who.email);
      if (deps.notifications.done(c.action.id, c.kind, c.key, key)) return;
      const r = byKey.get(key) ?? { ...who, items: [] };
      byKey.set(key, r);
      const committee = committeeOf(c.action.committeeId);
      r.items.push({
        kind: c.kind, role, key: c.key, actionId: c.action.id, reference: c.action.reference ?? `#${c.action.id}`,
        title: c.action.title, committee: committee.name, visibility: c.action.visibility,
        dueBy: c.dueBy, meetingOn: c.meetingOn, timesFlagged: c.timesFlagged, answered: c.answered,
      });
    };
    const asPerson = (id: number): Omit<Recipient, 'items'> | undefined => {
      const p = person(id);
      if (!p) return undefined;
      const blocked = !p.notify ? 'opted out' : p.email ? null : 'no email';
      return { personId: p.id, email: p.email, name: p.name, blocked };
    };
    for (const c of list) {
      const hidden = c.action.visibility !== 'public';
      // Exempt and confidential business is named only to its owner or requester.
      const mayRead = (personId: number) => !hidden || personId === c.action.ownerId || personId === c.action.requestedById;
      if (c.kind === 'response') {
        // To the person who asked and the subscribers, each once. A subscriber of exempt or
        // confidential business who neither owns nor asked for it is told nothing: subscribing
        // is no licence to read what is not for publication.
        const subscribers = db.select({ personId: actionSubscribers.personId }).from(actionSubscribers)
          .where(eq(actionSubscribers.actionId, c.action.id)).orderBy(actionSubscribers.personId).all();
        const told = new Set<number>();
        const tell = (personId: number, role: RecipientRole) => {
          if (told.has(personId) || !mayRead(personId)) return;
          told.add(personId);
          const who = asPerson(personId);
          if (who) add(who, role, c);
        };
        if (c.action.requestedById !== null) tell(c.action.requestedById, 'requester');
        for (const { personId } of subscribers) tell(personId, 'subscriber');
        continue;
      }
      const owner = c.action.ownerId !== null ? asPerson(c.action.ownerId) : undefined;
      if (owner) add(owner, 'owner', c);
      else if (!hidden) {
        const contact = committeeOf(c.action.committeeId).contactEmail;
        add({ personId: null, email: contact, name: null, blocked: contact ? null : 'no contact email' }, 'contact', c);
      } else {
        const requester = c.action.requestedById !== null ? asPerson(c.action.requestedById) : undefined;
        if (requester) add(requester, 'owner', c);
        else add({ personId: null, email: null, name: null, blocked: 'no owner, and not for publication' }, 'contact', c);
      }
      if (c.kind === 'overdue' && (c.timesFlagged ?? 0) >= 2) {
        const chairs = db.select({ personId: memberships.personId }).from(memberships)
          .where(and(eq(memberships.committeeId, c.action.committeeId), eq(memberships.role, 'chair'))).all();
        for (const { personId } of chairs) {
          const chair = asPerson(personId);
          // A chair without an email is not copied (DESIGN.md: "with an email"); nor on hidden business they may not read.
          if (chair && chair.email && personId !== c.action.ownerId && mayRead(personId)) add(chair, 'chair', c);
        }
      }
    }
    return [...byKey.values()];
  }

  async function deliver(r: Recipient, asOf: string, now: Date, dryRun: boolean): Promise<NotificationEmail> {
    const blocked = r.blocked ?? (deps.mailer.configured ? null : 'no SMTP');
    if (!dryRun && !blocked && r.personId !== null) {
      for (const item of r.items) {
        if (item.role !== 'owner') continue;
        try {
          item.link = deps.responseLinks.issue(item.actionId, r.personId, now);
        } catch {
          // Not the owner any more, or finished meanwhile: the email goes without a link.
        }
      }
    }
    const digest = composeDigest(r.name, r.items, asOf);
    let status: NotificationEmail['status'] = dryRun ? (blocked ? 'not_sent' : 'would_send') : 'not_sent';
    let reason = blocked;
    if (!dryRun && !blocked) {
      try {
        await deps.mailer.send({ to: r.email!, subject: digest.subject, text: digest.text, html: digest.html });
        status = 'sent';
      } catch (err) {
        status = 'failed';
        reason = (err as Error).message || String(err);
      }
    }
    if (!dryRun) {
      const createdAt = clock().toISOString();
      transaction(db, (tx) => {
        const groups = new Map<string, typeof r.items>();
        for (const item of r.items) groups.set(`${item.kind}:${item.role}`, [...(groups.get(`${item.kind}:${item.role}`) ?? []), item]);
        for (const items of groups.values()) {
          deps.notifications.record(tx, {
            asOf, personId: r.personId, email: r.email, kind: items[0]!.kind, recipientRole: items[0]!.role,
            subject: digest.subject, status: status as 'sent' | 'failed' | 'not_sent', reason, createdAt,
            actions: items.map((i) => ({ actionId: i.actionId, key: i.key })),
          });
        }
        // action.reminded: in the transaction that records the reminder (the outbox's rule).
        if (status === 'sent' && deps.events) {
          for (const item of r.items) {
            if (item.kind !== 'reminder' || item.role !== 'owner') continue;
            const row = actionById({ visibilities: allVisibilities }, item.actionId);
            if (row) deps.events.action(tx, 'action.reminded', present(row, asOf));
          }
        }
      });
    }
    return {
      personId: r.personId,
      email: r.email,
      recipientRoles: [...new Set(r.items.map((i) => i.role))],
      kinds: [...new Set(r.items.map((i) => i.kind))],
      actionIds: [...new Set(r.items.map((i) => i.actionId))],
      subject: digest.subject,
      status,
      reason,
    };
  }

  // One pass at a time in this process: a second waits for the first, then finds it done.
  let running: Promise<unknown> = Promise.resolve();

  return {
    /** Runs the pass (or, dryRun, says what it would send). Never rejects for an SMTP failure. */
    run(request: NotifyRequest = {}): Promise<NotificationRun> {
      const pass = running.then(async () => {
        const now = clock();
        const { asOf, list } = candidates(request.asOf, now);
        const emails: NotificationEmail[] = [];
        for (const r of recipients(list)) emails.push(await deliver(r, asOf, now, request.dryRun ?? false));
        return { asOf, dryRun: request.dryRun ?? false, emails };
      });
      running = pass.catch(() => undefined);
      return pass;
    },
  };
}

export type NotificationPass = ReturnType<typeof createNotificationPass>;
