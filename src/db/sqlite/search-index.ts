import Database from 'better-sqlite3';

// The full-text index of actions (title, detail, response) for GET /v1/actions?q=. It lives in a
// file of its own beside the database (`<database>-search`), not in the database, so that writing
// it is never part of a write's transaction: FTS5 writes and merges its segments when it commits,
// and inside the group commit that was the largest of the stalls behind the writes' p99.
//
// How it stays in step. Triggers on actions append each changed action's id to search_queue, in
// the write's own transaction (migration 0009). An indexer reads the queue in order and, in one
// transaction on the index file, replaces each queued action's entry with its current text (or
// removes it, if the action is gone) and records the last sequence number it has read. So the
// index is always the actions as of some committed point, and a search waits until that point is
// past every change committed before it was asked (db/sqlite/search.ts).
//
// Who indexes: on the server, a worker thread (search-worker.ts); elsewhere whoever searches,
// just before searching. The server deletes queue rows the index has read (see IndexWriterOptions
// for what a power loss does to that).
//
// Which data an index belongs to. search_state in the database holds a random generation; the
// index records the generation it was built from. A different generation (a restored backup:
// db:backup gives the copy a new one), a queue that has moved on past rows the index never read,
// or an index ahead of the queue means the index belongs to other data: it is emptied and built
// again from the actions, a batch per transaction, then the queue is read from where the rebuild
// began.

const TOKENIZER = 'porter unicode61 remove_diacritics 2';

/** The search index file of the database at `databasePath`. */
export function searchIndexPath(databasePath: string): string {
  return `${databasePath}-search`;
}

/**
 * The layout of the index's tables. An index file of another layout is emptied and built again
 * (its user_version says which it has).
 */
const INDEX_FORMAT = 2;

/**
 * The index's tables in `schema` (on the connection), made if missing or of another layout.
 * Contentless: the text is kept once, in actions; `contentless_delete` lets an entry be removed
 * by its rowid alone. `detail=none`: no positions, only which actions hold each term. A search
 * is each word as a prefix term, ANDed (list-query.ts): it needs no phrases, no NEAR and no
 * column filters, and without positions the index is a fraction of the size and the worker's
 * writes and merges a fraction of the work.
 */
export function createSearchSchema(sqlite: Database.Database, schema: string): void {
  // Writes nothing when the layout is already this one: the server's search connection opens
  // the file this way too, and must not wait for the worker's lock.
  const current = () => sqlite.pragma(`${schema}.user_version`, { simple: true }) === INDEX_FORMAT;
  if (current()) return;
  sqlite.transaction(() => {
    if (current()) return; // made meanwhile by another connection
    sqlite.exec(`
    DROP TABLE IF EXISTS ${schema}.actions_fts;
    DROP TABLE IF EXISTS ${schema}.search_indexed;
    CREATE VIRTUAL TABLE ${schema}.actions_fts USING fts5(
      title, detail, response, content='', contentless_delete=1, detail=none, tokenize='${TOKENIZER}');
    CREATE TABLE ${schema}.search_indexed (
      generation TEXT NOT NULL,
      -- the last queue row read
      seq INTEGER NOT NULL,
      -- while rebuilding: the last action id indexed so far; NULL once built
      rebuilt_to INTEGER
    );
    PRAGMA ${schema}.user_version = ${INDEX_FORMAT};`);
  }).immediate();
}

export interface IndexWriterOptions {
  /**
   * NORMAL unless said: a batch is not synced when it commits, only when the index's log is
   * checkpointed. A power loss can then take the index back to an earlier batch than the server
   * knew of, after the server has deleted the queue rows between; the index then no longer
   * belongs (rows it never read are gone) and is built afresh. Syncing every batch instead made
   * a third stream of syncs beside the server's log and the checkpoint's.
   */
  synchronous?: 'NORMAL' | 'OFF';
}

/**
 * A connection to the index file (created if missing) with the database attached as `source`,
 * for an indexer. Its transactions must stay deferred: the database is attached read-write, and
 * only a transaction that writes to it would take its write lock.
 */
