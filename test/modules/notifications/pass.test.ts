import t from 'tap';
import { action, clock, closedPort, notificationFixture, runPass, scan, smtpServer } from './smtp.js';
import { build } from '../../helper.js';
import { receiver } from '../webhooks/receiver.js';

t.test('a reminder digest: two actions to one owner in one email, with text, HTML and working links', async (t) => {
  const smtp = await smtpServer(t);
  const { api, people, actions } = await notificationFixture(t, smtp.url);

  const dry = await runPass(api, { asOf: '2024-07-19', dryRun: true });
  t.equal(dry.dryRun, true);
  t.ok(dry.emails.some((e) => e.status === 'would_send' && e.personId === people.jane));
  t.equal(smtp.received.length, 0, 'a dry run sends nothing');

  const run = await runPass(api, { asOf: '2024-07-19' });
  const toJane = smtp.received.filter((r) => r.to.includes('jane@example.gov.uk'));
  t.equal(toJane.length, 1, 'one email for both actions');
  const mail = toJane[0]!.mail;
  t.match(mail.subject, /Scrutiny actions: 2 due soon/);
  t.notMatch(mail.subject, /Not for publication/);
  t.match(mail.from?.text, /Scrutiny Tracker/);
  for (const part of [mail.text!, mail.html as string]) {
    t.match(part, actions.transport.reference);
    t.match(part, actions.waiting.reference);
    t.match(part, 'Friday 26 July 2024', 'the due date in words');
    t.match(part, 'Monday 29 July 2024');
    t.match(part, 'Monday 16 September 2024', 'the meeting');
  }
  t.match(mail.text!, /in 7 days/);
  const links = [...mail.text!.matchAll(/https:\/\/tracker\.example\.gov\.uk(\/respond\/[^\s)]+)/g)].map((m) => m[1]!);
  t.equal(links.length, 2, 'a personal link per action');
  const page = await api.request({ method: 'GET', url: links[0]!, as: null });
  t.equal(page.statusCode, 200, 'the link opens the response page');
  t.match(page.body, /school transport|walk-in centre/);

  t.match(run.emails.find((e) => e.personId === people.jane), { status: 'sent', kinds: ['reminder'], actionIds: [actions.transport.id, actions.waiting.id].sort((a, b) => a - b) });
  t.match(run.emails.find((e) => e.personId === people.pat), { status: 'not_sent', reason: 'opted out' });
  t.match(run.emails.find((e) => e.personId === people.nora), { status: 'not_sent', reason: 'no email' });
  t.equal(smtp.received.filter((r) => r.to.some((a) => a.startsWith('pat@'))).length, 0, 'opted out: nothing sent');

  // The public action with no owner goes to the contact officer, as unassigned.
  const contact = smtp.received.filter((r) => r.to.includes('scrutiny@example.gov.uk'));
  t.equal(contact.length, 1);
  t.match(contact[0]!.mail.text, actions.unowned.reference);
  t.match(contact[0]!.mail.text, /no owner/);

  // Exempt: to its owner only, marked.
  const toOlive = smtp.received.filter((r) => r.to.includes('olive@example.gov.uk'));
  t.equal(toOlive.length, 1);
  t.match(toOlive[0]!.mail.subject, /Not for publication/);
  for (const r of smtp.received.filter((r) => !r.to.includes('olive@example.gov.uk'))) {
    for (const text of [r.mail.subject ?? '', r.mail.text ?? '', String(r.mail.html)]) {
      t.notMatch(text, 'Settlement with the care provider');
      t.notMatch(text, actions.exempt.reference);
      t.notMatch(text, 'Named staffing dispute');
      t.notMatch(text, actions.unownedExempt.reference);
    }
  }

  const sentBefore = smtp.received.length;
  const again = await runPass(api, { asOf: '2024-07-19' });
  t.same(again.emails, [], 'the same day again: nothing new');
  t.equal(smtp.received.length, sentBefore);

  const listed = await api.request({ method: 'GET', url: `/v1/notifications?personId=${people.jane}` });
  t.equal(listed.statusCode, 200);
  t.match(listed.json().data, [{ kind: 'reminder', status: 'sent', recipientRole: 'owner', email: 'jane@example.gov.uk', asOf: '2024-07-19' }]);
  t.same(listed.json().data[0].actionIds, [actions.transport.id, actions.waiting.id].sort((a, b) => a - b));
  const byAction = await api.request({ method: 'GET', url: `/v1/notifications?actionId=${actions.noEmail.id}&status=not_sent` });
  t.match(byAction.json().data, [{ reason: 'no email', personId: people.nora }]);
  const page1 = await api.request({ method: 'GET', url: '/v1/notifications?limit=1' });
  t.equal(page1.json().data.length, 1);
  t.type(page1.json().nextCursor, 'string', 'keyset-paginated');
  const page2 = await api.request({ method: 'GET', url: `/v1/notifications?limit=1&cursor=${encodeURIComponent(page1.json().nextCursor)}` });
  t.ok(page2.json().data[0].id < page1.json().data[0].id);
  t.equal((await api.request({ method: 'GET', url: '/v1/notifications', as: api.keys.writer })).statusCode, 403, 'admin only');
  t.equal((await api.request({ method: 'GET', url: '/v1/notifications?kind=bogus' })).statusCode, 400);
  t.equal((await api.request({ method: 'POST', url: '/v1/notifications/run', payload: { asOf: '19/07/2024' } })).statusCode, 400);
  t.equal((await api.request({ method: 'POST', url: '/v1/notifications/run', payload: { asOf: '2024-07-19', extra: 1 } })).statusCode, 400);
  t.equal((await api.request({ method: 'POST', url: '/v1/notifications/run', as: api.keys.writer, payload: {} })).statusCode, 403);
  const bare = await api.request({ method: 'POST', url: '/v1/notifications/run', payload: {} });
  t.equal(bare.statusCode, 200, 'no asOf: as of today');
  t.equal(bare.json().asOf, '2024-07-19', "today by the app's clock");
});

