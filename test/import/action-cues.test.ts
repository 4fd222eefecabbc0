import t from 'tap';
import { detectActionCue, isAnsweredInMeeting } from '../../src/import/action-cues.js';

const actions: Array<[string, string]> = [
  ['Members stated that the support was not clear and requested more information.', 'request'],
  ['The Board asked for a breakdown of exclusions by school.', 'request'],
  ['Members requested that feedback be provided to the committee on partners\' responses.', 'request'],
  ['It was requested that a further report be brought to the Panel.', 'request'],
  ["Officers' would provide this feedback to all the staff.", 'promise'],
  ['The Director undertook to circulate the updated risk register.', 'promise'],
  ['Officers to report back to the next meeting on the consultation.', 'promise'],
  ['The Chief Finance Officer said he would let Members have the full cost breakdown.', 'promise'],
  ['The Assistant Director agreed to strengthen the section on young carers.', 'promise'],
  ['It was agreed that further information would be provided to Members.', 'future_delivery'],
  ['An update would be provided to members on the progress of the helpline.', 'future_delivery'],
  ['Update reports would be submitted to the Board at future meetings.', 'future_delivery'],
  ['Additional data would be available in Q3.', 'future_delivery'],
  ['The slides would be circulated.', 'future_delivery'],
  ['Members asked that the Committee be kept informed of progress with the pilot.', 'request'],
  ['Members would be kept informed of the outcome of the bid.', 'kept_informed'],
  ['The Panel would receive the annual report at its next meeting.', 'committee_to_receive'],
  ['The Cabinet Member agreed to attend a future meeting.', 'promise'],
  ['The Cabinet Member would provide a written answer.', 'promise'],
  ['The Portfolio Holder be invited to attend the next meeting.', 'invitation'],
  ['A written response would be provided to the question raised by Councillor Smith.', 'future_delivery'],
  ['Councillor Lee asked if the figures could be circulated to Members.', 'request'],
  ['The Service Manager would check whether the figures included agency staff and confirm to Members.', 'promise'],
  ['The Panel asked officers to bring a report on the outcome of the review to a future meeting.', 'promise'],
  ['Councillor Whitlock asked for the number of households waiting more than 12 months, by ward.', 'request'],
  ["The CSM will circulate the partnership's updated strategic assessment to Panel members by the end of November.", 'promise'],
  ['The Strategic Finance Manager advised that an update on its use would be included in the quarter 3 report.', 'future_delivery'],
  ['The Panel AGREED the work programme, subject to adding an item on the estates strategy to the June meeting.', 'programme_addition'],
  ['Members supported the inclusion of a report on school transport in the work programme.', 'programme_addition'],
  ['The Director would send a copy to Ms Lowe.', 'promise'],
  ['The Committee asked officers to provide examples of how the allowance would be assessed.', 'promise'],
  ['It was agreed that officers would arrange a visit for Panel members.', 'promise'],
  ['An action was agreed for officers to arrange a visit for Panel members in the autumn term.', 'promise'],
  ["The Mayor said that the Council would write to the County Council's highways team.", 'promise'],
];

