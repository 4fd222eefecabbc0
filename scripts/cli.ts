import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import type { Db } from '../src/db/sqlite/client.js';
import { openEngine, type Engine } from '../src/db/engine.js';
import { immediateTransaction } from '../src/db/sqlite/transaction.js';
import { InvalidFieldError } from '../src/errors.js';
import { createServices } from '../src/services.js';

// What every command-line entry point shares: parse flags, open the configured database,
// print the result (and only the result) to stdout, a one-line reason to stderr on failure.

export class UsageError extends Error {}

/** Where a command writes: process.stdout in the real command, a collector in tests. */
export interface Output {
  write(chunk: string | Uint8Array): unknown;
}

/** What a command reads and writes besides its arguments, so tests can call it without a process. */
export interface CommandIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
}

export const processIo = (): CommandIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** True when the module at `moduleUrl` is the file node was asked to run (not merely imported). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

export function args<T extends ParseArgsConfig['options']>(options: T, allowPositionals = false, argv: string[] = process.argv.slice(2)) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The configured database on either engine (db/engine.ts: PostgreSQL with DATABASE_URL), opened
 * and migrated as the server opens it, and the services over it. `writing` runs one write: on
 * SQLite holding the write lock from its first statement (writing() below), on PostgreSQL as the
 * service's own transaction. Close the engine when done.
 */
export async function openAnyServices(env: NodeJS.ProcessEnv = process.env): Promise<{
  engine: Engine; services: ReturnType<typeof createServices>; writing: <T>(work: () => T) => T;
}> {
  const engine = await openEngine(loadConfig(env));
  const sqliteDb = engine.kind === 'sqlite' ? engine.db : undefined;
  return { engine, services: createServices(engine), writing: (work) => (sqliteDb ? writing(sqliteDb, work) : work()) };
}

/**
 * Runs `work` holding the write lock from its first statement. Beside a running server a
 * transaction that reads before it writes fails at once (SQLITE_BUSY_SNAPSHOT, which no busy
 * timeout waits out) if the server commits in between; one that asks for the lock first waits
 * for it instead (up to the busy timeout). The repositories' own transactions nest inside it.
 * Hold it briefly: the server's writes wait while it is held (reads do not).
 */
export function writing<T>(db: Db, work: () => T): T {
  return immediateTransaction(db, work);
}

/**
 * Runs `work`, naming a field the services refuse by what carried it on the command line: its
 * flag (`{ startsAt: '--starts-at' }`) or file. A field no flag carries keeps its domain name.
 * Work that returns a promise (a service run on an engine that answers later) is refused alike.
 */
export function withFlags<T>(flags: Readonly<Record<string, string>>, work: () => T): T {
  const relocated = (err: unknown): never => {
    if (!(err instanceof InvalidFieldError)) throw err;
    throw err.relocated((e) => ({ ...e, field: Object.hasOwn(flags, e.field) ? flags[e.field]! : e.field }));
  };
  try {
    const result = work();
    return (result instanceof Promise ? result.catch(relocated) : result) as T;
  } catch (err) {
    return relocated(err);
  }
}

/**
 * Runs a command's work and returns its exit code: 0 on success, 2 for bad usage, 1 for anything
 * else, with a one-line reason on stderr.
 */
export async function execute(name: string, usage: string, io: CommandIo, work: () => Promise<void> | void): Promise<number> {
  try {
    await work();
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // One line: the reason, and for bad usage how to call the command.
    const hint = err instanceof UsageError ? ` (usage: ${usage})` : '';
    io.stderr.write(`${name}: ${message.split('\n')[0]}${hint}\n`);
    return err instanceof UsageError || err instanceof ConfigError ? 2 : 1;
  }
}

/** Runs a command as the process: its exit code becomes the process's (set, so stdout drains first). */
export async function run(name: string, usage: string, main: () => Promise<void> | void) {
  const code = await execute(name, usage, processIo(), main);
  if (code !== 0) process.exitCode = code;
}
