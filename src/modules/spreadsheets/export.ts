import { sql } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import { pieceStream } from '../../db/piece-stream.js';
import { openDatabase, type Db } from '../../db/sqlite/client.js';
import { encodeCursor, parseSort } from '../../db/keyset.js';
import { preparedQuery } from '../../db/sqlite/prepared.js';
import { runSqlite } from '../../db/sqlite/run.js';
import { actionUpdates, agendaItems, committees, meetings, people } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import { isOverdue } from '../../domain/overdue.js';
import { listActionsStatements } from '../actions/list-query.js';
import type { ActionRow } from '../actions/query.js';
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
// From a database file the export reads through a read-only connection of its own in one read
// transaction, as the whole overdue report does (jobs/report-stream.ts): one snapshot for every
// batch, and only committed data. A search (`q`) reads on the search index's connection, and an
// in-memory database (tests) on its one connection.

/** Actions read per batch: a few hundred kilobytes of CSV. */
const BATCH = 500;
/** The longest an export may take to be read: its snapshot holds back the write-ahead log's checkpoints. */
export const EXPORT_MAX_MS = 5 * 60_000;

interface Deps {
  days: ActionDays;
  search: SearchConnection;
}

export interface ExportRequest {
  actor: Actor;
  query: ListActionsQuery;
  bom: boolean;
}

const idsParam = () => sql`(SELECT value FROM json_each(${sql.placeholder('ids')}))`;

/** What a row names by id, read once per export for each id (committees, meetings, people) or per batch. */
function lookups(db: Db) {
  const named = <T>(key: string, build: () => { values(p: { ids: string }): unknown[][] }) => (ids: number[]) =>
    ids.length === 0 ? [] : (preparedQuery(db, key, build).values({ ids: JSON.stringify(ids) }) as T[]);
  return {
    committees: named<[number, string]>('spreadsheets:committee-names', () =>
      db.select({ id: committees.id, name: committees.name }).from(committees).where(sql`${committees.id} IN ${idsParam()}`).prepare()),
    meetingDates: named<[number, string]>('spreadsheets:meeting-dates', () =>
      db.select({ id: meetings.id, localDate: meetings.localDate }).from(meetings).where(sql`${meetings.id} IN ${idsParam()}`).prepare()),
    itemNumbers: named<[number, string | null]>('spreadsheets:item-numbers', () =>
      db.select({ id: agendaItems.id, number: agendaItems.number }).from(agendaItems).where(sql`${agendaItems.id} IN ${idsParam()}`).prepare()),
    personNames: named<[number, string]>('spreadsheets:person-names', () =>
      db.select({ id: people.id, name: people.name }).from(people).where(sql`${people.id} IN ${idsParam()}`).prepare()),
    // The newest progress update of each action: one range of the (action_id, id) index each.
    latestUpdates: named<[number, string]>('spreadsheets:latest-updates', () =>
      db
        .select({ actionId: actionUpdates.actionId, text: actionUpdates.text })
        .from(actionUpdates)
        .where(sql`${actionUpdates.id} IN (SELECT max(${actionUpdates.id}) FROM ${actionUpdates} WHERE ${actionUpdates.actionId} IN ${idsParam()} GROUP BY ${actionUpdates.actionId})`)
        .prepare()),
  };
}

/** Remembers names across batches: a committee's meetings and people recur on every page. */
function cached<V>(load: (ids: number[]) => [number, V][]) {
  const known = new Map<number, V>();
  return {
    fill(ids: Iterable<number | null>) {
      const missing = [...new Set([...ids].filter((id): id is number => id !== null && !known.has(id)))];
      for (const [id, value] of load(missing)) known.set(id, value);
    },
    get: (id: number | null): V | undefined => (id === null ? undefined : known.get(id)),
  };
}

/** The CSV record of one action, in EXPORT_COLUMNS order. */
type Renderer = (row: ActionRow, day: string) => Cell[];

export function createSpreadsheetExport(db: Db, { days, search }: Deps) {
  /** The connection to read on, and what to do when done with it. */
  async function connectionFor(query: ListActionsQuery): Promise<{ on: Db; done: () => void }> {
    if (query.q) return { on: await search.ready(), done: () => {} };
    if (db.$client.memory) return { on: db, done: () => {} };
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
      const asOf: JudgedOn = query.asOf ?? (query.committeeId ? days.of(query.committeeId) : days.now());
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
      const names = lookups(on);
      const committeeNames = cached(names.committees);
      const meetingDates = cached(names.meetingDates);
      const personNames = cached(names.personNames);
      // The list's own filters, without its page: every matching action, batch after batch.
      let batchQuery: ListActionsQuery = { ...query, cursor: undefined, limit: undefined };

      const render: Renderer = (row, day) => [
        row.reference ?? '',
        committeeNames.get(row.committeeId) ?? '',
        meetingDates.get(row.meetingId) ?? '',
        null, // item, per batch
        row.kind,
        row.title,
        row.detail,
        row.ownerId !== null ? (personNames.get(row.ownerId) ?? row.ownerText) : row.ownerText,
        row.dueRule,
        row.dueDate,
        row.dueRule === 'meeting' || row.dueRule === 'next_meeting' ? (meetingDates.get(row.dueMeetingId) ?? '') : '',
        row.dueQuarter,
        row.status,
        row.rag,
        row.response,
        row.respondedOn,
        null, // latest update, per batch
        isOverdue(row, day),
        row.timesFlagged,
        row.visibility,
      ];
      const ITEM = EXPORT_COLUMNS.indexOf('item');
      const LATEST = EXPORT_COLUMNS.indexOf('latest_update');

      /** The next batch as CSV, or null after the last. */
      function nextBatch(): string | null {
        if (finished) return null;
        const rows = runSqlite(on, statements.rows(actor, batchQuery, sort, asOf, BATCH));
        if (rows.length === 0) {
          finish();
          return null;
        }
        const last = rows[rows.length - 1]!;
        const lastValue = sort.field === 'dueDate' ? (last.dueDate ?? '') : (last[sort.field as keyof ActionRow] as string | number);
        batchQuery = { ...batchQuery, cursor: encodeCursor(sort, lastValue, last.id) };
        committeeNames.fill(rows.map((r) => r.committeeId));
        meetingDates.fill(rows.flatMap((r) => [r.meetingId, r.dueMeetingId]));
        personNames.fill(rows.map((r) => r.ownerId));
        const items = new Map(names.itemNumbers(rows.flatMap((r) => (r.itemId === null ? [] : [r.itemId]))));
        const updates = new Map(names.latestUpdates(rows.map((r) => r.id)));
        let text = '';
        for (const row of rows) {
          const cells = render(row, dayFor(asOf, row.committeeId));
          cells[ITEM] = row.itemId === null ? '' : (items.get(row.itemId) ?? '');
          cells[LATEST] = updates.get(row.id) ?? '';
          text += csvRecord(cells);
        }
        if (rows.length < BATCH) finish();
        return text;
      }

      let pending: string | null;
      try {
        pending = (bom ? UTF8_BOM : '') + csvRecord(EXPORT_COLUMNS) + (nextBatch() ?? '');
      } catch (err) {
        finish();
        throw err;
      }
      // The header and first batch were made above (a bad query fails as the request's error);
      // then a batch a piece.
      const next = (): string | null => {
        if (pending === null) return nextBatch();
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
