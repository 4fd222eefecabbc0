import type { Readable } from 'node:stream';
import { pieceStream } from '../../db/piece-stream.js';
import { openDatabase, type Db } from '../../db/sqlite/client.js';
import { parseSort } from '../../db/keyset.js';
import type { Program, ProgramRunner } from '../../db/program.js';
import type { Actor } from '../../domain/actor.js';
import { isOverdue, type OverdueSubject } from '../../domain/overdue.js';
import { listActionsStatements, type After } from '../actions/list-query.js';
import { exportColumns } from '../actions/query.js';
import type { SearchConnection } from '../actions/read-model.js';
import type { ListActionsQuery } from '../actions/schemas.js';
import { dayFor, type ActionDays, type JudgedOn } from '../actions/today.js';
import { EXPORT_COLUMNS } from './columns.js';
import { csvRecord, UTF8_BOM, type Cell } from './csv-writer.js';

// GET /v1/actions as CSV: every action the filters match, not one page, written a batch at a
// time as the client takes it. The rows come from the list's own prepared statements
// (actions/list-query.ts), page after page along the list's keyset, so the filters, the sort
// and the visibility are exactly the JSON list's; a batch is read only once the client has taken
// the last, in a turn of the event loop of its own, so other requests are answered in between
// and memory holds one batch whatever the size of the export.
//
// What the statements select for the export is its own (actions/query.ts exportColumns): only
// what the CSV writes, with the names, dates, item number and latest update joined in SQL, read
// as raw values and written straight out as CSV text. Reading whole API rows and looking the
// names up batch by batch was about half of an export's time.
//
// From a database file the export reads through a read-only connection of its own in one read
// transaction, as the whole overdue report does (jobs/report-stream.ts): one snapshot for every
// batch, and only committed data. A search (`q`) reads on the search index's connection, and an
// in-memory database (tests) on its one connection.
//
// Each batch is a program (db/program.ts) run on the engine, its queries built from the
// connection read on; the stream asks for the next only once the last has left. On PostgreSQL the
// batches read on the pool for now, each seeing what is committed when it runs (the keyset still
// gives every action once); one snapshot for the whole export is to be a REPEATABLE READ READ ONLY
// transaction on a client of its own, as for the report (docs/postgres-plan.md §3.5.6).

/** Actions read per batch: a few hundred kilobytes of CSV. */
const BATCH = 500;
/** The longest an export may take to be read: its snapshot holds back the write-ahead log's checkpoints. */
export const EXPORT_MAX_MS = 5 * 60_000;

interface Deps {
  /** What runs each batch's program, and which engine it is. */
  engine: ProgramRunner & { kind: 'sqlite' | 'postgres' };
  days: ActionDays;
  search: SearchConnection;
}

export interface ExportRequest {
  actor: Actor;
  query: ListActionsQuery;
  bom: boolean;
}

/** Where each value the export reads is in its raw row (actions/query.ts exportColumns, then the sort value). */
function positions() {
  const keys = Object.keys(exportColumns());
  const at = (key: string) => keys.indexOf(key);
  return { overdue: at('overdue'), status: at('status'), dueDate: at('dueDate'), executiveResponse: at('executiveResponse'), responseDueOn: at('responseDueOn'), committeeId: at('committeeId'), id: at('id'), sortValue: keys.length };
}

export function createSpreadsheetExport(db: Db, { engine, days, search }: Deps) {
  /** The connection to read on, and what to do when done with it. */
  async function connectionFor(query: ListActionsQuery): Promise<{ on: Db; done: () => void }> {
    if (query.q) return { on: await search.ready(), done: () => {} };
    if (engine.kind !== 'sqlite' || db.$client.memory) return { on: db, done: () => {} };
    const snapshot = openDatabase({ path: db.$client.name, readonly: true, migrate: false });
    try {
      snapshot.$client.exec('BEGIN');
    } catch (err) {
      snapshot.$client.close();
      throw err;
    }
    return {
      on: snapshot,
      done: () => {
        if (snapshot.$client.inTransaction) snapshot.$client.exec('COMMIT');
        snapshot.$client.close();
      },
    };
  }

  return {
    /**
     * The export as a stream of UTF-8 bytes. The query is checked and the first batch read now,
     * so a bad cursor or an unavailable search throws before anything is sent.
     */
    async stream({ actor, query, bom }: ExportRequest): Promise<{ body: Readable; day: string }> {
      const asOf: JudgedOn = query.asOf ?? (await engine.run(query.committeeId ? days.of(query.committeeId) : days.now()));
      const sort = parseSort(query.sort);
      const { on, done } = await connectionFor(query);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        done();
      };
      const deadline = setTimeout(() => stream.destroy(new Error(`the export was not read within ${EXPORT_MAX_MS / 1000} s`)), EXPORT_MAX_MS);
      deadline.unref();

      const statements = listActionsStatements(on);
      const AT = positions();
      // The list's own filters, without its page: every matching action, batch after batch.
      const filters: ListActionsQuery = { ...query, cursor: undefined, limit: undefined };
      let after: After | undefined;
      const columns = EXPORT_COLUMNS.length;
      /** What `overdue` is judged from, refilled for each row. */
      const subject: { -readonly [K in keyof OverdueSubject]: OverdueSubject[K] } = { status: 'open', dueDate: null, executiveResponse: null, responseDueOn: null };

      /** The next batch as CSV, or null after the last. */
      function* nextBatch(): Program<string | null> {
        if (finished) return null;
        const rows = yield* statements.exportRows(actor, filters, sort, asOf, BATCH, after);
        if (rows.length === 0) {
          finish();
          return null;
        }
        const last = rows[rows.length - 1]!;
        after = { v: last[AT.sortValue] as string | number | null, i: last[AT.id] as number };
        let text = '';
        for (const row of rows) {
          subject.status = row[AT.status] as OverdueSubject['status'];
          subject.dueDate = row[AT.dueDate] as string | null;
          subject.executiveResponse = row[AT.executiveResponse] as OverdueSubject['executiveResponse'];
          subject.responseDueOn = row[AT.responseDueOn] as string | null;
          row[AT.overdue] = isOverdue(subject, dayFor(asOf, row[AT.committeeId] as number));
          text += csvRecord(row as Cell[], columns);
        }
        if (rows.length < BATCH) finish();
        return text;
      }

      let pending: string | null;
      try {
        pending = (bom ? UTF8_BOM : '') + csvRecord(EXPORT_COLUMNS) + ((await engine.run(nextBatch())) ?? '');
      } catch (err) {
        finish();
        throw err;
      }
      // The header and first batch were made above (a bad query fails as the request's error);
      // then a batch a piece.
      const next = (): string | null | Promise<string | null> => {
        if (pending === null) return engine.run(nextBatch());
        const first = pending;
        pending = null;
        return first;
      };
      const stream = pieceStream(next, finish, 64 * 1024);
      return { body: stream, day: dayFor(asOf, query.committeeId ?? 0) };
    },
  };
}

export type SpreadsheetExport = ReturnType<typeof createSpreadsheetExport>;