export function openIndexWriter(databasePath: string, options: IndexWriterOptions = {}): Database.Database {
  const sqlite = new Database(searchIndexPath(databasePath));
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    sqlite.pragma('busy_timeout = 5000');
    createSearchSchema(sqlite, 'main');
    sqlite.prepare('ATTACH ? AS source').run(databasePath);
    // Small page caches: each attached database gets better-sqlite3's default of 16 MB of its own,
    // and the database's pages are only read here, a batch at a time.
    sqlite.pragma('main.cache_size = -4000');
    sqlite.pragma('source.cache_size = -1000');
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return sqlite;
}

/**
 * The last sequence number the queue in `schema` has given (0: none). AUTOINCREMENT keeps it in
 * sqlite_sequence, also once every row has been deleted.
 */
export function queueHeadSql(schema: string): string {
  return `SELECT coalesce((SELECT seq FROM ${schema}.sqlite_sequence WHERE name = 'search_queue'), 0)`;
}

export interface IndexProgress {
  /** The last queue row the index has read (committed, if the step's transaction was outermost). */
  seq: number;
  /** False while rebuilding or while the queue holds more than this step read. */
  caughtUp: boolean;
}

interface State {
  generation: string;
  seq: number;
  rebuilt_to: number | null;
}

type Row = [id: number, title: string, detail: string | null, response: string | null];

/** What one step will do, read from the database before any of it is written to the index. */
type Plan =
  | { kind: 'none'; state: State }
  | { kind: 'rebuild'; state: State; restart: boolean; rows: Row[]; last: number | null; done: boolean; head: number }
  | { kind: 'queue'; state: State; ids: number[]; rows: Row[]; to: number; head: number };

/**
 * Brings the index in schema `index` up to date with the actions and queue in schema `source`,
 * on one connection, a batch per step.
 *
 * Each step reads from the database in one short transaction, then writes the index in another.
 * Read and written in one, the step's read snapshot would be held while FTS5 writes, merges and
 * syncs, and no checkpoint can copy the log past a snapshot still being read: under a steady
 * stream of writes the log then grew by thousands of frames, and the server had to copy them
 * itself (checkpointer.ts) in one pass of 30–70 ms.
 */
export class SearchIndexer {
  private readonly s;

  constructor(
    private readonly sqlite: Database.Database,
    index: string,
    source: string,
    private readonly batch = 1000,
  ) {
    const prepare = (sql: string) => sqlite.prepare(sql);
    this.s = {
      state: prepare(`SELECT generation, seq, rebuilt_to FROM ${index}.search_indexed`),
      generation: prepare(`SELECT generation FROM ${source}.search_state`).pluck(),
      head: prepare(queueHeadSql(source)).pluck(),
      firstAfter: prepare(`SELECT min(seq) FROM ${source}.search_queue WHERE seq > ?`).pluck(),
      queued: prepare(`SELECT seq, action_id FROM ${source}.search_queue WHERE seq > ? ORDER BY seq LIMIT ?`).raw(),
      text: prepare(`SELECT id, title, detail, response FROM ${source}.actions WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`).raw(),
      chunk: prepare(`SELECT id, title, detail, response FROM ${source}.actions WHERE id > ? ORDER BY id LIMIT ?`).raw(),
      empty: prepare(`INSERT INTO ${index}.actions_fts (actions_fts) VALUES ('delete-all')`),
      forget: prepare(`DELETE FROM ${index}.search_indexed`),
      begin: prepare(`INSERT INTO ${index}.search_indexed (generation, seq, rebuilt_to) VALUES (?, ?, 0)`),
      rebuiltTo: prepare(`UPDATE ${index}.search_indexed SET rebuilt_to = ?`),
      remove: prepare(`DELETE FROM ${index}.actions_fts WHERE rowid = ?`),
      add: prepare(`INSERT INTO ${index}.actions_fts (rowid, title, detail, response) VALUES (?, ?, ?, ?)`),
      read: prepare(`UPDATE ${index}.search_indexed SET seq = ?`),
    };
  }

  /** One batch: a step of a rebuild, or of reading the queue. */
  step(): IndexProgress {
    const plan = this.sqlite.transaction(() => this.plan())();
    if (plan.kind === 'none') return { seq: plan.state.seq, caughtUp: true };
    return this.sqlite.transaction(() => this.apply(plan))();
  }

