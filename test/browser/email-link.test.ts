import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import t from 'tap';
import { build } from '../helper.js';
import { runPass, smtpServer } from '../modules/notifications/smtp.js';
import { linkedAction } from '../modules/response-links-fixture.js';

// The whole loop an owner without an API key sees: the notification pass emails a reminder
// through a real SMTP server, the test takes the personal link out of the captured email's text
// exactly as written there, opens it in headless Chromium (Debian's chromium, driven by
// playwright-core), fills the form and sends it, and the API shows the update. Where Chromium
// cannot be installed the test is skipped, saying so.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** "Today" for the app: Friday 19 July 2024; the action is due a week later. */
const NOW = new Date('2024-07-19T08:00:00Z');

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;

/** A port free on 127.0.0.1 now, so that PUBLIC_BASE_URL can name the address the server will listen on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

t.test('an owner opens the link from the reminder email in Chromium and sends an update', { skip }, async (t) => {
  const { chromium } = await import('playwright-core');
  const smtp = await smtpServer(t);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = await build(t, { smtpUrl: smtp.url, publicBaseUrl: base }, { clock: () => NOW });
  await api.app.listen({ host: '127.0.0.1', port });
  const { actionId } = await linkedAction(api, { dueDate: '2024-07-26' });

  const run = await runPass(api, { asOf: '2024-07-19' });
  t.match(run.emails, [{ email: 'jane@example.gov.uk', kinds: ['reminder'], status: 'sent' }]);
  const [email] = smtp.received.filter((r) => r.to.includes('jane@example.gov.uk'));
  t.ok(email, 'the reminder reached the SMTP server');
  const text = email!.mail.text ?? '';
  t.match(text, 'Update on school transport');
  t.match(text, 'Due by Friday 26 July 2024 (in 7 days)');
  const links = [...text.matchAll(/https?:\/\/\S+\/respond\/[^\s)]+/g)].map((m) => m[0]);
  t.equal(links.length, 1, 'one personal link in the text');
  const link = links[0]!;
  t.ok(link.startsWith(`${base}/respond/`), 'built on PUBLIC_BASE_URL');
  t.match(String(email!.mail.html), `href="${link}"`, 'the HTML part links to the same page');

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ javaScriptEnabled: false });
  const opened = await page.goto(link);
  t.equal(opened?.status(), 200);
  t.equal(opened?.headers()['cache-control'], 'no-store');
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Update on school transport');

  await page.getByRole('textbox', { name: 'Your update' }).fill('Figures requested from the transport team; due in August.');
  await page.getByLabel('Green – on track').check();
  await page.getByRole('button', { name: 'Add update' }).click();
  await page.waitForURL(/\?sent=update(#.*)?$/);
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Update recorded');

  const updates = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}/updates` })).json().data;
  t.match(updates, [{ text: 'Figures requested from the transport team; due in August.', rag: 'green', recordedBy: 'Jane Officer (response link)' }]);
  const action = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}` })).json();
  t.match(action, { rag: 'green', status: 'open' });
});
