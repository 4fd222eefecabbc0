import { parentPort, workerData } from 'node:worker_threads';
import { yieldToRequests } from '../../worker-threads.js';
import { openIndexWriter, POKE, SearchIndexer, STOP, WORKER_BATCH, type SearchWorkerMessage, type SearchWorkerSettings } from './search-index.js';

// The worker thread behind search.ts: keeps the search index file up to date with the database,
// a batch per transaction, and says after each how far it has read. Once caught up it sleeps for
// `idleMs`, or until a search that is waiting for it wakes it.

const SEARCH_WORKER_NICENESS = 10;

const settings = workerData as SearchWorkerSettings;
// Indexing gives way to the server's requests when both want the processor.
yieldToRequests(SEARCH_WORKER_NICENESS);
const { control } = settings;
const sqlite = openIndexWriter(settings.databasePath);
const indexer = new SearchIndexer(sqlite, 'main', 'source', WORKER_BATCH);
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
