import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { LOG_FRAMES, PASSES } from './checkpointer.js';

// The worker thread behind checkpointer.ts: its own connection to the database file, copying
// committed pages from the write-ahead log into the database, so that the server's own
// connection never has to (see checkpointer.ts for why).

export interface CheckpointSettings {
  databasePath: string;
  /** Pause between checkpoints. */
  intervalMs: number;
  /** For the server to read: [LOG_FRAMES] the log's length after the last pass, [PASSES] passes made. */
  shared: Int32Array;
}

const settings = workerData as CheckpointSettings;
const sqlite = new Database(settings.databasePath, { fileMustExist: true });
// FULL: the log is synced before its pages are copied, and the database after.
sqlite.pragma('synchronous = FULL');
const passive = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');

let timer: NodeJS.Timeout | undefined;

function checkpoint() {
  const { log } = passive.get() as { log: number };
  Atomics.store(settings.shared, LOG_FRAMES, log);
  Atomics.add(settings.shared, PASSES, 1);
  timer = setTimeout(checkpoint, settings.intervalMs);
}

parentPort!.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearTimeout(timer);
  sqlite.close();
  parentPort!.close();
});

checkpoint();
