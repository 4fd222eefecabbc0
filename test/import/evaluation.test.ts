import { existsSync } from 'node:fs';
import t from 'tap';
import { belowBar, evaluate, loadEvaluationSet, QUALITY_BAR, UNGATED_SETS } from '../../scripts/eval-import.js';
import { addScores, normaliseForMatch, precisionOf, recallOf, scoreDraft, unmatchedFindings, type ExpectedMinutes } from '../../src/import/evaluation.js';
import { parseMinutes } from '../../src/import/index.js';
import { projectRoot } from '../helper.js';
import { pathToFileURL } from 'node:url';

const docs = loadEvaluationSet();
const result = evaluate(docs);

t.test('the labelled set: at least eight of our own documents, plus the seeds when present', async (t) => {
  t.ok(docs.filter((d) => !d.name.startsWith('seed:')).length >= 8);
  const seedsPresent = existsSync(new URL('../shared/seeds/', pathToFileURL(projectRoot)));
  t.equal(docs.some((d) => d.name.startsWith('seed:')), seedsPresent);
  const minutesDevPresent = existsSync(new URL('../shared/minutes-dev/truth.json', pathToFileURL(projectRoot)));
  t.equal(docs.some((d) => d.set === 'minutes-dev'), minutesDevPresent, 'the external development set when it is beside the repository');
});

t.test(`precision and recall stay at or above ${QUALITY_BAR}`, async (t) => {
  t.same(belowBar(result.overall), []);
  for (const key of ['items', 'resolutions', 'actions'] as const) {
    t.ok(precisionOf(result.overall[key]) >= QUALITY_BAR, `${key} precision`);
    t.ok(recallOf(result.overall[key]) >= QUALITY_BAR, `${key} recall`);
  }
});

t.test('labelled metadata, warnings, visibility, declarations and attendance', async (t) => {
  // The ungated set labels the meeting as cues of what the text states, scored in its own line.
  for (const doc of docs.filter((d) => !UNGATED_SETS.includes(d.set))) {
    const { expected } = doc;
    const draft = result.documents.find((d) => d.name === doc.name)!.draft;
    if (expected.layout) t.equal(draft.layout, expected.layout, `${doc.name} layout`);
    for (const [field, value] of Object.entries(expected.meeting ?? {})) {
      t.equal(draft.meeting[field as keyof typeof draft.meeting], value, `${doc.name} meeting.${field}`);
    }
    for (const w of expected.warnings ?? []) t.ok(draft.warnings.some((x) => x.includes(w)), `${doc.name} warns about "${w}"`);
    if (expected.exempt) {
      const exempt = draft.items.filter((i) => i.visibility === 'exempt').map((i) => i.number);
      t.same(exempt, expected.exempt, `${doc.name} exempt items`);
    }
    for (const d of expected.declarations ?? []) {
      const found = draft.declarations.find((x) => x.personName.includes(d.person));
      t.ok(found, `${doc.name} declaration by ${d.person}`);
      if (d.item !== undefined) t.equal(found && found.itemIndex !== null ? draft.items[found.itemIndex]?.number : null, d.item, `${doc.name} ${d.person} item`);
      if (d.kind) t.equal(found?.kind, d.kind, `${doc.name} ${d.person} kind`);
    }
    for (const a of expected.attendance ?? []) {
      const found = draft.attendance.find((x) => x.name === a.name);
      t.equal(found?.status, a.status, `${doc.name} attendance ${a.name}`);
      if (a.substituteFor) t.equal(found?.substituteFor, a.substituteFor);
      if (a.kind) t.equal(found?.kind, a.kind);
    }
  }
});

t.test('labelled kinds, due hints and people mostly agree', async (t) => {
  const mismatches = result.documents.flatMap((d) => d.mismatches.map((m) => `${d.name}: ${m}`));
  // Every labelled attribute (a kind, a due hint, who asked, who owes) may disagree; at most 1 in 20 does.
  const labelled = docs.reduce(
    (n, d) =>
      n +
      d.expected.resolutions.filter((r) => r.kind).length +
      d.expected.actions.reduce((k, a) => k + [a.kind, a.dueHint, a.requestedBy, a.owner].filter(Boolean).length, 0),
    0,
  );
  t.ok(mismatches.length <= Math.max(3, labelled / 20), `${mismatches.length} of ${labelled}:\n${mismatches.join('\n')}`);
});

t.test('the scoring itself can fail', async (t) => {
  const text = 'Budget\n\nMinutes:\n\nOfficers would circulate the figures. The slides had been circulated.\n\nRESOLVED: That the report be noted.';
  const expected: ExpectedMinutes = {
    items: [{ number: null, title: 'Budget' }],
    resolutions: [{ text: 'the report be noted' }],
    actions: [{ sentence: 'Officers would circulate the figures' }],
    progress: ['slides had been circulated'],
  };
  const draft = parseMinutes(text);
  const good = scoreDraft(draft, expected);
  t.same([good.items.matched, good.resolutions.matched, good.actions.matched, good.progress.matched], [1, 1, 1, 1]);
  const duplicated = scoreDraft({ ...draft, actions: [...draft.actions, ...draft.actions] }, expected);
  t.equal(precisionOf(duplicated.actions), 0.5, 'a duplicate action costs precision');
  const wrongTitle = scoreDraft({ ...draft, items: draft.items.map((i) => ({ ...i, title: 'Budgets' })) }, expected);
  t.equal(recallOf(wrongTitle.items), 0);
  const wrongItem = scoreDraft(draft, { ...expected, resolutions: [{ item: '7', text: 'the report be noted' }] });
  t.equal(wrongItem.resolutions.matched, 0);
  t.equal(normaliseForMatch('  Children’s  “Plan” – 2024. '), 'children\'s "plan" - 2024');
});

