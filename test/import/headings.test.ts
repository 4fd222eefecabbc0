import t from 'tap';
import { isHeadingText, parseBareItemNumber, parseNumberedHeading, seriesReadings, splitRunOnHeading } from '../../src/import/headings.js';

t.test('numbered headings in their printed forms', async (t) => {
  t.match(parseNumberedHeading('20 APOLOGIES FOR ABSENCE'), { number: '20', title: 'APOLOGIES FOR ABSENCE', rest: null });
  t.match(parseNumberedHeading('19.  Apologies for Absence'), { number: '19', title: 'Apologies for Absence' });
  t.match(parseNumberedHeading('233  DECLARATIONS OF INTEREST – None were declared.'), { number: '233', title: 'DECLARATIONS OF INTEREST', rest: 'None were declared.' });
  t.match(parseNumberedHeading('CYP12 MINUTES'), { number: 'CYP12', prefix: 'CYP', value: 12 });
  t.match(parseNumberedHeading('Minute 52 – Apologies for Absence'), { number: '52', title: 'Apologies for Absence' });
  t.match(parseNumberedHeading('5a. Budget Update'), { number: '5a', value: 5 });
  t.match(parseNumberedHeading('5.a BUDGET UPDATE'), { number: '5.a', value: 5, title: 'BUDGET UPDATE' }, 'a sub-item lettered after a stop');
  t.match(parseNumberedHeading('5 (b) Budget Update'), { number: '5 (b)', value: 5, title: 'Budget Update' }, 'a sub-item lettered in brackets after a space');
  t.match(parseNumberedHeading('27 CABINET RESPONSE – COLLECTIVE ACTION'), { title: 'CABINET RESPONSE – COLLECTIVE ACTION', rest: null });
});

t.test('lines that only look like headings', async (t) => {
  t.equal(parseNumberedHeading('13.1 The Committee noted the report'), null, 'paragraph number');
  t.equal(parseNumberedHeading('2.0 RECOMMENDATION: That'), null, 'report section number');
  t.equal(parseNumberedHeading('8 January 2024'), null, 'a date');
  t.equal(parseNumberedHeading('2024 BUDGET ROUND'), null, 'a year');
  t.equal(parseNumberedHeading('87 performance indicators were reported'), null, 'a sentence');
  t.equal(parseNumberedHeading('1. The report be noted.'), null, 'a numbered sub-resolution');
  t.equal(parseNumberedHeading('2 (a) That the report be noted'), null, 'a lettered limb of a resolution');
  t.equal(parseNumberedHeading('Q3 Performance Report'), null, 'a quarter');
});

t.test('bare item numbers and heading text', async (t) => {
  t.equal(parseBareItemNumber('16.'), '16');
  t.equal(parseBareItemNumber('Item 6'), '6');
  t.equal(parseBareItemNumber('5a'), '5a');
  t.equal(parseBareItemNumber('5.a'), '5.a');
  t.equal(parseBareItemNumber('5 (a)'), '5 (a)');
  t.equal(parseBareItemNumber('5.1'), null, 'a paragraph number');
  t.equal(parseBareItemNumber('16. Budget'), null);
  t.ok(isHeadingText('Children\'s Social Care'));
  t.ok(isHeadingText('EXECUTIVE BOARD MINUTES'));
  t.notOk(isHeadingText('Councillors raised concerns'));
  t.notOk(isHeadingText('The report was noted.'));
  t.same(splitRunOnHeading('MINUTES – The minutes were agreed.'), { title: 'MINUTES', rest: 'The minutes were agreed.' });
});

t.test('sentence-case headings without a verb', async (t) => {
  t.ok(isHeadingText('Minutes of the previous meeting'));
  t.match(parseNumberedHeading('5. Minutes of the last meeting'), { number: '5', title: 'Minutes of the last meeting' });
  t.notOk(isHeadingText('Members noted the report'));
  t.notOk(isHeadingText('Concerns were raised about the'));
});

t.test('"Agenda Item 5" numbering', async (t) => {
  t.match(parseNumberedHeading('Agenda Item 5: Budget Scrutiny'), { number: '5', title: 'Budget Scrutiny' });
  t.equal(parseBareItemNumber('Agenda item 7'), '7');
});

t.test('minute numbers within a series or a year', async (t) => {
  t.match(parseNumberedHeading('OSC/23/45 BUDGET MONITORING – QUARTER 2'), { number: 'OSC/23/45', value: 45, prefix: 'OSC/23/', title: 'BUDGET MONITORING – QUARTER 2' });
  t.match(parseNumberedHeading('10/24 Apologies for Absence and Substitutions'), { number: '10/24', value: 10, prefix: '/24', title: 'Apologies for Absence and Substitutions' });
  t.match(parseNumberedHeading('Minute 45/2023 – Work Programme'), { number: '45/2023', value: 45, title: 'Work Programme' });
  t.match(parseNumberedHeading('12/23-24 FINANCE UPDATE – The report was noted.'), { number: '12/23-24', title: 'FINANCE UPDATE', rest: 'The report was noted.' });
  t.equal(parseNumberedHeading('02/03/2022 Cabinet meeting'), null, 'a date is not a minute number');
  t.equal(parseNumberedHeading('3/4 of respondents agreed with the proposal'), null, 'a fraction in a sentence');
});

t.test('"24/045": year first, as town and parish councils number minutes', async (t) => {
  t.same(seriesReadings('24/045 Allotments').map((h) => [h.number, h.value, h.prefix]), [['24/045', 45, '24/'], ['24/045', 24, '/045']], 'a padded minute reads year first');
  t.same(seriesReadings('10/24 Minutes').map((h) => [h.value, h.prefix]), [[10, '/24'], [24, '10/']], 'otherwise minute first, with the other reading kept');
  t.same(seriesReadings('OSC/23/41 MINUTES').length, 1);
  t.match(parseNumberedHeading('CSP 3/24 COMMUNITY SAFETY PLAN'), { number: 'CSP 3/24', value: 3, title: 'COMMUNITY SAFETY PLAN' }, 'a code apart from a minute within the year');
  t.match(parseNumberedHeading('HSC.12/24 WINTER PLANNING'), { number: 'HSC.12/24', value: 12 });
  t.equal(parseNumberedHeading('NHS 10/24 figures were discussed at length'), null, 'a code and number before a sentence is no heading');
});

t.test('a committee code joined to the minute number by a stop, a space or a slash', async (t) => {
  t.match(parseNumberedHeading('SB.31 DECLARATIONS OF INTEREST'), { number: 'SB.31', prefix: 'SB', value: 31, title: 'DECLARATIONS OF INTEREST' });
  t.match(parseNumberedHeading('CAB 12 HOUSING REVENUE ACCOUNT'), { number: 'CAB 12', prefix: 'CAB', value: 12 });
  t.match(parseNumberedHeading('EX/7 WORK PROGRAMME'), { number: 'EX/7', prefix: 'EX', value: 7 });
  t.equal(parseNumberedHeading('SB.31 Members asked about the backlog.'), null, 'a code before a sentence is no heading');
});
