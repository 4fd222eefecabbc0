import t from 'tap';
import pg from 'pg';
import { eq, sql } from 'drizzle-orm';
import { integer, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { all, BUSY, first, insertRow, lock, run, stamp, tx, txIfFree, values, type Program } from '../../src/db/program.js';
import { createPgRunner, type ReadScope } from '../../src/db/pg/run.js';
import { createRequestUnits } from '../../src/db/pg/write-unit.js';
import { until } from '../helper.js';

// The PostgreSQL runner of programs (src/db/pg/run.ts) on the real server, against a schema of
// its own made and dropped here (the app's PostgreSQL schema is another branch's work). Skipped,
// saying so, when no PostgreSQL answers.

const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `i18_programs_${process.pid}`;
const space = pgSchema(SCHEMA);
const notes = space.table('notes', {
  id: serial('id').primaryKey(),
  body: text('body').notNull(),
  n: integer('n').notNull().default(0),
});

// In pipeline mode, as the engine's pool (src/db/pg/engine.ts).
const pool = new pg.Pool({ connectionString: URL, max: 4, connectionTimeoutMillis: 3000, pipeline: true });
const reachable = await pool.query('SELECT 1').then(() => true, (err: Error) => {
  t.comment(`PostgreSQL not reachable at ${URL} (${err.message}): the PostgreSQL runner's tests are skipped`);
  return false;
});

if (!reachable) {
  await pool.end();
  t.pass('skipped: no PostgreSQL');
} else {
  await pool.query(`CREATE SCHEMA ${SCHEMA}`);
  await pool.query(`CREATE TABLE ${SCHEMA}.notes (id serial PRIMARY KEY, body text NOT NULL, n integer NOT NULL DEFAULT 0)`);
  t.teardown(async () => {
    await pool.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await pool.end();
  });
  const runner = createPgRunner(pool);
  const { db } = runner;
  const bodies = async () => (await pool.query(`SELECT body FROM ${SCHEMA}.notes ORDER BY id`)).rows.map((r: { body: string }) => r.body);
  const clear = () => pool.query(`TRUNCATE ${SCHEMA}.notes RESTART IDENTITY`);

  /**
   * A lock another connection holds until the test opens it: a program that takes it waits there,
   * mid-transaction. `waiting()`: whether a transaction is waiting for it now.
   */
  const gate = async (key: number) => {
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', ['gate', key]);
    return {
      wait: () => lock('gate', key),
      waiting: async () => (await pool.query('SELECT count(*)::int AS n FROM pg_locks WHERE locktype = $1 AND NOT granted AND objid = $2', ['advisory', key])).rows[0].n > 0,
      async open() {
        await holder.query('COMMIT');
        holder.release();
      },
    };
  };

  t.beforeEach(clear);

  t.test('results come back through yield*: rows, first row, changed count, raw values', async (t) => {
    function* program(): Program<{ inserted: string; found?: string; changed: number; rows: number; raw: unknown }> {
      const row = yield* first(db.insert(notes).values({ body: 'Bus shelter repairs', n: 1 }).returning());
      yield* run(db.insert(notes).values({ body: 'Library hours', n: 2 }));
      const { changes } = yield* run(db.update(notes).set({ n: sql`${notes.n} + 10` }));
      const found = yield* first(db.select().from(notes).where(eq(notes.body, 'Library hours')));
      const rows = yield* all(db.select().from(notes));
      const raw = yield* values(db.select({ id: notes.id, n: notes.n }).from(notes).where(eq(notes.id, sql.placeholder('id'))), { id: 1 });
      return { inserted: row!.body, found: found?.body, changed: changes, rows: rows.length, raw };
    }
    t.same(await runner.run(program()), { inserted: 'Bus shelter repairs', found: 'Library hours', changed: 2, rows: 2, raw: [[1, 11]] });
  });

  t.test('a transaction commits what its body wrote, on one connection', async (t) => {
    const pids = await runner.run(tx(function* () {
      const seen: number[] = [];
      for (const body of ['One', 'Two']) {
        yield* run(db.insert(notes).values({ body }));
        seen.push((yield* first(db.select({ pid: sql<number>`pg_backend_pid()` }).from(notes).limit(1)))!.pid);
      }
      return seen;
    }));
    t.equal(new Set(pids).size, 1, 'every statement of the transaction on the same server process');
    t.same(await bodies(), ['One', 'Two']);
  });

  t.test('a body that throws is rolled back and the error reaches the caller', async (t) => {
    await t.rejects(runner.run(tx(function* () {
      yield* run(db.insert(notes).values({ body: 'Half a write' }));
      throw new Error('refused');
    })), { message: 'refused' });
    t.same(await bodies(), [], 'nothing of it was kept');
  });

  t.test('a failing statement is thrown into the program, which may catch it; the transaction is not then taken for committed', async (t) => {
    await clear();
    let seen = 'nothing';
    const answer = await runner.run(tx(function* () {
      yield* run(db.insert(notes).values({ body: 'Before the failure' }));
      try {
        yield* run(db.insert(notes).values({ body: null as unknown as string }));
        seen = 'inserted';
      } catch (err) {
        seen = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? 'no code';
      }
      return 'done';
    })).catch((err: Error) => `rejected: ${err.message}`);
    t.equal(seen, '23502', 'the not-null violation, as the program saw it');
    // PostgreSQL aborted the transaction at the failed statement: its COMMIT is a ROLLBACK.
    t.match(answer, /^rejected: the transaction had failed/, 'the caller is told, not answered as if committed');
    t.same(await bodies(), [], 'nothing of it was kept');
  });

  t.test('a row sent unanswered (insertRow unanswered) that fails fails its transaction: thrown by the next statement, or by COMMIT', async (t) => {
    await clear();
    const refused = () => insertRow(db as never, notes as never, { body: null } as never, { unanswered: true });
    const next = await runner.run(tx(function* () {
      yield* run(db.insert(notes).values({ body: 'Before it' }));
      yield* refused();
      yield* run(db.insert(notes).values({ body: 'After it' }));
    })).then(() => 'committed', (err: { code?: string; cause?: { code?: string } }) => err.cause?.code ?? err.code);
    t.equal(next, '23502', "the next statement throws the unanswered one's failure (not the refusal of an aborted transaction)");
    const atCommit = await runner.run(tx(function* () {
      yield* run(db.insert(notes).values({ body: 'Before it' }));
      yield* refused();
    })).then(() => 'committed', (err: { code?: string; cause?: { code?: string } }) => err.cause?.code ?? err.code);
    t.equal(atCommit, '23502', 'with nothing after it, COMMIT throws it');
    t.same(await bodies(), [], 'nothing of either was kept');
    await runner.run(tx(function* () {
      yield* insertRow(db as never, notes as never, { body: 'Audited' } as never, { unanswered: true });
    }));
    t.same(await bodies(), ['Audited'], 'one that succeeds is committed with the transaction');
  });

  t.test('a transaction inside a transaction is a savepoint: it rolls back alone', async (t) => {
    const outcome = await runner.run(tx(function* () {
      yield* run(db.insert(notes).values({ body: 'Kept' }));
      try {
        yield* tx(function* () {
          yield* run(db.insert(notes).values({ body: 'Undone' }));
          throw new Error('inner refused');
        });
      } catch (err) {
        yield* run(db.insert(notes).values({ body: `After ${(err as Error).message}` }));
      }
      return yield* all(db.select({ body: notes.body }).from(notes).orderBy(notes.id));
    }));
    t.same(outcome.map((r) => r.body), ['Kept', 'After inner refused'], 'inside, the savepoint was undone');
    t.same(await bodies(), ['Kept', 'After inner refused'], 'and committed so');
  });

  t.test('two programs at once keep their own transactions: an uncommitted write is not seen by the other', async (t) => {
    const held = await gate(1001);
    const writer = runner.run(tx(function* () {
      yield* run(db.insert(notes).values({ body: 'Pending' }));
      yield* held.wait(); // waits here, mid-transaction
      return 'committed';
    }));
    await until(held.waiting, 'the writer to be mid-transaction');
    const seen = await runner.run(tx(function* () {
      yield* run(db.insert(notes).values({ body: 'Other' }));
      return (yield* all(db.select({ body: notes.body }).from(notes))).map((r) => r.body);
    }));
    t.same(seen, ['Other'], "the other program sees its own row, not the writer's uncommitted one");
    await held.open();
    t.equal(await writer, 'committed');
    t.same((await bodies()).sort(), ['Other', 'Pending']);
  });

  t.test('stamp: the database snapshot outside a transaction, moved by any commit; none inside one', async (t) => {
    const source = { stamp: () => 'ignored: the snapshot is the stamp on PostgreSQL' };
    const [before, again] = await runner.run((function* () {
      return [yield* stamp(source), yield* stamp(source)];
    })());
    t.match(before, /^\d+:\d+:[\d,]*@\d{4}-\d\d-\d\d /, "pg_current_snapshot() as text, with the server's start (xids are given out again after a crash)");
    t.equal(again, before, 'taken once per run');
    // The snapshot is the whole server's: other test files commit on it meanwhile, and any commit
    // moves it. Reads alone are shown not to move it when, of a few tries, one stamp is the same
    // after a read as before it (reads that moved it would move it every time).
    let unmoved = false;
    for (let i = 0; i < 50 && !unmoved; i++) {
      const first = await runner.run(stamp(source));
      await runner.run(all(db.select().from(notes)));
      unmoved = (await runner.run(stamp(source))) === first;
    }
    t.ok(unmoved, 'reads alone do not move it');
    const beforeCommit = await runner.run(stamp(source));
    await pool.query(`INSERT INTO ${SCHEMA}.notes (body) VALUES ('Committed by another connection')`);
    t.not(await runner.run(stamp(source)), beforeCommit, 'a commit elsewhere moves it');
    t.equal(await runner.run(tx(function* () { return yield* stamp(source); })), undefined, 'inside a transaction: none');
    const [s1, s2] = await runner.run((function* () {
      const first = yield* stamp(source);
      yield* run(db.insert(notes).values({ body: 'Written outside a transaction' }));
      return [first, yield* stamp(source)];
    })());
    t.not(s2, s1, "a write outside a transaction commits on its own: the run's next stamp is new");
  });

  t.test('a read scope (a read request) shares one stamp until it ends; what it left running then takes its own', async (t) => {
    const source = { stamp: () => undefined };
    const scope: ReadScope = {};
    let ready!: () => void;
    const readyNow = new Promise<void>((resolve) => (ready = resolve));
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    const seen = runner.readScope(scope, async () => {
      const first = await runner.run(stamp(source));
      await pool.query(`INSERT INTO ${SCHEMA}.notes (body) VALUES ('Committed during the request')`);
      const second = await runner.run(stamp(source));
      ready();
      await resumed; // a timer the request left behind, run after it ended
      const third = await runner.run(stamp(source));
      return { first, second, third };
    });
    await readyNow;
    scope.ended = true;
    resume();
    const { first, second, third } = await seen;
    t.equal(second, first, "the request's programs share its first stamp");
    t.not(third, first, 'after the request ended, a stamp of its own: the commit is seen');
  });

  t.test("a write request's scope takes no stamp", async (t) => {
    const source = { stamp: () => 'never asked on PostgreSQL' };
    t.equal(await runner.readScope({ uncached: true }, () => runner.run(stamp(source))), undefined, 'none: its reads go to the database');
    t.type(await runner.readScope({}, () => runner.run(stamp(source))), 'string', "a read request's does");
  });

  t.test("a request unit's first transaction is the unit itself: failing, the unit is begun again and goes on", async (t) => {
    const units = createRequestUnits(pool, runner);
    const unit = await units.begin();
    t.teardown(() => unit.rollback());
    // Every statement sent from here on (the test's own setup is done).
    const sent: string[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { text: string };
      sent.push(typeof q === 'string' ? q : q.text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    t.teardown(() => (pg.Client.prototype.query = original));
    const outcome = await unit.enter(async () => {
      const refused = await runner.run(tx(function* () {
        yield* run(db.insert(notes).values({ body: 'Undone' }));
        throw new Error('refused');
      })).catch((err: Error) => err.message);
      // Through the runner's db: on the unit's client.
      const timeout = (await db.execute<{ value: string }>(sql`SELECT current_setting('idle_in_transaction_session_timeout') AS value`)).rows[0]!;
      await runner.run(tx(function* () {
        yield* run(db.insert(notes).values({ body: 'Kept' }));
      }));
      await runner.run(tx(function* () {
        yield* run(db.insert(notes).values({ body: 'Then a savepoint' }));
      }));
      return { refused, timeout: timeout.value };
    });
    await unit.commit();
    pg.Client.prototype.query = original;
    t.equal(outcome.refused, 'refused', 'the error reached the caller');
    t.equal(outcome.timeout, '30s', "the unit begun again has the unit's settings");
    t.same(await bodies(), ['Kept', 'Then a savepoint'], 'what the failed transaction wrote was undone; the rest committed');
    const savepoints = sent.filter((q) => /SAVEPOINT/.test(q));
    t.same(savepoints, ['SAVEPOINT sp1', 'RELEASE SAVEPOINT sp1'], 'only the transaction after one that changed the unit is a savepoint');
    const undone = sent.indexOf('ROLLBACK');
    t.ok(undone > 0 && /^BEGIN/.test(sent[undone + 1] ?? ''), 'the failed one was undone by beginning the unit again, with the next statement');
  });

  t.test('a named lock makes a second transaction wait for the first', async (t) => {
    const held = await gate(1002);
    const order: string[] = [];
    const first_ = runner.run(tx(function* () {
      yield* lock('committee', 7);
      order.push('first locked');
      yield* held.wait();
      order.push('first done');
    }));
    await until(() => order.includes('first locked'), 'the first to hold the lock');
    const second = runner.run(tx(function* () {
      yield* lock('committee', 7);
      order.push('second locked');
    }));
    await until(async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = 7`)).rows[0].n > 0, 'the second to wait for the lock');
    t.same(order, ['first locked'], 'the second waits');
    await held.open();
    await Promise.all([first_, second]);
    t.same(order, ['first locked', 'first done', 'second locked']);
    await t.rejects(runner.run(lock('committee', 7)), /outside a transaction/, 'a lock needs a transaction to end with');
  });

  t.test('txIfFree gives BUSY while another transaction holds the row, and writes once it is free', async (t) => {
    await pool.query(`INSERT INTO ${SCHEMA}.notes (body) VALUES ('Locked')`);
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT * FROM ${SCHEMA}.notes FOR UPDATE`);
      const touch = () => txIfFree(function* () {
        yield* run(db.update(notes).set({ n: 1 }).where(eq(notes.id, 1)));
        return 'written';
      });
      t.equal(await runner.run(touch()), BUSY, 'busy: nothing waited for');
      await other.query('COMMIT');
      t.equal(await runner.run(touch()), 'written');
    } finally {
      other.release();
    }
    t.equal((await pool.query(`SELECT n FROM ${SCHEMA}.notes`)).rows[0].n, 1);
    t.notOk(runner.inTransaction());
  });
}
