import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { isBusy, withoutWaiting } from '../../db/sqlite/busy.js';
import type { Db } from '../../db/sqlite/client.js';
import { committees, webhookAttempts, webhookDeliveries, webhookEvents, webhooks } from '../../db/tables.js';
import { committeesOfLimit, limitOfColumns } from '../../domain/council-limit.js';
import { immediateTransaction } from '../../db/sqlite/transaction.js';
import { visibilitiesOfScopes, type ReadScope } from '../../domain/webhooks.js';

// What the delivery worker (worker.ts) reads and writes: new outbox events fanned out into one
// delivery per webhook that wants them, deliveries claimed for an attempt, attempts settled.
// Every statement is prepared once; a whole fan-out and claim is one transaction, and every
// attempt answered in the same moment is settled in one more.
//
// These rows are the worker's own book-keeping, and losing the last of them can only make a
// delivery go again (at least once, as DESIGN.md promises): a claim lost is due at once, a
// settlement lost is attempted again, a fan-out lost leaves its events undispatched. So their
// commits do not wait for the disk (synchronous = NORMAL, which in WAL mode keeps the database
// whole across a power cut and every commit across a process crash): the fsync a commit would
// cost holds up the event loop, and with it every request. The events themselves are written by
// the changes' own transactions, as durable as those.

export interface Claimed {
  id: number;
  webhookId: number;
  url: string;
  secret: string;
  attempts: number;
  retryFrom: string;
  type: string;
  occurredAt: string;
  data: string;
}

