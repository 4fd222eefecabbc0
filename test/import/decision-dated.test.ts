import t from 'tap';
import { parseMinutes } from '../../src/import/index.js';

// A Modern.gov "Issue - decisions" page: the title, then "<date> - <title>" over the decision.
const page = (dated: string[]) =>
  [
    'Decisions for issue Play Area Refurbishment Programme',
    '',
    'Issue - decisions',
    '',
    'Play Area Refurbishment Programme',
    '',
    ...dated,
    'The Committee considered the programme of refurbishments for 2025/26, held over from the meeting on 4 March 2025.',
    '',
    'Members asked for the order of works by ward to be circulated.',
  ].join('\n');

t.test('the one dated decision line gives the meeting date, and its title the item', async (t) => {
  const draft = parseMinutes(page(['14/05/2025 - Play Area Refurbishment Programme', '']));
  t.equal(draft.meeting.date, '2025-05-14', 'not the earlier meeting named in the minutes');
  t.equal(draft.meeting.committeeName, null, 'the title after the date is the issue, not the committee');
  t.same(draft.items.map((i) => [i.number, i.title]), [[null, 'Play Area Refurbishment Programme']]);
  t.equal(draft.actions.length, 1);
});

t.test('decisions of several meetings on one page give no date', async (t) => {
  const draft = parseMinutes(page(['14/05/2025 - Play Area Refurbishment Programme', '', 'Approved.', '', '02/04/2025 - Play Area Refurbishment Programme', '']));
  t.equal(draft.meeting.date, null);
});

t.test('a dated line deep in the minutes is not the page heading', async (t) => {
  const filler = Array.from({ length: 14 }, (_, i) => `Paragraph ${i + 1} of the discussion was noted.`);
  const draft = parseMinutes([...filler, '', '14/05/2025 - the date the works were due to start.'].join('\n\n'));
  t.equal(draft.meeting.date, null);
});

t.test('a decision details page states its meeting at its foot, after the call-in dates', async (t) => {
  const lines = [
    'Decision details',
    '',
    'Bus Shelter Replacement Programme',
    '',
    'Decision Maker: Executive',
    '',
    'Is subject to call in?: Yes',
    '',
    'Decision:',
    '',
    'The Executive agreed the programme and asked the Head of Highways to report progress in six months.',
    '',
    'Publication date: 07/03/2025',
    '',
    'Date of decision: 05/03/2025',
    '',
    'Decided at meeting: 05/03/2025 - Executive',
    '',
    'Effective from: 15/03/2025',
  ];
  const meeting = (ls: string[]) => [parseMinutes(ls.join('\n')).meeting.committeeName, parseMinutes(ls.join('\n')).meeting.date];
  t.same(meeting(lines), ['Executive', '2025-03-05']);
  t.same(meeting(lines.filter((l) => !l.startsWith('Decided at') && !l.startsWith('Decision Maker'))), [null, '2025-03-05'], 'the date of decision alone');
  t.same(meeting(lines.filter((l) => !l.startsWith('Date of decision') && !l.startsWith('Decision Maker'))), ['Executive', '2025-03-05'], 'the meeting line alone');
  t.same(meeting(lines.filter((l) => !l.startsWith('Date of decision') && !l.startsWith('Decided at'))), ['Executive', null], 'not the publication or call-in date');
});
