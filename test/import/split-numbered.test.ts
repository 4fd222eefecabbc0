import t from 'tap';
import { findNumberedHeadings, risingHeadings, splitNumberedMinutes, type HeadingAt } from '../../src/import/split-numbered.js';
import { normaliseMinutesText } from '../../src/import/normalise.js';

t.test('items between rising minute numbers', async (t) => {
  const lines = ['COMMITTEE', 'Present: Councillor A', '', '20 APOLOGIES FOR ABSENCE', 'None.', '21 MINUTES – The minutes were agreed.', '22 CHILDREN\'S SERVICES', 'The report covered:', '1. Fostering', '23 WORK PROGRAMME', 'Agreed.'];
  const headings = findNumberedHeadings(lines);
  const { headerLines, items } = splitNumberedMinutes(lines, headings);
  t.same(headerLines, ['COMMITTEE', 'Present: Councillor A']);
  t.same(items.map((i) => i.number), ['20', '21', '22', '23'], 'a "1. Fostering" list entry does not break the run');
  t.same(items[1]?.lines, ['The minutes were agreed.']);
  t.same(items[2]?.lines, ['The report covered:', '1. Fostering']);
});

t.test('a wrapped upper-case heading and a number on its own line', async (t) => {
  const lines = ['25 QUARTER 2 PERFORMANCE REPORT', 'AND BUDGET MONITORING', 'Text.', '26', 'WORK PROGRAMME', 'Agreed.'];
  const { items } = splitNumberedMinutes(lines, findNumberedHeadings(lines));
  t.same(items.map((i) => [i.number, i.title, i.lines]), [
    ['25', 'QUARTER 2 PERFORMANCE REPORT AND BUDGET MONITORING', ['Text.']],
    ['26', 'WORK PROGRAMME', ['Agreed.']],
  ]);
});

t.test('the longest rising run wins', async (t) => {
  const at = (line: number, value: number): HeadingAt => ({ line, span: 1, heading: { number: String(value), value, prefix: '', title: 'X', rest: null } });
  t.same(risingHeadings([at(0, 90), at(1, 4), at(2, 5), at(3, 6)]).map((h) => h.heading.value), [4, 5, 6]);
});

t.test('minute numbers within a series rise on their last number', async (t) => {
  const lines = ['PANEL', '', '10/24 Apologies for Absence', 'None.', '', '11/24 Minutes', 'The minutes of 02/03/2024 were agreed.', '', '12/24 Work Programme', 'Agreed.'];
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => [i.number, i.title]), [
    ['10/24', 'Apologies for Absence'],
    ['11/24', 'Minutes'],
    ['12/24', 'Work Programme'],
  ]);
  const coded = ['OSC/23/41 APOLOGIES', 'None.', 'OSC/23/42 MINUTES', 'Agreed.', 'OSC/23/43 WORK PROGRAMME', 'Agreed.'];
  t.same(findNumberedHeadings(coded).map((h) => h.heading.number), ['OSC/23/41', 'OSC/23/42', 'OSC/23/43']);
});

t.test('the rising run picks the reading of a series number', async (t) => {
  const lines = ['TOWN COUNCIL', '24/45 Apologies', 'None.', '24/46 Minutes', 'Agreed.', '24/47 Allotments', 'Rents rise.'];
  t.same(findNumberedHeadings(lines).map((h) => [h.heading.number, h.heading.value]), [['24/45', 45], ['24/46', 46], ['24/47', 47]]);
});

t.test('"(Item N)" under a heading numbers the item when no minute number stands above it', async (t) => {
  const lines = ['HIGHWAYS CABINET COMMITTEE', 'Apologies and Substitutes', '(Item 1)', 'None.', 'Winter Gritting Review', '(Item 2)', '1. Mr Hale, Cabinet Member for Highways, introduced the', 'report.', '2. RESOLVED that the report be noted.', 'Work Programme', '(Item 3)', 'Agreed.'];
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => [i.number, i.title, i.lines.length]), [
    ['1', 'Apologies and Substitutes', 1],
    ['2', 'Winter Gritting Review', 3],
    ['3', 'Work Programme', 1],
  ]);
});

t.test('a minute number above the heading wins over its "(Item N)"', async (t) => {
  const lines = ['CABINET', '31.', 'Apologies', '(Item 1)', 'None.', '32.', 'Budget Monitoring', '(Item 2)', 'Noted.'];
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => [i.number, i.title]), [
    ['31', 'Apologies'],
    ['32', 'Budget Monitoring'],
  ]);
});

