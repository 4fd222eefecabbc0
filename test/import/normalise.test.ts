import t from 'tap';
import {
  collapseBlankLines,
  dropDocumentLists,
  actionRowLine,
  actionTableColumns,
  expandPipeTables,
  normaliseCharacters,
  normaliseLine,
  normaliseMinutesText,
} from '../../src/import/normalise.js';
import { removePageFurniture } from '../../src/import/page-furniture.js';

t.test('characters: line breaks, odd spaces, invisible characters, quotes', async (t) => {
  t.equal(normaliseCharacters('a\r\nb\rc'), 'a\nb\nc');
  t.equal(normaliseCharacters('RESOLVED:\u00A0 That'), 'RESOLVED:  That');
  t.equal(normaliseCharacters('Chil\u200Bdren\uFEFF'), 'Children');
  t.equal(normaliseCharacters('Children\u2019s \u201Cplan\u201D'), 'Children\'s "plan"');
  t.equal(normaliseCharacters('one<br>two<br />three'), 'one\ntwo\nthree');
  t.equal(normaliseCharacters('a\u0000b\tc'), 'a b c');
});

t.test('a line loses link-label noise and gains a plain bullet', async (t) => {
  t.same(normaliseLine('MINUTES pdf icon PDF 336 KB'), { line: 'MINUTES' });
  t.same(normaliseLine('Budget (PDF, 1.2 MB)'), { line: 'Budget' });
  t.same(normaliseLine('·       Working well in partnership;'), { line: '- Working well in partnership;' });
  t.same(normaliseLine('* **Resolved that:**'), { line: '- Resolved that:' });
  t.same(normaliseLine('-The children\'s outcome'), { line: '- The children\'s outcome' });
  t.same(normaliseLine('*'), { line: '' });
  t.same(normaliseLine('No. Item'), { line: '' });
  t.same(normaliseLine('RECOMMENDED – (1) T H A T the report be noted'), { line: 'RECOMMENDED – (1) THAT the report be noted' });
  t.same(normaliseLine('Councillors J R R Smith'), { line: 'Councillors J R R Smith' }, 'initials are not words');
});

t.test('a Modern.gov cut-off is removed and reported', async (t) => {
  t.same(normaliseLine('Clarity was provided over the consultant employed  ...  view the full minutes text for item 5.'), {
    line: 'Clarity was provided over the consultant employed',
    truncatedItem: '5',
  });
});

t.test('document lists under "Additional documents:" are dropped, the minutes kept', async (t) => {
  const lines = ['Title', 'Additional documents:', '', 'Appendix 1, item 8. PDF 400 KB', 'Appendix 2, item 8. pdf icon PDF 12 KB', '', 'Minutes:', 'Text'];
  t.same(dropDocumentLists(lines), ['Title', 'Minutes:', 'Text']);
  t.same(dropDocumentLists(['Supporting documents:', 'Report, item 45. PDF 612 KB']), []);
});

t.test('pipe tables become one line per cell', async (t) => {
  t.same(expandPipeTables(['| No. | Item |', '| --- | --- |', '| 1. | Apologies |', 'plain']), ['No.', 'Item', '', '1.', 'Apologies', '', 'plain']);
});

t.test('an action table becomes one "ACTION:" line per row', async (t) => {
  const table = [
    '| No. | Item | Action | Owner | Due |',
    '| --- | --- | --- | --- | --- |',
    '| 1 | 5 | Share the audit results with the Committee | Director of Housing | Next meeting |',
    '| 2 | 6 | Circulate the equality impact assessment | | |',
    'The meeting ended at 9.52pm.',
  ];
  t.same(expandPipeTables(table), [
    'ACTION: Share the audit results with the Committee – Owner: Director of Housing – Due: Next meeting',
    '',
    'ACTION: Circulate the equality impact assessment',
    '',
    'The meeting ended at 9.52pm.',
  ]);
  t.same(actionTableColumns(['Ref', 'Action required', 'Lead officer', 'Deadline']), { action: 1, owner: 2, due: 3 });
  t.equal(actionTableColumns(['No.', 'Item']), null, 'an agenda table is not an action table');
  t.equal(actionRowLine(['1', '', 'Director'], { action: 1, owner: 2, due: -1 }), null, 'a row with no action');
});

t.test('repeated page headers are kept only where they first appear', async (t) => {
  const lines = ['CYP SCRUTINY COMMITTEE', 'text one', 'CYP SCRUTINY COMMITTEE', 'text two', 'Page 3', 'CYP SCRUTINY COMMITTEE', 'None.', 'None.', 'None.'];
  t.same(removePageFurniture(lines), ['CYP SCRUTINY COMMITTEE', 'text one', '', 'text two', '', '', 'None.', 'None.', 'None.']);
});

t.test('blank lines collapse', async (t) => {
  t.same(collapseBlankLines(['', 'a', '', '', 'b', '']), ['a', '', 'b']);
});

t.test('the whole pipeline', async (t) => {
  const { lines, truncatedItems } = normaliseMinutesText('1.\r\n\r\nMINUTES pdf icon PDF 9 KB\r\n\r\n\u00A0\r\n\r\nMinutes:\r\n\r\nText ... view the full minutes text for item 1.');
  t.same(lines, ['1.', '', 'MINUTES', '', 'Minutes:', '', 'Text']);
  t.same(truncatedItems, ['1']);
});

t.test('page numbers at form feeds are removed; other lone numbers are kept', async (t) => {
  const text = 'Winter Gritting Review\n(Item 3)\n\n2\n\f1. Mr Hale introduced the report.\n\f3\nMore text.\n\f14\nLast page.';
  const { lines } = normaliseMinutesText(text);
  t.notOk(lines.includes('2'), "page 2's footer");
  t.notOk(lines.includes('3'), "page 3's header");
  t.ok(lines.includes('14'), 'a number far from the page index is not a page number');
  t.same(normaliseMinutesText('5\nApologies\nNone.').lines, ['5', 'Apologies', 'None.'], 'no form feed: nothing removed');
});

t.test('"2/5" alone is a page count; "7/07" and "12/07" are minutes of a year', async (t) => {
  t.same(normaliseMinutesText('Text.\n2/5\nMore.\n7/07\nTITLE\n12/07\nTITLE').lines, ['Text.', '', 'More.', '7/07', 'TITLE', '12/07', 'TITLE']);
  t.same(normaliseMinutesText('Text.\nHSC\n12/24\nAPOLOGIES\nNone.\n3/12\nMore.').lines, ['Text.', 'HSC', '12/24', 'APOLOGIES', 'None.', '', 'More.'], 'under a committee code, "12/24" is a minute of the year');
});
