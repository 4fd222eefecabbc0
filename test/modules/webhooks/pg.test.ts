import t from 'tap';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { BUSY, first, tx, txIfFree, type Program } from '../../../src/db/program.js';
import { pgDialect } from '../../../src/db/pg/dialect.js';
import { createPgRunner } from '../../../src/db/pg/run.js';
import * as pgTables from '../../../src/db/pg/schema.js';
import type { Db } from '../../../src/db/sqlite/client.js';
import { useSchema, type Tables } from '../../../src/db/tables.js';
import { scriptActor } from '../../../src/domain/actor.js';
import { createDeliveryRows, type Claimed } from '../../../src/modules/webhooks/delivery-rows.js';
import type { Outbox } from '../../../src/modules/webhooks/outbox.js';
import { createWebhookRepository } from '../../../src/modules/webhooks/repository.js';
import { skipWithoutPostgres, testDatabase } from '../../pg.js';

// The webhooks' programs on PostgreSQL (docs/postgres-plan.md §3.5.5), through the PostgreSQL
// runner on a migrated test database: the repository's reads and writes, the worker's fan-out,
// claims and settlements, and the rows another process's worker holds being skipped rather than
// waited for. This process builds its queries from PostgreSQL's tables (tables.ts useSchema).

const skip = await skipWithoutPostgres();
if (!skip) useSchema(pgTables as unknown as Tables, pgDialect);

const NOW = new Date('2024-08-01T09:00:00.000Z');
const UNTIL = new Date('2024-08-01T09:01:00.000Z');
/** The outbox's part the repository uses: nothing to tell on a database no outbox reads. */
const outbox = { changed() {}, wake() {} } as unknown as Outbox;

async function setup(t: Parameters<typeof testDatabase>[0]) {
  const { pool } = await testDatabase(t, { durable: true });
  const runner = createPgRunner(pool);
  const db = runner.db as unknown as Db;
  const rows = createDeliveryRows(db);
  const hooks = createWebhookRepository(db, { outbox, clock: () => NOW });
  const event = (type = 'action.created') =>
    pool.query(`INSERT INTO webhook_events (type, visibility, data, occurred_at) VALUES ($1, 'public', '{}', $2) RETURNING id`, [type, NOW.toISOString()])
      .then((r) => (r.rows[0] as { id: number }).id);
  const count = async (query: string) => Number((await pool.query(query)).rows[0].n);
  return { pool, db: runner.db, run: runner.run, rows, hooks, event, count };
}

t.test('the repository: create, list, update, deliveries, retry and a 410 disabling', { skip }, async (t) => {
  const { run, hooks, rows, event, count } = await setup(t);
  const actor = scriptActor('test');
  const made = await run(hooks.create(actor, { url: 'https://example.gov.uk/hooks', events: ['action.created'], scopes: ['read'] }));
  t.match(made, { url: 'https://example.gov.uk/hooks', events: ['action.created'], enabled: true, version: 1 });
  t.ok(made.secret.length > 20, 'the secret, in this answer only');
  t.same((await run(hooks.list(actor))).map((h) => h.id), [made.id]);
  const changed = await run(hooks.update(actor, made.id, { scopes: ['read', 'read:exempt'] }, () => {}));
  t.match(changed, { scopes: ['read', 'read:exempt'], version: 2 });

  await event();
  const claimed = (await run(rows.fanOutAndClaim(NOW, 8, UNTIL))) as Claimed[];
  t.equal(claimed.length, 1);
  t.ok(await run(rows.settle([{ delivery: claimed[0]!, attemptedAt: NOW.toISOString(), status: 'failed', attempts: 1, nextAttemptAt: null, statusCode: 410, error: null, durationMs: 3 }])));
  await run(hooks.disable(made.id, 'The receiver answered 410 Gone'));
  t.match(await run(hooks.get(actor, made.id)), { enabled: false, disabledReason: 'The receiver answered 410 Gone', version: 3 });
  const page = await run(hooks.deliveries(actor, made.id, {}));
  t.match(page.data, [{ status: 'failed', nextAttemptAt: null, attempts: [{ statusCode: 410, durationMs: 3 }] }]);
  await run(hooks.retry(actor, made.id, page.data[0]!.id));
  t.match((await run(hooks.deliveries(actor, made.id, {}))).data, [{ status: 'pending', nextAttemptAt: NOW.toISOString() }]);
  t.equal(await count('SELECT count(*) AS n FROM audit_events'), 4, 'create, update, the disabling and the retry audited');
  await run(hooks.remove(actor, made.id, () => {}));
  t.equal(await count('SELECT count(*) AS n FROM webhook_deliveries'), 0, 'its deliveries went with it');
});

