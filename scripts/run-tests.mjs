// Runs the test suite and ends with the line CI reads: "N passed, N failed".
//
//   node scripts/run-tests.mjs                       every test file (and its PostgreSQL twin)
//   node scripts/run-tests.mjs test/x.test.ts …      those files (on PostgreSQL with SCRUTINY_TEST_ENGINE=postgres)
//   node scripts/run-tests.mjs --jobs=4 …            files side by side (default: processors + 1)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTests, ON_POSTGRES, TEST_BUILD } from './build-tests.mjs';
import { createTemplate, dropRun, findTestPostgres, sweepOld } from './test-pg.mjs';

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
const compiledPath = (file) => (/^test\/.*\.ts$/.test(file) ? `${TEST_BUILD}/${file.replace(/\.ts$/, '.js')}` : file);
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
  const first = [...new Set(listed('test/run-first.txt'))]
    .flatMap((f) => [compiledPath(f), `${TEST_BUILD}/${ON_POSTGRES}/${f.replace(/\.ts$/, '.js')}`])
    .filter((f) => files.includes(f));
  return [...first, ...files.filter((f) => !first.includes(f))];
}

function listed(path) {
  return readFileSync(join(root, path), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

// Each file is a node process of its own, started the way tap's runner starts one but for its
// process-info hooks (@tapjs/processinfo: coverage and `tap --changed` bookkeeping, about 2 s of
// processor time in every test process and every worker thread it starts, a quarter of the
// suite's). tap inside the process enforces the timeout (TAP_TIMEOUT, seconds) and prints the
// file's counts last ("# { total: 92, pass: 92 }"); a process still running a minute after its
// timeout is killed here. Output is printed a file at a time, when the file ends.
const TIMEOUT_S = 600;

/** What tap writes to stderr, not into the counts, when a test asserts after it has ended. */
const LATE_ASSERTION = /test assertion after (?:Promise resolution|end\(\) was called)/;

function runFile(file, env) {
  return new Promise((resolve) => {
    const fileStarted = performance.now();
    const child = spawn(process.execPath, ['--enable-source-maps', join(root, file)], {
      cwd: root,
      env: { ...env, TAP_TIMEOUT: String(TIMEOUT_S) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    let late = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    // Passed through as it comes; watched for an assertion made after its test ended, which tap
    // reports only here, leaving the counts and the exit code as if it had passed.
    let stderrTail = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      process.stderr.write(chunk);
      if (LATE_ASSERTION.test(stderrTail + chunk)) late = true;
      stderrTail = chunk.slice(-100);
    });
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      // A process the test started may still hold the pipes: they are closed after a grace.
      setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); }, 5000).unref();
    }, (TIMEOUT_S + 60) * 1000);
    let ended = false;
    const end = (code, signal, error) => {
      if (ended) return;
      ended = true;
      clearTimeout(killer);
      running.delete(child);
      const counts = [...output.matchAll(/^# \{ ([^}]*)\}$/gm)].pop()?.[1];
      const field = (name) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(counts ?? '')?.[1] ?? 0);
      const failed = field('fail') + (late ? 1 : 0);
      const ok = code === 0 && counts !== undefined && failed === 0;
      resolve({
        file,
        output,
        ok,
        ms: performance.now() - fileStarted,
        passed: field('pass'),
        // A process that failed without a failing assertion (it crashed, or never printed its
        // counts) is one failure.
        failed: failed + (ok || failed > 0 ? 0 : 1),
        skipped: field('skip') + field('todo'),
        exit: error ? `not started: ${error.message}` : late ? 'an assertion after its test had ended (on stderr above)' : signal ? `killed by ${signal}` : `exit code ${code}`,
        failures: output.split('\n').filter((line) => /^\s*not ok /.test(line) && !/# TODO/.test(line)).map((line) => line.trimEnd()),
      });
    };
    child.on('error', (error) => end(null, null, error));
    child.on('close', (code, signal) => end(code, signal));
  });
}

async function runFiles(files, env) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const result = await runFile(files[next++], env);
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

// The test processes' environment: none of a tap run's own settings (an exported TAP_GREP or
// TAP_ONLY would turn tests into skips), and, for the whole suite, no SCRUTINY_TEST_ENGINE: the
// PostgreSQL twins set it, and the SQLite files must not inherit it.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) =>
  !/^(TAP|_TAPJS_)/.test(name) && !(named.length === 0 && name === 'SCRUTINY_TEST_ENGINE')));
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
