import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, type Program } from '../../db/program.js';
import { auditEvents } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import type { AuditOperation } from '../../domain/vocabulary.js';
import { toPage, type Page } from '../../db/keyset.js';
import { decodeCursor } from '../../db/keyset.js';

export type Operation = AuditOperation;

/** The audit event's row, as shared/audited.ts's recordAudit writes it. */
export function auditRow(
  actor: Actor, entityType: string, entityId: number | string, operation: Operation, before: unknown, after: unknown,
): typeof auditEvents.$inferInsert {
  return {
    actor: actor.name,
    entityType,
    entityId: String(entityId),
    operation,
    before: before ?? null,
    after: after ?? null,
    requestId: actor.requestId ?? null,
  };
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  operation: Operation;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

const newestFirst = { field: 'id', descending: true };

/** Each record's history (GET …/{id}/history), over one database, as programs (db/program.ts). */
export function createHistoryRepository(db: Db) {
  return {
    list: (entityType: string, entityId: number, limit: number, cursor?: string) => listHistory(db, entityType, entityId, limit, cursor),
  };
}

/** One record's history, newest first. Visibility is checked by the caller on the record. */
export function* listHistory(
  db: Db,
  entityType: string,
  entityId: number,
  limit: number,
  cursor?: string,
): Program<Page<AuditEvent>> {
  const after = cursor ? decodeCursor(cursor, newestFirst).i : undefined;
  const found = yield* all(db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.entityType, entityType),
        eq(auditEvents.entityId, String(entityId)),
        after === undefined ? undefined : lt(auditEvents.id, after),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1));
  const rows = found.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    operation: r.operation,
    before: r.before,
    after: r.after,
    requestId: r.requestId,
  }));
  return toPage(rows, limit, newestFirst, (r) => r.id);
}
