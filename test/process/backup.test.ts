import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { sqliteOnly } from '../helper.js';
import { getJson, PATIENT_MS, processEnv, runCommand, seedAdminKey, startServer, startWriteStream, tempDir, scriptArgs, until, within } from './helper.js';

// `npm run db:backup -- FILE` takes a consistent online backup while the server is serving
// writes (issue 4, "Not losing data"); restoring it gives back every record acknowledged before
// the backup began.

// Enough pages (~33 MB) that the backup cannot copy the file in one step, so writes from the
// server land while it is part-way through: the case an online backup has to get right.
const SEED_COMMITTEES = 100_000;

function seed(path: string) {
  const db = openDatabase({ path });
  const insert = db.$client.prepare(
    "INSERT INTO committees (name, slug, kind, authority) VALUES (?, ?, 'other', ?)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < SEED_COMMITTEES; i++) insert.run(`Archived body ${i}`, `archived-body-${i}`, 'Archive '.repeat(20));
  })();
  db.$client.close();
}

const backupCommand = (file: string) => ['run', '-s', 'db:backup', '--', file];

t.test('an online backup under a stream of writes restores every acknowledged record', {
  skip: sqliteOnly('db:backup copies the SQLite file at DATABASE_PATH; PostgreSQL is backed up with its own tools (pg_dump, base backups)'),
}, async (t) => {
  const dir = tempDir(t);
  const databasePath = join(dir, 'live.sqlite');
  const backupPath = join(dir, 'backup.sqlite');
  seed(databasePath);
  const env = processEnv(databasePath);
  const key = seedAdminKey(databasePath, 'backup-test');
  const server = await startServer(t, env);

  const stream = startWriteStream(server.url, key, { label: 'Backup', concurrency: 8, max: 20_000 });
  await within(stream.firstAck, PATIENT_MS, 'the first acknowledged write');
  await until(() => stream.acked.size >= 100, 'a hundred acknowledged writes', PATIENT_MS);
  // What the server had acknowledged when the backup started: all of it must be in the copy.
  const before = new Map(stream.acked);
  const ackedAtStart = stream.acked.size;
  const backup = await runCommand('npm', backupCommand(backupPath), env);
  const ackedDuring = stream.acked.size - ackedAtStart;
  await stream.stop();
  server.child.kill('SIGTERM');
  t.same(await server.exited, { code: 0, signal: null }, 'the server shut down cleanly after the writes');

  t.equal(backup.code, 0, `db:backup succeeded; stderr: ${backup.stderr}`);
  t.equal(backup.stdout, `${backupPath}\n`, 'db:backup prints the backup path and nothing else');
  t.ok(ackedDuring > 0, `the server kept acknowledging writes during the backup (${ackedDuring})`);
  t.same(stream.unexpected, [], 'no write failed while the backup ran');

  const copy = new Database(backupPath, { readonly: true });
  t.teardown(() => copy.close());
  t.equal(copy.pragma('integrity_check', { simple: true }), 'ok', 'the backup passes integrity_check');
  const byId = copy.prepare('SELECT name, authority FROM committees WHERE id = ?');
  const missing = [...before.values()].filter(({ id, body }) => {
    const row = byId.get(id) as { name: string; authority: string } | undefined;
    return row?.name !== body.name || row.authority !== body.authority;
  });
  t.same(missing.map((m) => m.id), [], `all ${before.size} writes acknowledged before the backup are in it`);
  // A consistent snapshot: every committee in the copy has the audit event of its own transaction.
  const { n: seeded } = copy.prepare("SELECT count(*) AS n FROM committees WHERE kind = 'other'").get() as { n: number };
  t.equal(seeded, SEED_COMMITTEES, 'the seeded records are all in the backup');
  const { n: orphans } = copy
    .prepare(
      `SELECT count(*) AS n FROM committees c WHERE c.kind = 'scrutiny' AND NOT EXISTS (
         SELECT 1 FROM audit_events a WHERE a.entity_type = 'committee' AND a.entity_id = CAST(c.id AS TEXT))`,
    )
    .get() as { n: number };
  t.equal(orphans, 0, 'no record without its audit event: the copy is one point in time');
  // The search index file is not copied: a new generation makes one found beside a restored copy
  // be built afresh rather than trusted (db/sqlite/search-index.ts).
  const live = new Database(databasePath, { readonly: true });
  const generationOf = (db: Database.Database) => db.prepare('SELECT generation FROM search_state').pluck().get();
  t.not(generationOf(copy), generationOf(live), 'the backup has a search generation of its own');
  live.close();

  await t.test('a server started on the restored backup serves the records', async (t) => {
    const restoredPath = join(tempDir(t), 'restored.sqlite');
    copyFileSync(backupPath, restoredPath);
    const restored = await startServer(t, processEnv(restoredPath));
    const last = [...before.values()].at(-1)!;
    // The API key lives in the database too: the backup restores access along with the data.
    const read = await getJson(`${restored.url}/v1/committees/${last.id}`, key);
    t.equal(read.status, 200);
    t.match(read.body, { id: last.id, name: last.body.name, authority: last.body.authority });
    const ready = await getJson(`${restored.url}/readyz`);
    t.same([ready.status, ready.body], [200, { status: 'ready' }]);
  });

  await t.test('a backup finishes while another process commits every millisecond', async (t) => {
    // A backup copied in slices restarts from the first page whenever another connection
    // commits between two slices; on a database this size under steady writes it never ends.
    const writer = new Database(databasePath);
    writer.pragma('busy_timeout = 5000');
    writer.pragma('synchronous = OFF'); // a disturbance, not data to keep: commit as often as possible
    const insert = writer.prepare("INSERT INTO committees (name, slug, kind) VALUES (?, ?, 'other')");
    let commits = 0;
    const timer = setInterval(() => insert.run(`Steady write ${commits}`, `steady-write-${commits++}`), 1);
    const target = join(dir, 'under-steady-writes.sqlite');
    const started = Date.now();
    try {
      const result = await runCommand('npm', backupCommand(target), env);
      t.equal(result.code, 0, `db:backup succeeded; stderr: ${result.stderr}`);
    } finally {
      clearInterval(timer);
      writer.close();
    }
    t.ok(commits > 20, `${commits} commits landed during the backup's ${Date.now() - started} ms`);
    const copy = new Database(target, { readonly: true });
    t.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    copy.close();
  });

  await t.test('a backup onto an existing file, or of a missing database, is refused', async (t) => {
    const existing = join(dir, 'existing.sqlite');
    writeFileSync(existing, 'not to be overwritten');
    const target = join(dir, 'never.sqlite');
    const backupScript = (file: string) => [...scriptArgs('scripts/db-backup.ts'), file];
    const [refused, failed] = await Promise.all([
      runCommand(process.execPath, backupScript(existing), env),
      runCommand(process.execPath, backupScript(target), processEnv(join(dir, 'absent', 'none.sqlite'))),
    ]);
    t.not(refused.code, 0, 'existing file: non-zero exit');
    t.equal(refused.stdout, '', 'existing file: nothing on stdout');
    t.match(refused.stderr, /already exists/, 'existing file: the reason on stderr');
    t.equal(readFileSync(existing, 'utf8'), 'not to be overwritten', 'existing file: left alone');
    t.not(failed.code, 0, 'missing database: non-zero exit');
    t.equal(failed.stdout, '', 'missing database: nothing on stdout');
    t.match(failed.stderr, /no database/, 'missing database: the reason on stderr');
    t.notOk(existsSync(target), 'missing database: no backup file was created');
    t.notOk(existsSync(join(dir, 'absent')), 'missing database: no database was created either');
  });
});
