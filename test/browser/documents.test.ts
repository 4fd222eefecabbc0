import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t from 'tap';
import { build } from '../helper.js';
import { onPostgres } from '../pg.js';
import { AS_OF, EXEMPT_TITLE, LONG_TITLE, seedDocuments } from '../documents/fixture.js';

// The tracker's HTML in a real browser: Debian's chromium driven by playwright-core (skipped,
// saying so, where it is not installed). The page must load styled under its own
// Content-Security-Policy, read as a document (caption, headers with scope, the RAG key), and
// print to A4 landscape across pages. The PDF and a screenshot are kept in the test output
// folder (TEST_OUTPUT_DIR, default .tap/test-output) for a person to look at.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = resolve(process.env.TEST_OUTPUT_DIR ?? join(import.meta.dirname, '..', '..', '.tap', 'test-output'));
/** The kept files' names: this file and its PostgreSQL twin may run at the same time. */
const KEPT = onPostgres() ? 'tracker-postgres' : 'tracker';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;

t.test('the tracker prints to A4 in headless Chromium, styled, with its structure intact', { skip }, async (t) => {
  const { chromium } = await import('playwright-core');
  const api = await build(t);
  const s = await seedDocuments(api);
  // Enough actions for the table to run over several printed pages.
  for (let i = 1; i <= 40; i++) {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: s.july, kind: 'information', title: `Figures requested by members, number ${i}, on the ${i % 2 ? 'primary' : 'secondary'} school admissions round`, rag: (['red', 'amber', 'green'] as const)[i % 3] } });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused/i.test(message.text())) refused.push(message.text());
  });

  const opened = await page.goto(`${address}/v1/committees/${s.committeeId}/tracker?asOf=${AS_OF}&format=html`);
  t.equal(opened?.status(), 200);
  t.match(await page.title(), /^Children and Young People Policy and Performance Board: recommendation tracker – Halton Borough Council/);
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Children and Young People Policy and Performance Board: recommendation tracker');
  // Anonymous: the exempt and the confidential action are not there.
  const table = page.getByRole('table', { name: 'Actions (43)' });
  t.equal(await table.count(), 1, 'the tracker table is named by its caption');
  t.same(await table.getByRole('columnheader').allTextContents(), ['Ref.', 'Raised at', 'Action', 'Owner', 'Due', 'Latest progress', 'RAG', 'Status', 'Times flagged']);
  t.equal(await table.getByRole('rowheader').count(), 43, 'each row headed by its reference');
  t.equal(await table.getByRole('row').count(), 44);
  const shown = (await table.textContent())!;
  t.ok(shown.includes(LONG_TITLE), 'the full text, in the page');
  t.notOk(shown.includes(EXEMPT_TITLE), 'no exempt action for an anonymous reader');
  t.equal(await page.getByRole('table', { name: 'RAG key' }).count(), 1, 'the RAG key');

  // The stylesheet applied: the CSP let it through (by hash), and the RAG cells are coloured.
  t.same(refused, [], 'nothing refused by the Content-Security-Policy');
  // (Evaluated as text: the tests are compiled without the DOM's types.)
  const styles = await page.evaluate(`(() => {
    const red = document.querySelector('td.rag-red');
    return {
      red: getComputedStyle(red).backgroundColor,
      redText: red.textContent,
      captionWeight: getComputedStyle(document.querySelector('caption')).fontWeight,
      collapse: getComputedStyle(document.querySelector('table')).borderCollapse,
      pageRules: [...document.styleSheets[0].cssRules].filter((r) => r instanceof CSSPageRule).length,
    };
  })()`);
  t.same(styles, { red: 'rgb(212, 53, 28)', redText: 'Red', captionWeight: '700', collapse: 'collapse', pageRules: 1 });

  mkdirSync(OUTPUT, { recursive: true });
  const screenshot = join(OUTPUT, `${KEPT}.png`);
  await page.screenshot({ path: screenshot, fullPage: false });
  t.ok(existsSync(screenshot), `screenshot kept: ${screenshot}`);

  await page.emulateMedia({ media: 'print' });
  t.equal(await page.evaluate(`getComputedStyle(document.querySelector('header.running')).display`), 'none', 'the on-screen header gives way to the running header');
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  const pdfPath = join(OUTPUT, `${KEPT}.pdf`);
  writeFileSync(pdfPath, pdf);
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = pdf.toString('latin1');
  const boxes = [...text.matchAll(/\/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
  t.ok(boxes.length >= 2, `printed over ${boxes.length} pages`);
  t.ok(boxes.every(([w, h]) => w === 842 && h === 595), 'every page A4 landscape (842 × 595 pt)');
  t.comment(`PDF kept: ${pdfPath}`);
});
