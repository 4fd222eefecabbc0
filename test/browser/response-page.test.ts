import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import t from 'tap';
import { build } from '../helper.js';
import { issueLink, linkedAction } from '../modules/response-links-fixture.js';

// The response page in a real browser: Debian's chromium (apt-get install chromium; .ci/run
// installs it when missing), driven by playwright-core. Where it cannot be installed the test
// is skipped, saying so.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NOW = new Date('2024-07-20T09:00:00Z');
/** Whether focus reaches the element (a moment is allowed: a click on an in-page link moves it after the click returns). */
async function focusOn(page: Page, selector: string): Promise<boolean> {
  return page
    .waitForFunction(`document.activeElement === document.querySelector(${JSON.stringify(selector)})`, undefined, { timeout: 5000 })
    .then(() => true, () => false);
}

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;

t.test('an owner answers through the link in headless Chromium', { skip }, async (t) => {
  const { chromium } = await import('playwright-core');
  const api = await build(t, {}, { clock: () => NOW });
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const { actionId, ownerId } = await linkedAction(api);
  const link = await issueLink(api, actionId, ownerId);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ javaScriptEnabled: false });

  const opened = await page.goto(`${address}${link.path}`);
  t.equal(opened?.status(), 200);
  t.equal(await page.title(), 'Update on school transport – Scrutiny Tracker');
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Update on school transport');
  t.same(await page.getByRole('heading', { level: 2 }).allTextContents(), ['Updates so far', 'Add a progress update', 'Give your response']);
  t.match(await page.locator('main').textContent(), 'Members asked for figures.');
  t.match(await page.locator('main').textContent(), 'Monday 15 July 2024 at 6:30pm');
  await page.keyboard.press('Tab');
  t.ok(await focusOn(page, 'a.skip'), 'the first stop is the skip link');

  // Nothing typed: the error summary, then the form again.
  await page.getByRole('button', { name: 'Send response' }).click();
  t.equal(await page.getByRole('alert').getByRole('heading').textContent(), 'There is a problem');
  await page.getByRole('link', { name: 'Enter your response' }).click();
  t.ok(await focusOn(page, '#response-text'), 'the summary leads to the field');

  await page.getByRole('textbox', { name: 'Your update' }).fill('Transport figures go to the September meeting.');
  await page.getByLabel('Amber – at risk').check();
  await page.getByRole('button', { name: 'Add update' }).click();
  await page.waitForURL(/\?sent=update(#.*)?$/);
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Update recorded');

  await page.getByRole('link', { name: 'Back to the action' }).click();
  await page.getByRole('textbox', { name: 'Your response' }).fill('The figures are in the September report.');
  await page.getByRole('button', { name: 'Send response' }).click();
  await page.waitForURL(/\?sent=response(#.*)?$/);
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Response sent');

  const updates = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}/updates` })).json().data;
  t.match(updates, [{ text: 'Transport figures go to the September meeting.', rag: 'amber', recordedBy: 'Jane Officer (response link)' }]);
  const action = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}` })).json();
  t.match(action, { status: 'responded', response: 'The figures are in the September report.', rag: 'amber' });
  const history = (await api.request({ method: 'GET', url: `/v1/actions/${actionId}/history` })).json().data;
  t.same(history.slice(0, 2).map((event: { actor: string }) => event.actor), ['Jane Officer (response link)', 'Jane Officer (response link)'], 'the RAG and the response, audited as the person');

  const tampered = await page.goto(`${address}${link.path.slice(0, -2)}xx`);
  t.equal(tampered?.status(), 404);
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Page not found');
  t.notMatch(await page.content(), /school transport/);
});