t.test('overdue after a scan, once per flag; the chair copied from the second flag', async (t) => {
  const smtp = await smtpServer(t);
  const { api, people, actions } = await notificationFixture(t, smtp.url);
  await runPass(api, { asOf: '2024-07-19' });
  smtp.received.length = 0;

  await scan(api, '2024-08-05');
  const first = await runPass(api, { asOf: '2024-08-05' });
  const toJane = smtp.received.filter((r) => r.to.includes('jane@example.gov.uk'));
  t.equal(toJane.length, 1);
  t.match(toJane[0]!.mail.subject, /2 overdue/);
  t.match(toJane[0]!.mail.text, actions.transport.reference);
  t.notOk(first.emails.some((e) => e.personId === people.chloe), 'first flag: the chair is not copied');
  t.same((await runPass(api, { asOf: '2024-08-05' })).emails, [], 'once per flag');

  smtp.received.length = 0;
  await scan(api, '2024-09-20');
  const second = await runPass(api, { asOf: '2024-09-20' });
  t.match(second.emails.find((e) => e.personId === people.chloe), { status: 'sent', recipientRoles: ['chair'], kinds: ['overdue'] });
  const toChloe = smtp.received.filter((r) => r.to.includes('chloe@example.gov.uk'));
  t.equal(toChloe.length, 1);
  t.match(toChloe[0]!.mail.text, actions.transport.reference);
  t.match(toChloe[0]!.mail.text, /flagged 2 times/);
  t.notMatch(toChloe[0]!.mail.text, actions.exempt.reference, 'the chair is not told of exempt business they neither own nor asked for');
  t.notMatch(toChloe[0]!.mail.subject, /Not for publication/);
  t.equal(smtp.received.filter((r) => r.to.includes('jane@example.gov.uk')).length, 1, 'the owner again, for the second flag');
});