t.test('fan-out, claim and settle: each event once to each webhook that wants it', { skip }, async (t) => {
  const { run, rows, hooks, event, count } = await setup(t);
  const actor = scriptActor('test');
  await run(hooks.create(actor, { url: 'https://example.gov.uk/a', events: ['action.created'], scopes: ['read'] }));
  await run(hooks.create(actor, { url: 'https://example.gov.uk/b', events: ['action.created', 'meeting.updated'], scopes: ['read'] }));
  t.equal(await run(rows.hasWork(NOW)), false, 'an idle database has nothing to do');
  await event();
  await event('meeting.updated');
  t.equal(await run(rows.hasWork(NOW)), true);
  const claimed = (await run(rows.fanOutAndClaim(NOW, 8, UNTIL))) as Claimed[];
  t.equal(claimed.length, 3, 'two deliveries of the first event, one of the second');
  t.equal(await count('SELECT count(*) AS n FROM webhook_events WHERE NOT dispatched'), 0, 'both events dispatched');
  t.equal(await run(rows.hasWork(NOW)), false, 'claimed: not due again until the claim runs out');
  t.equal(await run(rows.hasWork(UNTIL)), true);
  const settled = claimed.map((delivery) => ({ delivery, attemptedAt: NOW.toISOString(), status: 'delivered' as const, attempts: 1, nextAttemptAt: null, statusCode: 200, error: null, durationMs: 5 }));
  t.equal(await run(rows.settle(settled)), true);
  t.equal(await count(`SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'delivered'`), 3);
  t.equal(await count('SELECT count(*) AS n FROM webhook_attempts'), 3);
  t.equal(await run(rows.hasWork(UNTIL)), false, 'nothing left');
});

t.test('a fan-out of a few events (a busy server): the oldest first, the rest left undispatched for later', { skip }, async (t) => {
  const { pool, run, rows, hooks, event, count } = await setup(t);
  await run(hooks.create(scriptActor('test'), { url: 'https://example.gov.uk/a', events: ['action.created'], scopes: ['read'] }));
  const ids = [await event(), await event(), await event(), await event(), await event()];
  const delivered = async () => (await pool.query('SELECT event_id FROM webhook_deliveries ORDER BY event_id')).rows.map((r: { event_id: number }) => r.event_id);
  const claimed = (await run(rows.fanOutAndClaim(NOW, 8, UNTIL, 2))) as Claimed[];
  t.equal(claimed.length, 2, 'two claimed');
  t.same(await delivered(), ids.slice(0, 2), 'the two oldest events fanned out');
  t.equal(await count('SELECT count(*) AS n FROM webhook_events WHERE NOT dispatched'), 3, 'three wait');
  t.equal(await run(rows.hasWork(NOW)), true, 'and there is still work');
  const rest = (await run(rows.fanOutAndClaim(NOW, 8, UNTIL))) as Claimed[];
  t.equal(rest.length, 3, 'the next call fans out and claims the rest');
  t.same(await delivered(), ids, 'each event once');
});

t.test("rows another worker holds are skipped, not waited for, and an event it holds stays undispatched", { skip }, async (t) => {
  const { pool, run, rows, hooks, event, count } = await setup(t);
  await run(hooks.create(scriptActor('test'), { url: 'https://example.gov.uk/a', events: ['action.created'], scopes: ['read'] }));
  const [first, second] = [await event(), await event()];
  const other = await pool.connect();
  t.teardown(() => other.release());
  // Another process's fan-out, mid-transaction, holding the first event.
  await other.query('BEGIN');
  await other.query('SELECT id FROM webhook_events WHERE id = $1 FOR UPDATE', [first]);
  const claimed = (await run(rows.fanOutAndClaim(NOW, 8, UNTIL))) as Claimed[];
  t.same(claimed.map((c) => c.type), ['action.created'], 'the second event fanned out and claimed');
  t.ok(second > first);
  t.same((await pool.query('SELECT id FROM webhook_events WHERE NOT dispatched')).rows.map((r: { id: number }) => r.id), [first],
    'the held event is left for the next pass, although its id is below the one marked');
  await other.query('ROLLBACK');

  // Another worker's claim holding a due delivery: this one claims the other.
  await run(rows.fanOutAndClaim(UNTIL, 8, new Date(UNTIL.getTime() + 60_000)));
  const due = new Date(UNTIL.getTime() + 120_000);
  const [held] = (await pool.query('SELECT id FROM webhook_deliveries ORDER BY id')).rows as { id: number }[];
  await other.query('BEGIN');
  await other.query('SELECT id FROM webhook_deliveries WHERE id = $1 FOR UPDATE', [held!.id]);
  const again = (await run(rows.fanOutAndClaim(due, 8, new Date(due.getTime() + 60_000)))) as Claimed[];
  t.equal(again.length, 1, 'the free delivery claimed without waiting');
  t.not(again[0]!.id, held!.id);
  await other.query('COMMIT');
  t.equal(await count('SELECT count(*) AS n FROM webhook_deliveries'), 2);
});

t.test('txIfFree with unsynced: the commit does not wait for the disk; the next transaction does again', { skip }, async (t) => {
  const { db, run } = await setup(t);
  // Read on the transaction's own connection (the runner's db follows the program's transaction).
  const setting = (db as unknown as NodePgDatabase).select({ v: sql<string>`current_setting('synchronous_commit')` }).from(sql`(SELECT 1) AS one`);
  function* inside(): Program<string | undefined> {
    const row = (yield* first(setting as never)) as { v: string } | undefined;
    return row?.v;
  }
  const unsynced = await run(txIfFree(inside, { unsynced: true }));
  t.equal(unsynced, 'off');
  t.not(unsynced, BUSY);
  t.equal(await run(tx(inside)), 'on');
});
