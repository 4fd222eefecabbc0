import { join } from 'node:path';
import t from 'tap';
import { runTestFile } from '../../scripts/test-process.mjs';
import { projectRoot } from '../helper.js';

// How `npm test` judges a test file (scripts/test-process.mjs): CI reads the closing line it adds
// up, so a file that failed in any way must come back failed, never as passed or as nothing.
// Each fixture is a real tap test file run as a node process of its own, as the suite runs them.

const FIXTURES = {
  'pass.test.mjs': `import t from 'tap';\nt.test('a', async (t) => { t.pass('one'); t.equal(1, 1, 'two'); });\n`,
  'fail.test.mjs': `import t from 'tap';\nt.test('a', async (t) => { t.pass('fine'); t.equal(1, 2, 'one is two'); });\n`,
  'throws.test.mjs': `import t from 'tap';\nt.pass('before');\nthrow new Error('boom at load');\n`,
  // tap reports this one on stderr only: the file's counts say it passed, and it exits 0.
  'late.test.mjs': `import t from 'tap';\nt.teardown(() => {});\nlet inner;\nt.test('a', async (t) => { inner = t; t.pass('ok'); });\nsetTimeout(() => inner.fail('late'), 300);\n`,
  'skip.test.mjs': `import t from 'tap';\nt.test('a', { skip: 'not here' }, async () => {});\nt.pass('one');\n`,
  'silent.test.mjs': `console.log('no tap here');\n`,
  'hangs.test.mjs': `import t from 'tap';\nt.test('never ends', () => new Promise(() => {}));\n`,
};

t.test('each way a test file can fail is a failure; a passing one passes, with its counts', async (t) => {
  const dir = t.testdir(FIXTURES);
  // This test runs inside tap, with tap's settings in its environment, as a developer's shell may
  // have them exported: runTestFile must keep them from the files it runs. A TAP_GREP matching
  // nothing, or TAP_ONLY, would turn every test below into a skip.
  const env = { ...process.env, TAP_GREP: 'matches no test', TAP_ONLY: '1' };
  let stderr = '';
  const run = (name: string, timeoutS = 60) =>
    runTestFile(join(dir, name), { cwd: projectRoot, env, timeoutS, stderr: { write: (chunk: string) => (stderr += chunk) } });

  const [pass, fail, throws, late, skip, silent, hangs] = await Promise.all([
    run('pass.test.mjs'), run('fail.test.mjs'), run('throws.test.mjs'), run('late.test.mjs'),
    run('skip.test.mjs'), run('silent.test.mjs'), run('hangs.test.mjs', 1),
  ]);

  t.match(pass, { ok: true, passed: 2, failed: 0, skipped: 0, failures: [] }, 'two assertions passed');
  t.match(fail, { ok: false, passed: 1, failed: 1 }, 'a failing assertion');
  t.ok(fail.failures.some((line) => /not ok \d+ - one is two/.test(line)), 'and its "not ok" line, for the summary');
  t.match(throws, { ok: false }, 'an exception as the file loads');
  t.ok(throws.failed >= 1);
  t.match(late, { ok: false, failed: 1, exit: /after its test had ended/ }, 'an assertion after its test ended, reported on stderr only');
  t.match(stderr, /test assertion after/, 'whose stderr was passed through');
  t.match(skip, { ok: true, passed: 1, skipped: 1 }, 'a skipped test is counted as skipped');
  t.match(silent, { ok: false, passed: 0, failed: 1, exit: 'exit code 0' }, 'a file that prints no counts, though it exits 0');
  t.match(hangs, { ok: false }, 'a test that never ends, past its timeout');
  t.ok(hangs.failed >= 1);
});

t.test('a file that cannot be started is a failure', async (t) => {
  const result = await runTestFile(join(projectRoot, 'no-such-dir', 'x.test.mjs'), { cwd: join(projectRoot, 'no-such-dir'), env: {}, stderr: { write: () => true } });
  t.match(result, { ok: false, failed: 1, exit: /not started/ });
});
