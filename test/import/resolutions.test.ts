import t from 'tap';
import { findOpener, findResolutionBlocks, parseResolutionBlock } from '../../src/import/resolutions.js';
import { inferResolutionKind } from '../../src/import/resolution-kind.js';

function resolve(lines: string[]) {
  return findResolutionBlocks(lines).flatMap((b) => parseResolutionBlock(b)).map((r) => [r.number, r.text, r.kind]);
}

t.test('every common form of words', async (t) => {
  t.same(resolve(['RESOLVED: That the update be received.']), [[null, 'The update be received.', 'noted']]);
  t.same(resolve(['Resolved that the minutes be approved and signed.']), [[null, 'The minutes be approved and signed.', 'agreed']]);
  t.same(resolve(['RESOLVED – That the work programme be agreed.']), [[null, 'The work programme be agreed.', 'agreed']]);
  t.same(resolve(['Resolved – (a) that the report be noted; (b) that an update be provided at the next meeting.']), [
    ['a', 'The report be noted', 'noted'],
    ['b', 'An update be provided at the next meeting.', 'request'],
  ]);
  t.same(resolve(['Resolved that:', '', '- (1) the progress be noted.', '- (2) the committee to receive an update on the helpline.']), [
    ['1', 'The progress be noted.', 'noted'],
    ['2', 'The committee to receive an update on the helpline.', 'request'],
  ]);
  t.same(resolve(['RESOLVED: That 1. the report be noted 2. a further report be submitted to the Board']), [
    ['1', 'The report be noted', 'noted'],
    ['2', 'A further report be submitted to the Board', 'request'],
  ]);
  t.same(resolve(['RECOMMENDED – (1) THAT the report be noted;', '', '(2) THAT Cabinet be asked to extend the scheme.']), [
    ['1', 'The report be noted', 'noted'],
    ['2', 'Cabinet be asked to extend the scheme.', 'recommendation'],
  ]);
  t.same(resolve(['Following discussion it was RESOLVED that the report be noted.']), [[null, 'The report be noted.', 'noted']]);
  t.same(resolve(['The minutes of the meeting held on 1 May were AGREED as a correct record.']), [[null, 'The minutes of the meeting held on 1 May were AGREED as a correct record.', 'agreed']]);
  t.same(resolve(['20.1 RESOLVED: That the minutes be approved.']), [[null, 'The minutes be approved.', 'agreed']]);
  t.same(resolve(['Decision:', 'That the revised fees be approved.']), [[null, 'The revised fees be approved.', 'agreed']]);
  t.same(resolve(['The Sub-Committee NOTED the update.']), [[null, 'Noted the update.', 'noted']]);
});

t.test('a block ends where the discussion resumes, and list bullets under a colon belong to it', async (t) => {
  const lines = ['RESOLVED: That', '(1) the report be noted;', '(2) the committee to receive details in relation to:', '- the 26% who do not enjoy school,', '- which schools', '(Unanimous)', 'The Chair thanked officers.'];
  const blocks = findResolutionBlocks(lines);
  t.equal(blocks.length, 1);
  t.equal(blocks[0]?.end, 6, 'the vote line is part of the block, the thanks are not');
  t.same(parseResolutionBlock(blocks[0]!).map((r) => r.text), ['The report be noted', 'The committee to receive details in relation to: the 26% who do not enjoy school, which schools']);
});

t.test('words that are not resolutions', async (t) => {
  t.equal(findOpener('The issue was resolved quickly.'), null);
  t.equal(findOpener('Members agreed that the plan was ambitious.'), null);
  t.equal(findOpener('Resolved complaints fell by 5%.'), null);
  t.equal(findOpener('The report recommended that Members note it.'), null);
});

