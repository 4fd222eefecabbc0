import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

// The worker thread behind checkpointer.ts: its own connection to the database file, copying
// committed pages from the write-ahead log into the database, so that the server's own
// connection never has to (see checkpointer.ts for why).

export interface CheckpointSettings {
  databasePath: string;
  /** Pause between checkpoints. */
  intervalMs: number;
  /** The log's length in frames after the last checkpoint, for the server to read. */
  logFrames: Int32Array;
}

const settings = workerData as CheckpointSettings;
const sqlite = new Database(settings.databasePath, { fileMustExist: true });
// FULL: the log is synced before its pages are copied, and the database after.
sqlite.pragma('synchronous = FULL');
const passive = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');

let timer: NodeJS.Timeout | undefined;

function checkpoint() {
  const { log } = passive.get() as { log: number };
  Atomics.store(settings.logFrames, 0, log);
  timer = setTimeout(checkpoint, settings.intervalMs);
}

parentPort!.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearTimeout(timer);
  sqlite.close();
  parentPort!.close();
});

checkpoint();
