import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, BUSY, run, txIfFree, type Busy, type Program } from '../../db/program.js';
import { webhookDeliveries, webhookEvents } from '../../db/tables.js';
import type { WorkerEngine } from './worker.js';

// The outbox's history does not grow for ever: deliveries that are done with (delivered, or
// failed after a day of retries) are removed, with their attempts, once they were last set going
// more than WEBHOOK_RETENTION_DAYS ago, and then the events no delivery needs any more. A pending
// delivery is never removed, nor the event it will send. The delivery worker runs this with the
// server (worker.ts); rows go in small batches, each its own short write (a program run on the
// engine), so requests are never held up behind it.

const BATCH = 500;
const DAY_MS = 86_400_000;

export interface PurgeResult {
  deliveries: number;
  events: number;
  /** True when another process held the write lock: the rest waits for the next run. */
  interrupted: boolean;
}

export function createWebhookPurge(db: Db, { retentionDays, engine }: { retentionDays: number; engine: WorkerEngine }) {
  /** Spelt out, as the worker's: SQLite then reads the status as written. */
  const DONE_WITH = sql`${webhookDeliveries.status} <> 'pending'`;
  const DISPATCHED = eq(webhookEvents.dispatched, true);
  const oldDeliveries = db.select({ id: webhookDeliveries.id }).from(webhookDeliveries)
    .where(and(DONE_WITH, lt(webhookDeliveries.retryFrom, sql.placeholder('cutoff'))))
    .orderBy(asc(webhookDeliveries.id)).limit(BATCH).prepare();
  const unneededEvents = db.select({ id: webhookEvents.id }).from(webhookEvents)
    .where(and(
      DISPATCHED,
      lt(webhookEvents.occurredAt, sql.placeholder('cutoff')),
      sql`NOT EXISTS (SELECT 1 FROM ${webhookDeliveries} WHERE ${webhookDeliveries.eventId} = ${webhookEvents.id})`,
    ))
    .orderBy(asc(webhookEvents.id)).limit(BATCH).prepare();

  /** One batch in its own write; BUSY when another process holds the write lock. */
  function* batch(cutoff: string, which: 'deliveries' | 'events'): Program<number | Busy> {
    // Looked at first (a read, no lock): a server with nothing to remove writes nothing.
    if ((yield* all(which === 'deliveries' ? oldDeliveries : unneededEvents, { cutoff })).length === 0) return 0;
    return yield* txIfFree(function* () {
      if (which === 'deliveries') {
        const ids = (yield* all(oldDeliveries, { cutoff })).map((r) => r.id);
        // Their attempts go with them (ON DELETE CASCADE).
        if (ids.length) yield* run(db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, ids)));
        return ids.length;
      }
      const ids = (yield* all(unneededEvents, { cutoff })).map((r) => r.id);
      if (ids.length) yield* run(db.delete(webhookEvents).where(inArray(webhookEvents.id, ids)));
      return ids.length;
    });
  }

  return {
    retentionDays,

    /** The instant before which history is removed, as of `now`. */
    cutoff: (now: Date) => new Date(now.getTime() - retentionDays * DAY_MS).toISOString(),

    /**
     * Removes what is older than the retention as of `now`, a batch at a time, letting other
     * work run between batches; `stopping` ends it early (the rest waits for the next run).
     */
    async run(now: Date, stopping: () => boolean = () => false): Promise<PurgeResult> {
      const cutoff = this.cutoff(now);
      const result: PurgeResult = { deliveries: 0, events: 0, interrupted: false };
      for (const which of ['deliveries', 'events'] as const) {
        for (;;) {
          if (stopping()) return { ...result, interrupted: true };
          // A group commit is open on this connection (db/sqlite/group-commit.ts): not inside it.
          if (engine.writes.open() !== undefined) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          const removed = await engine.run(batch(cutoff, which));
          if (removed === BUSY) return { ...result, interrupted: true };
          result[which] += removed;
          if (removed < BATCH) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return result;
    },
  };
}

export type WebhookPurge = ReturnType<typeof createWebhookPurge>;
