import { eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { NotFoundError, ReferencedError } from '../../errors.js';
import type { Actor } from '../../http/context.js';
import { recordAudit, type Operation } from '../audit/repository.js';

// The write path every resource shares: one transaction that changes the row, bumps its
// version (the ETag) and records the audit event with before and after.

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Versioned = SQLiteTable & { id: SQLiteColumn; version: SQLiteColumn; updatedAt: SQLiteColumn };

export function nowIso(): string {
  return new Date().toISOString();
}

export function insertAudited<T extends SQLiteTable>(
  tx: Tx,
  actor: Actor,
  entityType: string,
  table: T,
  values: T['$inferInsert'],
): T['$inferSelect'] {
  const row = tx.insert(table).values(values).returning().get() as unknown as T['$inferSelect'] & { id: number };
  recordAudit(tx, actor, entityType, row.id, 'create', null, row);
  return row;
}

export function updateAudited<T extends Versioned>(
  tx: Tx,
  actor: Actor,
  entityType: string,
  table: T,
  before: T['$inferSelect'] & { id: number },
  changes: Partial<T['$inferInsert']>,
  operation: Operation = 'update',
): T['$inferSelect'] {
  const set = { ...changes, version: sql`${table.version} + 1`, updatedAt: nowIso() };
  const after = tx
    .update(table)
    .set(set as never)
    .where(eq(table.id, before.id))
    .returning()
    .get() as T['$inferSelect'];
  recordAudit(tx, actor, entityType, before.id, operation, before, after);
  return after;
}

export interface Reference {
  /** Plural, for the message: "actions". */
  label: string;
  count: (tx: Tx) => number;
}

/** Deletes a row unless something refers to it (409 naming what does). */
export function deleteAudited<T extends Versioned>(
  tx: Tx,
  actor: Actor,
  entityType: string,
  label: string,
  table: T,
  before: T['$inferSelect'] & { id: number },
  references: Reference[],
): void {
  const blocking = references.filter((r) => r.count(tx) > 0).map((r) => r.label);
  if (blocking.length > 0) throw new ReferencedError(label, before.id, blocking.join(', '));
  tx.delete(table).where(eq(table.id, before.id)).run();
  recordAudit(tx, actor, entityType, before.id, 'delete', before, null);
}

export function countWhere(tx: Tx, table: SQLiteTable, where: SQL): number {
  const row = tx.select({ n: sql<number>`count(*)` }).from(table).where(where).get();
  return row?.n ?? 0;
}

export function mustFind<R>(row: R | undefined, label: string, id: number | string): R {
  if (row === undefined) throw new NotFoundError(label, id);
  return row;
}
