import t from 'tap';
import { applyExemptVisibility } from '../../src/import/exempt.js';
import type { DraftItem } from '../../src/import/types.js';

const item = (number: string, title: string, minutes = ''): DraftItem => ({ number, title, minutes, position: Number(number), visibility: 'public' });

t.test('"for the following item" makes the next item exempt, not the exclusion itself', async (t) => {
  const items = [
    item('8', 'Exclusion of the Press and Public', 'RESOLVED: That the press and public be excluded from the meeting for the following item of business on the grounds that it involves exempt information as defined in paragraph 3 of Part 1 of Schedule 12A.'),
    item('9', 'Fee Uplift'),
    item('10', 'Any Other Business'),
  ];
  applyExemptVisibility(items);
  t.same(items.map((i) => [i.visibility, i.exemptParagraph ?? null]), [['public', null], ['exempt', 3], ['public', null]]);
});

t.test('"the following items" covers the rest of the meeting; named items only themselves', async (t) => {
  const items = [item('57', 'Exclusion', 'the press and public be excluded for the following items (paragraph 1)'), item('58', 'A'), item('59', 'B')];
  applyExemptVisibility(items);
  t.same(items.map((i) => i.visibility), ['public', 'exempt', 'exempt']);
  const named = [item('1', 'Exclusion', 'the public be excluded during consideration of item 3'), item('2', 'A'), item('3', 'B')];
  applyExemptVisibility(named);
  t.same(named.map((i) => i.visibility), ['public', 'public', 'exempt']);
});

t.test('an item that says so itself', async (t) => {
  const items = [item('4', 'Contract Award (Exempt)'), item('5', 'Land Sale', 'This item involved exempt information under paragraph 3.'), item('6', 'Whistleblowing (Confidential Reporting) Policy'), item('7', 'Private Sector Housing')];
  applyExemptVisibility(items);
  t.same(items.map((i) => [i.visibility, i.exemptParagraph ?? null]), [['exempt', null], ['exempt', 3], ['public', null], ['public', null]]);
});
