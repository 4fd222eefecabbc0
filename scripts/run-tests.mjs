// Runs the test suite and ends with the line CI reads: "N passed, N failed".
//
//   node scripts/run-tests.mjs                       every test file (and its PostgreSQL twin)
//   node scripts/run-tests.mjs test/x.test.ts …      those files (on PostgreSQL with SCRUTINY_TEST_ENGINE=postgres)
//   node scripts/run-tests.mjs --jobs=4 …            files side by side (default: processors + 1)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTests, compiledTestPath, listedFiles, ON_POSTGRES, postgresTwinPath, TEST_BUILD } from './build-tests.mjs';
import { createTemplate, dropRun, findTestPostgres, sweepOld } from './test-pg.mjs';
import { runTestFile } from './test-process.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

// Test files run side by side, one more than there are processors: much of a file's time is
// spent waiting (for a child process, a worker thread, an fsync, PostgreSQL). Files share no port
// (servers listen on port 0), no database and no directory (each makes its own temporary one), so
// any two can run at once.
const args = process.argv.slice(2);
let jobs = availableParallelism() + 1;
const named = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const jobsArg = /^(?:-j|--jobs=?)(\d*)$/.exec(arg);
  if (jobsArg) jobs = Number(jobsArg[1] || args[++i]);
  else if (arg.startsWith('-')) usage(`unknown option ${arg} (tap's own options: npx tap)`);
  // As a path from the project's root, so that ./test/x.test.ts and an absolute path work too.
  else if (!named.includes(relative(root, resolve(arg)))) named.push(relative(root, resolve(arg)));
}
if (!Number.isInteger(jobs) || jobs < 1) usage('--jobs takes a whole number of files at once, at least 1');

function usage(problem) {
  process.stderr.write(`${problem}\nusage: node scripts/run-tests.mjs [--jobs=N] [test/file.test.ts …]\n`);
  process.exit(2);
}

// The suite runs compiled: src/, scripts/ and test/ are compiled once into .test-build/
// (scripts/build-tests.mjs), and each compiled test file runs as a node process of its own.
// Loading every module through tsx's hooks cost each test process about 1.5 s of processor time.
// Test files named on the command line (test/x.test.ts) run as their compiled twins; `npx tap
// test/x.test.ts` still runs one through tsx.
const started = performance.now();
const compiledModules = await buildTests();
process.stderr.write(`compiled ${compiledModules} modules into ${TEST_BUILD}/ in ${Math.round(performance.now() - started)} ms\n`);
const compiledPath = (file) => (/^test\/.*\.ts$/.test(file) ? compiledTestPath(file) : file);
for (const file of named) if (!existsSync(join(root, compiledPath(file)))) usage(`no test file ${file}`);

// tap is installed built with its default plugins; package.json drops two: @tapjs/typescript
// (tsx compiles, and the suite runs compiled) and @tapjs/mock (no test mocks a module; its
// loader hooks would see every module every test process loads). tap rebuilds itself when it
// notices, but only in its own runner, which this script does not use: rebuilt here.
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

// The whole suite (no files named) is every test file on SQLite and, with PostgreSQL reachable,
// the PostgreSQL twins of test/on-postgres.txt's files (scripts/build-tests.mjs), whose apps
// (test/helper.ts) open a fresh PostgreSQL database each: one run, so that the two engines share
// the processors rather than each ending in a tail of its own. The files of test/run-first.txt,
// the slowest, start first, so that the run does not end waiting on one of them; the rest follow
// in path order.
function wholeSuiteFiles() {
  const compiled = (dir) => (existsSync(join(root, TEST_BUILD, dir)) ? readdirSync(join(root, TEST_BUILD, dir), { recursive: true }) : [])
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => `${TEST_BUILD}/${dir}/${f}`)
    .sort();
  const files = [...compiled('test'), ...(pgRun ? compiled(ON_POSTGRES) : [])];
  const first = [...new Set(listedFiles('test/run-first.txt'))]
    .flatMap((f) => [compiledTestPath(f), postgresTwinPath(f)])
    .filter((f) => files.includes(f));
  return [...first, ...files.filter((f) => !first.includes(f))];
}

// Each file is a node process of its own (scripts/test-process.mjs); a file's output is printed
// when the file ends.
const TIMEOUT_S = 600;

async function runFiles(files, env) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      const result = { file, ...(await runTestFile(join(root, file), { cwd: root, env, timeoutS: TIMEOUT_S, running })) };
      results.push(result);
      const n = results.length;
      const indented = result.output.replace(/\n$/, '').replace(/^(?=.)/gm, '    ');
      const status = result.ok ? 'ok' : 'not ok';
      const why = result.ok || result.failures.length > 0 ? '' : ` (${result.exit})`;
      process.stdout.write(`# Subtest: ${result.file}\n${indented}\n${status} ${n} - ${result.file}${why} # time=${result.ms.toFixed(0)}ms\n\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
  process.stdout.write(`1..${results.length}\n`);
  return results;
}

// The test processes' environment (runTestFile leaves out tap's own settings): for the whole
// suite, no SCRUTINY_TEST_ENGINE: the PostgreSQL twins set it, and the SQLite files must not
// inherit it.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(named.length === 0 && name === 'SCRUTINY_TEST_ENGINE')));
if (pgRun) env.SCRUTINY_TEST_PG = pgRun.url;

/** The test processes running now: ended with the runner if it is interrupted. */
const running = new Set();
let results;
const dropDatabases = () => (pgRun ? dropRun(server, pgRun.runId).catch((err) => process.stderr.write(`test databases not dropped: ${err.message}\n`)) : undefined);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    for (const child of running) child.kill('SIGKILL');
    await dropDatabases();
    process.exit(130);
  });
}
try {
  const files = named.length > 0 ? named.map(compiledPath) : wholeSuiteFiles();
  if (files.length === 0) process.stderr.write('no test files to run\n');
  else results = await runFiles(files, env);
} finally {
  await dropDatabases();
}
if (!results) process.exit(2);
const total = (name) => results.reduce((n, r) => n + r[name], 0);
if (!server) process.stdout.write('\nPostgreSQL tests skipped: no PostgreSQL reachable\n');
// What failed, repeated just above the closing line: a CI log is often read from its tail.
const failedFiles = results.filter((r) => !r.ok);
if (failedFiles.length > 0) {
  const lines = failedFiles.flatMap((r) => [`${r.file}: ${r.exit}`, ...r.failures.slice(0, 40).map((l) => `  ${l}`)]);
  process.stdout.write(`\n# What failed (each file's "not ok" lines, innermost first):\n${lines.map((l) => `# ${l}`).join('\n')}\n`);
}
const skipped = total('skipped');
const seconds = Math.round((performance.now() - started) / 1000);
process.stdout.write(`\n# ${results.length} file${results.length === 1 ? "" : "s"} in ${seconds} s, ${jobs} at a time\n`);
process.stdout.write(`\n${total('passed')} passed, ${total('failed')} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failedFiles.length > 0 ? 1 : 0);
