import t from 'tap';
import { detectActionCue } from '../../src/import/action-cues.js';
import { grammarCue } from '../../src/import/cue-grammar.js';

// The follow-up grammar (cue-grammar.ts): an aspect, then a verb class. Sentences written for
// these tests, in the manner of council minutes.

const followUps: Array<[string, 'discussion' | 'resolution']> = [
  ['The residents\u2019 comments would be fed back to the highways team.', 'discussion'],
  ['Officers would pass the points raised on to the bus operator.', 'discussion'],
  ['The Chair will raise the matter with the Police and Crime Commissioner.', 'discussion'],
  ['A drop-in session would be arranged for Members before the budget meeting.', 'discussion'],
  ['It was agreed that a visit to the recycling depot be set up for the Panel.', 'discussion'],
  ['A report on the allotment waiting list will come to the Committee in March.', 'discussion'],
  ['Members asked how the rent arrears would be tracked, and a written answer would follow.', 'discussion'],
  ['A timetable for the tree survey be prepared.', 'resolution'],
  ['A working group be established to track the actions in the play strategy.', 'resolution'],
];

const notFollowUps: Array<[string, 'discussion' | 'resolution']> = [
  ['A business case would be developed during 2027 and no decision had been taken.', 'discussion'],
  ['The concerns had been passed on to the operator.', 'discussion'],
  ['The Committee had agreed to write to the Minister and a reply had since been received.', 'discussion'],
  ['The report would not come to the Committee until the audit was complete.', 'discussion'],
  ['A report will go to Cabinet in June.', 'discussion'],
  ['The Leader and Cabinet agreed to the following amendment.', 'discussion'],
  ['Some Members felt this would give no indication of how the leaflet was read.', 'discussion'],
];

t.test('the grammar reads follow-ups the phrase rules do not list', async (t) => {
  for (const [sentence, mode] of followUps) {
    t.ok(grammarCue(sentence, mode, {}), sentence);
    t.ok(detectActionCue(sentence, mode), `and it is a cue: ${sentence}`);
  }
});

t.test('past aspect, negation, another body and a noun after "agreed to" are not follow-ups', async (t) => {
  for (const [sentence, mode] of notFollowUps) t.equal(detectActionCue(sentence, mode), null, sentence);
});

t.test('the owner of a promise to pass something on is its subject', async (t) => {
  t.equal(grammarCue('The Service Manager would relay the concerns to the contractor.', 'discussion', {})?.owner, 'The Service Manager');
});
