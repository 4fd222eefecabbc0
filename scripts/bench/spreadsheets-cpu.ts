import http from 'node:http';
import { parseArgs } from 'node:util';
import { scriptActor } from '../../src/domain/actor.js';
import { inProcessApp } from './in-process.js';
import { benchTracker } from './spreadsheets.js';

// CPU time, in this one process, of the CSV export and of a 10,000-row import, through the real
// server listening on a port of its own, on a copy of a bench database (the import writes to it,
// and so does the key made here): process.cpuUsage counts every thread of the process, so the
// figures hold on a machine that others are loading, where wall time does not. The client's
// reading of the export (counting records) is in the figure too, as a small part of it.
//
//   cp "$TMPDIR/scrutiny-bench/actions-200000-…sqlite" /tmp/copy.sqlite   (and its -search file)
//   npx tsx scripts/bench/spreadsheets-cpu.ts --db /tmp/copy.sqlite --export '&sort=-dueDate' --runs 3
//   npx tsx scripts/bench/spreadsheets-cpu.ts --db /tmp/copy.sqlite --import --runs 3
//
// With --url postgres://… instead of --db, the same on PostgreSQL (a copy made as the bench's
// --engine postgres makes it, scripts/bench/to-postgres.ts): the figure is then this process's
// share only, not the PostgreSQL backend's.

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    url: { type: 'string' },
    export: { type: 'string' },
    import: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});
if (!values.db && !values.url) throw new Error('--db <a copy of a bench database> or --url <a PostgreSQL copy of one> is required');

const database = values.url ? { DATABASE_URL: values.url } : { DATABASE_PATH: values.db! };
const app = await inProcessApp(database);
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
const key = (await app.services.apiKeys.create(scriptActor('bench'), `bench-${process.pid}`, ['admin'])).key;
const headers = { authorization: `Bearer ${key}` };

/** The export's records and bytes, read as a client would. */
function exported(query: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: `/v1/actions?format=csv${query}`, headers }, (res) => {
      let records = 0;
      let bytes = 0;
      let previous = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) {
          if (chunk[i] === 0x0a && previous === 0x0d) records++;
          previous = chunk[i]!;
        }
      });
      res.on('end', () => resolve(`${res.statusCode}: ${(records - 1).toLocaleString('en-GB')} actions, ${(bytes / 1024 / 1024).toFixed(1)} MB`));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function imported(meetingId: number, tag: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/imports/actions?meetingId=${meetingId}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' },
    body: benchTracker(10_000, tag),
  });
  const body = await res.json() as { counts?: object };
  return `${res.status}: ${JSON.stringify(body.counts ?? body)}`;
}

const { engine } = app;
const meetingId = engine.kind === 'postgres'
  ? Number((await engine.pool.query<{ id: number }>('SELECT min(id) AS id FROM meetings')).rows[0]!.id)
  : (engine.db.$client.prepare('SELECT min(id) AS id FROM meetings').get() as { id: number }).id;
for (let i = 0; i < Number(values.runs); i++) {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const outcome = values.import ? await imported(meetingId, `${process.pid}-${i}`) : await exported(values.export ?? '');
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  process.stdout.write(`${values.import ? 'import of 10,000 rows' : `export ${values.export ?? ''}`}: processor ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, wall ${(wall / 1000).toFixed(2)} s, peak resident ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (${outcome})\n`);
}
await app.close();
