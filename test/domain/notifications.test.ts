import t from 'tap';
import { ConfigError, defaultConfig, loadConfig } from '../../src/config.js';
import { composeDigest, inWords } from '../../src/domain/digest.js';
import type { DigestItem } from '../../src/domain/notifications.js';

const item = (over: Partial<DigestItem> = {}): DigestItem => ({
  kind: 'reminder', role: 'owner', actionId: 1, reference: 'HSC (24/25) 01', title: 'Figures <b>now</b> & later',
  committee: 'Health Scrutiny Committee', visibility: 'public', dueBy: '2024-07-26', meetingOn: '2024-09-16', ...over,
});

t.test('dates in words', async (t) => {
  t.equal(inWords('2024-07-26'), 'Friday 26 July 2024');
});

t.test('a digest: overdue first, counts in the subject, HTML escaped, Not for publication when hidden business is named', async (t) => {
  const d = composeDigest('Jane Officer', [item(), item({ kind: 'overdue', actionId: 2, reference: 'HSC (24/25) 02', dueBy: '2024-07-01', timesFlagged: 2 })], '2024-07-19');
  t.equal(d.subject, 'Scrutiny actions: 1 overdue, 1 due soon');
  t.ok(d.text.indexOf('HSC (24/25) 02') < d.text.indexOf('HSC (24/25) 01'), 'overdue first');
  t.match(d.text, 'Monday 1 July 2024 (18 days ago)');
  t.match(d.text, 'flagged 2 times');
  t.match(d.html, 'Figures &lt;b&gt;now&lt;/b&gt; &amp; later');
  t.notMatch(d.html, '<b>now</b>');
  const hidden = composeDigest(null, [item({ visibility: 'exempt' })], '2024-07-19');
  t.match(hidden.subject, /^Not for publication: /);
  t.match(hidden.text, /^Hello,/);
  t.match(hidden.text, 'Do not forward it');
});

t.test('news alone reads as news: subject and opening say what happened, and nothing is asked', async (t) => {
  const update = (over: Partial<DigestItem>) => item({ kind: 'response', role: 'subscriber', dueBy: null, meetingOn: null, answered: false, ...over });
  const d = composeDigest('Sam Subscriber', [
    update({}),
    update({}),
    update({ actionId: 2, reference: 'HSC (24/25) 02', title: 'Dental access', answered: true }),
  ], '2024-07-19');
  t.equal(d.subject, 'Scrutiny actions you follow: 1 answered, 1 updated');
  t.match(d.text, /^Dear Sam Subscriber,\n\nHere is news of scrutiny actions you follow, as of Friday 19 July 2024\. There is nothing you need to do: the answers and updates are in the tracker\.\n\n/);
  t.equal(d.text.split('HSC (24/25) 01').length - 1, 1, 'two updates of one action: one entry');
  t.match(d.text, 'HSC (24/25) 01 — Figures <b>now</b> & later\n  2 new progress updates.\n  Committee: Health Scrutiny Committee.');
  t.match(d.text, 'HSC (24/25) 02 — Dental access\n  Answered.');
  t.notMatch(d.text, /need your attention|Due by|no date set|What to do|For your information/);
  t.match(d.html, '<p>2 new progress updates.</p>');

  const asked = composeDigest(null, [update({ role: 'requester', answered: true })], '2024-07-19');
  t.equal(asked.subject, 'Scrutiny actions you asked for: 1 answered');
  t.match(asked.text, 'news of scrutiny actions you asked for');
  t.match(asked.text, 'the answer is in the tracker');
  const both = composeDigest(null, [update({ role: 'requester' }), update({ actionId: 2, reference: 'HSC (24/25) 02' })], '2024-07-19');
  t.equal(both.subject, 'Scrutiny actions you asked for or follow: 2 updated');

  // With something to do as well, the news comes last under its own heading.
  const mixed = composeDigest('Jane Officer', [update({ actionId: 3, reference: 'HSC (24/25) 03' }), item()], '2024-07-19');
  t.equal(mixed.subject, 'Scrutiny actions: 1 due soon, 1 updated');
  t.match(mixed.text, /need your attention as of Friday 19 July 2024/);
  t.ok(mixed.text.indexOf('HSC (24/25) 01') < mixed.text.indexOf('For your information'));
  t.ok(mixed.text.indexOf('For your information') < mixed.text.indexOf('HSC (24/25) 03'));
  t.match(mixed.text, 'News of scrutiny actions you follow. There is nothing you need to do.');
});

