import t from 'tap';
import { sqlRun } from '../../helper.js';
import { action, notificationFixture, person, runPass, smtpServer } from './smtp.js';

// Response notices: when an action gets a progress update or is answered, the person who asked
// and its subscribers hear of it in the next pass, once per update, in their digest. On exempt
// business only the owner and the person who asked do.

t.test('updates and answers reach the requester and the subscribers, once each; exempt ones only the requester', async (t) => {
  const smtp = await smtpServer(t);
  const { api, people, committeeId } = await notificationFixture(t, smtp.url);
  const rita = await person(api, 'Rita Requester', { kind: 'councillor' });
  const sam = await person(api, 'Sam Subscriber');
  const meetings = (await api.request({ method: 'GET', url: `/v1/committees/${committeeId}/meetings` })).json().data as { id: number }[];
  const raisedAt = meetings[0]!.id;
  const open = await action(api, raisedAt, { title: 'Ambulance handover times', ownerId: people.jane, requestedById: rita, dueDate: '2024-10-01' });
  const hidden = await action(api, raisedAt, { title: 'Contract penalty with the provider', ownerId: people.olive, requestedById: rita, dueDate: '2024-10-01', visibility: 'exempt' });
  for (const [actionId, personId] of [[open.id, sam], [open.id, rita], [hidden.id, sam]] as const) {
    t.equal((await api.request({ method: 'PUT', url: `/v1/actions/${actionId}/subscribers/${personId}` })).statusCode, 204);
  }
  for (const actionId of [open.id, hidden.id]) {
    const res = await api.request({ method: 'POST', url: `/v1/actions/${actionId}/updates`, payload: { text: 'Figures requested from the trust.' } });
    t.equal(res.statusCode, 201);
  }
  // Updates are stamped by the database clock: put them on the day before the pass.
  await sqlRun(api.app, "UPDATE action_updates SET created_at = '2024-07-18T10:00:00.000Z'");
  const mailTo = (who: string) => smtp.received.filter((r) => r.to.includes(`${who}@example.gov.uk`)).map((r) => r.mail);

  const run = await runPass(api, { asOf: '2024-07-19' });
  t.match(run.emails.find((e) => e.personId === rita), { status: 'sent', kinds: ['response'], recipientRoles: ['requester'], actionIds: [open.id, hidden.id] });
  t.match(run.emails.find((e) => e.personId === sam), { status: 'sent', kinds: ['response'], recipientRoles: ['subscriber'], actionIds: [open.id] });
  const [toRita] = mailTo('rita');
  t.equal(mailTo('rita').length, 1, 'one digest, though Rita both asked and subscribed');
  // News alone reads as news: no demand, no due dates, nothing to do.
  t.equal(toRita!.subject, 'Not for publication: Scrutiny actions you asked for: 2 updated');
  t.match(toRita!.text, /^Dear Rita Requester,\n\nHere is news of scrutiny actions you asked for, as of Friday 19 July 2024\. There is nothing you need to do: the update is in the tracker\./);
  t.notMatch(toRita!.text, /need your attention|Due by|What to do/);
  for (const part of [toRita!.text!, toRita!.html as string]) {
    t.match(part, open.reference);
    t.match(part, hidden.reference);
    t.match(part, 'New progress update');
  }
  const [toSam] = mailTo('sam');
  t.equal(toSam!.subject, 'Scrutiny actions you follow: 1 updated');
  t.match(toSam!.text, /Here is news of scrutiny actions you follow, as of Friday 19 July 2024\./);
  for (const part of [toSam!.text!, toSam!.html as string]) {
    t.match(part, open.reference);
    t.notMatch(part, hidden.reference, 'a subscriber who neither owns nor asked hears nothing of exempt business');
    t.notMatch(part, /Contract penalty/);
  }
  const listed = await api.request({ method: 'GET', url: `/v1/notifications?kind=response&personId=${sam}` });
  t.match(listed.json().data, [{ kind: 'response', recipientRole: 'subscriber', status: 'sent', actionIds: [open.id] }]);

  const again = await runPass(api, { asOf: '2024-07-19' });
  t.same(again.emails.filter((e) => e.personId === rita || e.personId === sam), [], 'the same day again: nothing new');

  const answered = await api.request({
    method: 'PATCH', url: `/v1/actions/${open.id}`,
    payload: { status: 'responded', response: 'Handover times circulated to members.', respondedOn: '2024-07-22' },
  });
  t.equal(answered.statusCode, 200, answered.body);
  await runPass(api, { asOf: '2024-07-22' });
  const latest = mailTo('sam').at(-1)!;
  t.equal(mailTo('sam').length, 2);
  t.equal(latest.subject, 'Scrutiny actions you follow: 1 answered');
  t.match(latest.text!, /Answered\./);
  t.match(latest.text!, /There is nothing you need to do: the answer is in the tracker\./);
  t.match(latest.text!, open.reference);
  t.equal(mailTo('rita').length, 2, 'the requester is told of the answer too');
  t.notMatch(mailTo('rita').at(-1)!.subject, /Not for publication/, 'only the public action this time');
});
