import t, { type Test } from 'tap';
import { renameSync, statSync } from 'node:fs';
import { checkpointerOf, startCheckpointer } from '../../src/db/checkpointer.js';
import { openDatabase } from '../../src/db/client.js';

// The server's connection leaves checkpoints to a worker thread (db/checkpointer.ts) and only
// catches up after a commit once the log is long, so that the log restarts from its beginning.

function open(t: Test) {
  const path = `${t.testdir()}/scrutiny.sqlite`;
  const db = openDatabase({ path });
  t.teardown(() => db.$client.open && db.$client.close());
  const sqlite = db.$client;
  sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO filler (text) VALUES (?)');
  // Each transaction writes about one new page.
  const write = (transactions: number) => {
    for (let i = 0; i < transactions; i++) sqlite.transaction(() => insert.run('x'.repeat(4000)))();
  };
  const frames = () => statSync(`${path}-wal`).size / 4120;
  return { sqlite, path, write, frames };
}

const until = async (done: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
};

t.test('the server connection stops checkpointing itself; the worker copies every committed frame', async (t) => {
  const { sqlite, path, write } = open(t);
  const checkpointer = startCheckpointer(sqlite, { intervalMs: 5, restartFrames: 100_000 });
  t.teardown(() => checkpointer.close());
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
  t.equal(checkpointerOf(sqlite), checkpointer);
  write(1500); // past the 1,000 pages at which the connection would have checkpointed
  // Only a checkpoint writes to the database file: the worker's, as this connection makes none.
  await until(() => statSync(path).size >= 1500 * 4096, 'the worker to copy the log into the database');
  t.pass('every page copied');
});

t.test('after a commit with a long log, the next write starts the log again from the beginning', async (t) => {
  const { sqlite, write, frames } = open(t);
  const checkpointer = startCheckpointer(sqlite, { intervalMs: 5, restartFrames: 200 });
  t.teardown(() => checkpointer.close());
  // Writes back to back, as under load: the worker is never quite done when the next one begins.
  for (let round = 0; round < 40; round++) {
    write(50);
    checkpointer.afterCommit();
    await new Promise((r) => setImmediate(r)); // the worker's report of the log's length arrives meanwhile
  }
  // Without restarts the log would hold all 2,000 transactions' frames; it is cut back to twice
  // the restart length once it restarts.
  t.ok(frames() <= 2 * 200 + 50, `log of ${frames().toFixed(0)} frames`);
});

t.test('when the worker fails, the connection checkpoints for itself again; close does the same', async (t) => {
  const { sqlite, path } = open(t);
  const failures: Error[] = [];
  const checkpointer = startCheckpointer(sqlite, { onFailure: (err) => failures.push(err) });
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
  await checkpointer.close();
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
  t.equal(checkpointerOf(sqlite), undefined);
  t.same(failures, [], 'closing is not a failure');

  // The worker cannot open a database file that has gone (this connection keeps its own open).
  renameSync(path, `${path}.moved`);
  const failing = startCheckpointer(sqlite, { onFailure: (err) => failures.push(err) });
  t.teardown(() => failing.close());
  await until(() => failures.length > 0, 'the worker to fail');
  renameSync(`${path}.moved`, path);
  t.equal(failures.length, 1);
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
});
