import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Test } from 'tap';
import { EnvSchema } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { createEngine } from '../../src/db/engine.js';
import { createServices } from '../../src/services.js';
import { openPgEngine } from '../../src/db/pg/engine.js';
import { projectRoot, scriptArgs } from '../helper.js';
import { onPostgres, testDatabase } from '../pg.js';

export { scriptArgs, until, within } from '../helper.js';

// The real process, as an operator runs it: these tests spawn the server (src/server.ts, or the
// built dist/) on a temp database, talk to it over a real socket, and kill it however they like.

export const root = projectRoot;

/**
 * How long to wait for a child process to do what it will (listen, log, finish): only a bound on
 * a hang. A busy machine can take many seconds to start Node with tsx.
 */
export const PATIENT_MS = 90_000;

/** A temp directory removed when the test ends. */
export function tempDir(t: Test, prefix = 'scrutiny-process-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The child's environment: none of the runner's own configuration (tap injects NODE_OPTIONS
 * hooks; a developer's PORT or DATABASE_PATH must not leak in), then the test's settings.
 */
export function processEnv(databasePath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const configKeys = new Set(Object.keys(EnvSchema.properties));
  for (const [key, value] of Object.entries(process.env)) {
    if (configKeys.has(key) || key === 'NODE_OPTIONS' || /^(_TAPJS_|TAP)/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: databasePath,
    SCAN_ON_START: 'false',
    LOG_LEVEL: 'info',
    // The write streams here are far above a council's rate; the limiter is not under test.
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...extra,
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process has exited (whoever ended it). */
  exited: Promise<Exit>;
  /** Parsed pino lines seen on stdout so far. */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first log line whose msg matches. */
  waitForLog: (msg: RegExp, timeoutMs?: number) => Promise<Record<string, unknown>>;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Starts the server and resolves once it logs "Server listening at <url>" (it listens on
 * PORT=0, so the OS picks a free port and the log tells us which). Always SIGKILLed in teardown
 * if still running.
 */
export async function startServer(
  t: Test,
  env: NodeJS.ProcessEnv,
  options: { args?: string[]; cwd?: string; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, options.args ?? scriptArgs('src/server.ts'), {
    cwd: options.cwd ?? root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = exitOf(child);
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });

  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const logs: Array<Record<string, unknown>> = [];
  const watchers = new Set<(line: Record<string, unknown>) => void>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    logs.push(line);
    for (const watch of watchers) watch(line);
  });

  const waitForLog = (msg: RegExp, timeoutMs = PATIENT_MS) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = logs.find((l) => msg.test(String(l.msg)));
      if (seen) return resolve(seen);
      const done = () => {
        watchers.delete(watch);
        clearTimeout(timer);
      };
      const watch = (line: Record<string, unknown>) => {
        if (msg.test(String(line.msg))) {
          done();
          resolve(line);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no log line matching ${msg} within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      watchers.add(watch);
      void exited.then((exit) => {
        done();
        reject(new Error(`server exited (${JSON.stringify(exit)}) before logging ${msg}; stderr: ${stderr}`));
      });
    });

  const listening = await waitForLog(/^Server listening at /, options.timeoutMs ?? PATIENT_MS);
  const url = String(listening.msg).replace(/^Server listening at /, '');
  return { child, url, exited, logs, stderr: () => stderr, waitForLog };
}

export interface CommandResult extends Exit {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (bounded by timeoutMs), capturing its output. */
export function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends npm and the script npm started, not npm alone.
    const child = spawn(command, args, { cwd: options.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${options.timeoutMs ?? PATIENT_MS} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? PATIENT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** An admin key made in this process (creating and migrating the database): quicker than the CLI. */
export function seedAdminKey(databasePath: string, name: string): string {
  const db = openDatabase({ path: databasePath });
  try {
    // Synchronously, on SQLite's engine: the process tests run on a database file.
    const engine = createEngine(db);
    return engine.run(createServices(engine).programs.apiKeys.create(scriptActor('process-test'), name, ['admin'])).key;
  } finally {
    db.$client.close();
  }
}

/**
 * The database the test's server processes share: a SQLite file in a temp directory, or, in the
 * suite's PostgreSQL run (SCRUTINY_TEST_ENGINE=postgres), a fresh PostgreSQL test database
 * (test/pg.ts) that the servers open through DATABASE_URL.
 */
export interface ProcessDatabase {
  kind: 'sqlite' | 'postgres';
  /** The SQLite file (on PostgreSQL a path nothing opens: the servers are given DATABASE_URL). */
  path: string;
  /** The PostgreSQL database's URL; undefined on SQLite. */
  url: string | undefined;
  /** The servers' environment (processEnv) on this database. */
  env: (extra?: Record<string, string>) => NodeJS.ProcessEnv;
  /** An admin key made in this process. */
  adminKey: (name: string) => Promise<string>;
  /** The rows of a raw SQL query (`?` placeholders), read from outside the servers. */
  rows: <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => Promise<T[]>;
}

export async function processDatabase(t: Test, { postgres = onPostgres() }: { postgres?: boolean } = {}): Promise<ProcessDatabase> {
  const path = join(tempDir(t), 'scrutiny.sqlite');
  if (!postgres) {
    return {
      kind: 'sqlite',
      path,
      url: undefined,
      env: (extra = {}) => processEnv(path, extra),
      adminKey: (name) => Promise.resolve(seedAdminKey(path, name)),
      rows: <T>(text: string, ...params: unknown[]) => {
        const db = new Database(path);
        try {
          return Promise.resolve(db.prepare(text).all(...params) as T[]);
        } finally {
          db.close();
        }
      },
    };
  }
  const { url, pool } = await testDatabase(t);
  return {
    kind: 'postgres',
    path,
    url,
    env: (extra = {}) => processEnv(path, { DATABASE_URL: url, ...extra }),
    adminKey: (name) => seedPgAdminKey(url, name),
    rows: async <T>(text: string, ...params: unknown[]) => {
      let n = 0;
      return (await pool.query(text.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
    },
  };
}

/** seedAdminKey on a PostgreSQL database (this test process then builds queries for PostgreSQL's tables). */
export async function seedPgAdminKey(url: string, name: string): Promise<string> {
  const engine = await openPgEngine(url);
  try {
    return (await engine.run(createServices(engine).programs.apiKeys.create(scriptActor('process-test'), name, ['admin']))).key;
  } finally {
    await engine.close();
  }
}

export interface Acknowledged {
  id: number;
  body: { name: string; kind: string; authority: string };
  /** Position in the order acknowledgements arrived. */
  order: number;
}

export interface WriteStream {
  /** Every write the server answered 201, by id. */
  acked: Map<number, Acknowledged>;
  /** Answers other than 201 (a server under load must not fail writes). */
  unexpected: Array<{ status: number; body: string }>;
  /** Requests that failed at the socket (the server died, or stopped). */
  failed: number;
  /** Resolves at the first acknowledgement. */
  firstAck: Promise<void>;
  /** Stops issuing writes and waits for the ones in flight. */
  stop: () => Promise<void>;
  /** Resolves when every worker has finished (stopped, reached max, or lost the server). */
  done: Promise<void>;
}

/**
 * POST /v1/committees in a loop with `concurrency` requests in flight, until stopped, `max`
 * writes were issued, or the server stops answering.
 */
export function startWriteStream(
  baseUrl: string,
  key: string,
  options: { label: string; concurrency?: number; max?: number },
): WriteStream {
  const acked = new Map<number, Acknowledged>();
  const unexpected: WriteStream['unexpected'] = [];
  let failed = 0;
  let issued = 0;
  let stopped = false;
  let signalFirst: () => void = () => {};
  const firstAck = new Promise<void>((resolve) => (signalFirst = resolve));
  const max = options.max ?? 5000;

  const worker = async () => {
    while (!stopped && issued < max) {
      const n = issued++;
      const body = { name: `${options.label} committee ${n}`, kind: 'scrutiny', authority: `Authority of write ${n}` };
      try {
        const res = await fetch(`${baseUrl}/v1/committees`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status === 201) {
          const { id } = JSON.parse(text) as { id: number };
          acked.set(id, { id, body, order: acked.size });
          signalFirst();
        } else {
          unexpected.push({ status: res.status, body: text.slice(0, 300) });
        }
      } catch {
        failed++;
        return; // the server is gone (killed or shut down): this worker is done
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker)).then(() => {});
  return {
    acked,
    unexpected,
    get failed() {
      return failed;
    },
    firstAck,
    done,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Fetch with a Bearer key, returning status and parsed JSON (or text). */
export async function getJson(url: string, key?: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (e.g. the Swagger UI page)
  }
  return { status: res.status, body, headers: res.headers };
}
