import t from 'tap';
import { ConfigError, defaultConfig, loadConfig } from '../../src/config.js';
import { composeDigest, inWords, type DigestItem } from '../../src/domain/notifications.js';

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

t.test('SMTP_URL and MAIL_FROM', async (t) => {
  t.equal(loadConfig({}).smtpUrl, undefined);
  t.equal(loadConfig({}).mailFrom, defaultConfig.mailFrom);
  t.equal(loadConfig({ SMTP_URL: 'smtp://user:pass@mail.example.gov.uk:587' }).smtpUrl, 'smtp://user:pass@mail.example.gov.uk:587');
  t.equal(loadConfig({ MAIL_FROM: 'Scrutiny <scrutiny@example.gov.uk>' }).mailFrom, 'Scrutiny <scrutiny@example.gov.uk>');
  t.throws(() => loadConfig({ SMTP_URL: 'http://mail.example.gov.uk' }), ConfigError);
  t.throws(() => loadConfig({ SMTP_URL: 'http://mail.example.gov.uk' }), /SMTP_URL/);
});
