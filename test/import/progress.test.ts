import t from 'tap';
import { isProgressStatement, progressIndex, raisesSomethingNew } from '../../src/import/progress.js';

t.test('something already circulated, sent, provided or done', async (t) => {
  for (const s of [
    'The briefing note on discharge delays had been circulated to all Members on 2 February 2024.',
    'The breakdown, requested at the January meeting, was emailed to Members on 14 February 2024.',
    "A response to Councillor Whitfield's question had been provided.",
    'The data had been shared with the ICB.',
    'The information was provided to Members in the weekly bulletin of 30 August 2024.',
    'The HMIP action plan has now been completed.',
    'Members had received the figures requested at the last meeting.',
  ]) {
    t.ok(isProgressStatement(s), s);
  }
});

t.test('discussion in the meeting and things still to do are not progress', async (t) => {
  for (const s of [
    'Following discussions, the following responses were provided to Members questions:',
    'Clarity was provided over the use of the consultant.',
    'Information was provided on the Early Help Assessment Tool.',
    'The figures would be circulated after the meeting.',
    'The report has not yet been circulated.',
    'A total of 2,316 responses had been received.',
  ]) {
    t.notOk(isProgressStatement(s), s);
  }
});

t.test('where the statement sits', async (t) => {
  t.equal(progressIndex('The note had been circulated and more would follow.'), 9);
  t.equal(progressIndex('Nothing here.'), -1);
});

t.test('a progress sentence can still raise something new', async (t) => {
  const survey = 'It was reported that the survey had been issued to 2,000 households in January and that results would be available in Q1.';
  t.ok(raisesSomethingNew(survey, survey.indexOf('would be available')), 'a second reported clause');
  const further = 'The note had been circulated and a further update would be provided in March.';
  t.ok(raisesSomethingNew(further, further.indexOf('would be provided')));
  const same = 'The figures had been circulated to Members and would be circulated again with the minutes.';
  t.notOk(raisesSomethingNew(same, same.indexOf('would be circulated')), 'more of what was done');
  const before = 'Members requested the figures which had been circulated.';
  t.notOk(raisesSomethingNew(before, 0), 'a cue before the progress');
});
