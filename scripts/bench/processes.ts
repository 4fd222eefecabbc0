import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// The processes the benchmark measures: the real server (the compiled build, as `npm start`
// runs it) and the bare Fastify baseline, each on its own port, plus what is read about them
// from outside: time to ready and resident memory.

export const ROOT = join(import.meta.dirname, '..', '..');
// The bundle `npm run build` writes (see build:server in package.json), which `npm start` and the Dockerfile run.
const COMPILED_SERVER = join(ROOT, 'dist', 'server', 'server.js');
const COMPILED_API_KEY = join(ROOT, 'dist', 'scripts', 'api-key.js');

export interface Running {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the first successful readiness probe. */
  readyMs: number;
}

// Every process the bench starts is stopped when the bench ends, however it ends: a bench that
// threw, or was interrupted (SIGINT, SIGTERM), must not leave servers running on the machine.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** The bench's own child: killed when the bench's process exits, if still running then. */
export function track<C extends ChildProcess>(child: C): C {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function hasBuild(): boolean {
  return existsSync(COMPILED_SERVER);
}

/** `npm run build`, so the measured server is the production path; false when it failed. */
export function build(): boolean {
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return result.status === 0 && existsSync(COMPILED_SERVER);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** The Node flags of `npm start` (the Dockerfile's CMD has the same: test/process/build.test.ts). */
const START_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

/** `node <entry>` for compiled JavaScript (as `npm start` runs it), through tsx for TypeScript. */
function nodeArgs(entry: string): string[] {
  return entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [...START_FLAGS, entry];
}

async function waitUntilOk(url: string, child: ChildProcess, started: number, timeoutMs = 60_000): Promise<number> {
  let exited = false;
  child.once('exit', () => (exited = true));
  while (performance.now() - started < timeoutMs) {
    if (exited) throw new Error(`${url}: the process exited before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url}: not ready after ${timeoutMs} ms`);
}

function spawnAndWait(entry: string, env: Record<string, string>, probePath: string, port: number, nodeFlags: string[] = []): Promise<Running> {
  const started = performance.now();
  const child = track(spawn(process.execPath, [...nodeFlags, ...nodeArgs(entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  }));
  const url = `http://127.0.0.1:${port}`;
  return waitUntilOk(url + probePath, child, started).then((readyMs) => ({ child, url, readyMs }));
}

export function serverEntry(compiled: boolean): string {
  return compiled ? COMPILED_SERVER : join(ROOT, 'src', 'server.ts');
}

export async function startServer(entry: string, databasePath: string, nodeFlags: string[] = [], env: Record<string, string> = {}): Promise<Running> {
  return spawnAndWait(entry, {
    DATABASE_PATH: databasePath,
    DATABASE_SYNCHRONOUS: 'FULL',
    SCAN_ON_START: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    ...env,
  }, '/readyz', await freePort(), nodeFlags);
}

export interface Sinks {
  child: ChildProcess;
  /** Three webhook receivers answering 200; a GET on one answers how many POSTs it has had. */
  receivers: string[];
  /** An SMTP server that accepts and drops every email. */
  smtpUrl: string;
}

/** The receivers of issue 14's scenarios (sinks.ts), in a process of their own. */
export function startSinks(): Promise<Sinks> {
  const child = track(spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sinks.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!out.includes('\n')) return;
      const { receivers, smtpUrl } = JSON.parse(out.slice(0, out.indexOf('\n'))) as { receivers: string[]; smtpUrl: string };
      resolve({ child, receivers, smtpUrl });
    });
    child.once('exit', (code) => reject(new Error(`the bench's receivers exited (${code}) before listening`)));
  });
}

export async function startBareServer(): Promise<Running> {
  return spawnAndWait(join(import.meta.dirname, 'bare-server.ts'), {}, '/healthz', await freePort());
}

export async function stop(running: Pick<Running, 'child'>): Promise<void> {
  if (running.child.exitCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** An admin key, made by the project's own command. */
export function createAdminKey(databasePath: string, compiled: boolean): string {
  const entry = compiled && existsSync(COMPILED_API_KEY) ? COMPILED_API_KEY : join(ROOT, 'scripts', 'api-key.ts');
  const result = spawnSync(process.execPath, [...nodeArgs(entry), 'create', '--name', 'bench', '--scopes', 'admin'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  const key = result.stdout.trim();
  if (result.status !== 0 || !key) throw new Error(`api-key create failed: ${result.stderr}`);
  return key;
}

/** Samples VmRSS from /proc while running; `stop()` returns the samples in MB. */
/** The processor time (user + system, every thread) the process has used, in clock ticks (1/100 s). */
function ticksOf(pid: number): number {
  // /proc/<pid>/stat: the command may hold spaces, so the fields are counted after its closing ')'.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits until the server has finished the requests it was left with: /healthz answered (on SQLite
 * a request runs to its end in one turn of the event loop, so the probe waits behind it) and the
 * process using under a tenth of a processor over 300 ms (work that yields between statements, as
 * on PostgreSQL). Resolves with how long the server was still busy (the wait for /healthz and every
 * busy 300 ms after it; about 0 for a server that was idle); gives up after `timeoutMs`, saying so.
 */
export async function untilIdle(url: string, pid: number, log: (message: string) => void, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
  let busyMs = performance.now() - started;
  for (let before = ticksOf(pid); performance.now() - started < timeoutMs; busyMs += 300) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = ticksOf(pid);
    if (now - before <= 3) return busyMs;
    before = now;
  }
  log(`the server was still busy ${(timeoutMs / 1000).toFixed(0)} s after the window closed; measuring on regardless`);
  return busyMs;
}

export function sampleMemory(pid: number, everyMs = 100) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) samples.push(Number(kb) / 1024);
    } catch {
      // the process has gone
    }
  }, everyMs);
  let marked = 0;
  return {
    /** The highest sample since the last call (or the start), in MB. */
    peakSinceLast: () => {
      const peak = Math.max(0, ...samples.slice(marked));
      marked = samples.length;
      return peak;
    },
    stop: () => (clearInterval(timer), samples),
  };
}
