import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-threads.js';
import type { CheckpointSettings } from './checkpoint-worker.js';

// Checkpoints off the event loop. In WAL mode every commit appends pages to the log, and by
// default the connection that commits copies them into the database once the log passes 1,000
// pages: a few megabytes written to random places in the database file and synced, inside
// whichever request happened to commit then. On the server that stalled every request waiting
// behind it and made most of the writes' p99. Here the server's connection does not checkpoint
// by itself; a worker thread with a connection of its own copies what has been committed, every
// few milliseconds, so nothing waits for the bulk of it.
//
// One part stays with the server. The log starts again from its beginning only when a write
// begins and every frame in it has been copied, which under a steady stream of writes never
// happens by itself: the worker is always a few milliseconds behind. A log that only grows makes
// every commit extend the file, which costs the file system more than overwriting it. So after a
// commit, once the log is long (`restartFrames`), the server copies the last few milliseconds'
// frames itself, a small pass, and its next write reuses the log from the start. It has to be
// then: by the next turn of the event loop the next group has begun. The group just committed
// waits for that pass, and the pass is as long as the worker is behind: so the server waits
// for a commit that comes just after one of the worker's passes (at most one commit since),
// which leaves it only that commit's frames to copy. Done whenever the log is long instead,
// the pass took 10–40 ms a few times a second at 2,000 writes a second, and set the writes' p99.
// Only a log four times as long as that is caught up with at once.
//
// Readers look pages up only in the part of the log not yet copied, so frequent checkpoints also
// keep reads cheap. Should the worker fail, the connection checkpoints for itself again.

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
/** A log this many times `restartFrames` long is caught up with after any commit. */
const LONG_LOG_FACTOR = 4;

/** Indexes into the array the worker shares: the log's length after its last pass, its passes. */
export const LOG_FRAMES = 0;
export const PASSES = 1;

export interface CheckpointerOptions {
  intervalMs?: number;
  /** Frames (4 KiB pages) of log after which the server catches up and the log restarts. */
  restartFrames?: number;
  /** Told when the worker fails and the connection is back to checkpointing itself. */
  onFailure?: (err: Error) => void;
}

export interface Checkpointer {
  /** Call after a commit, outside any transaction: checkpoints the rest if the log is long. */
  afterCommit(): void;
  close(): Promise<void>;
}

const running = new WeakMap<Database.Database, Checkpointer>();

/** The checkpointer started for this connection, if any. */
export function checkpointerOf(sqlite: Database.Database): Checkpointer | undefined {
  return running.get(sqlite);
}

export function startCheckpointer(sqlite: Database.Database, options: CheckpointerOptions = {}): Checkpointer {
  const restartFrames = options.restartFrames ?? 2048;
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const workerData: CheckpointSettings = { databasePath: sqlite.name, intervalMs: options.intervalMs ?? 10, shared };
  /** The worker's passes as of the last commit, and the commits since it last changed. */
  let passesSeen = 0;
  let commitsSincePass = 0;
  const catchUp = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let closing = false;
  let failed = false;
  let exited = false;
  const worker: Worker = startWorker(import.meta.url, 'checkpoint-worker', {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  });
  worker.unref();
  // Only once there is a worker: a connection that neither checkpoints nor has one would grow
  // its log for ever.
  sqlite.pragma('wal_autocheckpoint = 0');
  // A log that grew long under a burst of writes is cut back to this on disk once it restarts.
  sqlite.pragma(`journal_size_limit = ${restartFrames * 2 * 4096}`);
  const stopped = () => {
    running.delete(sqlite);
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };
  const fallBack = (err: Error) => {
    if (closing || failed) return;
    failed = true;
    stopped();
    options.onFailure?.(err);
  };
  worker.on('error', fallBack);
  worker.on('exit', (code) => {
    exited = true;
    fallBack(new Error(`checkpoint worker exited with code ${code}`));
  });

  const checkpointer: Checkpointer = {
    afterCommit() {
      const passes = Atomics.load(shared, PASSES);
      if (passes !== passesSeen) {
        passesSeen = passes;
        commitsSincePass = 0;
      }
      commitsSincePass++;
      const log = Atomics.load(shared, LOG_FRAMES);
      if (log < restartFrames || sqlite.inTransaction) return;
      if (commitsSincePass > 1 && log < restartFrames * LONG_LOG_FACTOR) return;
      // Busy (the worker is mid-pass) is not an error: the next commit tries again.
      catchUp.get();
      Atomics.store(shared, LOG_FRAMES, 0);
    },
    async close() {
      if (closing) return;
      closing = true;
      if (!exited) {
        const gone = new Promise((resolve) => worker.once('exit', resolve));
        worker.postMessage('close');
        const timer = setTimeout(() => void worker.terminate(), 2000);
        await gone;
        clearTimeout(timer);
      }
      stopped();
    },
  };
  running.set(sqlite, checkpointer);
  return checkpointer;
}

/**
 * Starts the checkpointer `delayMs` from now (the server: after start-up, so that starting its
 * thread does not compete with it). Until then the connection checkpoints for itself, as SQLite
 * does by default; a checkpointer that cannot start is reported to `onFailure` and leaves it so.
 */
export function startCheckpointerLater(sqlite: Database.Database, delayMs: number, options: CheckpointerOptions = {}): { close(): Promise<void> } {
  let checkpointer: Checkpointer | undefined;
  const timer = setTimeout(() => {
    try {
      checkpointer = startCheckpointer(sqlite, options);
    } catch (err) {
      options.onFailure?.(err instanceof Error ? err : new Error(String(err)));
    }
  }, delayMs).unref();
  return {
    async close() {
      clearTimeout(timer);
      await checkpointer?.close();
    },
  };
}
