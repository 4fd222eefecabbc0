import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseMinutes } from '../../src/import/index.js';
import { findTitledItems } from '../../src/import/split-titled.js';

// A Modern.gov page with neither item numbers nor "Minutes:" labels (written for this test).
const page = readFileSync(join(import.meta.dirname, 'fixtures', 'moderngov-titles-only-moorgate-environment-2025-03-04.txt'), 'utf8');

t.test('a Modern.gov page of plain item titles is split at its titles, its header read', async (t) => {
  const draft = parseMinutes(page);
  t.equal(draft.layout, 'moderngov');
  t.same(draft.meeting.committeeName, 'Environment Overview Panel');
  t.same(draft.meeting.date, '2025-03-04');
  t.same(draft.items.map((i) => i.title), ['Apologies for Absence', 'Declarations of Interest', 'Play Area Strategy', 'Fly-tipping Enforcement']);
  t.same(draft.resolutions.map((r) => draft.items[r.itemIndex]?.title), ['Play Area Strategy', 'Play Area Strategy', 'Fly-tipping Enforcement']);
  t.equal(draft.actions.length, 3);
});

t.test('without a page header, or with titles and no minutes under them, nothing is split', async (t) => {
  const body = page.split('\n').slice(10);
  t.same(findTitledItems(body), [], 'a pasted part of the page stays one fragment');
  t.same(findTitledItems(['Agenda and minutes', '', 'Apologies for Absence', '', 'Declarations of Interest', '']), []);
  t.equal(parseMinutes(body.join('\n')).layout, 'fragment');
});
