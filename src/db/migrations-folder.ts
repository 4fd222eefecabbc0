import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * An engine's committed drizzle-kit output (migrations/sqlite, migrations/pg), found by walking up
 * from this module, so that it is found whether the code runs from src/, from tsc's dist/ or from
 * the server's bundle in dist/server/.
 */
export function migrationsFolderOf(dialect: 'sqlite' | 'pg'): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'migrations', dialect);
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`migrations/${dialect} folder not found`);
}
