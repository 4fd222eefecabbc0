import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { keyset, toPage, type Page, type SortSpec } from '../../db/keyset.js';
import { all, first, run, tx, type Program } from '../../db/program.js';
import { webhookAttempts, webhookDeliveries, webhookEvents, webhooks } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import type { Clock } from '../../domain/clock.js';
import { WEBHOOK_EVENTS, webhookUrlProblem, type WebhookEvent, type ReadScope } from '../../domain/webhooks.js';
import { invalidField, NotFoundError } from '../../errors.js';
import { recordAudit } from '../shared/audited.js';
import { mustFind, nowIso } from '../shared/crud.js';
import { authorities, checkLimit, manages } from '../shared/council-limits.js';
import { columnsOfLimit, limitOfColumns } from '../../domain/council-limit.js';
import type { Outbox } from './outbox.js';
import type { CreateWebhook, ListDeliveriesQuery, UpdateWebhook, Webhook, WebhookDelivery } from './schemas.js';
import { newWebhookSecret } from './signature.js';

// Webhooks (the subscriptions) and what was delivered to them, as programs (db/program.ts) that
// services.ts runs on the engine. Every write here tells the outbox to read the subscriptions
// again (outbox.ts), when it happens and when it has ended.

type WebhookRow = typeof webhooks.$inferSelect;

