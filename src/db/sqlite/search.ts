import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { SearchUnavailableError } from '../../errors.js';
import { startWorker, stopLoopingWorker } from '../../worker-threads.js';
import { openDatabase, type Db } from './client.js';
import {
  createSearchSchema,
  openIndexWriter,
  POKE,
  queueHeadSql,
  SearchIndexer,
  searchIndexPath,
  STOP,
  type SearchWorkerMessage,
  type SearchWorkerSettings,
} from './search-index.js';

// The server's side of the search index (search-index.ts): what a search waits for, and where it
// runs.
//
// A database file's index is searched through a read-only connection of its own to the database,
// with the index file attached: read-only, so the server's write transactions (BEGIN IMMEDIATE
// takes the write lock of every database attached to the connection) never touch the index file,
// and the worker can write it meanwhile. It sees committed data only. A search first reads the
// queue's last committed sequence number there, then waits until the index has read that far.
//
// Who indexes: the worker thread once `startWorker` has run (the listening server), else
// the search itself, on the main thread, before it runs (tests, tools). An in-memory database
// (tests) keeps its index in an attached in-memory database on the same connection, indexed by
// the search itself: no other connection can see it.

export interface SearchIndex {
  /** Resolves with the connection to search on once the index holds every committed change. */
  ready(): Promise<Db>;
  /** Inside a write transaction on the database: deletes the queue rows the index has read. */
  trimQueue(): void;
  close(): Promise<void>;
}

export interface SearchWorkerOptions {
  /** How long a search waits for the index before answering 503. */
  waitMs?: number;
  /**
   * How long the worker sleeps once caught up, unless a search wakes it. Changes gather meanwhile
   * and are indexed together: FTS5 costs much less per change in large batches than in small.
   */
  idleMs?: number;
  onFailure?: (err: Error) => void;
}

export type SearchIndexOfConnection = SearchIndex & {
  /** Hands the indexing of a database file to a worker thread (the server, once listening). */
  startWorker(options?: SearchWorkerOptions): void;
};

/**
 * The search index of a connection opened for writing; one per connection, made by the engine
 * (engine.ts) outside any transaction (an in-memory database attaches its index).
 */
export function createSearchIndex(db: Db): SearchIndexOfConnection {
  if (db.$client.readonly) throw new Error('a search index needs a connection that can write');
  return db.$client.memory ? inMemory(db) : inFile(db);
}

function inMemory(db: Db): SearchIndexOfConnection {
  const sqlite = db.$client;
  sqlite.exec("ATTACH ':memory:' AS search");
  createSearchSchema(sqlite, 'search');
  const indexer = new SearchIndexer(sqlite, 'search', 'main');
  // The index is on this connection: what it has read, and the queue, are in the same
  // transaction, so the queue is trimmed to what the index holds as of now.
  const trim = sqlite.prepare('DELETE FROM main.search_queue WHERE seq <= (SELECT seq FROM search.search_indexed)');
  return {
    async ready() {
      indexer.catchUp();
      return db;
    },
    trimQueue() {
      trim.run();
    },
    async close() {},
    startWorker() {
      throw new Error('an in-memory database is indexed by its searches');
    },
  };
}

const DEFAULT_WAIT_MS = 10_000;
const DEFAULT_IDLE_MS = 250;

