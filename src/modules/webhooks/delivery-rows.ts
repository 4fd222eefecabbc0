import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, run, txIfFree, type Busy, type Program } from '../../db/program.js';
import { committees, dialect, webhookAttempts, webhookDeliveries, webhookEvents, webhooks } from '../../db/tables.js';
import { limitOfColumns } from '../../domain/council-limit.js';
import { visibilitiesOfScopes, type ReadScope } from '../../domain/webhooks.js';

// What the delivery worker (worker.ts) reads and writes: new outbox events fanned out into one
// delivery per webhook that wants them, deliveries claimed for an attempt, attempts settled.
// Programs (db/program.ts) the worker runs on the engine. Every statement is prepared once; a
// whole fan-out and claim is one transaction, and every attempt answered in the same moment is
// settled in one more. On PostgreSQL the fan-out and the claims lock the rows they take and skip
// those another process's worker holds (docs/postgres-plan.md §3.5).
//
// These rows are the worker's own book-keeping, and losing the last of them can only make a
// delivery go again (at least once, as DESIGN.md promises): a claim lost is due at once, a
// settlement lost is attempted again, a fan-out lost leaves its events undispatched. So their
// commits do not wait for the disk (TxOptions.unsynced: on SQLite synchronous = NORMAL, which in
// WAL mode keeps the database whole across a power cut and every commit across a process crash):
// the fsync a commit would cost holds up the event loop, and with it every request. The events
// themselves are written by the changes' own transactions, as durable as those.

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

/** Events fanned out in one transaction, at most. */
export const FAN_OUT_BATCH = 500;

