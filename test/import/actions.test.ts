import t from 'tap';
import { discussionFollowUps, resolutionFollowUps } from '../../src/import/actions.js';
import { segmentSentences } from '../../src/import/sentences.js';

const followUps = (lines: string[], date: string | null = '2024-01-23') => discussionFollowUps(0, segmentSentences(lines), date);

t.test('progress is reported, not raised again', async (t) => {
  const r = followUps(['The briefing note had been circulated to Members. Officers would circulate the slides.']);
  t.same(r.progress.map((p) => p.sourceSentence), ['The briefing note had been circulated to Members.']);
  t.same(r.actions.map((a) => a.sourceSentence), ['Officers would circulate the slides.']);
});

t.test('a sentence that reports progress raises an action only for something further', async (t) => {
  t.equal(followUps(['The figures had been circulated and would be circulated again to Members.']).actions.length, 0);
  const r = followUps(['The note had been circulated and a further update would be provided to the Panel in March.']);
  t.equal(r.actions.length, 1);
  t.equal(r.progress.length, 1);
});

t.test('a bare request answered on the spot is not an action; one answered with a promise is', async (t) => {
  t.equal(followUps(['Members requested information on vacancies. The Service Manager confirmed that there were 14.']).actions.length, 0);
  t.equal(followUps(['Members requested information on vacancies.', '', 'The Service Manager confirmed that there were 14.']).actions.length, 1, 'an answer in another paragraph does not count');
  t.equal(followUps(['Members requested figures on uptake. The Director advised that these figures would be circulated to the Committee.']).actions.length, 2);
  t.equal(followUps(['Members requested clarification regarding the funding; the Finance Manager explained that the grant was ring-fenced.']).actions.length, 0);
});

t.test('"ACTION:" lines', async (t) => {
  const r = followUps(['Cllr Hussain asked for the figures by month.', 'ACTION: Chief Inspector Dunn to provide a monthly breakdown to the Sub-Committee.', 'Members requested sight of the needs assessment.', 'ACTION: J Saltmarsh']);
  t.same(r.actions.map((a) => [a.owner ?? null, a.kind]), [[null, 'information'], ['Chief Inspector Dunn', 'information'], ['J Saltmarsh', 'information']]);
});

t.test('actions carry kind, title, due hint and who asked', async (t) => {
  const [a] = followUps(['Councillor Oduya requested a breakdown of unmet hours by ward, to be provided before the next meeting.']).actions;
  t.same(a, {
    itemIndex: 0,
    resolutionIndex: null,
    kind: 'information',
    title: 'Breakdown of unmet hours by ward',
    detail: 'Councillor Oduya requested a breakdown of unmet hours by ward, to be provided before the next meeting.',
    sourceSentence: 'Councillor Oduya requested a breakdown of unmet hours by ward, to be provided before the next meeting.',
    dueHint: { rule: 'next_meeting' },
    requestedBy: 'Councillor Oduya',
  });
});

t.test('only requests, recommendations and referrals among resolutions become actions', async (t) => {
  const actions = resolutionFollowUps(
    [
      { index: 0, resolution: { itemIndex: 2, number: '1', text: 'The report be noted', kind: 'noted' } },
      { index: 1, resolution: { itemIndex: 2, number: '2', text: 'An update be provided in Q3', kind: 'request' } },
      { index: 2, resolution: { itemIndex: 2, number: '3', text: 'Cabinet be recommended to adopt the strategy', kind: 'recommendation' } },
    ],
    '2024-07-15',
  );
  t.same(actions.map((a) => [a.resolutionIndex, a.kind, a.dueHint]), [[1, 'update', { rule: 'quarter', quarter: '2024-25 Q3' }], [2, 'recommendation', null]]);
});

t.test('a recommendation is followed up when it says who it goes to', async (t) => {
  const texts = [
    'In respect of the petition scheme, the Committee recommends that any two members of the Panel may call a special meeting.',
    'The Committee recommends that the Cabinet Member for Housing reviews the allocation policy',
    'The Panel recommends to the Executive that parking charges be frozen for a further year',
    'The Leader be recommended to write to the Minister about rural bus funding',
    'The Committee recommends that officers publish the monitoring data every quarter',
    // Under "RESOLVED to recommend to Cabinet that:", the limb itself names no one: the opener did.
    'the Play Strategy be adopted',
  ];
  const actions = resolutionFollowUps(
    texts.map((text, index) => ({ index, resolution: { itemIndex: 0, number: String(index + 1), text, kind: 'recommendation' as const } })),
    '2024-07-15',
  );
  t.same(actions.map((a) => a.resolutionIndex), [1, 2, 3, 4, 5], 'a recommendation in its own words naming no one to act is the committee\'s view');
});

t.test('an action table row gives owner and due date', async (t) => {
  const [a] = followUps(['ACTION: Provide the number of households by ward – Owner: Director of Housing – Due: 15 December 2023'], '2023-11-22').actions;
  t.match(a, { kind: 'information', owner: 'Director of Housing', dueHint: { rule: 'date', date: '2023-12-15' } });
  const [b] = followUps(['ACTION: Share the audit results with the Committee – Owner: Director of Housing – Due: Next meeting'], '2023-11-22').actions;
  t.same(b?.dueHint, { rule: 'next_meeting' });
});

t.test('a progress sentence with a second reported clause raises that clause', async (t) => {
  const r = followUps(['The Head of Housing reported that the survey had been issued to 2,000 households in January and that results would be available in Q1 of 2022/23.'], '2022-03-02');
  t.equal(r.progress.length, 1);
  t.match(r.actions, [{ kind: 'information', dueHint: { rule: 'quarter', quarter: '2022-23 Q1' } }]);
});

t.test('a request for more answered from the papers is not an action', async (t) => {
  const r = followUps(['Cllr. Pryor asked for more information on the number of fixed penalty notices by ward. The CSM said the numbers were in Appendix 2 to the report and talked Members through them.']);
  t.same(r.actions, []);
});

t.test('a resolution with several decisions takes its kind from the clause with the request', async (t) => {
  const text = 'the work programme be agreed, and that the scrutiny officer arranges a site visit to the recycling facility';
  const [a] = resolutionFollowUps([{ index: 0, resolution: { itemIndex: 0, number: null, text, kind: 'request' } }], '2026-10-08');
  t.equal(a?.kind, 'task');
});

t.test('a pronoun carrying on the last follow-up says how it is done, not a second one', async (t) => {
  const r = followUps(['The Panel agreed that written answers should be provided to the questions not reached. These would be circulated to all Members.']);
  t.equal(r.actions.length, 1);
  t.match(r.actions[0]!.detail, /These would be circulated/);
  t.equal(followUps(['Officers would circulate the slides. Members discussed parking. These would be reviewed in May.']).actions.length, 1, 'only right after it');
});