function inFile(db: Db): SearchIndexOfConnection {
  const sqlite = db.$client;
  const databasePath = sqlite.name;
  const trim = sqlite.prepare('DELETE FROM search_queue WHERE seq <= ?');
  let reader: Db | undefined;
  let head: Database.Statement | undefined;
  /** Indexing on this thread: until a worker starts, or after it failed. */
  let inline: { sqlite: Database.Database; indexer: SearchIndexer } | undefined;
  let worker: { thread: Worker; control: Int32Array; waitMs: number; stopping: boolean } | undefined;
  /**
   * What the index has read (committed; see IndexWriterOptions for a power loss), and whether
   * it had caught up with the queue then.
   */
  let indexed = { seq: 0, caughtUp: false };
  const waiting = new Set<{ target: number; resolve: () => void; reject: (err: Error) => void }>();

  function openReader(): Db {
    if (reader) return reader;
    // The index file must exist before it can be attached read-only.
    openIndexWriter(databasePath).close();
    const opened = openDatabase({ path: databasePath, readonly: true, migrate: false });
    // Small page caches, for the database and the index alike: an attached database gets
    // better-sqlite3's default of 16 MB of its own.
    opened.$client.prepare('ATTACH ? AS search').run(searchIndexPath(databasePath));
    opened.$client.pragma('main.cache_size = -2000');
    opened.$client.pragma('search.cache_size = -2000');
    head = opened.$client.prepare(queueHeadSql('main')).pluck();
    reader = opened;
    return reader;
  }

  function indexHere(): void {
    inline ??= (() => {
      const writer = openIndexWriter(databasePath);
      return { sqlite: writer, indexer: new SearchIndexer(writer, 'main', 'source') };
    })();
    const progress = inline.indexer.catchUp();
    indexed = { seq: progress.seq, caughtUp: true };
  }

  /** Wakes the worker: a search is waiting for it. */
  function poke() {
    if (!worker) return;
    Atomics.add(worker.control, POKE, 1);
    Atomics.notify(worker.control, POKE);
  }

  function settle() {
    for (const w of waiting) {
      if (indexed.caughtUp && indexed.seq >= w.target) {
        waiting.delete(w);
        w.resolve();
      }
    }
  }

  function workerFailed(err: Error, onFailure?: (err: Error) => void) {
    if (!worker || worker.stopping) return;
    worker = undefined;
    onFailure?.(err);
    // Searches waiting on the worker are served by indexing here instead.
    try {
      if (waiting.size > 0) indexHere();
    } catch {
      // left waiting: their timeout answers them
    }
    settle();
  }

  return {
    async ready() {
      const searchDb = openReader();
      const target = head!.get() as number;
      if (!worker) {
        indexHere();
        return searchDb;
      }
      if (indexed.caughtUp && indexed.seq >= target) return searchDb;
      const { waitMs } = worker;
      poke();
      await new Promise<void>((resolve, reject) => {
        const entry = {
          target,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (err: Error) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        const timer = setTimeout(() => {
          waiting.delete(entry);
          reject(new SearchUnavailableError(indexed.caughtUp ? 'the index is catching up with recent changes' : 'the index is being built'));
        }, waitMs);
        waiting.add(entry);
      });
      return searchDb;
    },

    trimQueue() {
      // A seek when there is nothing to delete; repeated after a group that failed.
      if (indexed.seq > 0) trim.run(indexed.seq);
    },

    startWorker(options: SearchWorkerOptions = {}) {
      if (worker) return;
      // Before any request: see SearchIndexer.verify.
      const writer = openIndexWriter(databasePath);
      try {
        new SearchIndexer(writer, 'main', 'source').verify();
      } finally {
        writer.close();
      }
      const control = new Int32Array(new SharedArrayBuffer(8));
      const workerData: SearchWorkerSettings = { databasePath, control, idleMs: options.idleMs ?? DEFAULT_IDLE_MS };
      const thread = startWorker(import.meta.url, 'search-worker', {
        workerData,
        // A batch's texts are held in JavaScript while they are indexed (up to WORKER_BATCH long
        // actions: ~15 MB).
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2 },
      });
      thread.unref();
      worker = { thread, control, waitMs: options.waitMs ?? DEFAULT_WAIT_MS, stopping: false };
      inline?.sqlite.close();
      inline = undefined;
      thread.on('message', (message: SearchWorkerMessage) => {
        if (message.error !== undefined) {
          options.onFailure?.(new Error(`search indexing failed: ${message.error}`));
          return;
        }
        indexed = { seq: message.seq!, caughtUp: message.caughtUp! };
        settle();
      });
      thread.on('error', (err) => workerFailed(err, options.onFailure));
      thread.on('exit', (code) => workerFailed(new Error(`search worker exited with code ${code}`), options.onFailure));
    },

    async close() {
      for (const w of waiting) w.reject(new SearchUnavailableError('the server is shutting down'));
      waiting.clear();
      if (worker) {
        worker.stopping = true;
        await stopLoopingWorker(worker.thread, worker.control, { stop: STOP, wake: POKE });
        worker = undefined;
      }
      inline?.sqlite.close();
      inline = undefined;
      reader?.$client.close();
      reader = undefined;
    },
  };
}
