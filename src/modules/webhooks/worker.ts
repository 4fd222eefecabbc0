import { AsyncResource } from 'node:async_hooks';
import type { Db } from '../../db/sqlite/client.js';
import { BUSY, type ProgramRunner } from '../../db/program.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { nextAttemptAfter } from '../../domain/webhooks.js';
import { createDeliveryRows, FAN_OUT_BATCH, type Claimed, type Settlement } from './delivery-rows.js';
import type { Outbox } from './outbox.js';
import type { PurgeResult, WebhookPurge } from './purge.js';
import type { WebhookRepository } from './repository.js';
import { createSender, type Outcome } from './sender.js';

// The delivery worker: runs in the server process, started once it listens and stopped when it
// closes. Each tick fans new outbox events out into one delivery per subscribed webhook that
// may read them, then POSTs the deliveries that are due (sender.ts). Everything it knows is in
// rows (delivery-rows.ts), so a restart (kill -9 included) resumes where it was: a delivery is
// claimed by moving its next attempt past the request's timeout, so one cut short by a crash is
// simply due again later. Once an hour (and at start) it removes the history older than the
// retention (purge.ts). Its reads and writes are programs (delivery-rows.ts) it runs on the
// engine, each write its own transaction.

export interface WorkerLog {
  info?(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What the worker needs of the engine (db/engine.ts). */
export interface WorkerEngine extends ProgramRunner {
  /** The group commit open now, if any: what it holds may yet roll back (db/sqlite/group-commit.ts). */
  readonly writes: { open(): number | undefined };
}

export interface DeliveryWorkerOptions {
  engine: WorkerEngine;
  outbox: Outbox;
  /** The webhooks' programs (a receiver answering 410 Gone disables its webhook). */
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
/**
 * While the server is busy — its event loop working more than this share of the time since the
 * last batch — the worker sends one batch of deliveries per PACE_MS and leaves the rest of the
 * processor to the requests; once they let up it catches up at full speed. Delivery waits a
 * little under load; it never stops (a batch goes every PACE_MS whatever the load).
 */
const BUSY_SHARE = 0.5;
const PACE_MS = 250;
const silent: WorkerLog = { warn() {}, error() {} };

/** What an attempt's outcome makes of its delivery: delivered, failed for good, or due again. */
function settlementOf(delivery: Claimed, outcome: Outcome, now: Date): Settlement {
  const attempts = delivery.attempts + 1;
  const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const gone = outcome.statusCode === 410;
  const next = delivered || gone ? null : nextAttemptAfter(attempts, Date.parse(delivery.retryFrom), now.getTime());
  const nextAttemptAt = next === null ? null : new Date(next).toISOString();
  const status = delivered ? 'delivered' : nextAttemptAt === null ? 'failed' : 'pending';
  return { delivery, attemptedAt: now.toISOString(), status, attempts, nextAttemptAt, ...outcome };
}

export function createDeliveryWorker(db: Db, options: DeliveryWorkerOptions) {
  const { engine, outbox, clock = systemClock, timeoutMs = 10_000, pollMs = 1000, concurrency = 8, log = silent } = options;
  const rows = createDeliveryRows(db);
  const sender = createSender({ clock, timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  let purgeTimer: NodeJS.Timeout | undefined;
  let purging: Promise<PurgeResult | undefined> | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;
  let pause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  // How busy the event loop was over the last whole window of at least PACE_MS (see BUSY_SHARE).
  // Measured over a finished window, not since the last batch: checked just after a batch, that
  // span is a few microseconds of this very code, always "busy", and the worker would crawl at
  // one batch per PACE_MS even on an idle server.
  let window = { at: performance.now(), loop: performance.eventLoopUtilization() };
  let busy = false;
  function serverBusy(): boolean {
    const now = performance.now();
    if (now - window.at >= PACE_MS) {
      const loop = performance.eventLoopUtilization();
      busy = performance.eventLoopUtilization(loop, window.loop).utilization > BUSY_SHARE;
      window = { at: now, loop };
    }
    return busy;
  }
  let lastBatchAt = -Infinity;
  /** Waits out the rest of PACE_MS since the last batch while the server is busy; true when it waited. */
  async function paced(): Promise<boolean> {
    if (manual || stopped) return false;
    const wait = lastBatchAt + PACE_MS - performance.now();
    if (wait <= 0 || !serverBusy()) return false;
    await new Promise<void>((resolve) => {
      pause = { timer: setTimeout(resolve, wait), resolve };
      pause.timer.unref();
    });
    pause = undefined;
    return true;
  }

  // Attempts answered are settled together, once per turn of the event loop: one transaction
  // for all the answers that came in with this one (or a savepoint in an open group commit).
  // On an engine that answers later (PostgreSQL), answers that come in while a settlement is
  // being written go in the same flush's next transaction; the flush ends once none is left.
  let unsettled: Settlement[] = [];
  let flushing: Promise<void> | undefined;
  async function flush(): Promise<void> {
    try {
      for (let settling = unsettled; settling.length > 0; settling = unsettled) {
        unsettled = [];
        // Busy (another process's lock): not recorded, so the deliveries go again after their claim.
        await engine.run(rows.settle(settling));
        for (const s of settling) {
          // 410 Gone: the receiver says the endpoint is no more (Standard Webhooks): stop sending.
          if (s.statusCode !== 410) continue;
          await engine.run(options.webhooks.disable(s.delivery.webhookId, `The receiver answered 410 Gone on ${s.attemptedAt}`));
          log.warn({ webhookId: s.delivery.webhookId }, 'webhook disabled: the receiver answered 410 Gone');
        }
      }
    } finally {
      flushing = undefined;
    }
  }
  function settle(delivery: Claimed, outcome: Outcome | undefined): void {
    // Cut short by stop(): left claimed, as after a crash, it is due again once the claim runs out.
    if (outcome === undefined) return;
    unsettled.push(settlementOf(delivery, outcome, clock()));
    flushing ??= new Promise<void>((resolve) => setImmediate(() => resolve(flush())));
  }

  /**
   * A group commit is open (db/sqlite/group-commit.ts): what it holds may yet roll back, so
   * nothing written in it is sent before it commits. Look again in a moment.
   */
  function inGroup(): boolean {
    if (engine.writes.open() === undefined) return false;
    if (!stopped) setTimeout(() => void tick(), 5).unref();
    return true;
  }

  /** One pass: fan out new events, then attempt every due delivery. Resolves with how many. */
  async function pass(): Promise<number> {
    let attempted = 0;
    try {
      for (;;) {
        if (inGroup()) return attempted;
        if (!(await engine.run(rows.hasWork(clock())))) return attempted;
        if (await paced()) continue;
        // Again just before the claim (which SQLite's engine runs at once): a group may have
        // begun while this pass awaited.
        if (inGroup()) return attempted;
        const now = clock();
        // A busy server fans out only the events of the batch it sends: fanning out all that came
        // in meanwhile (hundreds of events, a row per webhook each) was one long write in the
        // middle of the requests. The rest wait, undispatched, until the requests let up. Judged
        // now (serverBusy measures again once its window is over), not on what the last busy
        // spell left.
        const events = !manual && serverBusy() ? concurrency : FAN_OUT_BATCH;
        const claimed = await engine.run(rows.fanOutAndClaim(now, concurrency, new Date(now.getTime() + timeoutMs + CLAIM_MARGIN_MS), events));
        // Paced from the write, whether or not it found deliveries to send (a busy server's
        // fan-outs of events no webhook wants are paced as well).
        lastBatchAt = performance.now();
        const due = claimed === BUSY ? [] : claimed;
        if (due.length === 0) return attempted;
        await Promise.all(due.map(async (delivery) => settle(delivery, await sender.post(delivery))));
        lastBatchAt = performance.now();
        attempted += due.length;
        if (stopped && !manual) return attempted;
      }
    } finally {
      await flushing;
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

  // Woken from inside the write that recorded the event: the pass runs outside it, in the async
  // context the worker was made in (on PostgreSQL a request's transaction follows its context).
  const outside = new AsyncResource('webhook-delivery');
  outbox.onRecorded(() => {
    // After the turn: the event's transaction (a group commit) commits first.
    if (!stopped) outside.runInAsyncScope(() => setImmediate(() => void tick()).unref());
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
      sender.abortAll();
      if (pause) {
        clearTimeout(pause.timer);
        pause.resolve();
      }
      await Promise.all([running, purging]);
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
