import t from 'tap';
import { parseMinutes } from '../../src/import/index.js';
import { findCapsHeadings, splitUnnumberedMinutes } from '../../src/import/split-unnumbered.js';

const lines = [
  'NORTH WEALD TOWN COUNCIL', '', 'PLANNING COMMITTEE', '', 'Minutes of the meeting held on Wednesday 6 March 2024 at 7.30pm in the Council Chamber', '',
  'Present: Councillors Ashby (Chair), Bell and Crane', '', 'APOLOGIES FOR ABSENCE', '', 'Apologies were received from Councillor Dyer.', '',
  'TREE PRESERVATION ORDERS', 'Members considered the list.', 'RESOLVED: That the list be noted.', '', 'FOOTPATH MAINTENANCE', 'PROGRAMME 2024/25', '', 'Noted.',
];

t.test('capitalised headings without numbers; the capitals of the header are not items', async (t) => {
  const headings = findCapsHeadings(lines);
  t.same(headings, [8, 12, 16]);
  const { headerLines, items } = splitUnnumberedMinutes(lines, headings);
  t.equal(headerLines[0], 'NORTH WEALD TOWN COUNCIL');
  t.same(items.map((i) => [i.number, i.title, i.lines]), [
    [null, 'APOLOGIES FOR ABSENCE', ['Apologies were received from Councillor Dyer.']],
    [null, 'TREE PRESERVATION ORDERS', ['Members considered the list.', 'RESOLVED: That the list be noted.']],
    [null, 'FOOTPATH MAINTENANCE PROGRAMME 2024/25', ['Noted.']],
  ]);
});

t.test('the parser falls back to them only when nothing better is found', async (t) => {
  const draft = parseMinutes(lines.join('\n'));
  t.equal(draft.layout, 'unnumbered');
  t.match(draft.meeting, { committeeName: 'PLANNING COMMITTEE', date: '2024-03-06', time: '19:30', venue: 'Council Chamber' });
  t.equal(parseMinutes('RESOLVED: That the report be noted.\n\nThe Chair closed the meeting.').layout, 'fragment');
  t.same(findCapsHeadings(['RESOLVED', 'PRESENT', 'the text']), []);
});
