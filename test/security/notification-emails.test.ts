import t from 'tap';
import { build, sqlRun } from '../helper.js';
import { smtpServer } from '../modules/notifications/smtp.js';
import { AS_OF, LEVEL_MARKER, levels, seedBusiness } from './seed.js';

// The leak matrix for notification emails: exempt and confidential business is named only to
// the person who owns or asked for it, under "Not for publication". The seed's person owns and
// asked for every seeded action; the committee's chair (copied from the second flag) and its
// contact officer (actions with no owner; the agenda pack) and a subscriber (response notices) get emails too, and none of theirs carries a marker of
// a level above public — in the subject, the text or the HTML.

t.test('notification emails name exempt and confidential business only to its owner', async (t) => {
  const smtp = await smtpServer(t);
  const api = await build(t, { smtpUrl: smtp.url });
  const seed = await seedBusiness(api);
  const patch = (url: string, payload: Record<string, unknown>) => api.request({ method: 'PATCH', url, payload, headers: { 'if-match': '*' } });
  t.equal((await patch(`/v1/people/${seed.personId}`, { email: 'ada@example.gov.uk' })).statusCode, 200);
  t.equal((await patch(`/v1/committees/${seed.committeeId}`, { contactEmail: 'scrutiny@example.gov.uk' })).statusCode, 200);
  const chair = await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Cllr Chair', kind: 'councillor', email: 'chair@example.gov.uk' } });
  await api.request({ method: 'PUT', url: `/v1/committees/${seed.committeeId}/members/${chair.json().id}`, payload: { role: 'chair' } });
  // Unowned actions at every level: the public one goes to the contact officer, the others to nobody.
  for (const level of levels) {
    const res = await api.request({
      method: 'POST', url: '/v1/actions',
      payload: { meetingId: seed.meetings.raisedAt, kind: 'update', title: `Unowned ${LEVEL_MARKER[level]}-unowned`, dueDate: '2024-08-01', visibility: level },
    });
    t.equal(res.statusCode, 201);
  }

  // A subscriber to every seeded action, each of which gets a progress update: response
  // notices name only the public one to them (they neither own nor asked for the others).
  const subscriber = await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Sam Subscriber', kind: 'officer', email: 'sam@example.gov.uk' } });
  for (const { id } of Object.values(seed.actions)) {
    t.equal((await api.request({ method: 'PUT', url: `/v1/actions/${id}/subscribers/${subscriber.json().id}` })).statusCode, 204);
    t.equal((await api.request({ method: 'POST', url: `/v1/actions/${id}/updates`, payload: { text: 'Progress noted.' } })).statusCode, 201);
  }
  await sqlRun(api.app, 'UPDATE action_updates SET created_at = ?', `${AS_OF}T09:00:00.000Z`);

  // The eve of the September meeting's despatch date (22 August): the contact officer's agenda pack.
  await api.request({ method: 'POST', url: '/v1/notifications/run', payload: { asOf: '2024-08-21' } });
  await api.request({ method: 'POST', url: '/v1/notifications/run', payload: { asOf: AS_OF } });
  // A second flag for each action: the chair is copied.
  await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: '2024-09-10' } });
  await api.request({ method: 'POST', url: '/v1/notifications/run', payload: { asOf: '2024-09-10' } });

  const owner = smtp.received.filter((r) => r.to.includes('ada@example.gov.uk'));
  const others = smtp.received.filter((r) => !r.to.includes('ada@example.gov.uk'));
  t.ok(others.some((r) => r.to.includes('chair@example.gov.uk')), 'the chair is emailed');
  t.ok(others.some((r) => r.to.includes('scrutiny@example.gov.uk')), 'the contact officer is emailed');
  t.ok(others.some((r) => r.to.includes('scrutiny@example.gov.uk') && (r.mail.text ?? '').includes('Action log for the agenda')), 'the contact officer gets the agenda pack');
  t.ok(others.some((r) => r.to.includes('sam@example.gov.uk')), 'the subscriber is emailed');
  for (const r of others) {
    const whole = [r.mail.subject ?? '', r.mail.text ?? '', String(r.mail.html ?? ''), r.mail.to ? JSON.stringify(r.mail.to) : ''].join('\n');
    t.ok(whole.includes(LEVEL_MARKER.public), `${r.to.join()} gets public business`);
    t.notOk(whole.includes(LEVEL_MARKER.exempt), `${r.to.join()} gets nothing exempt`);
    t.notOk(whole.includes(LEVEL_MARKER.confidential), `${r.to.join()} gets nothing confidential`);
    t.notMatch(r.mail.subject, /Not for publication/);
  }
  t.ok(owner.length > 0);
  for (const level of levels) t.ok(owner.some((r) => (r.mail.text ?? '').includes(LEVEL_MARKER[level])), `the owner is told of ${level} business`);
  for (const r of owner) {
    const hidden = (r.mail.text ?? '').includes(LEVEL_MARKER.exempt) || (r.mail.text ?? '').includes(LEVEL_MARKER.confidential);
    if (hidden) t.match(r.mail.subject, /Not for publication/);
  }
});
