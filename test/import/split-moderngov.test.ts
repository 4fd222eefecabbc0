import t from 'tap';
import { normaliseMinutesText } from '../../src/import/normalise.js';
import { splitModernGovMinutes } from '../../src/import/split-moderngov.js';

const split = (text: string) => splitModernGovMinutes(normaliseMinutesText(text).lines);

t.test('numbered items: number line, title, Minutes: block', async (t) => {
  const { headerLines, items } = split('Agenda and minutes\n\nBoard - Monday, 15th July, 2024 6.30 p.m.\n\nItems\nNo. Item\n\n1.\n\nMINUTES pdf icon PDF 336 KB\n\nMinutes:\n\nSigned.\n\n2.\n\nSEND Update\n\nAdditional documents:\n\nMinutes:\n\nThe Board received a report.\n\nRESOLVED: That the report is noted.');
  t.same(headerLines, ['Agenda and minutes', '', 'Board - Monday, 15th July, 2024 6.30 p.m.', '', 'Items']);
  t.same(items.map((i) => [i.number, i.title]), [['1', 'MINUTES'], ['2', 'SEND Update']]);
  t.same(items[1]?.lines, ['The Board received a report.', '', 'RESOLVED: That the report is noted.']);
});

t.test('item numbers not rendered', async (t) => {
  const { items } = split('Apologies for Absence\n\nMinutes:\n\nNone.\n\nDamp and Mould pdf icon PDF 230 KB\n\nMinutes:\n\nNoted.');
  t.same(items.map((i) => [i.number, i.title]), [[null, 'Apologies for Absence'], [null, 'Damp and Mould']]);
});

t.test('a single-item page with its "Meeting:" line', async (t) => {
  const { items, meetingLines } = split('Agenda item\n\nBudget Monitoring\n\nMeeting: 02/03/2022 - Cabinet (Item 45.)\n\nPurpose: To report.\n\nMinutes:\n\nNoted.\n\nSupporting documents:\n\nReport, item 45. PDF 612 KB');
  t.same(items.map((i) => [i.number, i.title, i.lines]), [['45', 'Budget Monitoring', ['Noted.']]]);
  t.same(meetingLines, ['Meeting: 02/03/2022 - Cabinet (Item 45.)']);
});

t.test('minutes inline after the marker, and a numbered item with no minutes', async (t) => {
  const { items } = split('1.\nElection of Chair\nMinutes: RESOLVED: That Cllr A be Chair.\n2.\nUrgent Business\n3.\nBudget\nMinutes: Noted.');
  t.same(items.map((i) => [i.number, i.title, i.lines]), [
    ['1', 'Election of Chair', ['RESOLVED: That Cllr A be Chair.']],
    ['2', 'Urgent Business', []],
    ['3', 'Budget', ['Noted.']],
  ]);
});

t.test('an agenda description between the title and the minutes is not the title', async (t) => {
  const { items } = split(
    '15.\n\nMinutes of the previous meeting pdf icon PDF 120 KB\n\nTo approve the minutes of the meeting held on 7 February 2024.\n\nMinutes:\n\nApproved.\n\n' +
      'Local Plan Consultation\n\nTo consider the responses to the consultation, which closed on 12 January 2024.\n\nMinutes:\n\nNoted.',
  );
  t.same(items.map((i) => [i.number, i.title, i.lines]), [
    ['15', 'Minutes of the previous meeting', ['Approved.']],
    [null, 'Local Plan Consultation', ['Noted.']],
  ]);
});

t.test('a lettered sub-item keeps its number as printed', async (t) => {
  const { items } = split('8.\n\nPlay Parks Update\n\nMinutes:\n\nNoted.\n\n8(a) Play Park Inspections\n\nMinutes:\n\nNoted.\n\n8(b)\n\nSplash Pads\n\nMinutes:\n\nNoted.');
  t.same(items.map((i) => [i.number, i.title]), [['8', 'Play Parks Update'], ['8(a)', 'Play Park Inspections'], ['8(b)', 'Splash Pads']]);
});

t.test('a lettered sub-item with nothing minuted under it is an item between its item and the next', async (t) => {
  const { items } = split(
    '4.\n\nApologies\n\nAdditional documents:\n\nMinutes:\n\nNone were received.\n\n4a\n\nMinutes of the Previous Meeting\n\nAdditional documents:\n\n' +
      '5.\n\nAllotment Waiting Lists pdf icon PDF 90 KB\n\nMinutes:\n\nNoted.',
  );
  t.same(items.map((i) => [i.number, i.title, i.lines]), [
    ['4', 'Apologies', ['None were received.']],
    ['4a', 'Minutes of the Previous Meeting', []],
    ['5', 'Allotment Waiting Lists', ['Noted.']],
  ]);
});

t.test('sub-items lettered after a stop or in brackets after a space, minuted or not', async (t) => {
  const { items } = split('6.\n\nParking\n\nMinutes:\n\nNoted.\n\n6.a\n\nParking Charges\n\nAdditional documents:\n\n6 (b) Residents Permits\n\nMinutes:\n\nNoted.\n\n7.\n\nWork Programme\n\nMinutes:\n\nAgreed.');
  t.same(items.map((i) => [i.number, i.title]), [['6', 'Parking'], ['6.a', 'Parking Charges'], ['6 (b)', 'Residents Permits'], ['7', 'Work Programme']]);
});
