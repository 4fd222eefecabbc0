import Database from 'better-sqlite3';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { buildApp, type BuildOptions } from '../src/app.js';
import { defaultConfig, type Config } from '../src/config.js';
import { openDatabase } from '../src/db/sqlite/client.js';
import { scriptActor } from '../src/domain/actor.js';
import type { Scope } from '../src/modules/api-keys/repository.js';
import { onPostgres, testDatabase } from './pg.js';

/**
 * The project's folder (package.json, Dockerfile, migrations/, dist/), whether this file runs from
 * test/ or compiled from .test-build/test/ (scripts/build-tests.mjs).
 */
export const projectRoot = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? '../../' : '../', import.meta.url));

/**
 * The node arguments that run one of the project's scripts (a path from the project root, such as
 * 'src/server.ts') in a child process the way this test runs: the compiled JavaScript when the
 * suite runs compiled (`npm test` runs .test-build/, scripts/build-tests.mjs), the TypeScript
 * through tsx when a test file is run with tsx.
 */
export function scriptArgs(script: string): string[] {
  const compiled = import.meta.url.endsWith('.js');
  const file = fileURLToPath(new URL(`../${compiled ? script.replace(/\.ts$/, '.js') : script}`, import.meta.url));
  return compiled ? [file] : ['--import', 'tsx', file];
}

export interface TestApp {
  app: FastifyInstance;
  /** Bearer keys by purpose. */
  keys: { admin: string; writer: string; reader: string; exempt: string; confidential: string };
  /** inject() with a key: defaults to the admin key; pass `as: null` for anonymous. */
  request: (options: InjectOptions & { as?: string | null }) => Promise<LightMyRequestResponse>;
}

/**
 * The real app on a fresh in-memory database (or `config.databasePath`), closed when the test ends.
 * `options.clock` fixes the instant "today" is taken at.
 */
export async function build(t: Test, config: Partial<Config> = {}, options: Pick<BuildOptions, 'clock'> = {}): Promise<TestApp> {
  const settings = { ...defaultConfig, scheduler: false, scanOnStart: false, rateLimitPerMinute: 100000, ...config };
  let app: FastifyInstance;
  if (onPostgres() && config.databasePath === undefined) {
    // On PostgreSQL (SCRUTINY_TEST_ENGINE=postgres, test/pg.ts): a fresh PostgreSQL database per app, unless
    // `config.databaseUrl` names one (a restart: a second app on the first's database).
    const url = config.databaseUrl ?? (await testDatabase(t)).url;
    app = await buildApp({ ...settings, databaseUrl: url }, { logger: false, ...options });
    t.teardown(() => app.close());
  } else {
    const db = openDatabase({ path: config.databasePath ?? ':memory:' });
    // Every write route the suite calls is held to "no await before the write" (http/database.ts).
    app = await buildApp(settings, { db, logger: false, checkWriteHandlers: true, ...options });
    t.teardown(async () => {
      await app.close();
      db.$client.close();
    });
  }
  const make = async (name: string, scopes: Scope[]) =>
    (await app.services.apiKeys.create(scriptActor('test'), name, scopes)).key;
  const keys = {
    admin: await make('test-admin', ['admin']),
    writer: await make('test-writer', ['write']),
    reader: await make('test-reader', ['read']),
    exempt: await make('test-exempt', ['read', 'read:exempt']),
    confidential: await make('test-confidential', ['read', 'read:confidential']),
  };
  const request: TestApp['request'] = ({ as, headers, ...options }) => {
    const key = as === undefined ? keys.admin : as;
    return app.inject({
      ...options,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    });
  };
  return { app, keys, request };
}

/**
 * The rows of a raw SQL query on the app's database, whichever engine it runs on: for a test that
 * checks what was stored. `?` placeholders (numbered for PostgreSQL here). Values come back as
 * each driver gives them: SQLite's booleans are 0/1 and PostgreSQL's true/false, and PostgreSQL's
 * count(*) is text: cast in the SQL (`count(*) AS n` → `CAST(count(*) AS integer) AS n`) or
 * compare loosely.
 */
export async function sqlRows<T = Record<string, unknown>>(app: FastifyInstance, text: string, ...params: unknown[]): Promise<T[]> {
  const { engine } = app;
  if (engine.kind === 'postgres') {
    let n = 0;
    return (await engine.pool.query(text.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
  }
  return engine.db.$client.prepare(text).all(...params) as T[];
}

/** A raw SQL statement on the app's database, whichever engine (sqlRows): the rows it changed. */
export async function sqlRun(app: FastifyInstance, text: string, ...params: unknown[]): Promise<number> {
  const { engine } = app;
  if (engine.kind === 'postgres') {
    let n = 0;
    return (await engine.pool.query(text.replace(/\?/g, () => `$${++n}`), params)).rowCount ?? 0;
  }
  return engine.db.$client.prepare(text).run(...params).changes;
}

/** For `t.test(name, { skip: sqliteOnly('why') }, …)`: skips, saying why, in the suite's PostgreSQL run. */
export const sqliteOnly = (why: string): false | string => (onPostgres() ? `SQLite only: ${why}` : false);

/**
 * The app on a database file in a temporary folder, and `other`: a second connection to the same
 * file, as another process (the command line) would hold. Both closed, the folder removed, at the end.
 */
export async function buildOnFile(t: Test, options: Pick<BuildOptions, 'clock'> = {}): Promise<{ api: TestApp; other: Database.Database }> {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-file-'));
  const path = join(dir, 'scrutiny.sqlite');
  const api = await build(t, { databasePath: path }, options);
  const other = new Database(path);
  t.teardown(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { api, other };
}

/** Creates a committee and returns its id. */
export async function committee(api: TestApp, body: Record<string, unknown> = {}): Promise<number> {
  const res = await api.request({
    method: 'POST',
    url: '/v1/committees',
    payload: { name: 'Children and Young People Scrutiny Committee', kind: 'scrutiny', ...body },
  });
  if (res.statusCode !== 201) throw new Error(`committee: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

export async function meeting(api: TestApp, committeeId: number, body: Record<string, unknown>): Promise<number> {
  const res = await api.request({ method: 'POST', url: `/v1/committees/${committeeId}/meetings`, payload: body });
  if (res.statusCode !== 201) throw new Error(`meeting: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

/**
 * Resolves once `done()` is true, checking every 10 ms; rejects naming `what` after `timeoutMs`.
 * For a fact another thread or process brings about: the timeout only bounds a hang, so it is
 * generous (a busy machine can take seconds to start a thread).
 */
export async function until(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The promise's value, or a rejection naming `what` after `ms` (the timer is cleared either way). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
