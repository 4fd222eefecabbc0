import t from 'tap';
import { findResolutionBlocks, parseResolutionBlock } from '../../src/import/resolutions.js';

// Decisions written with no RESOLVED word over them. Lines written for these tests.

function resolve(lines: string[]) {
  return findResolutionBlocks(lines).flatMap((b) => parseResolutionBlock(b)).map((r) => [r.number, r.text, r.kind]);
}

t.test('a lettered list of "That" limbs is a resolution list', async (t) => {
  t.same(resolve(['Members discussed the options.', '', 'a. That Councillors Hale and Moss be appointed to the Parks Review Group.', '', 'b. That a scoping report on the allotments review be brought to a future meeting.']), [
    ['a', 'Councillors Hale and Moss be appointed to the Parks Review Group.', 'agreed'],
    ['b', 'A scoping report on the allotments review be brought to a future meeting.', 'request'],
  ]);
});

t.test('"1)" limbs in the subjunctive and Scottish "Noted that … and agreed that …" limbs are read', async (t) => {
  t.same(resolve(['1) The report be received.', '2) Authority be delegated to the Chair to finalise the plan.']).length, 2);
  const scottish = resolve(['1. Noted the contents of the report,', '', '2. Noted that a further report on the ferry timetable will come to the Committee in May 2024, and']);
  t.same(scottish.map((r) => r[2]), ['noted', 'request']);
});

t.test('numbered paragraphs of discussion are not resolutions', async (t) => {
  t.same(resolve(['1. The Director presented the report on school transport.', '', '2. Members asked about the cost of the contract.']), []);
  t.same(resolve(['a. That the report be noted.']), [], 'a single limb with nothing announcing it');
});

t.test('lines that announce decisions without RESOLVED open a block', async (t) => {
  t.same(resolve(['The following was agreed:', '', '1. Councillor Dean was elected Vice-Chair.', '2. The terms of reference were noted.']).map((r) => r[1]), [
    'Councillor Dean was elected Vice-Chair.',
    'The terms of reference were noted.',
  ]);
  t.same(resolve(['It was moved by Councillor Rees, seconded by Councillor Pugh and', '', 'The minutes of the meeting held on 2 May 2024 be approved as a correct record.']).map((r) => r[2]), ['agreed']);
  t.same(resolve(['CONCLUDED that the Scrutiny Officer draft the final report on play areas for Members.']).length, 1);
});

t.test('"(1)" on a line of its own, its limb on the next line', async (t) => {
  t.same(resolve(['(1)', 'That the minutes of the meeting held on 7 April 2022 be approved as a correct record.', '(2)', 'That the taxi fares review be deferred to the July meeting.']), [
    ['1', 'The minutes of the meeting held on 7 April 2022 be approved as a correct record.', 'agreed'],
    ['2', 'The taxi fares review be deferred to the July meeting.', 'agreed'],
  ]);
});

t.test('limbs in lower case, "be not approved"', async (t) => {
  t.same(resolve(['(1) that the minutes of the meeting held on 7 April 2022 be not approved;', '', '(2) that the matter at Minute 12/22 be considered again at a future meeting of this Committee.']).map((r) => r[1]), [
    'The minutes of the meeting held on 7 April 2022 be not approved',
    'The matter at Minute 12/22 be considered again at a future meeting of this Committee.',
  ]);
});

t.test('"(1) That …; (2) That …" in one paragraph', async (t) => {
  t.same(resolve(['(1) That the hackney carriage fares be increased by 3%; and (2) That the new fares take effect on 1 August 2022.']).map((r) => r[1]), [
    'The hackney carriage fares be increased by 3%',
    'The new fares take effect on 1 August 2022.',
  ]);
  t.same(resolve(['(1) The Chair opened the meeting; (2) was mentioned in the report.']), [], 'not a decision');
});

t.test('a list under "Outcome:" is the decision, however its limbs are phrased', async (t) => {
  t.same(resolve(['Outcome:', '(1) the minutes of the meeting held on 7 April 2022 are not approved;', '(2) the Clerk is asked to redraft them.']).map((r) => r[1]), [
    'The minutes of the meeting held on 7 April 2022 are not approved',
    'The Clerk is asked to redraft them.',
  ]);
  t.same(resolve(['(1) the Chair opened the meeting;', '(2) the Clerk read the notice.']), [], 'without the label, a list of events is not a decision');
});

t.test('a "That … be confirmed" paragraph with its RESOLVED word lost', async (t) => {
  t.same(resolve(['The Committee considered the minutes.', 'That the minutes of the meeting held on 7 April 2022 be confirmed as a correct', 'record and signed by the Chair.']), [
    [null, 'The minutes of the meeting held on 7 April 2022 be confirmed as a correct record and signed by the Chair.', 'agreed'],
  ]);
  t.same(resolve(['That was the view of most Members, who said it should be noted.']), [], '"That" as a pronoun');
});

t.test('a paragraph saying the last minutes were approved is the decision on them, without RESOLVED', async (t) => {
  t.same(resolve(['The minutes of the meeting held on 3 October 2023 were approved as a correct record and signed by the Chairman.']), [
    [null, 'The minutes of the meeting held on 3 October 2023 were approved as a correct record and signed by the Chairman.', 'agreed'],
  ]);
  t.same(resolve(['Minutes of the last meeting were agreed, subject to one correction to the attendance list.']).map((r) => r[2]), ['agreed']);
  t.same(resolve(['The Minutes of the meeting held on 5 June 2023, having been circulated, were taken as read and signed as a correct record.']).length, 1);
  t.same(resolve(['The Draft Minutes of the meeting held on 9th October were agreed as a correct record.']).map((r) => r[2]), ['agreed'], 'a capitalised "Draft", as a table cell or heading style writes it');
  t.same(resolve(['The Confirmed minutes of the meeting held on 2 May 2024 were signed by the Chair.']).length, 1);
  t.same(resolve(['The Draft Minutes of the Transport Forum would be circulated once they were ready.']), [], 'the minutes of another body, not approved');
  t.same(resolve(['The report on the minutes of the Transport Forum was discussed at length.']), [], 'no approval');
  t.same(resolve(['Members were concerned that the minutes of the Schools Forum were not yet published.']), [], 'not about this meeting’s minutes');
  t.same(resolve(['The minutes of the meeting held on 3 October 2023 were agreed as a correct record. Under matters arising, the Clerk reported that the bench had been repaired.']), [], 'a paragraph that goes on to discussion is left to the discussion');
});
