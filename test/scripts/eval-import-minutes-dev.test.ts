import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { evaluate, loadEvaluationSet, QUALITY_BAR, report } from '../../scripts/eval-import.js';
import { withoutSourceHeader } from '../../scripts/eval-import/minutes-dev.js';
import { recallOf } from '../../src/import/evaluation.js';

// `npm run eval:import` scores ../shared/minutes-dev, beside the repository, when it is there.
// A made-up folder stands in for it: the real texts are never copied into the project.

const text = [
  'SOURCE: https://example.invalid/ashdown/minutes',
  '',
  'Ashdown Scrutiny Panel - 3 March 2025',
  '',
  '1. Library Opening Hours',
  '',
  'Officers would circulate the usage figures to Members. Members wished to see the branch figures before the budget meeting.',
  '',
  'RESOLVED: That the report be noted.',
].join('\n');

const truth = {
  about: 'made up for this test',
  files: {
    'ashdown-scrutiny-panel-2025-03-03.txt': {
      meeting: { date: '2025-03-03', committee: 'ashdown scrutiny panel' },
      items: ['1'],
      resolutions: ['the report be noted'],
      actions: [{ cue: 'officers would circulate the usage figures' }, { any: ['wished to see the branch figures', 'see the branch figures'] }, { cue: 'a line the text never says' }],
      optional: [],
      negative: [],
    },
    'not-in-the-folder.txt': { actions: [{ cue: 'anything' }] },
  },
};

function repositoryBeside(withMinutesDev: boolean): { root: string; remove: () => void } {
  const parent = mkdtempSync(join(tmpdir(), 'eval-minutes-dev-'));
  const root = join(parent, 'repo');
  mkdirSync(root);
  if (withMinutesDev) {
    const folder = join(parent, 'shared', 'minutes-dev');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'ashdown-scrutiny-panel-2025-03-03.txt'), text);
    writeFileSync(join(folder, 'truth.json'), JSON.stringify(truth));
  }
  return { root, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

t.test('the minutes-dev set is loaded, read without its SOURCE header, and reported but not gated', async (t) => {
  const { root, remove } = repositoryBeside(true);
  t.teardown(remove);
  const docs = loadEvaluationSet(root);
  t.same(docs.map((d) => [d.name, d.set]), [['minutes-dev:ashdown-scrutiny-panel-2025-03-03', 'minutes-dev']], 'a label without its text is passed over');
  t.ok(docs[0]!.text.startsWith('Ashdown Scrutiny Panel'), 'the SOURCE line and the blank line after it are not parsed');
  const result = evaluate(docs);
  const actions = result.bySet['minutes-dev']!.actions;
  t.ok(actions.expected === 3 && recallOf(actions) < QUALITY_BAR, 'the made-up set is below the bar');
  t.same(result.overall.actions, { matched: 0, predicted: 0, expected: 0 }, 'and is not part of OVERALL');
  const { stdout, exitCode } = report([], root);
  t.match(stdout, /^minutes-dev:ashdown-scrutiny-panel-2025-03-03 +\| 1\.00 {2}1\.00 /m, 'each document has its line');
  t.match(stdout, /^set minutes-dev \(micro, not gated\) +\| 1\.00 {2}1\.00 +\| 1\.00 {2}1\.00 +\| [0-9.]+ {2}0\.\d\d +\| 1\/1\/3$/m, 'the set has its line');
  t.notMatch(stdout, /skipped/);
  t.equal(exitCode, 0, 'a low figure on minutes-dev does not fail the command');
  t.notMatch(report(['--set', 'dev'], root).stdout, /minutes-dev/, 'a --set without it leaves it out');
});

t.test('each half of the split has its line, and --half leaves the other half out', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'eval-minutes-dev-halves-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  // Made-up texts under two names the split puts in different halves.
  const files = {
    'argyll-bute-audit-committee-2013-undated-decision-352.txt': text,
    'belfast-people-communities-committee-2025-undated-mid-12285.txt': text,
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(parent, name), body);
  const entry = truth.files['ashdown-scrutiny-panel-2025-03-03.txt'];
  writeFileSync(join(parent, 'truth.json'), JSON.stringify({ about: 'made up', files: Object.fromEntries(Object.keys(files).map((name) => [name, entry])) }));
  const root = join(parent, 'repo');
  const whole = report(['--set', 'minutes-dev', '--minutes-dev', parent], root).stdout;
  t.match(whole, /^set minutes-dev \(micro, not gated\) .*\| 2\/2\/6$/m);
  t.match(whole, /^ {2}minutes-dev development half .*\| 1\/1\/3$/m);
  t.match(whole, /^ {2}minutes-dev held-back half .*\| 1\/1\/3$/m);
  t.match(whole, /minutes-dev development 1\.00\/1\.00, minutes-dev held-back 1\.00\/1\.00$/m, 'meeting figures per half too');
  const development = report(['--set', 'minutes-dev', '--half', 'development', '--minutes-dev', parent], root).stdout;
  t.notMatch(development, /belfast|held-back/, 'the held-back half is not parsed or printed');
  t.match(development, /^minutes-dev:argyll-bute/m);
  t.equal(report(['--half', 'other', '--minutes-dev', parent], root).exitCode, 2);
});

t.test('without ../shared/minutes-dev the set is skipped, in one line', async (t) => {
  const { root, remove } = repositoryBeside(false);
  t.teardown(remove);
  t.same(loadEvaluationSet(root), []);
  const { stdout, exitCode } = report([], root);
  t.equal(stdout.split('\n').filter((line) => line.includes('minutes-dev')).length, 1);
  t.match(stdout, /^set minutes-dev skipped: no labelled texts \(truth\.json\) in .*shared\/minutes-dev$/m);
  t.equal(exitCode, 0);
});

t.test('only a leading SOURCE header is removed', async (t) => {
  t.equal(withoutSourceHeader('SOURCE: https://example.invalid/x\r\n\r\nMinutes\nSOURCE: y\n\nz'), 'Minutes\nSOURCE: y\n\nz');
  t.equal(withoutSourceHeader('Minutes of the meeting'), 'Minutes of the meeting');
});
