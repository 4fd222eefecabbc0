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
