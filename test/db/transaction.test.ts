import t, { type Test } from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { people } from '../../src/db/sqlite/schema.js';
import { transaction } from '../../src/db/sqlite/transaction.js';

// db/sqlite/transaction.ts `transaction`, the one way to run a transaction, stands in for drizzle's db.transaction on the hot write paths: it
// must commit, roll back and nest (as a savepoint inside a group commit) exactly as that does.

function open(t: Test) {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  const names = () => db.select({ name: people.name }).from(people).orderBy(people.id).all().map((p) => p.name);
  const add = (tx: Parameters<Parameters<typeof transaction>[1]>[0], name: string) => tx.insert(people).values({ name, kind: 'officer' }).run();
  return { db, names, add };
}

t.test('commits what the work wrote and returns its result', async (t) => {
  const { db, names, add } = open(t);
  t.equal(transaction(db, (tx) => (add(tx, 'Jo'), 42)), 42);
  t.same(names(), ['Jo']);
  t.notOk(db.$client.inTransaction);
});

t.test('rolls back everything the work wrote when it throws, and rethrows', async (t) => {
  const { db, names, add } = open(t);
  t.throws(() => transaction(db, (tx) => {
    add(tx, 'Jo');
    throw new Error('refused');
  }), /refused/);
  t.same(names(), []);
  t.notOk(db.$client.inTransaction);
});

t.test('inside an outer transaction it is a savepoint: a failure undoes only its own writes', async (t) => {
  const { db, names, add } = open(t);
  db.$client.exec('BEGIN IMMEDIATE');
  transaction(db, (tx) => add(tx, 'first'));
  t.throws(() => transaction(db, (tx) => {
    add(tx, 'second');
    throw new Error('refused');
  }));
  transaction(db, (tx) => {
    add(tx, 'third');
    // and drizzle's own transactions nest inside it
    tx.transaction((inner) => add(inner as never, 'fourth'));
  });
  t.ok(db.$client.inTransaction, 'the outer transaction is still open');
  db.$client.exec('COMMIT');
  t.same(names(), ['first', 'third', 'fourth']);
});

t.test('refuses asynchronous work, as better-sqlite3 transactions do', async (t) => {
  const { db, names, add } = open(t);
  t.throws(() => transaction(db, async (tx) => add(tx, 'Jo')), /promise/);
  t.same(names(), []);
});
