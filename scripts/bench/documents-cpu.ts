import { parseArgs } from 'node:util';
import { renderDocument, DOCUMENT_FORMATS } from '../../src/documents/formats.js';
import { scriptActor } from '../../src/domain/actor.js';
import { committeeIdsIn, inProcessApp } from './in-process.js';
import { plusDays } from './random.js';

// CPU time, in this one process, of a committee's tracker (the model, then each format rendered
// from it) and of the stats for every committee, on a bench database: process.cpuUsage counts
// every thread of the process (zlib's deflate on the thread pool too), so the figures hold on a
// machine that others are loading, where wall-clock latency does not. Nothing is cached: each
// run is the same committee's tracker (the first, or --committee) as of a different day, rendered
// straight from its model. The garbage collector's work is in these figures, and it depends on
// V8's heap settings: run it with `npm start`'s (the young generation above all), as below.
//
//   node --max-semi-space-size=16 --max-old-space-size=160 --heap-growing-percent=100 --no-allocation-site-pretenuring --import tsx \
//     scripts/bench/documents-cpu.ts --db "$TMPDIR/scrutiny-bench/actions-1000000-…sqlite" --anchor 2026-12-15

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    anchor: { type: 'string', default: '2026-12-15' },
    runs: { type: 'string', default: '9' },
    committee: { type: 'string' },
    only: { type: 'string', default: 'tracker|stats' },
  },
});
if (!values.db) throw new Error('--db <bench database> is required');
const runs = Number(values.runs);
const only = new RegExp(values.only!);

const app = await inProcessApp({ DATABASE_PATH: values.db });
const { documents, stats } = app.services;
const actor = scriptActor('bench');

/** CPU milliseconds (user + system, every thread) that `work` takes. */
async function cpu<T>(work: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, value };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const samples = new Map<string, number[]>();
const note = (name: string, ms: number) => samples.set(name, [...(samples.get(name) ?? []), ms]);

const committeeIds = committeeIdsIn(values.db);
// One warm-up of each, then the runs: a different committee and day each time.
for (let i = -1; i < runs; i++) {
  if (only.test('tracker')) {
    const committeeId = values.committee ? Number(values.committee) : committeeIds[0]!;
    const asOf = plusDays(values.anchor!, -(i + 2));
    const model = await cpu(() => documents.tracker(actor, committeeId, { asOf }));
    if (i >= 0) note('tracker model', model.ms);
    for (const format of DOCUMENT_FORMATS) {
      const rendered = await cpu(() => renderDocument(model.value, format));
      if (i >= 0) note(`tracker ${format}`, rendered.ms);
      // What a request for the tracker in one format costs (before HTTP): its model, then the format.
      if (i >= 0) note('tracker request', model.ms + rendered.ms);
      if (i === 0 && format === 'docx') process.stderr.write(`${model.value.sections[0]!.tables[0]!.rows.length} rows; docx ${rendered.value.body.length} bytes\n`);
    }
  }
  if (only.test('stats')) {
    const all = await cpu(() => stats.stats(actor, { asOf: values.anchor }));
    if (i >= 0) note('stats (all committees)', all.ms);
  }
}
for (const [name, ms] of samples) process.stdout.write(`${name.padEnd(24)} median ${median(ms).toFixed(1)} ms CPU  (${ms.map((m) => m.toFixed(0)).join(', ')})\n`);
await app.close();