t.test('a lone number over a numbered paragraph is not an item', async (t) => {
  const lines = ['2 BUS SERVICES', 'Text.', '3', '1. Ms Lowe, Head of Public Transport, introduced the', 'update.', '4 WORK PROGRAMME', 'Agreed.'];
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => i.number), ['2', '4']);
});

t.test('sub-item numbers as printed: "8(a)" and "8B", on the heading line or above it', async (t) => {
  const lines = ['7 PARKS EVENTS', 'Text.', '8 LEISURE CENTRE UPDATE', 'Text.', '8(a) Leisure Centre Pricing Review', 'Text.', '8B Swimming Lessons', 'Text.', '8(c)', 'Sports Pitches', 'Text.', '9 ALLOTMENTS', 'Text.'];
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => [i.number, i.title]), [
    ['7', 'PARKS EVENTS'],
    ['8', 'LEISURE CENTRE UPDATE'],
    ['8(a)', 'Leisure Centre Pricing Review'],
    ['8B', 'Swimming Lessons'],
    ['8(c)', 'Sports Pitches'],
    ['9', 'ALLOTMENTS'],
  ]);
});

t.test('a flattened table of items: the committee code, then the minute number, then the heading, each on its own line', async (t) => {
  const { lines } = normaliseMinutesText('Environment Select Committee\nItem\nDescription\nDecision\nENV\n4/07\nAPOLOGIES FOR ABSENCE\nNone.\nENV\n5/07\nMINUTES\nSigned.\nENV 6/07\nSTREET CLEANSING REVIEW\nDiscussed.');
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => [i.number, i.title, i.lines]), [
    ['ENV 4/07', 'APOLOGIES FOR ABSENCE', ['None.']],
    ['ENV 5/07', 'MINUTES', ['Signed.']],
    ['ENV 6/07', 'STREET CLEANSING REVIEW', ['Discussed.']],
  ]);
});

t.test('a long sentence-case title under a number on its own line', async (t) => {
  const lines = ['8.', 'Leisure Centre Update', 'Noted.', '8a', 'Update on the pricing review for the concessions scheme at the new leisure centre', 'Noted.', '9.', 'Allotments', 'Noted.'];
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => i.number), ['8', '8a', '9']);
  const prose = ['8.', 'Leisure Centre Update', 'Noted.', '9', 'The Director said that the pricing review for the concessions scheme was complete', 'Noted.'];
  t.same(splitNumberedMinutes(prose, findNumberedHeadings(prose)).items.map((i) => i.number), ['8'], 'a sentence under a number is not a title');
});

t.test('a committee code and a minute within the year on the heading line', async (t) => {
  const { lines } = normaliseMinutesText(
    'Harbour Select Committee\n\nPresent: Councillor Abara (Chair)\n\nLSC 9/25 APOLOGIES FOR ABSENCE\n\nNone.\n\nLSC 10/25 MINUTES\n\nAgreed.\n\nLSC 11/25 SLIPWAY REPAIRS\n\nMembers asked for the contractor’s programme. The Committee noted 3 slipways were closed.',
  );
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => [i.number, i.title]), [
    ['LSC 9/25', 'APOLOGIES FOR ABSENCE'],
    ['LSC 10/25', 'MINUTES'],
    ['LSC 11/25', 'SLIPWAY REPAIRS'],
  ]);
});

t.test('a coded minute number in a cell of its own over the heading', async (t) => {
  const { lines } = normaliseMinutesText(
    'Harbour Select Committee\n\nHSC/25/9\nAPOLOGIES FOR ABSENCE\nNone.\n\nHSC/25/10\nMINUTES\nAgreed.\n\nHSC/25/11\n\nSLIPWAY REPAIRS\nMembers asked for the programme.\n\nLSC 4\nNot a heading: the cell is followed by a sentence.',
  );
  t.same(splitNumberedMinutes(lines, findNumberedHeadings(lines)).items.map((i) => [i.number, i.title]), [
    ['HSC/25/9', 'APOLOGIES FOR ABSENCE'],
    ['HSC/25/10', 'MINUTES'],
    ['HSC/25/11', 'SLIPWAY REPAIRS'],
  ]);
  const spaced = ['PLC 21', 'TREE PRESERVATION ORDERS', 'Noted.', 'PLC 22', 'ENFORCEMENT UPDATE', 'Noted.'];
  t.same(splitNumberedMinutes(spaced, findNumberedHeadings(spaced)).items.map((i) => i.number), ['PLC 21', 'PLC 22']);
});
