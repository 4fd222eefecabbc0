import { sql } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import { pieceStream } from '../../db/piece-stream.js';
import { openDatabase, type Db } from '../../db/sqlite/client.js';
import { encodeCursor, parseSort } from '../../db/keyset.js';
import { all, type Program, type ProgramRunner } from '../../db/program.js';
import { actionUpdates, agendaItems, committees, dialect, meetings, people } from '../../db/tables.js';
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

/** What a row names by id, read once per export for each id (committees, meetings, people) or per batch: prepared once per connection. */
const lookupsOf = new WeakMap<Db, ReturnType<typeof buildLookups>>();
function lookups(db: Db) {
  let found = lookupsOf.get(db);
  if (!found) lookupsOf.set(db, (found = buildLookups(db)));
  return found;
}

function buildLookups(db: Db) {
  const ids = sql.placeholder('ids');
  /** Each id's value, as [id, value] pairs. */
  const named = <V>(query: object) => function* (list: number[]): Program<[number, V][]> {
    if (list.length === 0) return [];
    const rows = (yield* all(query, { ids: dialect.idList(list) })) as { id: number; value: V }[];
    return rows.map((r) => [r.id, r.value]);
  };
  return {
    committees: named<string>(db.select({ id: committees.id, value: committees.name }).from(committees).where(dialect.idIn(committees.id, ids)).prepare()),
    meetingDates: named<string>(db.select({ id: meetings.id, value: meetings.localDate }).from(meetings).where(dialect.idIn(meetings.id, ids)).prepare()),
    itemNumbers: named<string | null>(db.select({ id: agendaItems.id, value: agendaItems.number }).from(agendaItems).where(dialect.idIn(agendaItems.id, ids)).prepare()),
    personNames: named<string>(db.select({ id: people.id, value: people.name }).from(people).where(dialect.idIn(people.id, ids)).prepare()),
    // The newest progress update of each action: one range of the (action_id, id) index each.
    latestUpdates: named<string>(db
      .select({ id: actionUpdates.actionId, value: actionUpdates.text })
      .from(actionUpdates)
      .where(sql`${actionUpdates.id} IN (SELECT max(${actionUpdates.id}) FROM ${actionUpdates} WHERE ${dialect.idIn(actionUpdates.actionId, ids)} GROUP BY ${actionUpdates.actionId})`)
      .prepare()),
  };
}

/** Remembers names across batches: a committee's meetings and people recur on every page. */
function cached<V>(load: (ids: number[]) => Program<[number, V][]>) {
  const known = new Map<number, V>();
  return {
    *fill(ids: Iterable<number | null>): Program<void> {
      const missing = [...new Set([...ids].filter((id): id is number => id !== null && !known.has(id)))];
      for (const [id, value] of yield* load(missing)) known.set(id, value);
    },
    get: (id: number | null): V | undefined => (id === null ? undefined : known.get(id)),
  };
}

/** The CSV record of one action, in EXPORT_COLUMNS order. */
type Renderer = (row: ActionRow, day: string) => Cell[];

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
      function* nextBatch(): Program<string | null> {
        if (finished) return null;
        const rows = yield* statements.rows(actor, batchQuery, sort, asOf, BATCH);
        if (rows.length === 0) {
          finish();
          return null;
        }
        const last = rows[rows.length - 1]!;
        const lastValue = sort.field === 'dueDate' ? (last.dueDate ?? '') : (last[sort.field as keyof ActionRow] as string | number);
        batchQuery = { ...batchQuery, cursor: encodeCursor(sort, lastValue, last.id) };
        yield* committeeNames.fill(rows.map((r) => r.committeeId));
        yield* meetingDates.fill(rows.flatMap((r) => [r.meetingId, r.dueMeetingId]));
        yield* personNames.fill(rows.map((r) => r.ownerId));
        const items = new Map(yield* names.itemNumbers(rows.flatMap((r) => (r.itemId === null ? [] : [r.itemId]))));
        const updates = new Map(yield* names.latestUpdates(rows.map((r) => r.id)));
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