t.test('a flag is told while it is current: until its meeting, or for a week after its scan', async (t) => {
  // A tracker imported with years of flags must not send every owner every flag ever recorded;
  // a pass that did not run for a while still tells the flags of the meetings to come.
  const smtp = await smtpServer(t);
  const { api, actions } = await notificationFixture(t, smtp.url);
  await runPass(api, { asOf: '2024-07-19' });
  await scan(api, '2024-08-05'); // flags for the meeting of 16 September
  smtp.received.length = 0;

  const late = await runPass(api, { asOf: '2024-09-24' });
  t.same(late.emails.filter((e) => e.kinds.includes('overdue')), [], 'its meeting past and its scan seven weeks ago: no overdue notice');
  t.notOk(smtp.received.some((r) => /overdue/.test(r.mail.subject ?? '')), 'and no email says overdue');

  const current = await runPass(api, { asOf: '2024-08-20' });
  t.match(current.emails.find((e) => e.email === 'jane@example.gov.uk'), { kinds: ['overdue'], status: 'sent' }, 'two weeks after its scan, its meeting still to come: told');
  const toJane = smtp.received.filter((r) => r.to.includes('jane@example.gov.uk'));
  t.equal(toJane.length, 1);
  t.match(toJane[0]!.mail.text, actions.transport.reference);
});

t.test('no SMTP_URL: recorded as not_sent, never an error', async (t) => {
  const { api, people } = await notificationFixture(t, undefined);
  const run = await runPass(api, { asOf: '2024-07-19' });
  t.match(run.emails.find((e) => e.personId === people.jane), { status: 'not_sent', reason: 'no SMTP' });
  const listed = await api.request({ method: 'GET', url: '/v1/notifications?status=sent' });
  t.same(listed.json().data, []);
});

t.test('SMTP down or refusing: failed with the error, sent on the next pass', async (t) => {
  const port = await closedPort();
  const down = await build(t, { smtpUrl: `smtp://127.0.0.1:${port}` }, { clock });
  const committeeId = (await down.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Audit Committee', kind: 'scrutiny' } })).json().id;
  const meetingId = (await down.request({ method: 'POST', url: `/v1/committees/${committeeId}/meetings`, payload: { startsAt: '2024-07-15T18:30:00+01:00' } })).json().id;
  const ownerId = (await down.request({ method: 'POST', url: '/v1/people', payload: { name: 'Ola Owner', kind: 'officer', email: 'ola@example.gov.uk' } })).json().id;
  await action(down, meetingId, { title: 'Internal audit plan', ownerId, dueDate: '2024-07-26' });
  const refused = await runPass(down, { asOf: '2024-07-19' });
  t.match(refused.emails, [{ status: 'failed', reason: /ECONNREFUSED|connect/ }]);

  const smtp = await smtpServer(t);
  const { api, people } = await notificationFixture(t, smtp.url);
  smtp.refuseNext(100);
  const failed = await runPass(api, { asOf: '2024-07-19' });
  t.match(failed.emails.find((e) => e.personId === people.jane), { status: 'failed', reason: /554|Mailbox unavailable/ });
  t.equal(smtp.received.length, 0);
  smtp.refuseNext(0);
  const retried = await runPass(api, { asOf: '2024-07-19' });
  t.match(retried.emails.find((e) => e.personId === people.jane), { status: 'sent' });
  t.equal(retried.emails.filter((e) => e.personId === people.pat).length, 0, 'not_sent ones are done with');
  t.equal(smtp.received.filter((r) => r.to.includes('jane@example.gov.uk')).length, 1);
  const failures = await api.request({ method: 'GET', url: `/v1/notifications?personId=${people.jane}&status=failed` });
  t.equal(failures.json().data.length, 1, 'the failure stays on record');
});

t.test('a reminder sent is an action.reminded webhook event', async (t) => {
  const smtp = await smtpServer(t);
  const { api, actions } = await notificationFixture(t, smtp.url);
  const inbox = await receiver(t);
  const hook = await api.request({ method: 'POST', url: '/v1/webhooks', payload: { url: inbox.url, events: ['action.reminded'], scopes: ['read'] } });
  t.equal(hook.statusCode, 201);
  await runPass(api, { asOf: '2024-07-19' });
  await api.app.services.webhookDeliveries.tick();
  const reminded = inbox.received.filter((r) => r.json.type === 'action.reminded').map((r) => r.json.data.id as number).sort((a, b) => a - b);
  t.same(reminded, [actions.transport.id, actions.waiting.id].sort((a, b) => a - b), 'the public actions reminded of; not the exempt one (a read-only webhook)');
});
