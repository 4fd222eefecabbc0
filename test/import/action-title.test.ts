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
});
