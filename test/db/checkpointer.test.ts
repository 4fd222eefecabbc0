import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { readFileSync, renameSync, statSync } from 'node:fs';
import { startCheckpointer, startCheckpointerLater, type Checkpointer } from '../../src/db/sqlite/checkpointer.js';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { until, within } from '../helper.js';

// The server's connection leaves checkpoints to a worker thread (db/sqlite/checkpointer.ts) and only
// catches up after a commit once the log is long, so that the log restarts from its beginning.

function open(t: Test) {
  const path = `${t.testdir()}/scrutiny.sqlite`;
  const db = openDatabase({ path });
  t.teardown(() => db.$client.open && db.$client.close());
  const sqlite = db.$client;
  // Until a checkpointer starts, the log keeps every frame: the connection's own automatic
  // checkpoint (every 1,000 frames) would otherwise restart it at a point that moves whenever the
  // migrations change the schema's size, and a test would begin with a log of unknown length.
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO filler (text) VALUES (?)');
  // Each transaction writes about one new page.
  const write = (transactions: number) => {
    for (let i = 0; i < transactions; i++) sqlite.transaction(() => insert.run('x'.repeat(4000)))();
  };
  return { sqlite, path, write };
}

/** Waits for the worker's first pass (over the log written before it started) to have ended. */
const firstPass = (checkpointer: Checkpointer) => until(() => checkpointer.passesEnded() >= 1, 'the worker\'s first pass');

const AN_HOUR = 3_600_000;

t.test('the server connection stops checkpointing itself; the worker copies every committed frame', async (t) => {
  const { sqlite, path, write } = open(t);
  const checkpointer = startCheckpointer(sqlite, { intervalMs: 5, restartFrames: 100_000 });
  t.teardown(() => checkpointer.close());
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
  t.ok(checkpointer.running());
  write(1500); // past the 1,000 pages at which the connection would have checkpointed
  // Only a checkpoint writes to the database file: the worker's, as this connection makes none.
  await until(() => statSync(path).size >= 1500 * 4096, 'the worker to copy the log into the database');
  t.pass('every page copied');
});

t.test('after a commit with a long log, the next write waits for a pass of the worker, then restarts the log', async (t) => {
  const { sqlite, path, write } = open(t);
  sqlite.pragma('synchronous = OFF'); // writes take microseconds: each step is far shorter than a pass interval
  // The log's header counts restarts (its checkpoint sequence number, bytes 12–15).
  const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
  write(300);
  // The worker's first pass, as it starts, finds a log 300 frames long; the next would come only
  // after an hour unless it is woken. The server copies nothing itself for an hour either.
  const checkpointer = startCheckpointer(sqlite, { intervalMs: AN_HOUR, restartFrames: 200, restartWaitMs: AN_HOUR });
  t.teardown(() => checkpointer.close());
  await firstPass(checkpointer);
  write(250); // frames the worker has not copied yet (past restartFrames again): on its own, the next write could not restart the log
  const before = restarts();
  t.equal(checkpointer.beforeBegin(), undefined, 'no restart asked for yet: a group begins at once');
  checkpointer.afterCommit();
  const wait = checkpointer.beforeBegin();
  t.ok(wait instanceof Promise, 'the next group waits');
  // A minute only bounds a hang: neither the worker's next timed pass nor the server's own copy
  // comes within the hour.
  await within(wait!, 60_000, 'a pass the worker made at once, not its next timed one');
  t.pass('the group waited for a pass the worker made at once');
  t.equal(checkpointer.beforeBegin(), undefined, 'then groups begin at once again');
  write(1);
  t.equal(restarts(), before + 1, 'the log restarted');
  // The restart's own pass reported the old length: it must not ask for another. A short log is left alone.
  checkpointer.afterCommit();
  t.equal(checkpointer.beforeBegin(), undefined);
  write(1);
  t.equal(restarts(), before + 1);
});

