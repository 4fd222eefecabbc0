import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import t from 'tap';
import { migrationsFolder } from '../../src/db/sqlite/client.js';
import { DrizzleClient, drizzleOver } from '../../src/db/sqlite/connection.js';
import { decoderOfSql, drizzleClientOf } from '../../src/db/sqlite/drizzle-internals.js';

// What db/sqlite/drizzle-internals.ts relies on in the installed drizzle, beyond its documented API.
// Should an upgrade change any of it, this fails here rather than somewhere on the write path.

const notes = sqliteTable('notes', { id: integer('id').primaryKey(), text: text('text').notNull() });

t.test('the database and its transactions, nested too, share one session holding the client', async (t) => {
  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const db = drizzleOver(sqlite);
  const client = drizzleClientOf(db);
  t.type(client, DrizzleClient);
  t.equal(db.$client, sqlite, '$client is the connection itself');
  db.transaction((tx) => {
    t.equal(drizzleClientOf(tx), client);
    tx.transaction((inner) => t.equal(drizzleClientOf(inner), client));
  });
});

t.test('drizzle uses nothing of its client but prepare and transaction', async (t) => {
  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  const used = new Set<string>();
  const real = new DrizzleClient(sqlite);
  // Any other property drizzle asked for would be undefined here, and fail loudly. (drizzle()
  // looks at the constructor to tell a client from a config object: a class instance is a client.)
  const client = new Proxy(real, {
    get(target, name) {
      if (name === 'constructor') return target.constructor;
      if (name !== 'prepare' && name !== 'transaction') throw new Error(`drizzle asked its client for ${String(name)}`);
      used.add(name);
      return (target[name] as (...args: unknown[]) => unknown).bind(target);
    },
  });
  const db = drizzle(client as unknown as Database.Database);
  migrate(db, { migrationsFolder: migrationsFolder() });
  sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  db.insert(notes).values({ text: 'a' }).run();
  t.same(db.insert(notes).values({ text: 'b' }).returning().get(), { id: 2, text: 'b' });
  const byId = db.select().from(notes).where(sql`${notes.id} = ${sql.placeholder('id')}`).prepare();
  t.same(byId.get({ id: 1 }), { id: 1, text: 'a' });
  t.same(byId.values({ id: 2 }), [[2, 'b']]);
  db.transaction((tx) => {
    tx.update(notes).set({ text: 'c' }).run();
    tx.transaction((inner) => inner.delete(notes).where(sql`${notes.id} = 2`).run());
  });
  t.same(db.select().from(notes).all(), [{ id: 1, text: 'c' }]);
  t.same([...used].sort(), ['prepare', 'transaction']);
});

t.test('an sql`` expression keeps its decoder as `decoder`', async (t) => {
  const plain = sql<number>`count(*)`;
  t.equal(decoderOfSql(plain).mapFromDriverValue(3), 3, 'the default decoder hands the value back');
  const mapped = sql<boolean>`1`.mapWith((value: unknown) => value === 1);
  t.equal(decoderOfSql(mapped).mapFromDriverValue(1), true);
  t.equal(decoderOfSql(sql`x`.mapWith(notes.id)), notes.id, 'a column given to mapWith is the decoder');
});
