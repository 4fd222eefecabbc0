import { AsyncResource } from 'node:async_hooks';
import type { Db } from '../db/sqlite/client.js';
import { lock, tx, type Program, type ProgramRunner } from '../db/program.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { composeDigestPausing } from '../domain/digest.js';
import { visibilities as allVisibilities } from '../domain/visibility.js';
import type { HolidayRepository } from '../modules/holidays/repository.js';
import type { createReportRepository } from '../modules/reports/repository.js';
import { actionByIdStatements } from '../modules/actions/query.js';
import { present } from '../modules/actions/repository.js';
import { SEND_CONCURRENCY, type Mailer } from '../modules/notifications/mailer.js';
import type { Outbox } from '../modules/webhooks/outbox.js';
import type { NotificationRepository } from '../modules/notifications/repository.js';
import type { NotificationEmail, NotificationRun } from '../modules/notifications/schemas.js';
import type { IssuedLink, ResponseLinkRepository } from '../modules/response-links/repository.js';
import { createCandidateReader, type Breathe } from './notify-candidates.js';
import { createRecipientFinder, type Recipient, type RecipientItem } from './notify-recipients.js';

// The notification pass as of a day D (DESIGN.md "Notifications"): reminders for actions that
// have become due soon (once per due-by date), overdue notices for the scan's flags (once per
// flag, the chair copied from the second), the agenda pack (the next meeting's action log to the
// committee's contact officer on the working day before its agenda despatch date, once per
// meeting and date), response notices for progress updates and answers (once per update, to
// the requester and the subscribers), one digest email per recipient. What was notified is
// recorded per action, kind, key and recipient, so a second pass on the same day sends nothing
// new; a failed email is not recorded as done and goes again next pass. The server runs `run` on
// NOTIFY_CRON (jobs/scheduler.ts); POST /v1/notifications/run and `npm run notify` call it too.
// What there is to say is read in notify-candidates.ts, who hears of it in notify-recipients.ts;
// the pass gives way to the event loop every few milliseconds, as the server answers meanwhile.
//
// Its database work is programs (db/program.ts) run on the engine a piece at a time: reads
// between the sends, and each recipient's record in its own transaction once their email is
// answered. On PostgreSQL each recording transaction takes the `notify` lock, so the records of
// two passes (this process's senders, or another process's pass) are written one at a time. That
// does not stop two processes' passes from both sending what neither has recorded yet: the
// session lock of docs/postgres-plan.md §3.6 (held by the engine for the whole pass, on another
// key than this one) is still to come; within one process `running` below keeps passes apart.

export interface NotifyRequest {
  asOf?: string;
  dryRun?: boolean;
}

/** How long the pass holds the event loop before giving way to it. */
const SLICE_MS = 10;
/**
 * Items in the emails on their way at once: up to SEND_CONCURRENCY emails go side by side, but a
 * first pass's digests for an owner or a contact officer name thousands of actions (megabytes of
 * text, HTML and their encoding each), and three of those at once do not fit the server's heap.
 * One larger than this goes alone.
 */
const ITEMS_IN_FLIGHT = 2000;
/** Response links issued in one transaction (their actions read in one statement, each id a bound variable). */
const LINKS_PIECE = 500;

