// One test file run as a node process of its own, judged by what tap prints inside it: for
// scripts/run-tests.mjs, and tested on its own (test/scripts/test-process.test.ts).
//
// The process is started the way tap's runner starts one but for its process-info hooks
// (@tapjs/processinfo: coverage and `tap --changed` bookkeeping, about 2 s of processor time in
// every test process and every worker thread it starts, a quarter of the suite's). tap inside the
// process enforces the timeout (TAP_TIMEOUT, seconds) and prints the file's counts last
// ("# { total: 92, pass: 92 }"); a process still running a minute after its timeout is killed.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** What tap writes to stderr, not into the counts, when a test asserts after it has ended. */
const LATE_ASSERTION = /test assertion after (?:Promise resolution|end\(\) was called)/;

/**
 * `env` without a tap run's own settings: an exported TAP_GREP or TAP_ONLY would turn the file's
 * tests into skips, and tap's runner's _TAPJS_ variables are not for a process it did not start.
 */
const withoutTapSettings = (env) => Object.fromEntries(Object.entries(env).filter(([name]) => !/^(TAP|_TAPJS_)/.test(name)));

/**
 * Runs `path` (absolute, or from `cwd`) with `env` (less tap's own settings) and resolves with
 * what it showed: `ok` only when it exited 0, printed its counts and failed nothing. Its stdout is
 * kept in `output`; its stderr is passed through to `stderr`. `running` (if given) holds the
 * process while it runs.
 */
export function runTestFile(path, { cwd, env = process.env, timeoutS = 600, stderr = process.stderr, running } = {}) {
  return new Promise((resolve) => {
    const fileStarted = performance.now();
    const child = spawn(process.execPath, ['--enable-source-maps', path], {
      cwd,
      env: { ...withoutTapSettings(env), TAP_TIMEOUT: String(timeoutS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running?.add(child);
    let output = '';
    let late = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    // Passed through as it comes; watched for an assertion made after its test ended, which tap
    // reports only here, leaving the counts and the exit code as if it had passed.
    let stderrTail = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr.write(chunk);
      if (LATE_ASSERTION.test(stderrTail + chunk)) late = true;
      stderrTail = chunk.slice(-100);
    });
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      // A process the test started may still hold the pipes: they are closed after a grace.
      setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); }, 5000).unref();
    }, (timeoutS + 60) * 1000);
    let ended = false;
    const end = (code, signal, error) => {
      if (ended) return;
      ended = true;
      clearTimeout(killer);
      running?.delete(child);
      const counts = [...output.matchAll(/^# \{ ([^}]*)\}$/gm)].pop()?.[1];
      const field = (name) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(counts ?? '')?.[1] ?? 0);
      const failed = field('fail') + (late ? 1 : 0);
      const ok = code === 0 && counts !== undefined && failed === 0;
      resolve({
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
