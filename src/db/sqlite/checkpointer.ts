import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { startWorker, stopLoopingWorker } from '../../worker-threads.js';
import type { CheckpointSettings } from './checkpoint-worker.js';

// Checkpoints off the event loop. In WAL mode every commit appends pages to the log, and by
// default the connection that commits copies them into the database once the log passes 1,000
// pages: a few megabytes written to random places in the database file and synced, inside
// whichever request happened to commit then. On the server that stalled every request waiting
// behind it and made most of the writes' p99. Here the server's connection does not checkpoint
// by itself; a worker thread with a connection of its own copies what has been committed, every
// few milliseconds, so nothing waits for the bulk of it.
//
// One part needs the server. The log starts again from its beginning only when a write
// transaction begins with every frame in it copied, which under a steady stream of writes never
// happens by itself: the worker is always a few milliseconds behind, and the next group begins
// as soon as a write arrives. A log that only grows makes every commit extend the file, which
// costs the file system more than overwriting it.
//
// So once the log is long (`restartFrames`), the server asks the worker for a pass at once, and
// holds back the next group until that pass, started after the last commit, has copied
// everything: the group then begins on a fully copied log, and its commit restarts it. Writes
// that arrive meanwhile wait a few milliseconds; nothing else does, since the event loop stays
// free. (Copying the rest on the server's own connection instead blocked the event loop for the
// copy and, mostly, for syncing the database file: 15–45 ms at 2,000 writes a second however few
// frames were left, a few times a second, which set the writes' p99.) Should the worker not
// answer within `restartWaitMs`, the server copies the rest itself, as it did before.
//
// Readers look pages up only in the part of the log not yet copied, so frequent checkpoints also
// keep reads cheap. Should the worker fail, the connection checkpoints for itself again.

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/** Indexes into the array shared with the worker. */
export const LOG_FRAMES = 0; // the log's length in frames after the worker's last pass
export const STARTED = 1; // passes begun
export const ENDED = 2; // passes ended
export const WANTED = 3; // the pass the server waits for (0: none); the worker posts when it has ended
export const WAKE = 4; // added to, to wake the worker
export const STOP = 5; // set to end the worker

export interface CheckpointerOptions {
  intervalMs?: number;
  /** Frames (4 KiB pages) of log after which the server restarts it. */
  restartFrames?: number;
  /** How long the next group waits for the worker before the server copies the rest itself. */
  restartWaitMs?: number;
  /** Told when the worker fails and the connection is back to checkpointing itself. */
  onFailure?: (err: Error) => void;
}

export interface Checkpointer {
  /** Call after a commit, outside any transaction: once the log is long, asks for its restart. */
  afterCommit(): void;
  /**
   * Call before beginning a write transaction: while a restart is pending, a promise that
   * resolves once the log is copied (begin then); otherwise undefined (begin now).
   */
  beforeBegin(): Promise<void> | undefined;
  /** How many passes the worker has ended: a fact to wait for, where a test would guess a time. */
  passesEnded(): number;
  /** False once the worker has failed or been closed: the connection checkpoints for itself again. */
  running(): boolean;
  close(): Promise<void>;
}

export function startCheckpointer(sqlite: Database.Database, options: CheckpointerOptions = {}): Checkpointer {
  const restartFrames = options.restartFrames ?? 2048;
  const restartWaitMs = options.restartWaitMs ?? 50;
  const shared = new Int32Array(new SharedArrayBuffer(6 * 4));
  const workerData: CheckpointSettings = { databasePath: sqlite.name, intervalMs: options.intervalMs ?? 10, shared };
  /** The restart asked for: the pass to wait for, and the groups waiting for it. */
  let pending: { pass: number; done: Promise<void>; resolve: () => void; timer: NodeJS.Timeout } | undefined;
  const catchUp = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let closing = false;
  let failed = false;
  let exited = false;
  let active = true;
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
  /** The pending restart is over (its pass ended, or the server copied the rest itself). */
  const settle = () => {
    if (!pending) return;
    clearTimeout(pending.timer);
    Atomics.store(shared, WANTED, 0);
    // The pass waited for reported the log's length before the restart the next group makes.
    Atomics.store(shared, LOG_FRAMES, 0);
    pending.resolve();
    pending = undefined;
  };
  const stopped = () => {
    active = false;
    settle();
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };
  const fallBack = (err: Error) => {
    if (closing || failed) return;
    failed = true;
    stopped();
    options.onFailure?.(err);
  };
  worker.on('message', (ended: number) => {
    if (pending && ended >= pending.pass) settle();
  });
  worker.on('error', fallBack);
  worker.on('exit', (code) => {
    exited = true;
    fallBack(new Error(`checkpoint worker exited with code ${code}`));
  });

  const checkpointer: Checkpointer = {
    afterCommit() {
      if (!active || pending || sqlite.inTransaction || Atomics.load(shared, LOG_FRAMES) < restartFrames) return;
      // The next pass to begin starts after this commit: once it has ended, all is copied.
      const pass = Atomics.load(shared, STARTED) + 1;
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      const timer = setTimeout(() => {
        // No answer from the worker: copy the rest here, unless a group has begun meanwhile.
        // Busy (the worker is mid-pass) or failing (a full disk) only means the log restarts
        // another time; a disk that fails also fails the next commit, which is reported.
        try {
          if (!sqlite.inTransaction && sqlite.open) catchUp.get();
        } catch {
          // see above
        } finally {
          settle();
        }
      }, restartWaitMs);
      pending = { pass, done, resolve, timer };
      Atomics.store(shared, LOG_FRAMES, 0);
      Atomics.store(shared, WANTED, pass);
      Atomics.add(shared, WAKE, 1);
      Atomics.notify(shared, WAKE);
    },
    beforeBegin() {
      if (!pending) return undefined;
      if (Atomics.load(shared, ENDED) >= pending.pass) {
        settle();
        return undefined;
      }
      return pending.done;
    },
    passesEnded() {
      return Atomics.load(shared, ENDED);
    },
    running: () => active,
    async close() {
      if (closing) return;
      closing = true;
      if (!exited) await stopLoopingWorker(worker, shared, { stop: STOP, wake: WAKE });
      stopped();
    },
  };
  return checkpointer;
}

/**
 * Starts the checkpointer `delayMs` from now (the server: after start-up, so that starting its
 * thread does not compete with it). Until then the connection checkpoints for itself, as SQLite
 * does by default; a checkpointer that cannot start is reported to `onFailure` and leaves it so.
 */
export function startCheckpointerLater(
  sqlite: Database.Database,
  delayMs: number,
  options: CheckpointerOptions = {},
): { current(): Checkpointer | undefined; close(): Promise<void> } {
  let checkpointer: Checkpointer | undefined;
  const timer = setTimeout(() => {
    try {
      checkpointer = startCheckpointer(sqlite, options);
    } catch (err) {
      options.onFailure?.(err instanceof Error ? err : new Error(String(err)));
    }
  }, delayMs).unref();
  return {
    /** The checkpointer once started, while it runs. */
    current: () => (checkpointer?.running() ? checkpointer : undefined),
    async close() {
      clearTimeout(timer);
      await checkpointer?.close();
    },
  };
}