t.test('an agenda pack: the meeting, the despatch date, each action with owner and status', async (t) => {
  const pack = (over: Partial<DigestItem>, standing: Partial<NonNullable<DigestItem['pack']>> = {}) => item({
    kind: 'agenda_pack', role: 'contact', meetingOn: '2024-09-16',
    pack: { meetingId: 7, despatchBy: '2024-09-06', owner: 'Jane Officer', status: 'open', overdue: false, rag: null, timesFlagged: 0, ...standing },
    ...over,
  });
  const d = composeDigest(null, [
    pack({ actionId: 2, reference: 'HSC (24/25) 02', title: 'Dental access', dueBy: '2024-07-01' }, { overdue: true, timesFlagged: 2, rag: 'red' }),
    pack({ dueBy: '2024-09-06' }, { status: 'responded', owner: null }),
  ], '2024-09-05');
  t.equal(d.subject, 'Action log for the agenda: Health Scrutiny Committee, meeting on Monday 16 September 2024');
  t.match(d.text, 'what is due at the next meeting, for the agenda pack, as of Thursday 5 September 2024');
  t.match(d.text, 'The agenda must be published by Friday 6 September 2024 (tomorrow). These 2 actions are due at the meeting:');
  t.ok(d.text.indexOf('HSC (24/25) 01') < d.text.indexOf('HSC (24/25) 02'), 'in the log\'s order');
  t.match(d.text, 'HSC (24/25) 02 — Dental access\n  Owner: Jane Officer. Due by Monday 1 July 2024 (66 days ago).\n  Status: open, overdue (flagged 2 times), RAG red.');
  t.match(d.text, 'Owner: none recorded. Due by Friday 6 September 2024 (tomorrow).\n  Status: answered.');
  t.match(d.text, 'What to do: put this action log in the agenda pack');
  t.match(d.html, /<h2[^>]*>Action log for the agenda: Health Scrutiny Committee, meeting on Monday 16 September 2024<\/h2>/);
  t.notMatch(d.subject, /Not for publication/);

  const mixed = composeDigest(null, [pack({}), item({ role: 'contact', actionId: 9, reference: 'HSC (24/25) 09' })], '2024-09-05');
  t.equal(mixed.subject, 'Scrutiny actions: 1 due soon, action log for the meeting on Monday 16 September 2024');
  t.ok(mixed.text.indexOf('Needs your attention') < mixed.text.indexOf('Action log for the agenda'));
});

t.test('SMTP_URL and MAIL_FROM', async (t) => {
  t.equal(loadConfig({}).smtpUrl, undefined);
  t.equal(loadConfig({}).mailFrom, defaultConfig.mailFrom);
  t.equal(loadConfig({ SMTP_URL: 'smtp://user:pass@mail.example.gov.uk:587' }).smtpUrl, 'smtp://user:pass@mail.example.gov.uk:587');
  t.equal(loadConfig({ MAIL_FROM: 'Scrutiny <scrutiny@example.gov.uk>' }).mailFrom, 'Scrutiny <scrutiny@example.gov.uk>');
  t.throws(() => loadConfig({ SMTP_URL: 'http://mail.example.gov.uk' }), ConfigError);
  t.throws(() => loadConfig({ SMTP_URL: 'http://mail.example.gov.uk' }), /SMTP_URL/);
});