const notActions: string[] = [
  'The briefing note had been circulated to all Members on 2 February.',
  'The figures were emailed to Members after the last meeting.',
  'Members were requested to consider the performance information, where further information could be reported at a future meeting of the Board.',
  'Support would be provided to smaller providers to help them prepare their tenders.',
  'The market position statement would be shared with providers in the spring.',
  'The review would be presented to the Childrens Improvement Board on 8 September.',
  'Members asked whether the framework would pay the Real Living Wage.',
  'Members requested reassurance on how carers were being kept up to date.',
  'Officers explained that parents and carers were kept up to date.',
  'The authority would be looking at how the reform could be applied.',
  'They would also see the final Plan before it was published.',
  'It was felt that the NHS should be approached to assist with funding.',
  'No further information would be provided.',
  'At the last meeting Members requested a breakdown of costs.',
  'Members noted that action 12 remained outstanding and asked that it be carried forward.',
  'Members agreed to add a review of public toilets to the work programme.',
  'The Cabinet Member agreed to do so.',
  'Parents would be kept informed of changes.',
  'Members asked for additional funding for the service.',
  'Members were informed that an update would be given at the Council meeting in July.',
  "Further information on this would be available from the council's website.",
  'Officers would continue to monitor the situation.',
  'It was explained that the data would be shared with partners through the Safeguarding Partnership.',
  'A number of Members requested that their objections be recorded.',
  'Members asked whether the service could cope with demand.',
  'It would be included in the Cabinet report.',
  'Officers explained the inclusion of a report on fees in the budget book.',
  'The CSM will circulate the strategy to partners.',
  'The Director would share the findings with schools.',
  'Officers would arrange a meeting with providers.',
  'The Committee considered its agenda, including a report on the budget.',
  'Members asked officers to continue their work with schools.',
  'It was agreed that the Council would continue to support the scheme.',
];

t.test('sentences that ask for or promise something to come back', async (t) => {
  for (const [sentence, rule] of actions) t.equal(detectActionCue(sentence)?.rule, rule, sentence);
});

t.test('sentences that do not', async (t) => {
  for (const sentence of notActions) t.equal(detectActionCue(sentence), null, sentence);
});

t.test('resolution wording makes the subjunctive a request', async (t) => {
  t.ok(detectActionCue('an update be provided on the progress of recruitment', 'resolution'));
  t.equal(detectActionCue('an update be provided on the progress of recruitment', 'discussion'), null);
  t.ok(detectActionCue('the Board receive a progress report in quarter 3', 'resolution'));
  t.ok(detectActionCue('the Section 151 Officer report the final outturn to Cabinet', 'resolution', { committeeName: 'Cabinet' }));
});

t.test('resolutions in the present tense: "the Committee receives", "the Director writes to"', async (t) => {
  t.equal(detectActionCue('the Committee receives an update on permanent exclusions at its meeting in January 2027', 'resolution')?.rule, 'committee_to_receive');
  t.equal(detectActionCue('the Assistant Director writes to all secondary head teachers on behalf of the Committee', 'resolution')?.rule, 'promise');
  t.equal(detectActionCue('the Head of Neighbourhood Services reports back to the Committee on the trial of smart bins', 'resolution')?.rule, 'promise');
  t.equal(detectActionCue('the scrutiny officer arranges a site visit to the recycling facility', 'resolution')?.rule, 'promise');
  t.equal(detectActionCue('the Committee notes the report', 'resolution'), null);
  t.equal(detectActionCue('the Director of Finance attends the next meeting to explain the action being taken', 'resolution')?.rule, 'invitation');
  t.equal(detectActionCue('The Committee receives the quarterly report from the Police.', 'discussion'), null, 'only resolution wording drops the modal');
});

t.test('who asked and who owes', async (t) => {
  t.equal(detectActionCue('Councillor Oduya requested a breakdown of unmet hours by ward.')?.requestedBy, 'Councillor Oduya');
  t.equal(detectActionCue('The Head of Commissioning would provide a briefing note.')?.owner, 'Head of Commissioning');
  t.equal(detectActionCue('The Cabinet Member would provide a written answer.')?.owner, 'The Cabinet Member');
  t.equal(detectActionCue('The CSM will circulate the assessment to Panel members.')?.owner, 'The CSM', 'an officer by initials');
  t.equal(
    detectActionCue('The Portfolio Holder said that he had written to the Police and Crime Commissioner and would share the reply with the Panel.')?.owner,
    'The Portfolio Holder',
    'the object of "written to" is not who owes the reply',
  );
  t.ok(detectActionCue('the Convener write to the Scottish Government seeking clarity on funding', 'resolution'), 'Scottish chairs are conveners');
  t.equal(detectActionCue('The Convener would write to the Minister about teacher numbers.')?.owner, 'Convener');
  t.equal(detectActionCue('The Commissioner said the Rural Crime Team had been expanded to 14 officers and offered to arrange a briefing for Panel members.')?.owner, 'The Commissioner');
});

