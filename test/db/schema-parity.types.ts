import type { InferInsertModel, InferSelectModel, Table } from 'drizzle-orm';
import type * as P from '../../src/db/pg/schema.js';
import type * as S from '../../src/db/sqlite/schema.js';

// Checked by tsc (npm test's typecheck), not run: the rows each engine's tables select and
// insert have the same TypeScript types, so repositories typed against the SQLite tables can be
// given the PostgreSQL ones (docs/postgres-plan.md §3.3). A column added to one schema file only,
// or typed differently, fails the typecheck here, naming the table. The runtime twin of this
// check is schema-parity.test.ts.

/** Exactly the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type Tables<M> = { [K in keyof M as M[K] extends Table ? K : never]: M[K] };
type SqliteTables = Tables<typeof S>;
type PgTables = Tables<typeof P>;

/** SQLite's search file bookkeeping, which PostgreSQL does without (schema-parity.test.ts). */
type SqliteOnly = 'searchQueue' | 'searchState';
type Shared = Exclude<keyof SqliteTables, SqliteOnly>;

type Same<Infer extends 'select' | 'insert'> = {
  [K in Shared]: K extends keyof PgTables
    ? SqliteTables[K] extends Table
      ? PgTables[K] extends Table
        ? Infer extends 'select'
          ? Equal<InferSelectModel<SqliteTables[K]>, InferSelectModel<PgTables[K]>>
          : Equal<InferInsertModel<SqliteTables[K]>, InferInsertModel<PgTables[K]>>
        : 'not a table on PostgreSQL'
      : never
    : 'missing from src/db/pg/schema.ts';
};
type AllTrue = { [K in Shared]: true };

export const selectModelsAgree: AllTrue = null as unknown as Same<'select'>;
export const insertModelsAgree: AllTrue = null as unknown as Same<'insert'>;
/** No table on PostgreSQL that SQLite lacks. */
export const noPgOnlyTable: [Exclude<keyof PgTables, keyof SqliteTables>] extends [never] ? true : false = true;

// Equal can fail: each of these would compile if it could not.
// @ts-expect-error a column nullable on one side only
export const nullability: true = null as unknown as Equal<{ a: string }, { a: string | null }>;
// @ts-expect-error a column optional on insert on one side only
export const optionality: true = null as unknown as Equal<{ a?: number }, { a: number }>;
// @ts-expect-error another vocabulary
export const vocabulary: true = null as unknown as Equal<{ a: 'x' | 'y' }, { a: 'x' }>;