export function toWebhook(row: WebhookRow): Webhook & { version: number } {
  return {
    id: row.id,
    url: row.url,
    events: row.events.split(',') as WebhookEvent[],
    scopes: row.scopes.split(',') as ReadScope[],
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    limit: limitOfColumns(row.limitAuthority, row.limitCommitteeIds) ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

function checkUrl(url: string | undefined): void {
  if (url === undefined) return;
  const problem = webhookUrlProblem(url);
  if (problem) throw invalidField('url', problem);
}

function checkEvents(events: readonly string[] | undefined): void {
  events?.forEach((event, i) => {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) {
      throw invalidField(`events/${i}`, `"${event}" is not an event; events are ${WEBHOOK_EVENTS.join(', ')}`);
    }
  });
}

/** Who disables a webhook whose receiver answered 410 Gone, in its history. */
const DELIVERY_WORKER: Actor = { name: 'system:webhook-delivery', visibilities: [] };

const DELIVERY_SORT: SortSpec = { field: 'id', descending: true };

export function createWebhookRepository(db: Db, { outbox, clock }: { outbox: Outbox; clock: Clock }) {
  /** A write to the webhooks: the outbox reads them again now and once the transaction is over. */
  function* writing<T>(body: () => Program<T>): Program<T> {
    outbox.changed();
    try {
      return yield* tx(body);
    } finally {
      outbox.changed();
    }
  }
  // Another council's webhook, to an admin limited to a council, answers as a missing one.
  function* byId(actor: Actor, id: number): Program<WebhookRow> {
    const row = yield* first(db.select().from(webhooks).where(eq(webhooks.id, id)));
    const managed = row !== undefined && (actor.limit === undefined || manages(actor, row, yield* authorities(db)));
    return mustFind(managed ? row : undefined, 'Webhook', id);
  }
  const audited = (row: WebhookRow) => {
    const { version: _version, ...webhook } = toWebhook(row);
    return webhook; // never the secret
  };

  return {
    *list(actor: Actor): Program<(Webhook & { version: number })[]> {
      const rows = yield* all(db.select().from(webhooks).orderBy(asc(webhooks.id)));
      if (actor.limit === undefined) return rows.map(toWebhook);
      const authority = yield* authorities(db);
      return rows.filter((row) => manages(actor, row, authority)).map(toWebhook);
    },

    *get(actor: Actor, id: number): Program<Webhook & { version: number }> {
      return toWebhook(yield* byId(actor, id));
    },

    /** The row itself, secret included: for the delivery worker alone. */
    *row(id: number): Program<WebhookRow | undefined> {
      return yield* first(db.select().from(webhooks).where(eq(webhooks.id, id)));
    },

    create(actor: Actor, input: CreateWebhook): Program<Webhook & { version: number; secret: string }> {
      checkUrl(input.url);
      checkEvents(input.events);
      const secret = newWebhookSecret();
      return writing(function* () {
        checkLimit(actor, input.limit, yield* authorities(db));
        const row = (yield* first(
          db.insert(webhooks)
            .values({ url: input.url, events: input.events.join(','), scopes: input.scopes.join(','), secret, enabled: input.enabled ?? true, ...columnsOfLimit(input.limit) })
            .returning(),
        ))!;
        yield* recordAudit(db, actor, 'webhook', row.id, 'create', null, audited(row));
        return { ...toWebhook(row), secret };
      });
    },

    update(actor: Actor, id: number, input: UpdateWebhook, check: (row: { id: number; version: number }) => void): Program<Webhook & { version: number }> {
      checkUrl(input.url);
      checkEvents(input.events);
      return writing(function* () {
        const before = yield* byId(actor, id);
        check(before);
        if (input.limit !== undefined) checkLimit(actor, input.limit, yield* authorities(db));
        const after = (yield* first(
          db.update(webhooks)
            .set({
              ...(input.url !== undefined ? { url: input.url } : {}),
              ...(input.events !== undefined ? { events: input.events.join(',') } : {}),
              ...(input.scopes !== undefined ? { scopes: input.scopes.join(',') } : {}),
              ...(input.limit !== undefined ? columnsOfLimit(input.limit) : {}),
              // Enabling again clears the reason it was disabled.
              ...(input.enabled !== undefined ? { enabled: input.enabled, disabledReason: input.enabled ? null : before.disabledReason } : {}),
              version: before.version + 1,
              updatedAt: nowIso(),
            })
            .where(eq(webhooks.id, id))
            .returning(),
        ))!;
        yield* recordAudit(db, actor, 'webhook', id, 'update', audited(before), audited(after));
        return toWebhook(after);
      });
    },

    remove(actor: Actor, id: number, check: (row: { id: number; version: number }) => void): Program<void> {
      return writing(function* () {
        const before = yield* byId(actor, id);
        check(before);
        // Its deliveries and their attempts go with it (ON DELETE CASCADE).
        yield* run(db.delete(webhooks).where(eq(webhooks.id, id)));
        yield* recordAudit(db, actor, 'webhook', id, 'delete', audited(before), null);
      });
    },

    /** Disabled by the receiver (410 Gone): no more deliveries until an admin enables it again. */
    disable(id: number, reason: string): Program<void> {
      return writing(function* () {
        const before = yield* first(db.select().from(webhooks).where(eq(webhooks.id, id)));
        if (!before?.enabled) return;
        const after = (yield* first(
          db.update(webhooks)
            .set({ enabled: false, disabledReason: reason, version: before.version + 1, updatedAt: clock().toISOString() })
            .where(eq(webhooks.id, id))
            .returning(),
        ))!;
        yield* recordAudit(db, DELIVERY_WORKER, 'webhook', id, 'update', audited(before), audited(after));
      });
    },

    /** A page of the webhook's deliveries, newest first, each with its attempts. */
    *deliveries(actor: Actor, id: number, query: ListDeliveriesQuery): Program<Page<WebhookDelivery>> {
      yield* byId(actor, id);
      const limit = query.limit ?? 50;
      const page = keyset(DELIVERY_SORT, webhookDeliveries.id, webhookDeliveries.id, query.cursor);
      const rows = yield* all(
        db
          .select({
            id: webhookDeliveries.id,
            webhookId: webhookDeliveries.webhookId,
            eventId: webhookDeliveries.eventId,
            type: webhookEvents.type,
            status: webhookDeliveries.status,
            nextAttemptAt: webhookDeliveries.nextAttemptAt,
            createdAt: webhookDeliveries.createdAt,
          })
          .from(webhookDeliveries)
          .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
          .where(and(eq(webhookDeliveries.webhookId, id), page.where, query.status ? eq(webhookDeliveries.status, query.status) : undefined))
          .orderBy(...page.orderBy)
          .limit(limit + 1),
      );
      const shown = rows.slice(0, limit);
      const attempts = shown.length === 0 ? [] : yield* all(
        db
          .select()
          .from(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, shown.map((r) => r.id)))
          .orderBy(asc(webhookAttempts.id)),
      );
      const withAttempts = rows.map((r) => ({
        ...r,
        // A pending delivery's next attempt; a finished one has none.
        nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt : null,
        attempts: attempts
          .filter((a) => a.deliveryId === r.id)
          .map(({ attemptedAt, statusCode, error, durationMs, nextAttemptAt }) => ({ attemptedAt, statusCode, error, durationMs, nextAttemptAt })),
      }));
      return toPage(withAttempts, limit, DELIVERY_SORT, (r) => r.id);
    },

    /** Sends a delivery again now, whatever became of it: pending again, due at once. */
    *retry(actor: Actor, id: number, deliveryId: number): Program<void> {
      yield* tx(function* () {
        yield* byId(actor, id);
        const delivery = yield* first(
          db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, id))),
        );
        if (!delivery) throw new NotFoundError('Delivery', deliveryId);
        const now = clock().toISOString();
        // A new retry window starts now.
        yield* run(db.update(webhookDeliveries).set({ status: 'pending', nextAttemptAt: now, retryFrom: now }).where(eq(webhookDeliveries.id, deliveryId)));
        yield* recordAudit(db, actor, 'webhook_delivery', deliveryId, 'update', { status: delivery.status }, { status: 'pending', nextAttemptAt: now });
      });
      outbox.wake();
    },
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
