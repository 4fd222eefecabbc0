// Runs the tap suite and ends with the line CI reads: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createTemplate, dropRun, findTestPostgres, sweepOld } from './test-pg.mjs';

// Test files run side by side, one more than there are processors: much of a file's time is
// spent waiting (for a child process, a worker thread, an fsync), and tap's own default leaves
// one processor idle. Files share no port (servers listen on port 0), no database and no
// directory (each makes its own temporary one), so any two can run at once.
const args = process.argv.slice(2);
const jobs = args.some((a) => /^(-j|--jobs)/.test(a)) ? [] : [`--jobs=${availableParallelism() + 1}`];

// tap is installed built with its default plugins, @tapjs/typescript among them; package.json
// drops that one (tsx compiles). tap notices and rebuilds itself on its first run, but only after
// its runner has fixed the loaders every test process starts with: on a fresh install the whole
// first run would load ts-node beside tsx in each of its ~140 processes. Rebuilt first instead.
const built = readFileSync(new URL('../node_modules/@tapjs/test/test-built/dist/esm/index.js', import.meta.url), 'utf8');
if (built.includes('@tapjs/typescript')) {
  const rebuilt = spawnSync('npx', ['tap', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (rebuilt.status !== 0) process.exit(rebuilt.status ?? 1);
}

// The PostgreSQL tests (issue 18) clone one template database made and migrated here, once per
// run (scripts/test-pg.mjs), and every database of the run is dropped at the end. Without a
// reachable PostgreSQL they skip, and the summary says so.
const server = await findTestPostgres();
let pgRun;
if (server) {
  await sweepOld(server);
  pgRun = await createTemplate(server);
}
const env = { ...process.env, ...(pgRun ? { SCRUTINY_TEST_PG: pgRun.url } : {}) };

// Runs tap and passes its output through; resolves with its exit code and summary counts.
function tap(tapArgs, tapEnv) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tap', ...jobs, ...tapArgs], { stdio: ['ignore', 'pipe', 'inherit'], env: tapEnv });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      // tap's summary line looks like: # { total: 83, pass: 81, fail: 2, skip: 0 }
      const summary = [...tail.matchAll(/# \{ ([^}]*)\}/g)].pop()?.[1] ?? '';
      const field = (name) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(summary)?.[1] ?? 0);
      resolve({
        code: code ?? 1,
        passed: field('pass'),
        failed: field('fail') + (code !== 0 && field('fail') === 0 ? 1 : 0),
        skipped: field('skip') + field('todo'),
      });
    });
  });
}

// The second run, on PostgreSQL (issue 18): the test files listed in test/on-postgres.txt, whose
// apps (test/helper.ts) then open a fresh PostgreSQL database each. Only for the whole suite (no
// files named on the command line) and with PostgreSQL reachable.
function postgresFiles() {
  return readFileSync(new URL('../test/on-postgres.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

const runs = [await tap(args, env)];
const wholeSuite = !args.some((a) => !a.startsWith('-'));
if (pgRun && wholeSuite && postgresFiles().length > 0) {
  process.stdout.write('\n# The same tests on PostgreSQL (test/on-postgres.txt)\n');
  runs.push(await tap([...args, ...postgresFiles()], { ...env, SCRUTINY_TEST_ENGINE: 'postgres' }));
}
if (pgRun) await dropRun(server, pgRun.runId).catch((err) => process.stderr.write(`test databases not dropped: ${err.message}\n`));
const total = (name) => runs.reduce((n, r) => n + r[name], 0);
if (!server) process.stdout.write('\nPostgreSQL tests skipped: no PostgreSQL reachable\n');
const skipped = total('skipped');
process.stdout.write(`\n${total('passed')} passed, ${total('failed')} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(runs.find((r) => r.code !== 0)?.code ?? 0);
