import t from 'tap';
import { createPgRunner } from '../../../src/db/pg/run.js';
import { pgDialect } from '../../../src/db/pg/dialect.js';
import * as pgTables from '../../../src/db/pg/schema.js';
import { lock, tx } from '../../../src/db/program.js';
import type { Db } from '../../../src/db/sqlite/client.js';
import { useSchema, type Tables } from '../../../src/db/tables.js';
import { createRecipientFinder } from '../../../src/jobs/notify-recipients.js';
import type { Candidate } from '../../../src/jobs/notify-candidates.js';
import type { Actor } from '../../../src/domain/actor.js';
import { NotFoundError } from '../../../src/errors.js';
import type { ActionRepository } from '../../../src/modules/actions/repository.js';
import { createNotificationRepository, recipientKey } from '../../../src/modules/notifications/repository.js';
import { responsePageData } from '../../../src/modules/response-links/page-data.js';
import { createResponseLinkRepository } from '../../../src/modules/response-links/repository.js';
import { createSubscriberRepository } from '../../../src/modules/subscribers/repository.js';
import { skipWithoutPostgres, testDatabase } from '../../pg.js';

// The notification, response-link and subscriber programs, and the notification pass's
// recipient reads, on PostgreSQL (a migrated test database, test/pg.ts): the same programs the
// SQLite tests run through the services. Only the actions module's visibility check is stubbed (a
// program that lets every action be seen). Skipped, saying so, when no PostgreSQL answers.

const skip = await skipWithoutPostgres();
const admin: Actor = { name: 'test', admin: true, visibilities: ['public', 'exempt', 'confidential'] };
const NOW = new Date('2024-07-01T09:00:00Z');

