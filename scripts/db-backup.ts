import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { args, run, UsageError } from './cli.js';

// An online backup through SQLite's backup API: consistent even while the server is writing,
// because it copies pages under SQLite's own locking and restarts when a page changes.

await run('db:backup', 'npm run db:backup -- FILE', async () => {
  const { positionals } = args({}, true);
  const [target] = positionals;
  if (!target) throw new UsageError('give the backup file path');
  if (existsSync(target)) throw new UsageError(`${target} already exists; choose a new file`);
  const config = loadConfig();
  if (!existsSync(config.databasePath)) throw new Error(`no database at ${config.databasePath}`);
  const source = new Database(config.databasePath, { fileMustExist: true });
  source.pragma('busy_timeout = 5000');
  try {
    await source.backup(target);
    const copy = new Database(target, { readonly: true });
    const check = copy.pragma('integrity_check', { simple: true });
    copy.close();
    if (check !== 'ok') throw new Error(`backup failed its integrity check: ${String(check)}`);
    process.stdout.write(`${target}\n`);
  } finally {
    source.close();
  }
});
