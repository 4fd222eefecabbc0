import t from 'tap';
import { committeeInDecisions, extractMeeting } from '../../src/import/meeting-header.js';
import { parseMinutes } from '../../src/import/index.js';

const zone = 'Europe/London';

t.test('Modern.gov heading line and Venue label', async (t) => {
  const { meeting } = extractMeeting(['Agenda and minutes', 'Housing Panel - Monday, 20th November, 2023 7.00 pm', 'Venue: Room 2, Quay House', 'Contact: Tom'], [], zone);
  t.same(meeting, { committeeName: 'Housing Panel', date: '2023-11-20', time: '19:00', startsAt: '2023-11-20T19:00:00+00:00', venue: 'Room 2, Quay House' });
});

t.test('single-item "Meeting:" line', async (t) => {
  const r = extractMeeting([], ['Meeting: 02/03/2022 - Cabinet (Item 45.)'], zone);
  t.match(r.meeting, { committeeName: 'Cabinet', date: '2022-03-02', time: null, startsAt: null });
  t.equal(r.itemNumber, '45');
});

t.test('printed minutes: "meeting of … held at … on … at …"', async (t) => {
  const { meeting } = extractMeeting(
    ['COUNTY BOROUGH COUNCIL', 'MINUTES of a meeting of the Communities Scrutiny Committee held in the Council Chamber, Civic Offices on Monday, 16 October 20232.00pm'],
    [],
    zone,
  );
  t.same(meeting, { committeeName: 'Communities Scrutiny Committee', date: '2023-10-16', time: '14:00', startsAt: '2023-10-16T14:00:00+01:00', venue: 'Council Chamber, Civic Offices' });
});

t.test('a title line, "this Committee" and a date on the next line', async (t) => {
  const { meeting } = extractMeeting(['CHILDREN SCRUTINY COMMITTEE', '', 'At a meeting of this Committee held on', '8 January 2024', '(Present) Councillor T Long'], [], zone);
  t.match(meeting, { committeeName: 'CHILDREN SCRUTINY COMMITTEE', date: '2024-01-08', time: null, venue: null });
});

t.test('labels, and the authority name is not the committee', async (t) => {
  const { meeting } = extractMeeting(['ASHCOMBE VALE DISTRICT COUNCIL', 'Overview and Scrutiny Panel', 'Date: Thursday 19 September 2024', 'Time: 7.00 pm', 'Venue: Council Chamber'], [], zone);
  t.same(meeting, { committeeName: 'Overview and Scrutiny Panel', date: '2024-09-19', time: '19:00', startsAt: '2024-09-19T19:00:00+01:00', venue: 'Council Chamber' });
});

t.test('a report header', async (t) => {
  const { meeting } = extractMeeting(['REPORT TO: Children, Young People and Families Policy and', '', 'Performance Board', 'DATE: 11 September 2023'], [], zone);
  t.match(meeting, { committeeName: 'Children, Young People and Families Policy and Performance Board', date: '2023-09-11' });
});

t.test('nothing stated, nothing guessed', async (t) => {
  t.same(extractMeeting([], [], zone).meeting, { committeeName: null, date: null, time: null, startsAt: null, venue: null });
});

t.test('bilingual labels: "Amser / Time:"', async (t) => {
  const { meeting } = extractMeeting(
    ['SCRUTINY COMMITTEE', 'Dyddiad / Date: Dydd Iau, 9 Tachwedd 2023 / Thursday, 9 November 2023', 'Amser / Time: 10.00 y.b. / 10.00 a.m.', 'Lleoliad / Venue: Council Chamber, County Hall'],
    [],
    zone,
  );
  t.match(meeting, { date: '2023-11-09', time: '10:00', venue: 'Council Chamber, County Hall' });
});

t.test('a decision page names its decision maker; a contact line names no committee', async (t) => {
  const { parseMinutes } = await import('../../src/import/index.js');
  const decision = parseMinutes('Decision details\n\nDecision Maker: Licensing Sub-Committee\n\nDecision status: Recommendations Approved\n\n1. Noted the report on taxi fares,\n\n2. Agreed that a further report be brought back in March 2025.');
  t.equal(decision.meeting.committeeName, 'Licensing Sub-Committee');
  const extractMeetingHeader = (await import('../../src/import/meeting-header.js')).extractMeeting;
  t.equal(extractMeetingHeader(['Agenda and minutes', '', 'Venue: Guildhall', '', 'Contact: Sam Price, Scrutiny'], [], 'Europe/London').meeting.committeeName, null);
});

t.test('with no header, the body that takes a decision in a resolution names the meeting', async (t) => {
  t.equal(committeeInDecisions(['The report be noted.', 'That in respect of the call-in protocol, overview and scrutiny committee recommends that five members may call in a decision.']), 'Overview and Scrutiny Committee');
  t.equal(committeeInDecisions(['The Licensing Sub-Committee agreed to grant the licence subject to the conditions set out.']), 'Licensing Sub-Committee');
  t.equal(committeeInDecisions(['That the Committee notes the report.', 'Council agreed the budget.']), null, 'a body without its name is no name');
  t.equal(committeeInDecisions(['That the report be referred to the Audit and Governance Committee for its views.']), null, 'a body the decision goes to is not the one taking it');
  const draft = parseMinutes(['Minutes:', '', 'RESOLVED:', '', '1. That the annual report be noted.', '2. That the Environment Scrutiny Panel requests a report on flood defences in March.'].join('\n'));
  t.equal(draft.meeting.committeeName, 'Environment Scrutiny Panel');
  t.equal(parseMinutes('Planning Committee - Tuesday, 4th June, 2024 7.00 pm\n\n1. Minutes\n\nRESOLVED: That the Licensing Committee agreed minutes be noted.').meeting.committeeName, 'Planning Committee', 'the header wins');
});

t.test('a title line: the dash before the date may touch the name, and "Minutes" after it is not the name', async (t) => {
  t.equal(extractMeeting(['HARBOUR SCRUTINY PANEL– 4 March 2025', 'MINUTES of the meeting held in the Guildhall.'], [], zone).meeting.committeeName, 'HARBOUR SCRUTINY PANEL');
  t.equal(extractMeeting(['Moorside District Council', '', 'Licensing Sub-Committee Minutes', '', 'Date:', 'Monday, 3rd March, 2025'], [], zone).meeting.committeeName, 'Licensing Sub-Committee');
  t.equal(extractMeeting(['Licensing Sub-Committee - Minutes'], [], zone).meeting.committeeName, 'Licensing Sub-Committee');
});

t.test('a name followed by its date or the word meeting, and a "Minutes - date" line under the title', async (t) => {
  const found = (lines: string[]) => {
    const { committeeName, date } = extractMeeting(lines, [], zone).meeting;
    return [committeeName, date];
  };
  t.same(found(['Harbour Scrutiny Committee, 12 June 2025']), ['Harbour Scrutiny Committee', '2025-06-12']);
  t.same(found(['Minutes of the Cabinet meeting held on Tuesday 4 March 2025']), ['Cabinet', '2025-03-04']);
  t.same(found(['Harbour Scrutiny Committee', '', 'Minutes - 12 June 2025']), ['Harbour Scrutiny Committee', '2025-06-12']);
  t.same(found(['Harbour Board meeting room bookings']), ['Harbour Board meeting room bookings', null], 'only a closing "meeting" after the body is dropped');
});
