import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openIndexWriter, POKE, SearchIndexer, STOP, type SearchWorkerMessage, type SearchWorkerSettings } from './search-index.js';

// The worker thread behind search.ts: keeps the search index file up to date with the database,
// a batch per transaction, and says after each how far it has read. Once caught up it sleeps for
// `idleMs`, or until a search that is waiting for it wakes it.

const SEARCH_WORKER_NICENESS = 10;

/**
 * Indexing gives way to the server's requests when both want the processor. On Linux a nice
 * value belongs to a thread, and this one's id is in /proc/thread-self; elsewhere it stays as it is.
 */
function yieldToRequests(niceness: number) {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(thread) && thread !== process.pid) setPriority(thread, niceness);
  } catch {
    // not Linux, or not allowed: the default priority
  }
}

const settings = workerData as SearchWorkerSettings;
yieldToRequests(SEARCH_WORKER_NICENESS);
const { control } = settings;
const sqlite = openIndexWriter(settings.databasePath);
const indexer = new SearchIndexer(sqlite, 'main', 'source');
let told: string | undefined;

while (Atomics.load(control, STOP) === 0) {
  const seen = Atomics.load(control, POKE);
  let caughtUp = true;
  try {
    const progress = indexer.step();
    caughtUp = progress.caughtUp;
    const news = JSON.stringify([progress.seq, caughtUp]);
    if (news !== told) parentPort!.postMessage({ seq: progress.seq, caughtUp } satisfies SearchWorkerMessage);
    told = news;
  } catch (err) {
    // A busy index file (another process indexing) or a full disk: said, and tried again later.
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies SearchWorkerMessage);
    told = undefined;
  }
  if (caughtUp) Atomics.wait(control, POKE, seen, settings.idleMs);
}
sqlite.close();