  /**
   * Forgets the index's bookkeeping if it does not belong to the data (the next step then builds
   * it afresh). The server calls this before it takes any request: once writes arrive, an index
   * ahead of an older copy of the database could look current again.
   */
  verify(): void {
    this.sqlite.transaction(() => {
      const s = this.s;
      const state = s.state.get() as State | undefined;
      const generation = s.generation.get() as string | undefined;
      if (state !== undefined && (generation === undefined || !this.belongs(state, generation, s.head.get() as number))) s.forget.run();
    }).immediate();
  }

  /** Steps until caught up. */
  catchUp(): IndexProgress {
    for (;;) {
      const progress = this.step();
      if (progress.caughtUp) return progress;
    }
  }

  private plan(): Plan {
    const s = this.s;
    const head = s.head.get() as number;
    const generation = s.generation.get() as string | undefined;
    if (generation === undefined) throw new Error('search_state is empty: the database has no search generation');
    const current = s.state.get() as State | undefined;
    if (current === undefined || !this.belongs(current, generation, head)) {
      return { kind: 'rebuild', state: { generation, seq: head, rebuilt_to: 0 }, restart: true, ...this.chunkFrom(0), head };
    }
    if (current.rebuilt_to !== null) return { kind: 'rebuild', state: current, restart: false, ...this.chunkFrom(current.rebuilt_to), head };
    const queued = s.queued.all(current.seq, this.batch) as [seq: number, id: number][];
    if (queued.length === 0) return { kind: 'none', state: current };
    const ids = [...new Set(queued.map(([, id]) => id))];
    return { kind: 'queue', state: current, ids, rows: s.text.all(JSON.stringify(ids)) as Row[], to: queued[queued.length - 1]![0], head };
  }

  private chunkFrom(after: number) {
    const rows = this.s.chunk.all(after, this.batch) as Row[];
    return { rows, last: rows.length > 0 ? rows[rows.length - 1]![0] : null, done: rows.length < this.batch };
  }

  private apply(plan: Exclude<Plan, { kind: 'none' }>): IndexProgress {
    const s = this.s;
    const { state } = plan;
    if (plan.kind === 'rebuild' && plan.restart) {
      s.empty.run();
      s.forget.run();
      s.begin.run(state.generation, state.seq);
    } else {
      // Another indexer (another process) may have moved the index on since the plan was read.
      const now = s.state.get() as State | undefined;
      if (now?.generation !== state.generation || now.seq !== state.seq || now.rebuilt_to !== state.rebuilt_to) {
        return { seq: now?.seq ?? 0, caughtUp: false };
      }
    }
    if (plan.kind === 'rebuild') {
      for (const row of plan.rows) s.add.run(...row);
      s.rebuiltTo.run(plan.done ? null : plan.last);
      return { seq: state.seq, caughtUp: plan.done && state.seq >= plan.head };
    }
    for (const id of plan.ids) s.remove.run(id);
    for (const row of plan.rows) s.add.run(...row);
    s.read.run(plan.to);
    return { seq: plan.to, caughtUp: plan.to >= plan.head };
  }

  /** Whether an index at `state` was built from this data and has missed none of its changes. */
  private belongs(state: State, generation: string, head: number): boolean {
    if (state.generation !== generation || state.seq > head) return false;
    if (state.seq === head) return true;
    // Rows after state.seq must still be queued: the server deletes only what an index has read.
    return (this.s.firstAfter.get(state.seq) as number | null) === state.seq + 1;
  }
}

/** What the server hands its search worker (search-worker.ts). */
export interface SearchWorkerSettings {
  databasePath: string;
  /** [POKE, STOP]: the server adds to POKE after each commit and sets STOP to end the worker. */
  control: Int32Array;
  idleMs: number;
}

/** What the worker says: how far the index has read after a batch, or why a batch failed. */
export interface SearchWorkerMessage {
  seq?: number;
  caughtUp?: boolean;
  error?: string;
}

export const POKE = 0;
export const STOP = 1;

/** Actions the worker indexes per transaction: few enough that their texts fit its heap. */
export const WORKER_BATCH = 250;