t.test('cue labels: alternatives, optional and negative cues, shared resolution cues, items by number, the meeting', async (t) => {
  const text = [
    'Ashdown Scrutiny Panel - 3 March 2025',
    '1. Library Opening Hours',
    'The Panel considered a report on opening hours. Officers would circulate the usage figures to Members. The consultation summary had been circulated before the meeting.',
    'RESOLVED: That the report be noted and that a site visit be arranged.',
  ].join('\n\n');
  const draft = parseMinutes(text);
  t.equal(draft.actions.length, 2, 'the draft this test is written against: the circulation and the site visit');
  const cues: ExpectedMinutes = {
    meeting: { date: '2025-03-03', committeeName: 'ashdown scrutiny panel' },
    items: [{ number: '1' }],
    resolutions: [{ text: 'that the report be noted' }, { text: 'that a site visit be arranged' }],
    resolutionMatching: 'shared',
    actions: [{ sentence: 'officers will send the figures', alternatives: ['would circulate the usage figures'] }],
    optionalActions: ['a site visit be arranged'],
    negativeActions: ['the consultation summary had been circulated'],
  };
  const score = scoreDraft(draft, cues);
  t.same(score.items, { matched: 1, predicted: 1, expected: 1 }, 'an item labelled by its number alone matches on the number');
  t.same([recallOf(score.resolutions), precisionOf(score.resolutions)], [1, 1], 'two cues found in one resolution, each with its leading "That" dropped');
  t.equal(scoreDraft(draft, { ...cues, resolutions: [{ text: 'resolved that the report be noted' }] }).resolutions.matched, 1, 'a cue quoting the RESOLVED word matches the decision without it');
  t.equal(scoreDraft(draft, { ...cues, resolutions: [{ text: 'resolved that the report be approved' }] }).resolutions.matched, 0);
  const { resolutionMatching: _, ...oneEach } = cues;
  t.equal(scoreDraft(draft, oneEach).resolutions.matched, 1, 'without shared cues one resolution serves one label');
  t.same(score.actions, { matched: 1, predicted: 1, expected: 1 }, 'an alternative cue matches; the optional site visit is neither right nor wrong');
  t.equal(precisionOf(scoreDraft(draft, { ...cues, optionalActions: [] }).actions), 0.5, 'without the optional cue the site visit is a false action');
  t.equal(precisionOf(scoreDraft(draft, { ...cues, negativeActions: ['site visit'] }).actions), 0.5, 'a negative cue outweighs an optional one');
  t.ok(unmatchedFindings(draft, { ...cues, negativeActions: ['site visit'] }).some((f) => f.startsWith('false action') && f.endsWith('(labelled as already done)')));
  const rewritten = { ...draft, actions: draft.actions.map((a) => ({ ...a, sourceSentence: 'elsewhere' })) };
  t.equal(scoreDraft(rewritten, cues).actions.matched, 1, "a cue may be found in the action's title or detail");
  t.same(scoreDraft(draft, { ...cues, actions: [{ sentence: 'a site visit' }, { sentence: 'site visit be arranged' }] }).actions.matched, 1, 'each prediction is used once');
  const { items: _items, ...itemsNotLabelled } = cues;
  t.same(scoreDraft(draft, itemsNotLabelled).items, { matched: 0, predicted: 0, expected: 0 }, 'items not labelled are not scored');
  t.equal(scoreDraft({ ...draft, items: draft.items.map((i) => ({ ...i, number: '2' })) }, cues).items.matched, 0);
  const coded = (number: string) => ({ ...draft, items: draft.items.map((i) => ({ ...i, number })) });
  for (const number of ['SCR 1', 'SCR1', 'SB.1', 'SCR 1.']) {
    t.equal(scoreDraft(coded(number), cues).items.matched, 1, `a label citing the minute without its committee code matches "${number}"`);
  }
  t.equal(scoreDraft(coded('SCR 4/24'), { ...cues, items: [{ number: '4/24' }] }).items.matched, 1);
  t.equal(scoreDraft(coded('SCR 11'), cues).items.matched, 0, 'the number after the code must be the labelled one');
  t.equal(scoreDraft(coded('1'), { ...cues, items: [{ number: 'SCR 1' }] }).items.matched, 0, 'a label carrying a code must be matched with it');
  t.equal(scoreDraft(coded('ENV 1'), { ...cues, items: [{ number: 'SCR 1' }] }).items.matched, 0);
  t.same(score.meeting, { matched: 2, predicted: 2, expected: 2 }, 'the stated date and committee are found');
  const notStated = scoreDraft(draft, { ...cues, meeting: { date: null, committeeName: null } }).meeting;
  t.same(notStated, { matched: 0, predicted: 2, expected: 0 }, 'a date or committee the text does not state is a false finding');
  t.equal(precisionOf(addScores({ matched: 2, predicted: 2, expected: 2, correct: 1 }, { matched: 1, predicted: 2, expected: 1 })), 0.5, 'shared cues keep their own count of right predictions when summed');
});
