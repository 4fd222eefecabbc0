import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';
import { migrationsApplied, openDatabase } from '../../src/db/sqlite/client.js';

t.test('the committed migrations match the drizzle schema', async (t) => {
  // drizzle-kit generates into a copy of migrations/sqlite/: if the schema has drifted from the
  // committed snapshots, a new migration file appears there.
  const out = mkdtempSync(join(tmpdir(), 'migrations-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  cpSync('migrations/sqlite', out, { recursive: true });
  const before = readdirSync(out).filter((f) => f.endsWith('.sql'));
  const printed = execFileSync(
    'npx',
    // Relative: drizzle-kit reads --out relative to the working directory even when absolute (it
    // fails on /tmp/…, exits 0 and writes nothing), hence also the check of what it said.
    ['drizzle-kit', 'generate', '--dialect', 'sqlite', '--schema', './src/db/sqlite/schema.ts', '--casing', 'snake_case', '--out', relative(process.cwd(), out)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const after = readdirSync(out).filter((f) => f.endsWith('.sql'));
  t.match(printed, /No schema changes, nothing to migrate/, 'drizzle-kit compared the schema with the snapshots');
  t.same(after, before, 'no new migration needed');
});

t.test('a new database is fully migrated, with foreign keys and WAL', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'db-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase({ path: join(dir, 'nested', 'scrutiny.sqlite') });
  t.ok(migrationsApplied(db));
  t.equal(db.$client.pragma('foreign_keys', { simple: true }), 1);
  t.equal(db.$client.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.$client.pragma('synchronous', { simple: true }), 2, 'FULL by default');
  t.throws(() => db.$client.prepare("INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (999, 'x', 'x', 'x', 'x')").run(), /FOREIGN KEY/);
  db.$client.close();
});
