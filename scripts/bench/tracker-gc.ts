import { parseArgs } from 'node:util';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { DOCUMENT_FORMATS, renderDocument } from '../../src/documents/formats.js';
import { scriptActor } from '../../src/domain/actor.js';
import { committeeIdsIn, inProcessApp } from './in-process.js';
import { plusDays } from './random.js';

// The garbage collector under tracker requests, in this one process: N requests one after the
// other (a committee's model, then one format; the committees and formats in turn, each as of a
// different day, so nothing is reused), timed by the wall clock, with the full collections
// (mark-compact) and scavenges V8 ran meanwhile counted. It shows how V8's heap flags change how
// often a request has a full collection in it, which a five-second HTTP round cannot tell apart
// from the machine's noise. Run it with `npm start`'s heap flags, then change one:
//
//   node --max-semi-space-size=16 --max-old-space-size=160 --heap-growing-percent=100 --no-allocation-site-pretenuring \
//     --import tsx scripts/bench/tracker-gc.ts --db "$TMPDIR/scrutiny-bench/actions-1000000-…sqlite"

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    anchor: { type: 'string', default: '2026-12-15' },
    requests: { type: 'string', default: '300' },
  },
});
if (!values.db) throw new Error('--db <bench database> is required');
const requests = Number(values.requests);

const app = await inProcessApp({ DATABASE_PATH: values.db });
const actor = scriptActor('bench');
const committeeIds = committeeIdsIn(values.db);

/** The kind of collection a `gc` performance entry reports (Node 20 keeps it in `detail`). */
const kindOf = (entry: PerformanceEntry) => ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind;
const entries: PerformanceEntry[] = [];
const observer = new PerformanceObserver((found) => entries.push(...found.getEntries()));
observer.observe({ entryTypes: ['gc'] });
/** `gc` entries reach the observer a turn or two of the event loop after the collection. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

// Twenty requests to warm up (code compiled, caches of shapes filled), then the measured ones;
// the collections counted are those that started between the first measured request and the
// end of the last.
const times: number[] = [];
let from = 0;
for (let i = -20; i < requests; i++) {
  const n = i + 20;
  if (i === 0) {
    await turns(2);
    from = performance.now();
  }
  const started = performance.now();
  const model = await app.services.documents.tracker(actor, committeeIds[n % committeeIds.length]!, { asOf: plusDays(values.anchor!, -(n + 1)) });
  await renderDocument(model, DOCUMENT_FORMATS[n % DOCUMENT_FORMATS.length]!);
  if (i >= 0) times.push(performance.now() - started);
  // Let the platform's tasks (V8's own GC tasks among them) run between requests, as a server's event loop would.
  await turns(1);
}
const until = performance.now();
await turns(2);
entries.push(...observer.takeRecords());
observer.disconnect();
const measured = entries.filter((entry) => entry.startTime >= from && entry.startTime <= until);
const sum = (kind: number) => {
  const found = measured.filter((entry) => kindOf(entry) === kind);
  return `${found.length} (${found.reduce((total, entry) => total + entry.duration, 0).toFixed(0)} ms)`;
};

times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
const heapFlags = process.execArgv.filter((flag) => /space|growing|pretenuring/.test(flag)).join(' ');
process.stdout.write(
  `${heapFlags || '(V8 defaults)'}\n` +
  `  ${requests} requests: p50 ${at(0.5)} ms, p90 ${at(0.9)}, p99 ${at(0.99)}, slowest ${times.at(-1)!.toFixed(1)}\n` +
  `  full collections ${sum(constants.NODE_PERFORMANCE_GC_MAJOR)}, scavenges ${sum(constants.NODE_PERFORMANCE_GC_MINOR)}\n` +
  '  (a full collection\'s milliseconds are its final pause: the incremental marking steps before it fall in the requests)\n' +
  `  resident memory at the end ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB\n`,
);
await app.close();