/** A Breathe that gives way (a turn of the event loop) once SLICE_MS have passed since the last. */
function breather(): Breathe {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

export function createNotificationPass(
  db: Db,
  engine: ProgramRunner,
  deps: {
    holidays: HolidayRepository; notifications: NotificationRepository; responseLinks: Pick<ResponseLinkRepository, 'issueForOwner'>; mailer: Mailer;
    reports: Pick<ReturnType<typeof createReportRepository>, 'actionLog'>; clock?: Clock; events?: Outbox;
  },
) {
  const clock = deps.clock ?? systemClock;
  const actionById = actionByIdStatements(db);
  const finder = createRecipientFinder(db, engine);
  let known = finder.lookups();
  const candidates = createCandidateReader(db, engine, {
    holidays: deps.holidays, reports: deps.reports,
    *ownerName(id) {
      return (yield* known.person(id))?.name;
    },
  });

  /** One response link per action the recipient owns, a piece of them per transaction (read and issued together). */
  async function issueLinks(items: RecipientItem[], personId: number, now: Date, breathe: Breathe): Promise<void> {
    const owned = [...new Set(items.filter((i) => i.role === 'owner').map((i) => i.actionId))];
    const links = new Map<number, IssuedLink>();
    for (let i = 0; i < owned.length; i += LINKS_PIECE) {
      const piece = owned.slice(i, i + LINKS_PIECE);
      // Not the owner any more, or finished meanwhile: that action's entry goes without a link.
      const issued = await engine.run(tx(function* () {
        yield* lock('notify', 0);
        return yield* deps.responseLinks.issueForOwner(personId, piece, now);
      }));
      for (const [actionId, link] of issued) links.set(actionId, link);
      await breathe();
    }
    for (const item of items) if (item.role === 'owner') item.link = links.get(item.actionId);
  }

  async function deliver(r: Recipient, items: RecipientItem[], asOf: string, now: Date, dryRun: boolean, breathe: Breathe): Promise<NotificationEmail> {
    const blocked = r.blocked ?? (deps.mailer.configured ? null : 'no SMTP');
    if (!dryRun && !blocked && r.personId !== null) await issueLinks(items, r.personId, now, breathe);
    const digest = await composeDigestPausing(r.name, items, asOf, breathe);
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
      await engine.run(tx(function* (): Program<void> {
        yield* lock('notify', 0);
        const groups = new Map<string, RecipientItem[]>();
        for (const item of items) {
          const group = groups.get(`${item.kind}:${item.role}`) ?? [];
          group.push(item);
          groups.set(`${item.kind}:${item.role}`, group);
        }
        for (const items of groups.values()) {
          yield* deps.notifications.record({
            asOf, personId: r.personId, email: r.email, kind: items[0]!.kind, recipientRole: items[0]!.role,
            subject: digest.subject, status: status as 'sent' | 'failed' | 'not_sent', reason, createdAt,
            actions: items.map((i) => ({ actionId: i.actionId, key: i.key })),
          });
        }
        // action.reminded: in the transaction that records the reminder (the outbox's rule).
        if (status === 'sent' && deps.events) {
          for (const item of items) {
            if (item.kind !== 'reminder' || item.role !== 'owner') continue;
            const row = yield* actionById({ visibilities: allVisibilities }, item.actionId);
            if (row) yield* deps.events.action('action.reminded', present(row, asOf));
          }
        }
      }));
      await breathe();
    }
    return {
      personId: r.personId,
      email: r.email,
      recipientRoles: [...new Set(items.map((i) => i.role))],
      kinds: [...new Set(items.map((i) => i.kind))],
      actionIds: [...new Set(items.map((i) => i.actionId))],
      subject: digest.subject,
      status,
      reason,
    };
  }

  // One pass at a time in this process: a second waits for the first, then finds it done.
  let running: Promise<unknown> = Promise.resolve();
  // Called from a request (POST /v1/notifications/run), the pass still runs outside it, in the
  // async context it was made in: on PostgreSQL a write request's transaction follows its context,
  // and the pass's records are transactions of their own (several senders at once), not savepoints
  // of the request's.
  const outside = new AsyncResource('notification-pass');

  return {
    /** Runs the pass (or, dryRun, says what it would send). Never rejects for an SMTP failure. */
    run(request: NotifyRequest = {}): Promise<NotificationRun> {
      const pass = outside.runInAsyncScope(() => running.then(async () => {
        known = finder.lookups();
        const breathe = breather();
        const now = clock();
        const { asOf, list } = await candidates(request.asOf, now, breathe);
        // A few emails on their way at once (each recorded in its own transaction as it is
        // answered); the answer lists them in the recipients' order.
        // Each recipient's items are made when their email is written, from `list` (kept until
        // the last is sent): a first pass over a large database names tens of thousands.
        const lookups = known;
        const everyone = await finder.recipients(list, lookups, breathe);
        const emails: NotificationEmail[] = new Array(everyone.length);
        let next = 0;
        let inFlight = 0;
        const waiting: (() => void)[] = [];
        const sender = async () => {
          for (let i = next++; i < everyone.length; i = next++) {
            const r = everyone[i]!;
            const size = r.picks.length;
            // Another email on its way will make room when it is done.
            while (inFlight > 0 && inFlight + size > ITEMS_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
            inFlight += size;
            try {
              emails[i] = await deliver(r, finder.itemsOf(r, list, lookups), asOf, now, request.dryRun ?? false, breathe);
            } finally {
              inFlight -= size;
              for (const wake of waiting.splice(0)) wake();
            }
            r.picks = [];
          }
        };
        await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, everyone.length) }, sender));
        return { asOf, dryRun: request.dryRun ?? false, emails };
      }));
      running = pass.catch(() => undefined);
      return pass;
    },
  };
}

export type NotificationPass = ReturnType<typeof createNotificationPass>;
