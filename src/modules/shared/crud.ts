import { eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { insertReturning, updateReturning } from '../../db/sqlite/prepared.js';
import type { Tx } from '../../db/sqlite/transaction.js';
import { NotFoundError, ReferencedError } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { recordAudit, type Operation } from '../audit/repository.js';

// The write path every resource shares: one transaction that changes the row, bumps its
// version (the ETag) and records the audit event with before and after.

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
  const row = insertReturning(tx, table, values) as T['$inferSelect'] & { id: number };
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
  const set = { ...changes, updatedAt: nowIso() } as Partial<T['$inferInsert']>;
  const after = updateReturning(tx, table, before.id, set, { version: sql`${table.version} + 1` })!;
  recordAudit(tx, actor, entityType, before.id, operation, before, after);
  return after;
}

export interface Reference {
  /** Plural, for the message: "actions". */
  label: string;
  count: (tx: Tx) => number;
}

/**
 * What refers to a record, as the caller may be told: each visible kind under its own label and
 * every hidden one (exempt or confidential business the caller cannot read) counted together
 * under a neutral label, so a 409 never names hidden business. The neutral label is given only
 * when nothing visible refers: a delete refused for visible records anyway would otherwise say
 * whether hidden business refers to the record too.
 */
export function referencesSeenBy(visible: Reference[], hidden: ((tx: Tx) => number)[]): Reference[] {
  const count = (tx: Tx) => (visible.some((r) => r.count(tx) > 0) ? 0 : hidden.reduce((n, counted) => n + counted(tx), 0));
  return [...visible, { label: 'other records', count }];
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
