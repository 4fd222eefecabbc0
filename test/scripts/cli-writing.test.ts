import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { scriptActor } from '../../src/domain/actor.js';
import { createEngine } from '../../src/db/engine.js';
import { createServices } from '../../src/services.js';
import { writing } from '../../scripts/cli.js';

// The command line beside a running server: a command's write transaction must not fail because
// the server committed between the command's first read and its first write.

t.test("a command's write holds the lock from its first read, so a server commit cannot come between", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-cli-writing-'));
  const path = join(dir, 'scrutiny.sqlite');
  const db = openDatabase({ path });
  // The command's work runs synchronously inside writing(): on SQLite's engine, as the CLI does.
  const engine = createEngine(db);
  const services = createServices(engine);
  const key = engine.run(services.programs.apiKeys.create(scriptActor('test'), 'to revoke', ['read']));
  // The server: another connection, committing whenever it can.
  const server = new Database(path);
  server.pragma('busy_timeout = 0');
  t.teardown(() => {
    server.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const serverWrites = () => {
    try {
      server.exec("INSERT INTO people (name, kind) VALUES ('Written by the server', 'officer')");
      return 'committed';
    } catch (err) {
      return (err as { code: string }).code;
    }
  };

  // What api-key revoke does: read the key, then write. Without the lock first, the server's
  // commit in between makes the write fail at once, whatever the busy timeout.
  const plain = db.$client.transaction(() => {
    db.$client.prepare('SELECT count(*) FROM api_keys').get();
    t.equal(serverWrites(), 'committed', 'without the lock, the server commits in between');
    db.$client.prepare("UPDATE api_keys SET name = 'renamed' WHERE id = ?").run(key.id);
  });
  t.throws(() => plain.deferred(), { code: 'SQLITE_BUSY_SNAPSHOT' }, '...and the command fails');

  let code = '';
  const revoked = writing(db, () => {
    db.$client.prepare('SELECT count(*) FROM api_keys').get();
    code = serverWrites();
    return engine.run(services.programs.apiKeys.revoke(scriptActor('test'), key.id));
  });
  t.equal(code, 'SQLITE_BUSY', 'the server waits for the command instead');
  t.ok(revoked.revokedAt, 'and the command succeeds');
  t.end();
});
