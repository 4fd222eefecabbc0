import type { Readable } from 'node:stream';
import type { Engine } from '../../db/engine.js';
import { pieceStream } from '../../db/piece-stream.js';
import { openPgRowCursor } from '../../db/pg/row-cursor.js';
import type { RowCursor } from '../../db/row-cursor.js';
import type { Db } from '../../db/sqlite/client.js';
import { openSqliteRowCursor } from '../../db/sqlite/row-cursor.js';
import { searchIndexPath } from '../../db/sqlite/search-index.js';
import { parseSort } from '../../db/keyset.js';
import type { Actor } from '../../domain/actor.js';
import { isOverdue, type OverdueSubject } from '../../domain/overdue.js';
import { listActionsStatements, searchRefusal, type ExportQuery } from '../actions/list-query.js';
import { exportColumns } from '../actions/query.js';
import type { SearchConnection } from '../actions/read-model.js';
import type { ListActionsQuery } from '../actions/schemas.js';
import { dayFor, type ActionDays, type JudgedOn } from '../actions/today.js';
import { EXPORT_COLUMNS } from './columns.js';
import { csvRecord, UTF8_BOM, type Cell } from './csv-writer.js';

// GET /v1/actions as CSV: every action the filters match, not one page, written a batch at a
// time as the client takes it. The rows come from one statement built as the list's own
// (actions/list-query.ts exportQuery), so the filters, the sort and the visibility are exactly
// the JSON list's, read through a cursor of the export's own (db/row-cursor.ts): one snapshot,
// only committed data, and the database sorts once, however many batches. A batch is read only
// once the client has taken the last, in a turn of the event loop of its own, so other requests
// are answered in between and memory holds one batch whatever the size of the export.
//
// (Paging along the list's keyset, a statement per batch, was quadratic in the rows for any sort
// an index does not give, the due date above all: 200,000 actions by -dueDate took 261 s.)
//
// What the statement selects for the export is its own (actions/query.ts exportColumns): only
// what the CSV writes, with the names, dates, item number and latest update joined in SQL, read
// as raw values and written straight out as CSV text. Reading whole API rows and looking the
// names up batch by batch was about half of an export's time.

/** Actions read per batch: a few hundred kilobytes of CSV. */
const BATCH = 500;
/** The longest an export may take to be read: its snapshot holds back the write-ahead log's checkpoints. */
export const EXPORT_MAX_MS = 5 * 60_000;

interface Deps {
  engine: Engine;
  days: ActionDays;
  search: SearchConnection;
}

export interface ExportRequest {
  actor: Actor;
  query: ListActionsQuery;
  bom: boolean;
}

/** Where each value the export reads is in its raw row (actions/query.ts exportColumns). */
function positions() {
  const keys = Object.keys(exportColumns());
  const at = (key: string) => keys.indexOf(key);
  return { overdue: at('overdue'), status: at('status'), dueDate: at('dueDate'), executiveResponse: at('executiveResponse'), responseDueOn: at('responseDueOn'), committeeId: at('committeeId') };
}

export function createSpreadsheetExport(db: Db, { engine, days, search }: Deps) {
  const statements = listActionsStatements(db);

  /** The statement's rows, from a snapshot of the export's own. */
  async function cursorFor(statement: ExportQuery): Promise<RowCursor> {
    if (engine.kind === 'postgres') return openPgRowCursor(engine.pool, statement);
    if (statement.fts === undefined) return openSqliteRowCursor(db, statement);
    // A search reads the index file beside the database once it holds every committed change.
    const searchDb = await search.ready();
    return searchDb.$client.memory ? openSqliteRowCursor(searchDb, statement) : openSqliteRowCursor(db, statement, { search: searchIndexPath(db.$client.name) });
  }

  return {
    /**
     * The export as a stream of UTF-8 bytes. The query is opened and the first batch read now, so
     * an unavailable search or a failing query throws before anything is sent.
     */
    async stream({ actor, query, bom }: ExportRequest): Promise<{ body: Readable; day: string }> {
      const asOf: JudgedOn = query.asOf ?? (await engine.run(query.committeeId ? days.of(query.committeeId) : days.now()));
      const sort = parseSort(query.sort);
      const statement = statements.exportQuery(actor, query, sort, asOf);
      let cursor: RowCursor;
      try {
        cursor = await cursorFor(statement);
      } catch (err) {
        throw searchRefusal(err, statement.fts);
      }
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        cursor.close();
      };
      // The stream is made once the first batch is read: a limit reached before then ends the read.
      const made: { stream?: Readable } = {};
      const deadline = setTimeout(() => (made.stream ? made.stream.destroy(new Error(`the export was not read within ${EXPORT_MAX_MS / 1000} s`)) : finish()), EXPORT_MAX_MS);
      deadline.unref();

      const AT = positions();
      const columns = EXPORT_COLUMNS.length;
      /** What `overdue` is judged from, refilled for each row. */
      const subject: { -readonly [K in keyof OverdueSubject]: OverdueSubject[K] } = { status: 'open', dueDate: null, executiveResponse: null, responseDueOn: null };

      /** A batch as CSV, or null after the last. */
      function written(rows: unknown[][]): string | null {
        if (rows.length === 0) {
          finish();
          return null;
        }
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

      /** The next batch as CSV, or null after the last. */
      function nextBatch(): string | null | Promise<string | null> {
        if (finished) return null;
        const rows = cursor.read(BATCH);
        return rows instanceof Promise ? rows.then(written) : written(rows as unknown[][]);
      }

      let pending: string | null;
      try {
        pending = (bom ? UTF8_BOM : '') + csvRecord(EXPORT_COLUMNS) + ((await nextBatch()) ?? '');
      } catch (err) {
        finish();
        throw searchRefusal(err, statement.fts);
      }
      // The header and first batch were made above (a bad query fails as the request's error);
      // then a batch a piece.
      const next = (): string | null | Promise<string | null> => {
        if (pending === null) return nextBatch();
        const first = pending;
        pending = null;
        return first;
      };
      const stream = pieceStream(next, finish, 64 * 1024);
      made.stream = stream;
      return { body: stream, day: dayFor(asOf, query.committeeId ?? 0) };
    },
  };
}

export type SpreadsheetExport = ReturnType<typeof createSpreadsheetExport>;