t.test('a bare request for information may have been answered on the spot', async (t) => {
  t.equal(detectActionCue('Members requested information on vacancies.')?.answerable, true);
  t.equal(detectActionCue('Members requested further information on vacancies.')?.answerable, false);
  t.ok(isAnsweredInMeeting(['The Service Manager confirmed that there were 14.']));
  t.notOk(isAnsweredInMeeting(['The Director advised that the figures would be circulated to the Committee.']), 'a promise is not an answer');
  t.notOk(isAnsweredInMeeting(['Members thanked officers.']));
  t.ok(isAnsweredInMeeting(['The Service Manager said there were 14 vacancies.']));
});

t.test('a request for more information is answered only by pointing to the papers', async (t) => {
  t.ok(isAnsweredInMeeting(['The CSM said the numbers were in Appendix 2 to the report and talked Members through them.'], false));
  t.ok(isAnsweredInMeeting(['Officers referred Members to the table at paragraph 4.3.'], false));
  t.notOk(isAnsweredInMeeting(['The Service Manager confirmed that there were 14.'], false), 'an explanation does not answer a request for more');
  t.notOk(isAnsweredInMeeting(['The data would be set out in the next report to the Committee.'], false), 'a promise is not an answer');
});

t.test('the committee named by its own name is the committee: "to the Audit Committee" at the Audit Committee', async (t) => {
  const audit = { committeeName: 'Audit Committee' };
  t.equal(detectActionCue('A further report on the bank reconciliations will be brought to the Audit Committee in June.', 'discussion', audit)?.rule, 'future_delivery');
  t.equal(detectActionCue('A further report on the bank reconciliations will be brought to the Audit and Risk Committee in June.', 'discussion', audit), null, 'another committee, one word longer');
  t.equal(detectActionCue('The plan would be brought to the Standards Committee in June.', 'discussion', audit), null, 'another committee');
  t.equal(detectActionCue('The plan would be brought to the Economy and Skills Scrutiny Panel in May.', 'discussion', { committeeName: 'Economy and Skills Scrutiny Panel' })?.rule, 'future_delivery');
});

t.test('more of the grammar: who is told, what is held for Members, a second verb sharing "would be", "do so" after a question', async (t) => {
  const cases: Array<[string, string | null]> = [
    ['Members would be notified once the tender had been awarded.', 'committee_to_receive'],
    ['Members would be informed of the outcome of the appeal.', 'committee_to_receive'],
    ['Members were informed that the consultation would close in June.', null],
    ['Members would be sent a link to the webcast.', 'committee_to_receive'],
    ['The Panel agreed to hold an informal workshop on the draft budget in December.', 'committee_to_receive'],
    ['The Panel would undertake a site visit to the recycling centre in the spring.', 'committee_to_receive'],
    ['The Committee would have a further opportunity to comment.', null],
    ['Comments would be invited from the tenants’ forum and shared with the Committee.', 'future_delivery'],
    ['The design would be finalised and shared with contractors.', null],
    ['The Democratic Services Officer would add the item to the work programme for the new year.', 'programme_addition'],
    ['The Manager would add two posts to the establishment.', null],
    ['Councillor Okafor asked whether the figures could be split by age group, and officers agreed to do so.', 'promise'],
    ['Members asked how many posts were vacant; the Head of Service said she would find out.', 'promise'],
    ['The service had agreed to do so last year.', null],
    ['Members expressed a wish to visit the new reablement unit.', 'request'],
    ['Councillor Pryce asked to meet the site manager.', 'request'],
    ['Tenants asked to meet the housing officer.', null],
    ['The Head of Finance would provide the figure for the current year after the meeting.', 'promise'],
  ];
  for (const [sentence, rule] of cases) t.equal(detectActionCue(sentence, 'discussion', { committeeName: 'Communities Scrutiny Panel' })?.rule ?? null, rule, sentence);
});

