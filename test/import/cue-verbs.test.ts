import t from 'tap';
import { detectActionCue } from '../../src/import/action-cues.js';
import { CIRCULATING, PASSING_ON, TRANSMITTING } from '../../src/import/cue-verbs.js';
import { isProgressStatement } from '../../src/import/progress.js';

// One verb list, three aspects: a promise, a future passive and a perfect (progress).
// Sentences written for these tests.

t.test('each verb reads as a follow-up in the future and as progress in the perfect', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['Officers would distribute the leaflet on winter gritting to Members.', 'The leaflet would be distributed to Members.', 'The leaflet had been distributed to Members.'],
    ['The Clerk would issue the revised figures to the Committee.', 'The revised figures would be issued to the Committee.', 'The revised figures had been issued to the Committee.'],
    ['The Manager would pass the concerns on to the operator.', 'The concerns would be passed on to the operator.', 'The concerns had been passed on to the operator.'],
  ];
  for (const [promise, passive, perfect] of cases) {
    t.ok(detectActionCue(promise), promise);
    t.ok(detectActionCue(passive), passive);
    t.notOk(detectActionCue(perfect), perfect);
    t.ok(isProgressStatement(perfect), `progress: ${perfect}`);
  }
});

t.test('every verb has both forms', async (t) => {
  for (const verb of [...CIRCULATING, ...TRANSMITTING, ...PASSING_ON]) t.ok(verb.base !== '' && verb.participle !== '', verb.base);
});
