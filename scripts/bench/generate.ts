import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openIndexWriter, SearchIndexer, searchIndexPath } from '../../src/db/sqlite/search-index.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { DEFAULT_TIME_ZONE, todayIn } from '../../src/domain/clock.js';
import { generateActions } from './generate-actions.js';
import { generateSchedule } from './generate-schedule.js';
import { seeded } from './random.js';

// The benchmark database: generated once per size (and per month, so "today" stays inside the
// ten years of meetings), then cached. Each run works on a copy, so writes never accumulate.

export const CACHE_DIR = join(tmpdir(), 'scrutiny-bench');

export interface BenchDatabase {
  /** The copy this run uses. */
  path: string;
  /** The day the data was generated around; reports are asked "as of" it. */
  anchor: string;
  /** Milliseconds spent generating, or null when the cached file was used. */
  generatedMs: number | null;
}

/** A change to the generator makes a new cache entry; new migrations are applied to the cached one. */
function fingerprint(): string {
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  for (const file of ['generate-schedule.ts', 'generate-actions.ts', 'vocabulary.ts', 'random.ts']) {
    hash.update(readFileSync(join(here, file)));
  }
  return hash.digest('hex').slice(0, 10);
}

function generate(path: string, actions: number, anchor: string) {
  // openDatabase applies the migrations, so tables, indexes and FTS triggers are the real ones.
  const db = openDatabase({ path, synchronous: 'NORMAL' });
  const sqlite = db.$client;
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  // Every reference is made from rows just inserted; checking each one would double the time.
  sqlite.pragma('foreign_keys = OFF');
  // Queueing every generated action for the search index is wasted work: the index file is
  // built from the actions afterwards (prepareDatabase).
  const triggers = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_queue_%'").all() as { name: string; sql: string }[];
  for (const t of triggers) sqlite.exec(`DROP TRIGGER ${t.name}`);
  const rnd = seeded(20240715);
  const committees = sqlite.transaction(() => generateSchedule(sqlite, rnd, anchor))();
  generateActions(sqlite, rnd, anchor, committees, actions);
  for (const t of triggers) sqlite.exec(t.sql);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
}

/** Brings the search index file of the database at `path` up to date, building it if need be. */
function buildSearchIndex(path: string) {
  const sqlite = openIndexWriter(path, { synchronous: 'OFF' });
  try {
    new SearchIndexer(sqlite, 'main', 'source', 20_000).catchUp();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.close();
  }
}

export function prepareDatabase(actions: number, runDir: string): BenchDatabase {
  const anchor = `${todayIn(DEFAULT_TIME_ZONE).slice(0, 7)}-15`;
  mkdirSync(CACHE_DIR, { recursive: true });
  const cached = join(CACHE_DIR, `actions-${actions}-${anchor}-${fingerprint()}.sqlite`);
  let generatedMs: number | null = null;
  if (!existsSync(cached)) {
    const started = performance.now();
    const partial = `${cached}.partial`;
    for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
    generate(partial, actions, anchor);
    renameSync(partial, cached);
    generatedMs = performance.now() - started;
  }
  // Pending migrations (an index added since the data was generated) are applied to the cache
  // now, so the measured start-up never includes them.
  openDatabase({ path: cached }).$client.close();
  // The search index file too (built once, or again after a migration that changed it), so that
  // the server starts with an index that is up to date, as a running deployment's is.
  buildSearchIndex(cached);
  mkdirSync(runDir, { recursive: true });
  const path = join(runDir, 'bench.sqlite');
  for (const file of [path, searchIndexPath(path)]) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  copyFileSync(cached, path);
  copyFileSync(searchIndexPath(cached), searchIndexPath(path));
  return { path, anchor, generatedMs };
}
