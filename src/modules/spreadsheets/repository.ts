import type { Db } from '../../db/sqlite/client.js';
import { tx, type Program } from '../../db/program.js';
import type { Actor } from '../../domain/actor.js';
import { ConflictError } from '../../errors.js';
import type { ActionRepository } from '../actions/repository.js';
import type { CreateAction } from '../actions/schemas.js';
import type { Column } from './columns.js';
import { desiredOf, type ImportOptions } from './import-rows.js';
import { createRowWriter, rowErrorsOf, type RowError } from './import-writes.js';
import type { Sheet } from './parse.js';
import { createResolver } from './resolve.js';

// POST /v1/imports/actions: a tracker's rows written as actions (import-rows.ts reads a row,
// import-writes.ts writes it). The whole file is one transaction, and a file with any bad row
// writes nothing; the answer lists every bad row. A dry run does the same and always rolls back.
//
// The rows are first written straight into the one transaction. Should a row be refused only
// while it is written (a rule of the action repository, not a cell that cannot be read), what it
// half-wrote could change how the rows after it fare; so everything is rolled back and the file
// run again with each row in a savepoint of its own, undone alone when refused. Savepoints are
// kept to that second run: in the profile the savepoint of each row (and those of the action
// repository's writes inside it) took more time than the rows' own statements. For the same
// reason, on SQLite the route runs the import as a transaction of its own rather than a savepoint
// of a group commit (`ownTransaction`, http/database.ts; db/sqlite/group-commit.ts says why). It
// takes the write lock before it reads (`immediate`), so that another process's write cannot come
// between its reads and its writes.
//
// Programs (db/program.ts). On PostgreSQL a statement that fails aborts its transaction: in the
// first run a row's failure ends the run at once (nothing more is asked of that transaction), and
// in the second each row is its own tx() (a savepoint) with the catch outside it, so a refused
// row's failed statement is rolled back with it and the rows after it carry on.

export type { ImportOptions } from './import-rows.js';
export type { RowError } from './import-writes.js';

export const IMPORT_RESULTS = ['created', 'updated', 'unchanged', 'error'] as const;

export interface RowResult {
  row: number;
  result: (typeof IMPORT_RESULTS)[number];
  reference: string | null;
  /** The action created or updated (for a dry run, what its id would have been). */
  id?: number;
  /** The columns an update changes. */
  changed?: string[];
  errors?: RowError[];
}

class RollBack extends Error {}
/** A row refused while written, in the first run: run again row by row. */
class RowFailedWhileWritten extends Error {}

export function createSpreadsheetImport(db: Db, { actions }: { actions: ActionRepository }) {
  const writer = createRowWriter(db, actions);

  /** One pass over the sheet in one transaction, each row in a savepoint when `savepoints`; rolled back unless kept. */
  function* pass(actor: Actor, sheet: Sheet, options: ImportOptions, savepoints: boolean): Program<{ results: RowResult[]; written: boolean }> {
    const defaultKind: CreateAction['kind'] = sheet.headingOf.title && /^recommendation$/i.test(sheet.headingOf.title.trim()) ? 'recommendation' : 'task';
    const heading = (column: string) => sheet.headingOf[column as Column] ?? column;
    const results: RowResult[] = [];
    try {
      yield* tx(function* () {
        const resolve = yield* createResolver(db, actor);
        const seen = new Map<string, number>();
        for (const row of sheet.rows) {
          const errors: RowError[] = [];
          const error = (column: string, reason: string) => errors.push({ column: heading(column), reason });
          const desired = yield* desiredOf(sheet, row, resolve, options, error);
          const reference = desired?.reference ?? null;
          if (desired?.reference !== undefined) {
            const key = `${desired.committee.id}|${desired.reference}`;
            const first = seen.get(key);
            if (first !== undefined) error('reference', `"${desired.reference}" is also on row ${first}: a reference names one action of a committee`);
            else seen.set(key, row.row);
          }
          if (!desired || errors.length > 0) {
            results.push({ row: row.row, result: 'error', reference, errors });
            continue;
          }
          const write = function* (): Program<RowResult> {
            const holder = desired.reference === undefined ? undefined : yield* resolve.holder(desired.committee.id, desired.reference);
            if (holder === undefined) {
              const made = yield* writer.create(actor, desired, defaultKind);
              return { row: row.row, result: 'created', reference: made.reference, id: made.id };
            }
            try {
              yield* actions.assertVisible(actor, holder);
            } catch {
              // Not which action holds it: that one is business this key may not read.
              throw new ConflictError(`Reference "${desired.reference}" is already used by another action of ${desired.committee.name}`);
            }
            const changed = yield* writer.update(actor, holder, desired, resolve);
            return changed.length === 0
              ? { row: row.row, result: 'unchanged', reference, id: holder }
              : { row: row.row, result: 'updated', reference, id: holder, changed: changed.map(heading) };
          };
          try {
            results.push(savepoints ? yield* tx(write) : yield* write());
          } catch (err) {
            const rowErrors = rowErrorsOf(err);
            if (!savepoints) throw new RowFailedWhileWritten();
            results.push({ row: row.row, result: 'error', reference, errors: rowErrors.map((e) => ({ column: heading(e.column), reason: e.reason })) });
          }
        }
        if (options.dryRun || results.some((r) => r.result === 'error')) throw new RollBack();
      }, { immediate: true });
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
      return { results, written: false };
    }
    return { results, written: true };
  }

  return {
    /**
     * Imports the sheet's rows: every row's result, and whether anything was kept (not for a dry
     * run, nor when any row is refused). Errors name the file's own headings (or `?committeeId`).
     */
    *run(actor: Actor, sheet: Sheet, options: ImportOptions): Program<{ results: RowResult[]; written: boolean }> {
      try {
        return yield* pass(actor, sheet, options, false);
      } catch (err) {
        if (!(err instanceof RowFailedWhileWritten)) throw err;
        return yield* pass(actor, sheet, options, true);
      }
    },
  };
}

export type SpreadsheetImport = ReturnType<typeof createSpreadsheetImport>;