export interface Settlement {
  delivery: Claimed;
  attemptedAt: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Spelt out, not bound: only then can SQLite use the partial index on pending deliveries. */
const PENDING = sql`${webhookDeliveries.status} = 'pending'`;
const UNDISPATCHED = sql`${webhookEvents.dispatched} = 0`;
/** Events fanned out in one transaction. */
const FAN_OUT_BATCH = 500;

/** Runs `work` with commits that do not wait for the disk (see above), unless a transaction is open. */
function unsynced<T>(sqlite: Database.Database, work: () => T): T {
  if (sqlite.inTransaction) return work();
  const level = sqlite.pragma('synchronous', { simple: true }) as number;
  if (level <= 1) return work();
  sqlite.pragma('synchronous = NORMAL');
  try {
    return work();
  } finally {
    sqlite.pragma(`synchronous = ${level}`);
  }
}

export function createDeliveryRows(db: Db) {
  const sqlite = db.$client;
  /** Writes without waiting for another process's lock: busy now, undefined (the next tick tries again). */
  const write = <T>(work: () => T): T | undefined => {
    try {
      return withoutWaiting(sqlite, () => unsynced(sqlite, () => immediateTransaction(db, work)));
    } catch (err) {
      if (isBusy(err)) return undefined;
      throw err;
    }
  };

  // Looked at (reads, no lock) before a write is begun for them: an idle server writes nothing.
  const undispatched = db.select({ id: webhookEvents.id }).from(webhookEvents).where(UNDISPATCHED).limit(1).prepare();
  const firstDue = db
    .select({ at: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(PENDING, eq(webhooks.enabled, true)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(1)
    .prepare();
  const newEvents = db
    .select({ id: webhookEvents.id, type: webhookEvents.type, visibility: webhookEvents.visibility, committeeId: webhookEvents.committeeId })
    .from(webhookEvents)
    .where(UNDISPATCHED)
    .orderBy(asc(webhookEvents.id))
    .limit(FAN_OUT_BATCH)
    .prepare();
  const enabledHooks = db.select().from(webhooks).where(eq(webhooks.enabled, true)).prepare();
  const ofAuthority = db.select({ id: committees.id }).from(committees).where(eq(committees.authority, sql.placeholder('authority'))).prepare();
  const insertDelivery = db
    .insert(webhookDeliveries)
    .values({ webhookId: sql.placeholder('webhookId'), eventId: sql.placeholder('eventId'), nextAttemptAt: sql.placeholder('now'), retryFrom: sql.placeholder('now'), createdAt: sql.placeholder('now') })
    .prepare();
  // Up to the last event read: all of them are in this transaction's fan-out.
  const markDispatched = db.update(webhookEvents).set({ dispatched: true }).where(and(UNDISPATCHED, lte(webhookEvents.id, sql.placeholder('last')))).prepare();
  const due = db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      url: webhooks.url,
      secret: webhooks.secret,
      attempts: webhookDeliveries.attempts,
      retryFrom: webhookDeliveries.retryFrom,
      type: webhookEvents.type,
      occurredAt: webhookEvents.occurredAt,
      data: webhookEvents.data,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(PENDING, lte(webhookDeliveries.nextAttemptAt, sql.placeholder('now')), eq(webhooks.enabled, true)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(sql.placeholder('limit'))
    .prepare();
  const claimOne = db.update(webhookDeliveries).set({ nextAttemptAt: sql`${sql.placeholder('until')}` }).where(eq(webhookDeliveries.id, sql.placeholder('id'))).prepare();
  const settleOne = db
    .update(webhookDeliveries)
    .set({ status: sql`${sql.placeholder('status')}`, attempts: sql`${sql.placeholder('attempts')}`, nextAttemptAt: sql`${sql.placeholder('nextAttemptAt')}` })
    .where(eq(webhookDeliveries.id, sql.placeholder('id')))
    .returning({ id: webhookDeliveries.id })
    .prepare();
  const insertAttempt = db
    .insert(webhookAttempts)
    .values({
      deliveryId: sql.placeholder('deliveryId'), attemptedAt: sql.placeholder('attemptedAt'), statusCode: sql.placeholder('statusCode'),
      error: sql.placeholder('error'), durationMs: sql.placeholder('durationMs'), nextAttemptAt: sql.placeholder('nextAttemptAt'),
    })
    .prepare();

  const committeesOfHook = (hook: typeof webhooks.$inferSelect): readonly number[] | undefined => {
    const limit = limitOfColumns(hook.limitAuthority, hook.limitCommitteeIds);
    return limit && committeesOfLimit(limit, (authority) => ofAuthority.all({ authority }).map((c) => c.id));
  };

  /** New events become deliveries to every enabled webhook that wants them and may read them. */
  function fanOut(now: string): void {
    const events = newEvents.all();
    if (events.length === 0) return;
    const hooks = enabledHooks.all().map((hook) => ({
      id: hook.id,
      events: hook.events.split(','),
      visibilities: visibilitiesOfScopes(hook.scopes.split(',') as ReadScope[]),
      // A webhook limited to a council hears of its committees' records alone, and not of
      // events about none (a scan of every committee): those may count other councils' business.
      committeeIds: committeesOfHook(hook),
    }));
    for (const event of events) {
      for (const hook of hooks) {
        if (!hook.events.includes(event.type) || !hook.visibilities.includes(event.visibility)) continue;
        if (hook.committeeIds !== undefined && (event.committeeId === null || !hook.committeeIds.includes(event.committeeId))) continue;
        insertDelivery.run({ webhookId: hook.id, eventId: event.id, now });
      }
    }
    markDispatched.run({ last: events.at(-1)!.id });
  }

  return {
    /** Whether a pass has anything to do now (reads only). */
    hasWork(now: Date): boolean {
      if (undispatched.get() !== undefined) return true;
      const first = firstDue.get();
      return first?.at != null && first.at <= now.toISOString();
    },

    /**
     * New events fanned out, then up to `limit` deliveries due now claimed: their next attempt
     * moved to `until`, past the attempt's timeout. One transaction; undefined when another
     * process holds the write lock.
     */
    fanOutAndClaim(now: Date, limit: number, until: Date): Claimed[] | undefined {
      return write(() => {
        const at = now.toISOString();
        if (undispatched.get() !== undefined) fanOut(at);
        const claimed = due.all({ now: at, limit });
        const claimedUntil = until.toISOString();
        for (const d of claimed) claimOne.run({ id: d.id, until: claimedUntil });
        return claimed;
      });
    },

    /**
     * Records the attempts in one transaction (joining one open on the connection, a group
     * commit's, as a savepoint). A delivery gone meanwhile with its webhook gets no attempt.
     * False when another process held the lock: the deliveries are due again after their claim.
     */
    settle(settlements: readonly Settlement[]): boolean {
      if (settlements.length === 0) return true;
      const done = write(() => {
        for (const s of settlements) {
          const settled = settleOne.get({ id: s.delivery.id, status: s.status, attempts: s.attempts, nextAttemptAt: s.nextAttemptAt });
          if (settled) {
            insertAttempt.run({
              deliveryId: s.delivery.id, attemptedAt: s.attemptedAt, statusCode: s.statusCode, error: s.error, durationMs: s.durationMs, nextAttemptAt: s.nextAttemptAt,
            });
          }
        }
        return true;
      });
      return done ?? false;
    },
  };
}

export type DeliveryRows = ReturnType<typeof createDeliveryRows>;
