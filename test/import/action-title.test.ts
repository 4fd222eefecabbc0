import t from 'tap';
import { classifyActionKind, deriveActionTitle } from '../../src/import/action-title.js';

t.test('titles name what is to come back and its topic', async (t) => {
  t.equal(deriveActionTitle("an update be provided on the progress of the recruitment of residential children's home providers"), "Update on the progress of the recruitment of residential children's home providers");
  t.equal(deriveActionTitle('Members requested that feedback be provided to the committee on partners responses to the updated tool.'), 'Feedback on partners responses to the updated tool');
  t.equal(deriveActionTitle('Councillor Oduya requested a breakdown of unmet hours by ward and by provider.'), 'Breakdown of unmet hours by ward and by provider');
  t.equal(deriveActionTitle('The Assistant Director agreed to strengthen the section.'), 'The Assistant Director agreed to strengthen the section');
  const long = deriveActionTitle('Members asked that the Committee be kept informed of progress with the Discharge to Assess pilot and with every other initiative the service was running across the borough this year.');
  t.ok(long.length <= 90 && long.endsWith('…'), long);
});

t.test('kinds', async (t) => {
  t.equal(classifyActionKind('an update would be provided to members'), 'update');
  t.equal(classifyActionKind('the outcome would be reported to the Committee'), 'update');
  t.equal(classifyActionKind('Members requested a breakdown of exclusions'), 'information');
  t.equal(classifyActionKind('The Repairs Manager agreed to arrange a visit'), 'task');
  t.equal(classifyActionKind('the Head of Service reports back to the Committee on the trial'), 'update');
  t.equal(classifyActionKind('the Commissioner be asked to report performance against the framework to the Panel'), 'update');
  t.equal(classifyActionKind('the work programme be agreed, subject to the addition of an item on the estates strategy'), 'update');
  t.equal(classifyActionKind('the Trust would share its improvement trajectory with Members'), 'information');
  t.equal(classifyActionKind('Officers would provide the current waiting times to Members'), 'information');
  t.equal(classifyActionKind('The Head of Market Development agreed to bring a report on home care capacity to a future meeting'), 'update');
  const twoDecisions = 'the work programme be agreed, and that the officer arranges a site visit';
  t.equal(classifyActionKind(twoDecisions, twoDecisions.indexOf('the officer')), 'task', 'read from the clause with the cue');
  t.equal(classifyActionKind(twoDecisions), 'update', 'the whole resolution mentions the work programme');
});