t.test('a member or officer who will meet someone to take a matter on: "Councillor Ross will meet with the Democratic Services Manager"', async (t) => {
  const cases: Array<[string, string | null, string?]> = [
    ['Councillor Ross will meet with the Democratic Services Manager to agree the next steps.', 'promise', 'Councillor Ross'],
    ['The Head of Housing would meet with the residents’ association before the next meeting.', 'promise', 'Head of Housing'],
    ['Officers will meet up with the bus operator to discuss the timetable.', 'promise', 'Officers'],
    ['The Chair to meet with the Portfolio Holder about the call-in.', 'promise', 'Chair'],
    ['The Panel will meet on 14 March to agree its report.', null],
    ['The Working Group will meet with the provider in May.', null, 'a body meeting is its schedule, not a follow-up'],
    ['Councillor Ross had met with the Democratic Services Manager to discuss the terms of reference.', null, 'already done'],
    ['Councillor Ross met with the Democratic Services Manager last week.', null, 'already done'],
    ['The Head of Housing said the proposal would meet with the approval of residents.', null],
    ['Officers would meet the deadline for the bid.', null],
    ['The Director could not meet with the provider before the meeting.', null],
  ];
  for (const [sentence, rule, owner] of cases) {
    const cue = detectActionCue(sentence);
    t.equal(cue?.rule ?? null, rule, sentence);
    if (rule !== null) t.equal(cue?.owner, owner, `owner: ${sentence}`);
  }
});

t.test('a request for any thing, without "that" or an information noun, when a member or the committee asks', async (t) => {
  const cases: Array<[string, string | null]> = [
    ['Members asked for the repairs backlog by ward.', 'request'],
    ['The Committee requested the waiting times for each surgery.', 'request'],
    ['Members wished to see the revised projections before the budget meeting.', 'request'],
    ['The Panel asked for the list of schools affected.', 'request'],
    ['The Chair asked for a show of hands.', null],
    ['Members asked for a minute’s silence in memory of a former Mayor.', null],
    ['Members asked for the item to be deferred.', null],
    ['The Committee sought the views of residents.', null],
    ['Residents asked for the bins to be emptied more often.', null],
    ['Members requested the support of officers in lobbying the Government.', null],
    ['Members requested the Cabinet to reconsider its decision.', null],
  ];
  for (const [sentence, rule] of cases) t.equal(detectActionCue(sentence)?.rule ?? null, rule, sentence);
  t.equal(detectActionCue('Members asked for the rationale for the change.')?.answerable, true, 'an explanation given on the spot answers it');
});

t.test('questions answered later: "get back to", "take this away", "follow this up", "answered in writing"', async (t) => {
  const cases: Array<[string, string | null]> = [
    ['After the presentation, Members asked a number of questions and the following points were made:', null],
    ['Councillors asked a series of detailed questions about the depot, which the Head of Waste answered.', null],
    ['The Panel asked several questions on the bus contract.', null],
    ['Members asked a range of questions; answers would follow in writing.', 'future_delivery'],
    ['Members asked a number of questions, including whether the survey results could be shared with the Committee.', 'request'],
    ['Councillors asked how the savings were monitored and whether the quarterly figures could be circulated.', 'request'],
    ['Members asked several questions about the depot and whether it could be sold.', null],
    ['Councillor Ames asked for the number of complaints received in each ward.', 'request'],
    ['Officers would get back to Councillor Nash with the figures.', 'promise'],
    ['Officers would get back to the contractor about the delay.', null],
    ['The Head of Highways would take the point away and respond to Members.', 'promise'],
    ['The officer would follow this up and report back.', 'promise'],
    ['The question about school transport would be answered in writing.', 'future_delivery'],
    ['This question would be taken away and answered after the meeting.', 'future_delivery'],
    ['It would take time to get back to normal levels of service.', null],
    ['The Council would take the funding away from the scheme.', null],
  ];
  for (const [sentence, rule] of cases) t.equal(detectActionCue(sentence)?.rule ?? null, rule, sentence);
});
