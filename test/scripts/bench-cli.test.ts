import { execFile } from 'node:child_process';
import t from 'tap';
import { benchOptions } from '../../scripts/bench/options.js';
import { projectRoot, scriptArgs } from '../helper.js';

// `npm run bench` is a command people run by hand: it explains itself, and refuses options it
// does not know (or figures that are not figures) with the reason and its usage, before building
// or generating anything.

const CWD = projectRoot;
/** Runs the command to its end: its exit status and output. */
const bench = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [...scriptArgs('scripts/bench/index.ts'), ...args], { cwd: CWD, encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }));
  });

/** The option check alone, in this process: what the command would print and exit with. */
const checked = (...args: string[]) => {
  const parsed = benchOptions(args);
  if (!('exitCode' in parsed)) return { status: null, stdout: '', stderr: '' };
  return parsed.exitCode === 0 ? { status: 0, stdout: parsed.message, stderr: '' } : { status: 2, stdout: '', stderr: parsed.message };
};

t.test('--help prints every option and exits 0', async (t) => {
  const run = await bench('--help');
  t.equal(run.status, 0, run.stderr);
  for (const option of ['--actions', '--duration', '--warmup', '--runs', '--json', '--only', '--cpu-prof', '--no-build']) {
    t.match(run.stdout, option, `names ${option}`);
  }
});

t.test('bad options are refused with the reason and the usage, exit 2', async (t) => {
  const cases = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--runs', 'x'], /--runs must be a whole number above 0, not "x"/],
    [['--actions', '0'], /--actions must be a whole number above 0/],
    [['--warmup=1.5'], /--warmup must be a whole number of seconds/],
    [['--only', '('], /--only is not a regular expression: \(/],
  ] as const;
  // The unknown option through the real command; the others through its option check.
  const runs = await Promise.all(cases.map(([args]) => (args[0] === '--bogus' ? bench(...args) : checked(...args))));
  for (const [i, [args, reason]] of cases.entries()) {
    const run = runs[i]!;
    t.equal(run.status, 2, args.join(' '));
    t.match(run.stderr, reason, args.join(' '));
    t.match(run.stderr, /npm run bench -- \[options\]/, 'with the usage');
    t.notMatch(run.stderr, /at .*\(.*:\d+:\d+\)/, 'and no stack trace');
  }
});

t.test('a bench that dies part-way leaves none of its processes running', async (t) => {
  const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
    execFile(process.execPath, scriptArgs('test/scripts/bench-dies.ts'), { cwd: CWD, encoding: 'utf8', timeout: 60_000 }, (err, stdout) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout }));
  });
  t.equal(run.status, 1, 'the bench itself failed');
  const pid = Number(run.stdout.trim());
  t.ok(pid > 0, 'it had started a child');
  const running = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // The kill is sent as the bench exits; the child may take a moment to be reaped.
  for (let i = 0; i < 100 && running(); i++) await new Promise((r) => setTimeout(r, 50));
  if (running()) process.kill(pid, 'SIGKILL');
  t.notOk(running(), `child ${pid} was stopped with the bench`);
});
