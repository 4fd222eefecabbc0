import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../scripts/notify.js';
import { notificationFixture, smtpServer } from '../modules/notifications/smtp.js';
import { callMain, spawnScript } from './command.js';

// `npm run notify -- [--as-of] [--dry-run]`: the same pass as the API, its result as JSON on stdout.

t.test('npm run notify: dry run, then the pass, then nothing new', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-notify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const databasePath = join(dir, 'scrutiny.sqlite');
  const smtp = await smtpServer(t);
  const { people } = await notificationFixture(t, undefined, { databasePath });
  const env = { DATABASE_PATH: databasePath, SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://tracker.example.gov.uk' };

  const dry = await callMain(main, ['--as-of', '2024-07-19', '--dry-run'], env);
  t.equal(dry.code, 0, dry.stderr);
  t.match(JSON.parse(dry.stdout), { asOf: '2024-07-19', dryRun: true, emails: [{ status: /would_send|not_sent/ }] });
  t.equal(smtp.received.length, 0);

  const sent = await callMain(main, ['--as-of', '2024-07-19'], env);
  t.equal(sent.code, 0, sent.stderr);
  const result = JSON.parse(sent.stdout);
  t.match(result.emails.find((e: { personId: number }) => e.personId === people.jane), { status: 'sent' });
  const toJane = smtp.received.filter((r) => r.to.includes('jane@example.gov.uk'));
  t.equal(toJane.length, 1);
  // Emails go out side by side (SEND_CONCURRENCY): which arrives first is not fixed.
  t.match(toJane[0]!.mail.text, /https:\/\/tracker\.example\.gov\.uk\/respond\//, 'her response link, under PUBLIC_BASE_URL');

  const again = await callMain(main, ['--as-of', '2024-07-19'], env);
  t.same(JSON.parse(again.stdout).emails, []);

  const bad = await spawnScript('scripts/notify.ts', ['--as-of', '19/07/2024'], env);
  t.equal(bad.code, 2);
  t.equal(bad.stdout, '');
  t.match(bad.stderr, /^notify: --as-of must be a date/);
});
