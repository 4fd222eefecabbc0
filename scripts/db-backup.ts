import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/sqlite/client.js';
import { args, run, UsageError } from './cli.js';

// An online backup through SQLite's backup API: consistent even while the server is writing,
// because it copies pages under SQLite's own locking. All pages go in one step: copied in
// slices, a write from the server between two slices restarts the copy from the first page,
// so a large database under steady writes would never finish. One step holds a read
// transaction for the copy; in WAL mode that does not block the server's writes.

await run('db:backup', 'npm run db:backup -- FILE', async () => {
  const { positionals } = args({}, true);
  const [target] = positionals;
  if (!target) throw new UsageError('give the backup file path');
  if (existsSync(target)) throw new UsageError(`${target} already exists; choose a new file`);
  const config = loadConfig();
  if (!existsSync(config.databasePath)) throw new Error(`no database at ${config.databasePath}`);
  // Opened as the server opens it (busy timeout included), without migrating what it copies.
  const source = openDatabase({ path: config.databasePath, synchronous: config.databaseSynchronous, migrate: false }).$client;
  try {
    await source.backup(target, { progress: () => 2 ** 31 - 1 });
    const copy = new Database(target);
    // The search index (a file of its own, not copied) is built afresh for a restored backup:
    // a new generation tells it that an index file found beside the copy is not the copy's.
    copy.exec('UPDATE search_state SET generation = lower(hex(randomblob(16)))');
    const check = copy.pragma('integrity_check', { simple: true });
    copy.close();
    if (check !== 'ok') throw new Error(`backup failed its integrity check: ${String(check)}`);
    process.stdout.write(`${target}\n`);
  } catch (err) {
    // A copy that failed part-way or failed its check must not be mistaken for a backup.
    rmSync(target, { force: true });
    throw err;
  } finally {
    source.close();
  }
});
