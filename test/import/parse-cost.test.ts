import t from 'tap';
import { MAX_ACTIONS_PER_ITEM } from '../../src/import/limits.js';
import { parseMinutes } from '../../src/import/index.js';

// The minutes import's worst case (issue 19, defect 3): one item, then two requests repeated.
// Every request used to search all the sentences after it for an answer (quadratic: a 1 MB
// text took 49 s). The work is counted, not timed: every regular expression the parser runs
// goes through RegExp.prototype.exec (test, match, replace and split all call it), and each
// runs on one bounded line or sentence.

const HEADER = 'Overview and Scrutiny Committee - Monday, 15th July 2024 6.30 pm\n\n1. Performance report\n\n';
const REQUESTS = 'Members requested further information on the figures. Members asked for a report on the numbers.\n';
const minutesOf = (repeats: number) => HEADER + REQUESTS.repeat(repeats);

/** How many regular-expression matches parsing `text` runs. */
function regexRuns(text: string): number {
  const exec = RegExp.prototype.exec;
  let runs = 0;
  RegExp.prototype.exec = function counted(this: RegExp, input: string) {
    runs++;
    return exec.call(this, input);
  };
  try {
    parseMinutes(text);
  } finally {
    RegExp.prototype.exec = exec;
  }
  return runs;
}

t.test('parse work grows linearly with the text: 8 times the text is at most 10 times the work', async (t) => {
  const once = regexRuns(minutesOf(150));
  const eightTimes = regexRuns(minutesOf(1200));
  t.ok(once > 0, `the parse was counted (${once} matches)`);
  t.ok(eightTimes < once * 10, `8× the text ran ${eightTimes} matches, ${(eightTimes / once).toFixed(1)}× the ${once} of 1×`);
});

t.test('candidate actions per item are capped, and the draft says what the cap left out', async (t) => {
  const draft = parseMinutes(minutesOf(MAX_ACTIONS_PER_ITEM));
  t.equal(draft.actions.length, MAX_ACTIONS_PER_ITEM, 'the first candidates up to the cap are drafted');
  t.same(draft.actions.slice(0, 2).map((a) => a.sourceSentence), [
    'Members requested further information on the figures.',
    'Members asked for a report on the numbers.',
  ], 'in the order of the minutes');
  t.equal(draft.warnings.filter((w) => /candidate actions/.test(w)).length, 1, 'one warning for the item');
  t.match(draft.warnings.join('\n'), `Item 1 has ${2 * MAX_ACTIONS_PER_ITEM} candidate actions; only the first ${MAX_ACTIONS_PER_ITEM} were drafted and ${MAX_ACTIONS_PER_ITEM} were left out`);

  const under = parseMinutes(minutesOf(MAX_ACTIONS_PER_ITEM / 2));
  t.equal(under.actions.length, MAX_ACTIONS_PER_ITEM, 'exactly at the cap nothing is left out');
  t.notMatch(under.warnings.join('\n'), /candidate actions/, 'and nothing is said');
});