t.test('the server copies the rest itself if the worker does not answer in time', async (t) => {
  const { sqlite, path, write } = open(t);
  sqlite.pragma('synchronous = OFF');
  const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
  write(300);
  // The worker's first pass copies all 300 frames; the next would come only after an hour.
  const checkpointer = startCheckpointer(sqlite, { intervalMs: AN_HOUR, restartFrames: 200, restartWaitMs: 0 });
  t.teardown(() => checkpointer.close());
  await firstPass(checkpointer);
  // A reader of the database file as it is now: while it reads, no checkpoint may write to the
  // file, so the pass the server asks for copies nothing.
  const reader = new Database(path, { readonly: true });
  t.teardown(() => reader.open && reader.close());
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM filler').get();
  write(50);
  const before = restarts();
  // At the end of a turn of the event loop, the server asks for the restart and then stays busy
  // past restartWaitMs until the worker has made its (empty) pass; then the reader goes. In the
  // next turn timers run before the worker's message is read: the server's own copy comes first.
  await new Promise<void>((resolve) => setImmediate(() => {
    const passes = checkpointer.passesEnded();
    checkpointer.afterCommit();
    const started = performance.now();
    // The pass is seen in memory shared with the worker, so this loop needs no turn of the event
    // loop; a minute only bounds a hang.
    while ((checkpointer.passesEnded() === passes || performance.now() < started + 5) && performance.now() < started + 60_000);
    t.equal(checkpointer.passesEnded(), passes + 1, 'the worker made its pass while the reader read');
    reader.exec('COMMIT');
    resolve();
  }));
  await new Promise((r) => setImmediate(r));
  t.equal(checkpointer.beforeBegin(), undefined, 'the restart is no longer pending');
  write(1);
  t.equal(restarts(), before + 1, 'the server copied the rest, and the log restarted');
});

t.test('when the worker fails, the connection checkpoints for itself again; close does the same', async (t) => {
  const { sqlite, path } = open(t);
  const failures: Error[] = [];
  const checkpointer = startCheckpointer(sqlite, { onFailure: (err) => failures.push(err) });
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
  await checkpointer.close();
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
  t.notOk(checkpointer.running());
  t.same(failures, [], 'closing is not a failure');

  // The worker cannot open a database file that has gone (this connection keeps its own open).
  renameSync(path, `${path}.moved`);
  const failing = startCheckpointer(sqlite, { onFailure: (err) => failures.push(err) });
  await until(() => failures.length > 0, 'the worker to fail');
  renameSync(`${path}.moved`, path);
  t.equal(failures.length, 1);
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
  // Most likely the worker's exit has been reported by now; close must return whichever came first.
  await new Promise((r) => setTimeout(r, 50));
  await failing.close();
  t.pass('closing after the worker died returns');
});

t.test('the server starts it a moment after listening and stops it on close', async (t) => {
  const databasePath = `${t.testdir()}/scrutiny.sqlite`;
  const app = await buildApp({ ...defaultConfig, databasePath, scheduler: false, scanOnStart: false }, { logger: false });
  const sqlite = app.db.$client;
  t.equal(app.engine.checkpointer(), undefined, 'not for an app that only builds');
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.equal(app.engine.checkpointer(), undefined, 'not during start-up');
  await until(() => app.engine.checkpointer() !== undefined, 'the checkpointer to start');
  t.pass('running a moment after listening');
  t.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
  await app.close();
  t.equal(app.engine.checkpointer(), undefined);
  t.notOk(sqlite.open, 'the database is closed');
});

t.test('a checkpointer closed before its start never starts', async (t) => {
  // The server closed within its first second: the delayed start must not fire afterwards.
  const db = openDatabase({ path: `${t.testdir()}/scrutiny.sqlite` });
  t.teardown(() => db.$client.close());
  const failures: Error[] = [];
  const later = startCheckpointerLater(db.$client, 50, { onFailure: (err) => failures.push(err) });
  await later.close();
  // Past the start delay: the timer set first fires first, however busy the machine.
  await new Promise((r) => setTimeout(r, 200));
  t.equal(later.current(), undefined, 'no checkpointer on the still-open database');
  t.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 1000, 'the connection still checkpoints for itself');
  t.same(failures, []);
});
