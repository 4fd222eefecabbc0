import { sql, type SQL } from 'drizzle-orm';

// What both engines' schema files share: nothing here may name a dialect (drizzle-orm's
// sqlite-core or pg-core), so either schema, and any query, can import it.

/**
 * A list of the domain's values as SQL literals, `('open', 'in_progress')`: a partial index's
 * WHERE, and every query meant to use that index, must spell its values out, not bind them.
 */
export function sqlList(values: readonly string[]): SQL {
  return sql.raw(`(${values.map((value) => `'${value}'`).join(', ')})`);
}
