import { Column, eq, getTableColumns, getTableName, is, sql, SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.js';
import { clientOf } from './connection.js';
import { decoderOfSql, type Decoder } from './drizzle-internals.js';
import type { Computed } from '../program.js';
import { insertPlan, shapeOf, writesPreparable } from '../write-shapes.js';

// Hot-path helpers over drizzle. Building a query's SQL and mapping its rows through drizzle's
// generic per-field checks cost several times what SQLite spends running a small query, so the
// write path and the action reads build each query shape once, with placeholders, and decode
// raw rows directly. test/db/prepared.test.ts holds them to drizzle's own results.

type Connection = Db | Parameters<Parameters<Db['transaction']>[0]>[0];
type Row = Record<string, unknown>;

/**
 * The query `build` makes, prepared once per database connection and `key`. A transaction shares
 * its database's connection, so a query prepared in one transaction serves every later one, and
 * `db` and `tx` share one cache (connection.ts).
 */
export function preparedQuery<T>(db: Connection, key: string, build: () => T): T {
  return clientOf(db).shape(key, build);
}

/**
 * Inserts a row and returns it exactly as `db.insert(table).values(values).returning().get()` does.
 * With `unlessTaken` (the columns of a unique index), a row those columns' values are taken by
 * already is not inserted (ON CONFLICT DO NOTHING): undefined.
 */
export function insertReturning<T extends SQLiteTable>(db: Connection, table: T, values: T['$inferInsert']): T['$inferSelect'];
export function insertReturning<T extends SQLiteTable>(
  db: Connection, table: T, values: T['$inferInsert'], unlessTaken?: readonly SQLiteColumn[], computed?: Computed,
): T['$inferSelect'] | undefined;
export function insertReturning<T extends SQLiteTable>(
  db: Connection, table: T, values: T['$inferInsert'], unlessTaken?: readonly SQLiteColumn[], computed?: Computed,
): T['$inferSelect'] | undefined {
  const plan = insertPlan(table, values as Row, unlessTaken, computed);
  const insert = () => plan.onConflict(db.insert(table).values(plan.values as never));
  if (plan.key === undefined) return insert().returning().get() as T['$inferSelect'] | undefined;
  const query = preparedQuery(db, plan.key, () => insert().returning().prepare());
  const [row] = query.values(plan.params) as unknown[][];
  return row === undefined ? undefined : tableRowMapper(table)(row);
}

/** Inserts a row, as `db.insert(table).values(values).run()` does. */
export function insertRow<T extends SQLiteTable>(db: Connection, table: T, values: T['$inferInsert']): void {
  const shape = writesPreparable(table) ? shapeOf(values as Row) : undefined;
  if (shape === undefined) {
    db.insert(table).values(values).run();
    return;
  }
  preparedQuery(db, `${getTableName(table)}:insert:${shape.key}`, () => db.insert(table).values(shape.template as never).prepare()).run(shape.params);
}

/**
 * Updates the row with this id and returns it, as `db.update(table).set({ ...values, ...fixed })
 * .where(eq(table.id, id)).returning().get()` does; undefined when there is no such row.
 */
export function updateReturning<T extends SQLiteTable & { id: SQLiteColumn }>(
  db: Connection,
  table: T,
  id: number,
  values: Partial<T['$inferInsert']>,
  fixed: Record<string, SQL> = {},
): T['$inferSelect'] | undefined {
  const shape = writesPreparable(table) ? shapeOf(values as Row, fixed) : undefined;
  if (shape === undefined || 'rowId' in shape.params) {
    return db.update(table).set({ ...values, ...fixed } as never).where(eq(table.id, id)).returning().get() as T['$inferSelect'] | undefined;
  }
  const query = preparedQuery(db, `${getTableName(table)}:update-returning:${shape.key}`, () =>
    db.update(table).set(shape.template as never).where(eq(table.id, sql.placeholder('rowId'))).returning().prepare(),
  );
  const [raw] = query.values({ ...shape.params, rowId: id }) as unknown[][];
  return raw === undefined ? undefined : tableRowMapper(table)(raw);
}

/** The decoder drizzle's own row mapping uses for a selected field. */
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return decoderOfSql(field);
  if (is(field, SQL.Aliased)) return decoderOfSql(field.sql);
  throw new TypeError('rowMapper maps flat selections of columns and sql`` expressions only');
}

/**
 * Decodes raw rows (`.values()`) of a flat selection exactly as drizzle's own mapping does —
 * null stays null, anything else goes through the column's (or sql`` expression's) decoder —
 * without its per-field type checks.
 */
export function rowMapper<R>(fields: Record<string, unknown>): (values: unknown[]) => R {
  const keys = Object.keys(fields);
  const decoders = Object.values(fields).map(decoderOf);
  return (values) => {
    const row: Row = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      row[keys[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value);
    }
    return row as R;
  };
}

const tableMappers = new WeakMap<SQLiteTable, (values: unknown[]) => unknown>();

/** rowMapper for a whole table row (`select()` or `returning()` without arguments). */
export function tableRowMapper<T extends SQLiteTable>(table: T): (values: unknown[]) => T['$inferSelect'] {
  let mapper = tableMappers.get(table);
  if (mapper === undefined) tableMappers.set(table, (mapper = rowMapper(getTableColumns(table))));
  return mapper as (values: unknown[]) => T['$inferSelect'];
}

/** The row with this id, read by a prepared statement and decoded as `select().from(table)` would. */
export function rowById<T extends SQLiteTable & { id: SQLiteColumn }>(db: Connection, table: T, id: number): T['$inferSelect'] | undefined {
  const query = preparedQuery(db, `${getTableName(table)}:by-id`, () =>
    db.select().from(table as SQLiteTable).where(eq(table.id, sql.placeholder('id'))).prepare(),
  );
  const [values] = query.values({ id }) as unknown[][];
  return values === undefined ? undefined : tableRowMapper(table)(values);
}
