import { eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/sqlite/client.js';
import { auditEvents } from '../../db/tables.js';
import { first, insertReturning, insertRow, insertUnlessTaken, run, updateReturning, type Computed, type Program } from '../../db/program.js';
import { ReferencedError } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import { auditRow, type Operation } from '../audit/repository.js';
import { nowIso } from './crud.js';

// The write path every resource shares, as programs (db/program.ts): one transaction (the
// caller's tx()) changes the row, bumps its version (the ETag) and records the audit event with
// before and after.

type Versioned = SQLiteTable & { id: SQLiteColumn; version: SQLiteColumn; updatedAt: SQLiteColumn };

/**
 * Records one audit event (the insert is prepared once). Nothing reads it back in the write's
 * transaction: PostgreSQL sends it without waiting for its answer (db/program.ts insertRow).
 */
export function* recordAudit(
  db: Db, actor: Actor, entityType: string, entityId: number | string, operation: Operation, before: unknown, after: unknown,
): Program<void> {
  yield* insertRow(db, auditEvents, auditRow(actor, entityType, entityId, operation, before, after), { unanswered: true });
}

export function* insertAudited<T extends SQLiteTable>(
  db: Db, actor: Actor, entityType: string, table: T, values: T['$inferInsert'],
): Program<T['$inferSelect']> {
  const row = (yield* insertReturning(db, table, values)) as T['$inferSelect'] & { id: number };
  yield* recordAudit(db, actor, entityType, row.id, 'create', null, row);
  return row;
}

/**
 * As insertAudited, unless the values of `unique` (a unique index's columns) are taken by
 * another row: then nothing is inserted nor audited, and the result is undefined.
 */
export function* insertAuditedUnlessTaken<T extends SQLiteTable>(
  db: Db, actor: Actor, entityType: string, table: T, values: Partial<T['$inferInsert']>, unique: readonly SQLiteColumn[], computed?: Computed,
): Program<T['$inferSelect'] | undefined> {
  const row = (yield* insertUnlessTaken(db, table, values, unique, computed)) as (T['$inferSelect'] & { id: number }) | undefined;
  if (row !== undefined) yield* recordAudit(db, actor, entityType, row.id, 'create', null, row);
  return row;
}

export function* updateAudited<T extends Versioned>(
  db: Db, actor: Actor, entityType: string, table: T, before: T['$inferSelect'] & { id: number },
  changes: Partial<T['$inferInsert']>, operation: Operation = 'update',
): Program<T['$inferSelect']> {
  const set = { ...changes, updatedAt: nowIso() } as Partial<T['$inferInsert']>;
  const after = (yield* updateReturning(db, table, before.id, set, { version: sql`${table.version} + 1` }))!;
  yield* recordAudit(db, actor, entityType, before.id, operation, before, after);
  return after;
}

export interface Reference {
  /** Plural, for the message: "actions". */
  label: string;
  count: () => Program<number>;
}

/**
 * What refers to a record, as the caller may be told: each visible
 * kind under its own label, every hidden one counted together under a neutral label, given only
 * when nothing visible refers.
 */
export function referencesSeenBy(visible: Reference[], hidden: (() => Program<number>)[]): Reference[] {
  function* count(): Program<number> {
    for (const r of visible) if ((yield* r.count()) > 0) return 0;
    let n = 0;
    for (const counted of hidden) n += yield* counted();
    return n;
  }
  return [...visible, { label: 'other records', count }];
}

/** Deletes a row unless something refers to it (409 naming what does). */
export function* deleteAudited<T extends Versioned>(
  db: Db, actor: Actor, entityType: string, label: string, table: T, before: T['$inferSelect'] & { id: number },
  references: Reference[],
): Program<void> {
  const blocking: string[] = [];
  for (const r of references) if ((yield* r.count()) > 0) blocking.push(r.label);
  if (blocking.length > 0) throw new ReferencedError(label, before.id, blocking.join(', '));
  yield* run(db.delete(table).where(eq(table.id, before.id)));
  yield* recordAudit(db, actor, entityType, before.id, 'delete', before, null);
}

/** How many rows match (count(*) as an int on both engines). */
export function* countWhere(db: Db, table: SQLiteTable, where: SQL): Program<number> {
  const row = yield* first(db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(table).where(where));
  return row?.n ?? 0;
}