t.test('on PostgreSQL', { skip }, async (t) => {
  useSchema(pgTables as unknown as Tables, pgDialect);
  const { pool } = await testDatabase(t);
  await pool.query(`
    INSERT INTO committees (name, slug, kind, contact_email) VALUES ('Scrutiny', 'scrutiny', 'scrutiny', 'clerk@example.gov.uk');
    INSERT INTO people (name, kind, email) VALUES ('Cllr Chair', 'councillor', 'chair@example.gov.uk'), ('Jane Owner', 'officer', 'jane@example.gov.uk'), ('Sam Subscriber', 'officer', 'sam@example.gov.uk');
    INSERT INTO memberships (committee_id, person_id, role) VALUES (1, 1, 'chair');
    INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (1, '2024-06-03T18:00', '2024-06-03T17:00:00Z', '2024-06-03', '2024-05-24');
    INSERT INTO actions (committee_id, meeting_id, kind, title, due_rule, due_date, owner_id, requested_by_id) VALUES (1, 1, 'task', 'Figures on school transport', 'date', '2024-07-10', 2, 1);
    INSERT INTO action_updates (action_id, text, recorded_by) VALUES (1, 'Half done', 'test');
  `);
  const runner = createPgRunner(pool);
  const db = runner.db as unknown as Db;
  const actionChecks = { *assertVisible() {} } as unknown as ActionRepository;

  t.test('notifications: recorded in a transaction under the notify lock, listed, done with once', async (t) => {
    const notifications = createNotificationRepository(db);
    const record = (status: 'sent' | 'failed') => runner.run(tx(function* () {
      yield* lock('notify', 0);
      return yield* notifications.record({
        asOf: '2024-07-01', personId: 2, email: 'jane@example.gov.uk', kind: 'reminder', recipientRole: 'owner',
        subject: 'Reminder', status, reason: null, createdAt: NOW.toISOString(), actions: [{ actionId: 1, key: '2024-07-10' }],
      });
    }));
    const failed = await record('failed');
    t.equal(await runner.run(notifications.done(1, 'reminder', '2024-07-10', recipientKey(2, null))), false, 'a failed one is not done');
    const sent = await record('sent');
    await record('sent');
    t.equal(await runner.run(notifications.done(1, 'reminder', '2024-07-10', recipientKey(2, null))), true);
    t.equal((await pool.query('SELECT count(*)::int AS n FROM notified_actions')).rows[0].n, 1, 'done with once');
    const page = await runner.run(notifications.list(admin, { actionId: 1, limit: 2 }));
    t.same(page.data.map((n) => [n.id, n.actionIds]), [[sent + 1, [1]], [sent, [1]]]);
    t.ok(page.nextCursor, 'a next page');
    t.ok(failed < sent);
  });

  t.test('subscribers: subscribe twice audited once, list, unsubscribe, then a 404', async (t) => {
    const subscribers = createSubscriberRepository(db, actionChecks);
    await runner.run(subscribers.subscribe(admin, 1, 3));
    await runner.run(subscribers.subscribe(admin, 1, 3));
    t.same((await runner.run(subscribers.list(admin, 1))).map((p) => p.name), ['Sam Subscriber']);
    t.equal((await pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'action_subscriber'`)).rows[0].n, 1);
    await t.rejects(runner.run(subscribers.subscribe(admin, 1, 99)), NotFoundError);
    await runner.run(subscribers.unsubscribe(admin, 1, 3));
    await t.rejects(runner.run(subscribers.unsubscribe(admin, 1, 3)), NotFoundError);
    await runner.run(subscribers.subscribe(admin, 1, 3));
  });

  t.test('response links: issued in a piece with a refused one, opened, its page, revoked', async (t) => {
    const links = createResponseLinkRepository(db, actionChecks, { days: 30, clock: () => NOW, publicBaseUrl: 'https://tracker.example' });
    const issued = await runner.run(tx(function* () {
      yield* lock('notify', 0);
      const got = [];
      for (const personId of [3, 2]) {
        try {
          got.push(yield* links.issue(1, personId, NOW));
        } catch {
          // Sam is not the owner: refused, the piece goes on.
        }
      }
      return got;
    }));
    t.equal(issued.length, 1);
    const token = issued[0]!.url.split('/respond/')[1]!;
    const opened = await runner.run(links.open(token, NOW));
    t.equal(opened?.person.name, 'Jane Owner');
    const page = await runner.run(responsePageData(db, opened!));
    t.match(page, { title: 'Figures on school transport', committeeName: 'Scrutiny', dueBy: '2024-07-10', updates: [{ text: 'Half done' }] });
    t.same((await runner.run(links.list(1))).map((l) => l.id), [issued[0]!.id]);
    await runner.run(links.revoke(admin, 1, issued[0]!.id, NOW));
    await runner.run(links.revoke(admin, 1, issued[0]!.id, NOW));
    t.equal(await runner.run(links.open(token, NOW)), undefined, 'revoked');
    t.equal((await pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'response_link'`)).rows[0].n, 2, 'issued and revoked, once each');
  });

  t.test("the pass's recipients: owner, chair from the second flag, requester and subscriber of a response", async (t) => {
    const finder = createRecipientFinder(db, runner);
    const action = { id: 1, committeeId: 1, reference: null, title: 'Figures on school transport', ownerId: 2, requestedById: 1, status: 'open', visibility: 'public' as const };
    const list: Candidate[] = [
      { kind: 'reminder', key: '2024-07-10', action, dueBy: '2024-07-10', meetingOn: null },
      { kind: 'overdue', key: '7', action, dueBy: '2024-07-10', meetingOn: '2024-06-03', timesFlagged: 2 },
      { kind: 'response', key: 'update:1', action, dueBy: null, meetingOn: null, answered: false },
    ];
    const known = finder.lookups();
    const recipients = await finder.recipients(list, known, async () => {});
    t.same(recipients.map((r) => [r.name, finder.itemsOf(r, list, known).map((i) => `${i.kind}:${i.role}`)]), [
      // The reminder to Jane was recorded as done above.
      ['Jane Owner', ['overdue:owner']],
      ['Cllr Chair', ['overdue:chair', 'response:requester']],
      ['Sam Subscriber', ['response:subscriber']],
    ]);
  });
});