t.test('kinds', async (t) => {
  t.equal(inferResolutionKind('the Committee recommends to Cabinet that the strategy be adopted', 'RESOLVED', ''), 'recommendation');
  t.equal(inferResolutionKind('the concerns be referred to the Audit Committee', 'RESOLVED', ''), 'referral');
  t.equal(inferResolutionKind("the Committee's comments be forwarded to the Cabinet Member", 'RESOLVED', ''), 'referral');
  t.equal(inferResolutionKind('a further report be submitted to the Board in six months', 'RESOLVED', ''), 'request');
  t.equal(inferResolutionKind('officers be asked to circulate the figures', 'RESOLVED', ''), 'request');
  t.equal(inferResolutionKind('the report be noted', 'RECOMMENDED', ''), 'noted');
  t.equal(inferResolutionKind('the scheme be extended', 'RECOMMENDED', 'to Cabinet'), 'recommendation');
  t.equal(inferResolutionKind('Councillor Lomas be elected Chair', 'RESOLVED', ''), 'agreed');
  t.equal(inferResolutionKind('the meeting be adjourned until 7pm', 'RESOLVED', ''), 'other');
  t.equal(inferResolutionKind('the Section 151 Officer report the outturn to Cabinet in June', 'RESOLVED', '', { committeeName: 'Cabinet' }), 'request');
  t.equal(inferResolutionKind('the Section 151 Officer report the outturn to Cabinet in June', 'RESOLVED', '', { committeeName: 'Scrutiny Panel' }), 'other');
  t.equal(inferResolutionKind('the draft Sufficiency Strategy be endorsed and recommended to Cabinet for approval', 'RESOLVED', ''), 'recommendation');
  t.equal(inferResolutionKind('the Board endorses the draft Carers Strategy and recommends it to the Executive Board for approval', 'RESOLVED', ''), 'recommendation');
  t.equal(inferResolutionKind('the recommended option be adopted', 'RESOLVED', ''), 'agreed', 'a recommended option is not a recommendation to another body');
});

t.test('"The Board:" and a list of decisions; a plain "The Board noted the report."', async (t) => {
  t.same(resolve(['The Board:', '(1) noted the submission of the plan;', '(2) agreed that quarterly reports be brought to the Board; and', '(3) approved the budget.']), [
    ['1', 'Noted the submission of the plan', 'noted'],
    ['2', 'Agreed that quarterly reports be brought to the Board', 'request'],
    ['3', 'Approved the budget.', 'agreed'],
  ]);
  t.same(resolve(['The Board noted the progress report.']), [[null, 'Noted the progress report.', 'noted']]);
  t.same(resolve(['The Board noted that the strategy had been shared with partners.']), [], 'a noted fact is discussion, not a decision');
  t.same(resolve(['Board members discussed the discharge fund:', '- spending was on track']), []);
});

t.test('Scottish minutes: "Decision" and "The Committee agreed:-"', async (t) => {
  t.same(resolve(['Decision', '', 'The Committee agreed:-', '', '(1) to note the report; and', '', '(2) that the Convener write to the Minister.']), [
    ['1', 'To note the report', 'noted'],
    ['2', 'The Convener write to the Minister.', 'request'],
  ]);
  t.same(resolve(['Decision', '', 'The Committee agreed to note the update.']), [[null, 'Note the update.', 'noted']]);
  t.same(resolve(['The Committee agreed to note the update.']), [], 'without the subheading it is discussion');
});

t.test('infinitive resolutions of town and parish councils', async (t) => {
  t.equal(inferResolutionKind('to accept the quote from Fenland Play Surfaces Ltd', 'RESOLVED', ''), 'agreed');
  t.equal(inferResolutionKind('to increase allotment rents by 5% from 1 October 2024', 'RESOLVED', ''), 'agreed');
  t.equal(inferResolutionKind('to note the report', 'RESOLVED', ''), 'noted');
});

t.test('moved, seconded and RESOLVED', async (t) => {
  t.same(resolve(['It was moved by Councillor A, seconded by Councillor B and RESOLVED that the policy be adopted.']), [[null, 'The policy be adopted.', 'agreed']]);
  t.same(resolve(['RESOLVED:- That the report be noted.']), [[null, 'The report be noted.', 'noted']]);
});

t.test('bulleted resolutions are each a resolution', async (t) => {
  t.same(resolve(['The Committee RESOLVED to:', '- note the report;', '- request a further update in six months; and', '- thank officers for their work.']), [
    [null, 'Note the report', 'noted'],
    [null, 'Request a further update in six months', 'request'],
    [null, 'Thank officers for their work.', 'other'],
  ]);
});