export function createDeliveryRows(db: Db) {
  /**
   * Spelt out, not bound: only then does SQLite use the partial indexes on pending deliveries
   * and undispatched events without compiling the statement again on every run (a bound false
   * costs a re-prepare per run, measured 3.7 µs against 0.4). PostgreSQL reads `= false` as
   * `NOT dispatched`, its index's condition.
   */
  const pending = sql`${webhookDeliveries.status} = 'pending'`;
  const undispatched = eq(webhookEvents.dispatched, dialect.falseValue);
  /** Writes without waiting for another process's lock (BUSY: the next tick tries again), unsynced. */
  const write = <T>(body: () => Program<T>): Program<T | Busy> => txIfFree(body, { unsynced: true });

  // Looked at (reads, no lock) before a write is begun for them: an idle server writes nothing.
  const anyUndispatched = db.select({ id: webhookEvents.id }).from(webhookEvents).where(undispatched).limit(1).prepare();
  const firstDue = db
    .select({ at: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(pending, eq(webhooks.enabled, true)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(1)
    .prepare();
  const newEvents = dialect.skipLocked(
    db
      .select({ id: webhookEvents.id, type: webhookEvents.type, visibility: webhookEvents.visibility, committeeId: webhookEvents.committeeId })
      .from(webhookEvents)
      .where(undispatched)
      .orderBy(asc(webhookEvents.id))
      .limit(sql.placeholder('events')),
    webhookEvents,
  ).prepare();
  const enabledHooks = db.select().from(webhooks).where(eq(webhooks.enabled, true)).prepare();
  const ofAuthority = db.select({ id: committees.id }).from(committees).where(eq(committees.authority, sql.placeholder('authority'))).prepare();
  const insertDelivery = db
    .insert(webhookDeliveries)
    .values({ webhookId: sql.placeholder('webhookId'), eventId: sql.placeholder('eventId'), nextAttemptAt: sql.placeholder('now'), retryFrom: sql.placeholder('now'), createdAt: sql.placeholder('now') })
    .prepare();
  // The events this transaction read, by id: on PostgreSQL an event below the last one read may
  // commit after the read (ids are taken before commit), and must stay undispatched for the next.
  const markDispatched = db.update(webhookEvents).set({ dispatched: true }).where(and(undispatched, dialect.idIn(webhookEvents.id, sql.placeholder('ids')))).prepare();
  const due = dialect.skipLocked(
    db
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
      .where(and(pending, lte(webhookDeliveries.nextAttemptAt, sql.placeholder('now')), eq(webhooks.enabled, true)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
      .limit(sql.placeholder('limit')),
    webhookDeliveries,
  ).prepare();
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

  /** The committees a webhook limited to a council hears of; undefined: every one. */
  function* committeesOfHook(hook: typeof webhooks.$inferSelect): Program<readonly number[] | undefined> {
    const limit = limitOfColumns(hook.limitAuthority, hook.limitCommitteeIds);
    if (limit === undefined || !('authority' in limit)) return limit?.committeeIds;
    return (yield* all(ofAuthority, { authority: limit.authority })).map((c) => c.id);
  }

  /** New events become deliveries to every enabled webhook that wants them and may read them. */
  function* fanOut(now: string, upTo: number): Program<void> {
    const events = yield* all(newEvents, { events: upTo });
    if (events.length === 0) return;
    const hooks = [];
    for (const hook of yield* all(enabledHooks)) {
      hooks.push({
        id: hook.id,
        events: hook.events.split(','),
        visibilities: visibilitiesOfScopes(hook.scopes.split(',') as ReadScope[]),
        // A webhook limited to a council hears of its committees' records alone, and not of
        // events about none (a scan of every committee): those may count other councils' business.
        committeeIds: yield* committeesOfHook(hook),
      });
    }
    for (const event of events) {
      for (const hook of hooks) {
        if (!hook.events.includes(event.type) || !hook.visibilities.includes(event.visibility)) continue;
        if (hook.committeeIds !== undefined && (event.committeeId === null || !hook.committeeIds.includes(event.committeeId))) continue;
        yield* run(insertDelivery, { webhookId: hook.id, eventId: event.id, now });
      }
    }
    yield* run(markDispatched, { ids: dialect.idList(events.map((e) => e.id)) });
  }

  return {
    /** Whether a pass has anything to do now (reads only). */
    *hasWork(now: Date): Program<boolean> {
      if ((yield* first(anyUndispatched)) !== undefined) return true;
      const found = yield* first(firstDue);
      return found?.at != null && found.at <= now.toISOString();
    },

    /**
     * New events fanned out (up to `events` of them, the oldest first), then up to `limit`
     * deliveries due now claimed: their next attempt moved to `until`, past the attempt's
     * timeout. One transaction; BUSY when another process holds the write lock.
     */
    fanOutAndClaim(now: Date, limit: number, until: Date, events = FAN_OUT_BATCH): Program<Claimed[] | Busy> {
      return write(function* () {
        const at = now.toISOString();
        if ((yield* first(anyUndispatched)) !== undefined) yield* fanOut(at, events);
        const claimed = yield* all(due, { now: at, limit });
        const claimedUntil = until.toISOString();
        for (const d of claimed) yield* run(claimOne, { id: d.id, until: claimedUntil });
        return claimed;
      });
    },

    /**
     * Records the attempts in one transaction (joining one open on the connection, a group
     * commit's, as a savepoint). A delivery gone meanwhile with its webhook gets no attempt.
     * False when another process held the lock: the deliveries are due again after their claim.
     */
    *settle(settlements: readonly Settlement[]): Program<boolean> {
      if (settlements.length === 0) return true;
      const done = yield* write(function* () {
        for (const s of settlements) {
          const settled = yield* first(settleOne, { id: s.delivery.id, status: s.status, attempts: s.attempts, nextAttemptAt: s.nextAttemptAt });
          if (settled) {
            yield* run(insertAttempt, {
              deliveryId: s.delivery.id, attemptedAt: s.attemptedAt, statusCode: s.statusCode, error: s.error, durationMs: s.durationMs, nextAttemptAt: s.nextAttemptAt,
            });
          }
        }
        return true;
      });
      return done === true;
    },
  };
}

export type DeliveryRows = ReturnType<typeof createDeliveryRows>;
