import t, { type Test } from 'tap';
import { action, notificationFixture, runPass, scan, smtpServer } from './smtp.js';

// The agenda pack: on the working day before the next meeting's agenda despatch date, the
// committee's contact officer gets that meeting's action log — public business only, once per
// meeting. The fixture's next meeting is Monday 16 September 2024: its agenda goes out by Friday
// 6 September, so the pack goes on Thursday 5 September.

const EVE = '2024-09-05';
const DESPATCH = '2024-09-06';

async function withMeetingBusiness(t: Test, smtpUrl: string | undefined) {
  const fixture = await notificationFixture(t, smtpUrl);
  const { api, committeeId, people } = fixture;
  const meetings = (await api.request({ method: 'GET', url: `/v1/committees/${committeeId}/meetings` })).json().data as { id: number; startsAt: string }[];
  const [raisedAt, next] = [meetings[0]!.id, meetings[1]!.id];
  const dueThere = {
    owned: await action(api, raisedAt, { title: 'Home to school transport budget', ownerId: people.jane, dueMeetingId: next }),
    // No due given: due at the next meeting after the one it was raised at.
    byText: await action(api, raisedAt, { title: 'Mental health waiting lists', ownerText: 'Head of Commissioning' }),
    exempt: await action(api, raisedAt, { title: 'Agency staffing contract', ownerId: people.olive, dueMeetingId: next, visibility: 'exempt' }),
  };
  return { ...fixture, raisedAt, next, dueThere };
}

t.test('the contact officer gets the next meeting\'s action log on the working day before its despatch date, once', async (t) => {
  const smtp = await smtpServer(t);
  const { api, raisedAt, next, actions, dueThere } = await withMeetingBusiness(t, smtp.url);
  // Flags at the September meeting put the late date-due actions in its log too.
  await scan(api, '2024-08-05');
  await runPass(api, { asOf: '2024-08-05' });

  const early = await runPass(api, { asOf: '2024-09-04', dryRun: true });
  t.notOk(early.emails.some((e) => e.kinds.includes('agenda_pack')), 'two working days before despatch: no pack yet');
  smtp.received.length = 0;

  const run = await runPass(api, { asOf: EVE });
  const packed = run.emails.find((e) => e.kinds.includes('agenda_pack'));
  t.match(packed, { email: 'scrutiny@example.gov.uk', personId: null, status: 'sent', recipientRoles: ['contact'] });
  const toContact = smtp.received.filter((r) => r.to.includes('scrutiny@example.gov.uk'));
  t.equal(toContact.length, 1, 'one email to the contact officer');
  const mail = toContact[0]!.mail;
  t.notMatch(mail.subject, /Not for publication/);
  t.match(mail.subject, 'action log for the meeting on Monday 16 September 2024');

  // The log the email gives is the one the API gives the public for that meeting.
  const log = await api.request({ method: 'GET', url: `/v1/meetings/${next}/action-log?asOf=${EVE}`, as: null });
  t.equal(log.statusCode, 200);
  const publicLog = (log.json().data as { reference: string }[]).map((a) => a.reference);
  t.ok(publicLog.includes(dueThere.owned.reference) && publicLog.includes(dueThere.byText.reference) && publicLog.includes(actions.transport.reference));
  for (const part of [mail.text!, mail.html as string]) {
    t.match(part, 'Action log for the agenda: Health Scrutiny Committee, meeting on Monday 16 September 2024');
    t.match(part, 'The agenda must be published by Friday 6 September 2024 (tomorrow)');
    for (const reference of publicLog) t.match(part, reference, `${reference} is in the pack`);
    t.match(part, 'Owner: Jane Officer');
    t.match(part, 'Owner: Head of Commissioning');
    t.match(part, 'overdue (flagged 1 time)', 'a late action says so');
    t.notMatch(part, dueThere.exempt.reference, 'exempt business is not named to the contact officer');
    t.notMatch(part, 'Agency staffing contract');
    t.notMatch(part, actions.exempt.reference);
  }
  t.match(mail.text, 'What to do: put this action log in the agenda pack');

  const listed = await api.request({ method: 'GET', url: '/v1/notifications?kind=agenda_pack' });
  t.equal(listed.json().data.length, 1);
  t.match(listed.json().data[0], { kind: 'agenda_pack', recipientRole: 'contact', email: 'scrutiny@example.gov.uk', status: 'sent', asOf: EVE });
  t.same([...listed.json().data[0].actionIds].sort(), [...publicLog.map((ref) => (log.json().data as { id: number; reference: string }[]).find((a) => a.reference === ref)!.id)].sort());

  t.same((await runPass(api, { asOf: EVE })).emails, [], 'the same day again: nothing new');
  // An action joining the log after the pack went is not sent on its own.
  await action(api, raisedAt, { title: 'Late addition', dueMeetingId: next, ownerText: 'Clerk' });
  const despatchDay = await runPass(api, { asOf: DESPATCH, dryRun: true });
  t.notOk(despatchDay.emails.some((e) => e.kinds.includes('agenda_pack')), 'the pack went: not again on the despatch day');
});

t.test('a pack that could not go on the eve goes on the despatch day, and never after', async (t) => {
  const smtp = await smtpServer(t);
  const { api } = await withMeetingBusiness(t, smtp.url);
  smtp.refuseNext(100);
  const failed = await runPass(api, { asOf: EVE });
  t.match(failed.emails.find((e) => e.kinds.includes('agenda_pack')), { status: 'failed', reason: /554|Mailbox unavailable/ });
  smtp.refuseNext(0);
  const retried = await runPass(api, { asOf: DESPATCH });
  t.match(retried.emails.find((e) => e.kinds.includes('agenda_pack')), { status: 'sent', email: 'scrutiny@example.gov.uk' });
  t.equal(smtp.received.filter((r) => r.to.includes('scrutiny@example.gov.uk') && /Action log for the agenda/.test(r.mail.text ?? '')).length, 1);

  const late = await withMeetingBusiness(t, smtp.url);
  const after = await runPass(late.api, { asOf: '2024-09-09', dryRun: true });
  t.notOk(after.emails.some((e) => e.kinds.includes('agenda_pack')), 'the agenda is out: no pack after the despatch day');
});

t.test('no contact email: recorded as not_sent', async (t) => {
  const { api, committeeId } = await withMeetingBusiness(t, undefined);
  const patched = await api.request({ method: 'PATCH', url: `/v1/committees/${committeeId}`, payload: { contactEmail: null }, headers: { 'if-match': '*' } });
  t.equal(patched.statusCode, 200, patched.body);
  const run = await runPass(api, { asOf: EVE });
  t.match(run.emails.find((e) => e.kinds.includes('agenda_pack')), { status: 'not_sent', reason: 'no contact email', email: null });
  t.same((await runPass(api, { asOf: DESPATCH })).emails.filter((e) => e.kinds.includes('agenda_pack')), [], 'recorded: not tried again');
});
