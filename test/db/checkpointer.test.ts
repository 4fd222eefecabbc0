import t, { type Test } from 'tap';
import { readFileSync, renameSync, statSync } from 'node:fs';
import { checkpointerOf, startCheckpointer, startCheckpointerLater } from '../../src/db/checkpointer.js';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
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
  return { sqlite, path, write };
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

t.test('after a commit with a long log, the server copies the rest and the next write starts the log again', async (t) => {
  const { sqlite, path, write } = open(t);
  // The log's header counts restarts (its checkpoint sequence number, bytes 12–15).
  const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
  const checkpointer = startCheckpointer(sqlite, { intervalMs: 300, restartFrames: 200 });
  t.teardown(() => checkpointer.close());
  write(300);
  await new Promise((r) => setTimeout(r, 400)); // one pass of the worker: the log is 300 frames long
  write(50); // frames the worker has not copied yet: on its own, the next write could not restart the log
  const before = restarts();
  checkpointer.afterCommit();
  write(1);
  t.equal(restarts(), before + 1, 'the log restarted');
  // A short log is left alone.
  checkpointer.afterCommit();
  write(1);
  t.equal(restarts(), before + 1);
});

t.test('the server copies only just after one of the worker\'s passes, unless the log is four times too long', async (t) => {
  const { sqlite, path, write } = open(t);
  sqlite.pragma('synchronous = OFF'); // writes take microseconds: each step below is far shorter than a pass interval
  sqlite.pragma('wal_checkpoint(TRUNCATE)'); // the log starts empty (the migrations wrote to it)
  const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
  // Passes at 0, 500, 1000 ms…; each step runs 50 ms or more after one and long before the next.
  const checkpointer = startCheckpointer(sqlite, { intervalMs: 500, restartFrames: 100 });
  t.teardown(() => checkpointer.close());
  // Each afterCommit stands for a commit. One made inside a transaction is only counted.
  const commitInsideAnother = () => sqlite.transaction(() => checkpointer.afterCommit())();
  write(60);
  await new Promise((r) => setTimeout(r, 550)); // a pass: the log is 120–180 frames, past 100 (not 400)
  write(50); // not copied yet: on its own, the next write could not restart the log
  const before = restarts();
  commitInsideAnother(); // the first commit since that pass
  checkpointer.afterCommit(); // the second: what is left to copy may be long, so not now
  write(1);
  t.equal(restarts(), before, 'left to the worker: the log did not restart');

  write(400);
  await new Promise((r) => setTimeout(r, 500)); // the next pass: the log is over 400 frames
  write(50);
  const then = restarts();
  commitInsideAnother();
  checkpointer.afterCommit();
  write(1);
  t.equal(restarts(), then + 1, 'a log four times too long is caught up with after any commit');
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
  await until(() => failures.length > 0, 'the worker to fail');
  renameSync(`${path}.moved`, path);
  t.equal(failures.length, 1);
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
  await new Promise((r) => setTimeout(r, 50)); // the worker's exit has been reported
  await failing.close();
  t.pass('closing after the worker died returns');
});

t.test('the server starts it a moment after listening and stops it on close', async (t) => {
  const databasePath = `${t.testdir()}/scrutiny.sqlite`;
  const app = await buildApp({ ...defaultConfig, databasePath, scheduler: false, scanOnStart: false }, { logger: false });
  const sqlite = app.db.$client;
  t.equal(checkpointerOf(sqlite), undefined, 'not for an app that only builds');
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.equal(checkpointerOf(sqlite), undefined, 'not during start-up');
  await until(() => checkpointerOf(sqlite) !== undefined, 'the checkpointer to start');
  t.pass('running a moment after listening');
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
  await app.close();
  t.equal(checkpointerOf(sqlite), undefined);
  t.notOk(sqlite.open, 'the database is closed');
});

t.test('a checkpointer closed before its start never starts', async (t) => {
  // The server closed within its first second: the delayed start must not fire afterwards.
  const db = openDatabase({ path: `${t.testdir()}/scrutiny.sqlite` });
  t.teardown(() => db.$client.close());
  const failures: Error[] = [];
  const later = startCheckpointerLater(db.$client, 50, { onFailure: (err) => failures.push(err) });
  await later.close();
  await new Promise((r) => setTimeout(r, 200)); // past the start delay
  t.equal(checkpointerOf(db.$client), undefined, 'no checkpointer on the still-open database');
  t.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 1000, 'the connection still checkpoints for itself');
  t.same(failures, []);
});
