import { Column, getTableColumns, getTableName, is, Param, Placeholder, sql, SQL, type Table } from 'drizzle-orm';
import type { Computed } from './program.js';

// Inserts and updates prepared once per table and shape of values, on either engine (SQLite's
// sqlite/prepared.ts, PostgreSQL's pg/run.ts): building a write's SQL with drizzle costs more
// than running it, and PostgreSQL plans a prepared statement once per connection.

type Row = Record<string, unknown>;

export interface Shape {
  key: string;
  template: Record<string, Placeholder | SQL | null>;
  params: Row;
}

/**
 * The shape of a set of column values for a prepared insert or update: undefined values are left
 * out (drizzle then writes the column's default, or leaves it unchanged), nulls are written as
 * literal nulls (through a placeholder drizzle would pass null to the column's encoder, storing
 * JSON "null" or boolean false), and every other value becomes a placeholder. `fixed` are SQL
 * expressions without parameters, part of the statement. Undefined when a value is itself an SQL
 * expression or a column, which cannot be a parameter.
 */
export function shapeOf(values: Row, fixed: Record<string, SQL> = {}): Shape | undefined {
  const template: Shape['template'] = {};
  const params: Row = {};
  let key = '';
  for (const name in values) {
    const value = values[name];
    if (value === undefined || name in fixed) continue;
    if (typeof value === 'object' && (is(value, SQL) || is(value, Column) || is(value, Placeholder) || is(value, Param))) return undefined;
    if (value === null) {
      template[name] = null;
      key += `${name}=null,`;
    } else {
      template[name] = sql.placeholder(name);
      params[name] = value;
      key += `${name},`;
    }
  }
  for (const name in fixed) {
    template[name] = fixed[name]!;
    key += `${name}=sql,`;
  }
  return { key, template, params };
}

const preparable = new WeakMap<Table, boolean>();

/**
 * Whether writes to the table can be prepared once: not when a column computes its default or
 * its on-update value in JavaScript (`$defaultFn`, `$onUpdateFn`), which drizzle evaluates while
 * building the statement — a prepared statement would repeat the first value forever.
 */
export function writesPreparable(table: Table): boolean {
  let ok = preparable.get(table);
  if (ok === undefined) {
    ok = Object.values(getTableColumns(table)).every((c) => c.defaultFn === undefined && c.onUpdateFn === undefined);
    preparable.set(table, ok);
  }
  return ok;
}

/**
 * How an insert that returns its row is built and prepared, the same on both engines (sqlite/
 * prepared.ts, pg/run.ts): `key`, the prepared statement's (undefined when these values cannot be
 * prepared), the values to build it with, the parameters to run it with (`computed`'s too), and
 * `onConflict`, which makes a builder insert nothing when the columns of the unique index
 * `unlessTaken` are another row's already.
 */
export function insertPlan(table: Table, values: Row, unlessTaken?: readonly Column[], computed?: Computed) {
  const shape = writesPreparable(table) ? shapeOf(values, computed?.values) : undefined;
  if (computed && shape === undefined) throw new Error(`an insert into ${getTableName(table)} with computed columns must be preparable`);
  const unless = unlessTaken ? `:unless-taken:${unlessTaken.map((c) => c.name).join(',')}` : '';
  return {
    key: shape && `${getTableName(table)}:insert-returning:${shape.key}${unless}`,
    values: shape?.template ?? values,
    params: shape && (computed ? { ...shape.params, ...computed.params } : shape.params),
    onConflict<B>(builder: B): B {
      // Either engine's insert builder, which has the method under the same name.
      return unlessTaken ? (builder as { onConflictDoNothing(config: { target: Column[] }): B }).onConflictDoNothing({ target: [...unlessTaken] }) : builder;
    },
  };
}
