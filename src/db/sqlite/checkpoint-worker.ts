import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { ENDED, LOG_FRAMES, STARTED, STOP, WAKE, WANTED } from './checkpointer.js';

// The worker thread behind checkpointer.ts: its own connection to the database file, copying
// committed pages from the write-ahead log into the database, so that the server's own
// connection never has to (see checkpointer.ts for why). A pass every `intervalMs`, or at once
// when the server wakes it; the server is told when the pass it is waiting for has ended.

export interface CheckpointSettings {
  databasePath: string;
  /** Pause between checkpoints. */
  intervalMs: number;
  /** Shared with the server; indexes exported by checkpointer.ts. */
  shared: Int32Array;
}

const settings = workerData as CheckpointSettings;
const { shared } = settings;
const sqlite = new Database(settings.databasePath, { fileMustExist: true });
// FULL: the log is synced before its pages are copied, and the database after.
sqlite.pragma('synchronous = FULL');
const passive = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');

while (Atomics.load(shared, STOP) === 0) {
  const wake = Atomics.load(shared, WAKE);
  Atomics.add(shared, STARTED, 1);
  const { log } = passive.get() as { log: number };
  Atomics.store(shared, LOG_FRAMES, log);
  const ended = Atomics.add(shared, ENDED, 1) + 1;
  const wanted = Atomics.load(shared, WANTED);
  if (wanted !== 0 && ended >= wanted) parentPort!.postMessage(ended);
  Atomics.wait(shared, WAKE, wake, settings.intervalMs);
}
sqlite.close();
