// Runs the tap suite and ends with the line CI reads: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTests, TEST_BUILD } from './build-tests.mjs';
import { createTemplate, dropRun, findTestPostgres, sweepOld } from './test-pg.mjs';

// Test files run side by side, one more than there are processors: much of a file's time is
// spent waiting (for a child process, a worker thread, an fsync), and tap's own default leaves
// one processor idle. Files share no port (servers listen on port 0), no database and no
// directory (each makes its own temporary one), so any two can run at once.
const args = process.argv.slice(2);
const jobs = args.some((a) => /^(-j|--jobs)/.test(a)) ? [] : [`--jobs=${availableParallelism() + 1}`];

// The suite runs compiled: src/, scripts/ and test/ are compiled once into .test-build/
// (scripts/build-tests.mjs), and tap runs the compiled test files with package.json's tap
// settings less tsx (a config file of its own, TAP_RCFILE). Loading every module through tsx's
// hooks cost each test process about 1.5 s of processor time, a third of the whole run. Test
// files named on the command line (test/x.test.ts) run as their compiled twins; `npx tap
// test/x.test.ts` still runs one through tsx.
const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
const compiledModules = await buildTests();
process.stderr.write(`compiled ${compiledModules} modules into ${TEST_BUILD}/ in ${Math.round(performance.now() - started)} ms\n`);
const tapSettings = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).tap;
const rcfile = join(root, TEST_BUILD, '.taprc');
writeFileSync(rcfile, `${JSON.stringify({
  ...tapSettings,
  'node-arg': [...tapSettings['node-arg'].filter((a) => !a.includes('tsx')), '--enable-source-maps'],
  include: [`${TEST_BUILD}/test/**/*.test.js`],
}, null, 2)}\n`);
const compiledPath = (file) => (/^test\/.*\.ts$/.test(file) ? `${TEST_BUILD}/${file.replace(/\.ts$/, '.js')}` : file);

// tap is installed built with its default plugins; package.json drops two: @tapjs/typescript
// (tsx compiles, and the suite runs compiled) and @tapjs/mock (no test mocks a module; its
// loader hooks would see every module every test process loads). tap notices and rebuilds itself
// on its first run, but only after its runner has fixed the loaders every test process starts
// with: on a fresh install the whole first run would load ts-node and the mock hooks in each of
// its ~220 processes. Rebuilt first instead.
const built = readFileSync(new URL('../node_modules/@tapjs/test/test-built/dist/esm/index.js', import.meta.url), 'utf8');
if (built.includes('@tapjs/typescript') || built.includes('@tapjs/mock')) {
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
const env = { ...process.env, TAP_RCFILE: rcfile, ...(pgRun ? { SCRUTINY_TEST_PG: pgRun.url } : {}) };

// Runs tap and passes its output through; resolves with its exit code and summary counts.
function tap(tapArgs, tapEnv) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tap', ...jobs, ...tapArgs.map(compiledPath)], { stdio: ['ignore', 'pipe', 'inherit'], env: tapEnv });
    child.stdout.setEncoding('utf8');
    let tail = '';
    let partial = '';
    const failures = [];
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) if (/^\s*not ok /.test(line) && failures.length < 40) failures.push(line.trimEnd());
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
        failures,
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
// What failed, repeated just above the closing line: a CI log is often read from its tail.
const failures = runs.flatMap((r) => r.failures);
if (failures.length > 0) process.stdout.write(`\n# What failed (tap's "not ok" lines, innermost first):\n${failures.map((l) => `# ${l}`).join('\n')}\n`);
const skipped = total('skipped');
process.stdout.write(`\n${total('passed')} passed, ${total('failed')} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(runs.find((r) => r.code !== 0)?.code ?? 0);
