import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { isBusy, withoutWaiting } from '../../db/sqlite/busy.js';
import type { Db } from '../../db/sqlite/client.js';
import { committees, webhookAttempts, webhookDeliveries, webhookEvents, webhooks } from '../../db/sqlite/schema.js';
import { committeesOfLimit, limitOfColumns } from '../../domain/council-limit.js';
import { immediateTransaction } from '../../db/sqlite/transaction.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { nextAttemptAfter, visibilitiesOfScopes, type ReadScope } from '../../domain/webhooks.js';
import type { Outbox } from './outbox.js';
import type { PurgeResult, WebhookPurge } from './purge.js';
import type { WebhookRepository } from './repository.js';
import { signatureOf } from './signature.js';

// The delivery worker: runs in the server process, started once it listens and stopped when it
// closes. Each tick fans new outbox events out into one delivery per subscribed webhook that
// may read them, then POSTs the deliveries that are due. Everything it knows is in rows, so a
// restart (kill -9 included) resumes where it was: a delivery is claimed by moving its next
// attempt past the request's timeout, so one cut short by a crash is simply due again later.
// Once an hour (and at start) it removes the history older than the retention (purge.ts).

export interface WorkerLog {
  info?(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface DeliveryWorkerOptions {
  outbox: Outbox;
  webhooks: WebhookRepository;
  clock?: Clock;
  /** How long a receiver has to answer (10 s). */
  timeoutMs?: number;
  /** How often due deliveries are looked for when nothing wakes the worker (1 s). */
  pollMs?: number;
  /** Deliveries attempted at once (8). */
  concurrency?: number;
  log?: WorkerLog;
  /** Removes delivered and failed history past WEBHOOK_RETENTION_DAYS; none: kept for ever. */
  purge?: WebhookPurge;
}

/** How often the history past the retention is looked for. */
const PURGE_EVERY_MS = 60 * 60 * 1000;

/** How long after a claim a delivery whose attempt never finished is due again. */
const CLAIM_MARGIN_MS = 30_000;
const FAN_OUT_BATCH = 200;
/** Spelt out, not bound: only then can SQLite use the partial index on pending deliveries. */
const PENDING = sql`${webhookDeliveries.status} = 'pending'`;
const UNDISPATCHED = sql`${webhookEvents.dispatched} = 0`;
const silent: WorkerLog = { warn() {}, error() {} };
/** Why an attempt was cut short by stop(): such an attempt is not recorded. */
const STOPPING = new Error('server stopping');

interface Claimed {
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

interface Outcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export function createDeliveryWorker(db: Db, options: DeliveryWorkerOptions) {
  const { outbox, clock = systemClock, timeoutMs = 10_000, pollMs = 1000, concurrency = 8, log = silent } = options;
  let timer: NodeJS.Timeout | undefined;
  let purgeTimer: NodeJS.Timeout | undefined;
  let purging: Promise<PurgeResult | undefined> | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;
  const inFlight = new Set<AbortController>();

  /** Writes without waiting for another process's lock: busy now, the next tick tries again. */
  const write = <T>(work: () => T): T | undefined => {
    try {
      return withoutWaiting(db.$client, () => immediateTransaction(db, work));
    } catch (err) {
      if (isBusy(err)) return undefined;
      throw err;
    }
  };

  // Looked at (a read, no lock) before a write is begun for them: an idle server writes nothing.
  const undispatched = db.select({ id: webhookEvents.id }).from(webhookEvents).where(UNDISPATCHED).limit(1).prepare();
  const firstDue = db
    .select({ at: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(PENDING, eq(webhooks.enabled, true)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(1)
    .prepare();

  const ofAuthority = db.select({ id: committees.id }).from(committees).where(eq(committees.authority, sql.placeholder('authority'))).prepare();
  const committeesOfHook = (hook: typeof webhooks.$inferSelect): readonly number[] | undefined => {
    const limit = limitOfColumns(hook.limitAuthority, hook.limitCommitteeIds);
    return limit && committeesOfLimit(limit, (authority) => ofAuthority.all({ authority }).map((c) => c.id));
  };

  /** New events become deliveries to every enabled webhook that wants them and may read them. */
  function fanOut(now: string): void {
    if (undispatched.get() === undefined) return;
    write(() => {
      const events = db.select().from(webhookEvents).where(UNDISPATCHED).orderBy(asc(webhookEvents.id)).limit(FAN_OUT_BATCH).all();
      if (events.length === 0) return;
      const hooks = db.select().from(webhooks).where(eq(webhooks.enabled, true)).all().map((hook) => ({
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
          db.insert(webhookDeliveries).values({ webhookId: hook.id, eventId: event.id, nextAttemptAt: now, retryFrom: now, createdAt: now }).run();
        }
      }
      db.update(webhookEvents).set({ dispatched: true }).where(inArray(webhookEvents.id, events.map((e) => e.id))).run();
    });
  }

  /** The deliveries due now, claimed: their next attempt moved past this one's timeout. */
  function claim(now: Date): Claimed[] {
    const first = firstDue.get();
    if (first?.at == null || first.at > now.toISOString()) return [];
    return write(() => {
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
        .where(and(PENDING, lte(webhookDeliveries.nextAttemptAt, now.toISOString()), eq(webhooks.enabled, true)))
        .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
        .limit(concurrency)
        .all();
      if (due.length > 0) {
        const until = new Date(now.getTime() + timeoutMs + CLAIM_MARGIN_MS).toISOString();
        db.update(webhookDeliveries).set({ nextAttemptAt: until }).where(inArray(webhookDeliveries.id, due.map((d) => d.id))).run();
      }
      return due;
    }) ?? [];
  }

  /** The receiver's answer, or undefined when stop() cut the attempt short. */
  async function post(delivery: Claimed): Promise<Outcome | undefined> {
    // The body is built as text so that what is signed is exactly what is sent.
    const body = `{"type":${JSON.stringify(delivery.type)},"timestamp":${JSON.stringify(delivery.occurredAt)},"data":${delivery.data}}`;
    const id = `msg_${delivery.id}`;
    const timestamp = Math.floor(clock().getTime() / 1000);
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    inFlight.add(controller);
    const started = performance.now();
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body,
        // A redirect is not followed: it could lead the signed payload anywhere. A 3xx fails.
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'scrutiny-tracker-webhooks',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureOf(delivery.secret, id, timestamp, body),
        },
      });
      await response.body?.cancel().catch(() => {});
      const ok = response.status >= 200 && response.status < 300;
      const error = ok ? null : response.status >= 300 && response.status < 400 ? 'redirect not followed' : `HTTP ${response.status}`;
      return { statusCode: response.status, error, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      if (reason === STOPPING) return undefined;
      const cause = (reason as { cause?: { code?: string; message?: string } }).cause;
      const message = cause?.code ?? cause?.message ?? (reason instanceof Error ? reason.message : String(reason));
      return { statusCode: null, error: message, durationMs: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timeout);
      inFlight.delete(controller);
    }
  }

  function settle(delivery: Claimed, outcome: Outcome | undefined): void {
    // Cut short by stop(): left claimed, as after a crash, it is due again once the claim runs out.
    if (outcome === undefined) return;
    const now = clock();
    const attempts = delivery.attempts + 1;
    const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const gone = outcome.statusCode === 410;
    const next = delivered || gone ? null : nextAttemptAfter(attempts, Date.parse(delivery.retryFrom), now.getTime());
    const nextAttemptAt = next === null ? null : new Date(next).toISOString();
    const status = delivered ? 'delivered' : nextAttemptAt === null ? 'failed' : 'pending';
    write(() => {
      // Gone meanwhile with its webhook (deleted by an admin): nothing to record.
      const settled = db.update(webhookDeliveries).set({ status, attempts, nextAttemptAt }).where(eq(webhookDeliveries.id, delivery.id)).returning({ id: webhookDeliveries.id }).get();
      if (settled) db.insert(webhookAttempts).values({ deliveryId: delivery.id, attemptedAt: now.toISOString(), ...outcome, nextAttemptAt }).run();
    });
    // 410 Gone: the receiver says the endpoint is no more (Standard Webhooks): stop sending.
    if (gone) {
      options.webhooks.disable(delivery.webhookId, `The receiver answered 410 Gone on ${now.toISOString()}`);
      log.warn({ webhookId: delivery.webhookId }, 'webhook disabled: the receiver answered 410 Gone');
    }
  }

  /** One pass: fan out new events, then attempt every due delivery. Resolves with how many. */
  async function pass(): Promise<number> {
    let attempted = 0;
    for (;;) {
      // A group commit is open (db/sqlite/group-commit.ts): what it holds may yet roll back, so nothing
      // written in it is sent before it commits. Look again in a moment.
      if (db.$client.inTransaction) {
        if (!stopped) setTimeout(() => void tick(), 5).unref();
        return attempted;
      }
      const now = clock();
      fanOut(now.toISOString());
      const due = claim(now);
      if (due.length === 0) return attempted;
      await Promise.all(due.map(async (delivery) => settle(delivery, await post(delivery))));
      attempted += due.length;
      if (stopped && !manual) return attempted;
    }
  }
  let manual = false;

  function tick(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = pass()
      .catch((err: unknown) => {
        log.error({ err }, 'webhook delivery pass failed; trying again on the next');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void tick();
        }
      });
    return running;
  }

  /** One purge at a time; a failure is logged, and the next hour's tries again. */
  function purge(): Promise<PurgeResult | undefined> {
    if (!options.purge) return Promise.resolve(undefined);
    purging ??= options.purge.run(clock(), () => stopped && !manual)
      .then((removed) => {
        if (removed.deliveries || removed.events) log.info?.({ ...removed, retentionDays: options.purge!.retentionDays }, 'old webhook deliveries and events removed');
        return removed;
      }, (err: unknown) => {
        log.error({ err }, 'webhook history purge failed; trying again in an hour');
        return undefined;
      })
      .finally(() => {
        purging = undefined;
      });
    return purging;
  }

  outbox.onRecorded(() => {
    // After the turn: the event's transaction (a group commit) commits first.
    if (!stopped) setImmediate(() => void tick()).unref();
  });

  return {
    /** One pass now (tests call it after moving their clock on); resolves once it is done. */
    async tick(): Promise<number> {
      manual = true;
      try {
        if (running) await running;
        return await tick();
      } finally {
        manual = false;
      }
    },

    start(): void {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(() => void tick(), pollMs);
      timer.unref();
      void tick();
      purgeTimer = setInterval(() => void purge(), PURGE_EVERY_MS);
      purgeTimer.unref();
      void purge();
    },

    /** Removes the history past the retention now (tests call it after moving their clock on). */
    async purge(): Promise<PurgeResult | undefined> {
      manual = true;
      try {
        if (purging) await purging;
        return await purge();
      } finally {
        manual = false;
      }
    },

    /** Stops polling, abandons attempts in flight (they are due again after their claim), waits for the pass to end. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      if (purgeTimer) clearInterval(purgeTimer);
      timer = undefined;
      purgeTimer = undefined;
      for (const controller of inFlight) controller.abort(STOPPING);
      await Promise.all([running, purging]);
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
