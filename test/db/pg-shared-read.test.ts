import t from 'tap';
import { sharedRead } from '../../src/db/pg/shared-read.js';

// db/pg/shared-read.ts: the database snapshot every read request on PostgreSQL takes first (its
// cache stamp) is read once for all the requests that asked before the read was sent, and never
// handed to one that asked after: that one may be reading because of a commit the read in
// flight was taken before. Here the "database" is a counter of commits and each read a promise
// the test answers, so the interleavings are exact.

function fakeDatabase() {
  let commits = 0;
  const sent: { seen: number; answer(): void; fail(err: Error): void }[] = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      // What the read sees is fixed when it is sent (its snapshot), as on the server.
      const seen = commits;
      sent.push({ seen, answer: () => resolve(seen), fail: reject });
    });
  return { read, sent, commit: () => void commits++ };
}

/** Lets the promise callbacks queued so far run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

t.test('a caller never gets a read sent before it asked: it waits for the next, which all waiting share', async (t) => {
  const db = fakeDatabase();
  const stamp = sharedRead(db.read);
  const first = stamp();
  t.equal(db.sent.length, 1, 'the first caller sends a read at once');
  db.commit(); // acknowledged to a client, which now reads through this process
  const second = stamp();
  const third = stamp();
  t.equal(db.sent.length, 1, 'no second read while one is in flight');
  db.sent[0]!.answer();
  t.equal(await first, 0);
  await settle();
  t.equal(db.sent.length, 2, 'the next read is sent once the first is answered');
  db.sent[1]!.answer();
  t.same([await second, await third], [1, 1], 'both callers who asked meanwhile see the commit, from one read');
  t.equal(db.sent.length, 2, 'three callers, two reads');
});

t.test('with nothing in flight, each caller sends its own read', async (t) => {
  const db = fakeDatabase();
  const stamp = sharedRead(db.read);
  const a = stamp();
  db.sent[0]!.answer();
  await a;
  db.commit();
  const b = stamp();
  t.equal(db.sent.length, 2);
  db.sent[1]!.answer();
  t.equal(await b, 1);
});

t.test('a failed read fails only its own callers; the next caller reads again', async (t) => {
  const db = fakeDatabase();
  const stamp = sharedRead(db.read);
  const failing = stamp();
  const waiting = stamp();
  db.sent[0]!.fail(new Error('connection lost'));
  await t.rejects(failing, /connection lost/);
  await settle();
  t.equal(db.sent.length, 2, 'the waiting caller has a read of its own sent');
  db.sent[1]!.answer();
  t.equal(await waiting, 0);
  const later = stamp();
  t.equal(db.sent.length, 3);
  db.sent[2]!.answer();
  t.equal(await later, 0);
});
