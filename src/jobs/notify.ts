import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/sqlite/client.js';
import { actions, actionSubscribers, actionUpdates, committees, meetings, memberships, overdueFlags, people } from '../db/sqlite/schema.js';
import { transaction } from '../db/sqlite/transaction.js';
import { NON_FINAL_STATUSES } from '../domain/action-lifecycle.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { composeDigest } from '../domain/digest.js';
import { addWorkingDays } from '../domain/calendar.js';
import type { AgendaPackEntry, DigestItem, NotificationKind, RecipientRole } from '../domain/notifications.js';
import { stricter, visibilities as allVisibilities, type Visibility } from '../domain/visibility.js';
import type { HolidayRepository } from '../modules/holidays/repository.js';
import type { createReportRepository } from '../modules/reports/repository.js';
import { actionByIdStatements } from '../modules/actions/query.js';
import { present } from '../modules/actions/repository.js';
import { SEND_CONCURRENCY, type Mailer } from '../modules/notifications/mailer.js';
import type { Outbox } from '../modules/webhooks/outbox.js';
import { recipientKey, type NotificationRepository } from '../modules/notifications/repository.js';
import type { NotificationEmail, NotificationRun } from '../modules/notifications/schemas.js';
import type { ResponseLinkRepository } from '../modules/response-links/repository.js';
import { judgedMeetings, planReport } from './overdue-report.js';

// The notification pass as of a day D (DESIGN.md "Notifications"): reminders for actions that
// have become due soon (once per due-by date), overdue notices for the scan's flags (once per
// flag, the chair copied from the second), the agenda pack (the next meeting's action log to the
// committee's contact officer on the working day before its agenda despatch date, once per
// meeting and date), response notices for progress updates and answers (once per update, to
// the requester and the subscribers), one digest email per recipient. What was notified is
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
  pack?: AgendaPackEntry;
}

/**
 * How far back a pass looks for updates and responses to tell people of. The pass runs on
 * weekdays; a week covers a long weekend or a missed run without reaching back into the history
 * of a database that had no response notices before.
 */
const RESPONSE_LOOKBACK_DAYS = 7;

/** The agenda pack goes to a contact officer, who is no person the tracker knows: public business only. */
const PUBLIC_READER = { name: 'notification pass', visibilities: ['public'] as const };

const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

export function createNotificationPass(
  db: Db,
  deps: {
    holidays: HolidayRepository; notifications: NotificationRepository; responseLinks: ResponseLinkRepository; mailer: Mailer;
    reports: Pick<ReturnType<typeof createReportRepository>, 'actionLog'>; clock?: Clock; events?: Outbox;
  },
) {
  const clock = deps.clock ?? systemClock;
  const actionById = actionByIdStatements(db);
  // Read once per pass: a first pass over a large database names the same few hundred people
  // and committees thousands of times.
  let knownPeople = new Map<number, typeof people.$inferSelect | undefined>();
  let knownCommittees = new Map<number, typeof committees.$inferSelect>();
  const person = (id: number) => {
    if (!knownPeople.has(id)) knownPeople.set(id, db.select().from(people).where(eq(people.id, id)).get());
    return knownPeople.get(id);
  };
  const committeeOf = (id: number) => {
    if (!knownCommittees.has(id)) knownCommittees.set(id, db.select().from(committees).where(eq(committees.id, id)).get()!);
    return knownCommittees.get(id)!;
  };
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
    list.push(...agendaPacks(plan));
    return { asOf: plan.asOf, list };
  }

  /**
   * Agenda pack: each committee's next meeting whose agenda goes out tomorrow (the working day
   * before its agendaDespatchBy) has its action log sent to the contact officer. A pass that
   * missed that day, or whose email failed, sends it on the despatch day itself; never later,
   * the agenda being out by then. The key names the meeting and the date, so a meeting moved to
   * another day gets a pack for its new date.
   */
  function agendaPacks(plan: ReturnType<typeof planReport>): Candidate[] {
    const calendar = deps.holidays.calendar();
    const list: Candidate[] = [];
    for (const { asOf, next } of plan.committees) {
      if (!next || asOf > next.agendaDespatchBy || asOf < addWorkingDays(next.agendaDespatchBy, -1, calendar)) continue;
      const key = `meeting:${next.id}:${next.agendaDespatchBy}`;
      for (const a of deps.reports.actionLog(PUBLIC_READER, next.id, asOf)) {
        const owner = a.ownerId !== null ? (person(a.ownerId)?.name ?? a.ownerText) : a.ownerText;
        list.push({
          kind: 'agenda_pack', key, dueBy: a.dueDate, meetingOn: next.localDate,
          action: { id: a.id, committeeId: a.committeeId, reference: a.reference, title: a.title, ownerId: a.ownerId, requestedById: a.requestedById, status: a.status, visibility: 'public' },
          pack: { meetingId: next.id, despatchBy: next.agendaDespatchBy, owner, status: a.status, overdue: a.overdue, rag: a.rag, timesFlagged: a.timesFlagged },
        });
      }
    }
    return list;
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
        dueBy: c.dueBy, meetingOn: c.meetingOn, timesFlagged: c.timesFlagged, answered: c.answered, pack: c.pack,
      });
    };
    const asPerson = (id: number): Omit<Recipient, 'items'> | undefined => {
      const p = person(id);
      if (!p) return undefined;
      const blocked = !p.notify ? 'opted out' : p.email ? null : 'no email';
      return { personId: p.id, email: p.email, name: p.name, blocked };
    };
    const contactOf = (c: Candidate) => committeeOf(c.action.committeeId).contactEmail;
    // A meeting's action log goes whole, once: after it has gone, an action that joins the log
    // later is not sent on its own.
    const packsSent = new Set(list
      .filter((c) => c.kind === 'agenda_pack' && deps.notifications.done(c.action.id, c.kind, c.key, recipientKey(null, contactOf(c))))
      .map((c) => c.key));
    for (const c of list) {
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
      const personId = r.personId;
      // One transaction for all of the recipient's links (each a savepoint in it): one commit.
      transaction(db, () => {
        for (const item of r.items) {
          if (item.role !== 'owner') continue;
          try {
            item.link = deps.responseLinks.issue(item.actionId, personId, now);
          } catch {
            // Not the owner any more, or finished meanwhile: the email goes without a link.
          }
        }
      });
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
        knownPeople = new Map();
        knownCommittees = new Map();
        const now = clock();
        const { asOf, list } = candidates(request.asOf, now);
        // A few emails on their way at once (each recorded in its own transaction as it is
        // answered); the answer lists them in the recipients' order.
        const everyone = recipients(list);
        const emails: NotificationEmail[] = new Array(everyone.length);
        let next = 0;
        const sender = async () => {
          for (let i = next++; i < everyone.length; i = next++) emails[i] = await deliver(everyone[i]!, asOf, now, request.dryRun ?? false);
        };
        await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, everyone.length) }, sender));
        return { asOf, dryRun: request.dryRun ?? false, emails };
      });
      running = pass.catch(() => undefined);
      return pass;
    },
  };
}

export type NotificationPass = ReturnType<typeof createNotificationPass>;
