import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase, type Db } from '../src/db/client.js';
import { createServices } from '../src/services.js';

// What every command-line entry point shares: parse flags, open the configured database,
// print the result (and only the result) to stdout, a one-line reason to stderr on failure.

export class UsageError extends Error {}

export function args<T extends ParseArgsConfig['options']>(options: T, allowPositionals = false) {
  try {
    return parseArgs({ options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function openServices(): { db: Db; services: ReturnType<typeof createServices> } {
  const config = loadConfig();
  const db = openDatabase({ path: config.databasePath, synchronous: config.databaseSynchronous });
  return { db, services: createServices(db) };
}

/**
 * Runs `work` holding the write lock from its first statement. Beside a running server a
 * transaction that reads before it writes fails at once (SQLITE_BUSY_SNAPSHOT, which no busy
 * timeout waits out) if the server commits in between; one that asks for the lock first waits
 * for it instead (up to the busy timeout). The repositories' own transactions nest inside it.
 * Hold it briefly: the server's writes wait while it is held (reads do not).
 */
export function writing<T>(db: Db, work: () => T): T {
  return db.$client.transaction(work).immediate();
}

/** Runs a command: exit 0 on success, 2 for bad usage, 1 for anything else, a one-line reason on stderr. */
export async function run(name: string, usage: string, main: () => Promise<void> | void) {
  try {
    await main();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // One line: the reason, and for bad usage how to call the command.
    const hint = err instanceof UsageError ? ` (usage: ${usage})` : '';
    process.stderr.write(`${name}: ${message.split('\n')[0]}${hint}\n`);
    process.exitCode = err instanceof UsageError || err instanceof ConfigError ? 2 : 1;
  }
}
