import t from 'tap';
import fc from 'fast-check';
import { MINUTES_TEXT_MAX_CHARS, parseMinutes, type MinutesDraft } from '../../src/import/index.js';

/** Every index in a draft points at something that exists; returns what does not. */
function inconsistencies(draft: MinutesDraft): string[] {
  const n = draft.items.length;
  const problems: string[] = [];
  if (!draft.resolutions.every((r) => r.itemIndex >= 0 && r.itemIndex < n)) problems.push('resolution item missing');
  const actionsOk = draft.actions.every(
    (a) => a.itemIndex >= 0 && a.itemIndex < n && (a.resolutionIndex === null || draft.resolutions[a.resolutionIndex]?.itemIndex === a.itemIndex),
  );
  if (!actionsOk) problems.push('action item or resolution missing');
  if (!draft.declarations.every((d) => d.itemIndex === null || (d.itemIndex >= 0 && d.itemIndex < n))) problems.push('declaration item missing');
  if (!draft.items.every((item, i) => item.position === i + 1)) problems.push('positions do not run 1..n');
  return problems;
}

const MODERNGOV = [
  'Agenda and minutes',
  '',
  'Scrutiny Board - Monday, 15th July, 2024 6.30 p.m.',
  '',
  'Venue: Civic Suite, Town Hall',
  '',
  '1.',
  '',
  'Performance Report pdf icon PDF 226 KB',
  '',
  'Minutes:',
  '',
  'The Board received the report. Members requested more information on staff turnover.',
  'The figures requested at the last meeting had been circulated to Members.',
  '',
  'RESOLVED: That (1) the report be noted; and (2) an update be provided at the next meeting.',
].join('\n');

t.test('a Modern.gov page end to end', async (t) => {
  const draft = parseMinutes(MODERNGOV);
  t.equal(draft.layout, 'moderngov');
  t.same(draft.meeting, { committeeName: 'Scrutiny Board', date: '2024-07-15', time: '18:30', startsAt: '2024-07-15T18:30:00+01:00', venue: 'Civic Suite, Town Hall' });
  t.same(draft.items.map((i) => [i.number, i.title, i.visibility]), [['1', 'Performance Report', 'public']]);
  t.same(draft.resolutions.map((r) => [r.number, r.kind]), [['1', 'noted'], ['2', 'request']]);
  t.same(draft.actions.map((a) => [a.kind, a.resolutionIndex, a.dueHint]), [['information', null, null], ['update', 1, { rule: 'next_meeting' }]]);
  t.same(draft.progress.map((p) => p.sourceSentence), ['The figures requested at the last meeting had been circulated to Members.']);
  t.same(draft.warnings, []);
  t.same(inconsistencies(draft), []);
});

t.test('the time zone option moves startsAt, not the local date and time', async (t) => {
  const draft = parseMinutes(MODERNGOV, { timeZone: 'America/New_York' });
  t.same([draft.meeting.date, draft.meeting.time, draft.meeting.startsAt], ['2024-07-15', '18:30', '2024-07-15T18:30:00-04:00']);
});

t.test('empty, blank and non-string input', async (t) => {
  for (const input of ['', '   \n\t\r\n', '\u00A0\u200B']) {
    const draft = parseMinutes(input);
    t.equal(draft.layout, 'empty');
    t.equal(draft.items.length, 0);
    t.match(draft.warnings.join(' '), /empty/);
  }
  for (const input of [null, undefined, 42, { text: 'x' }]) {
    const draft = parseMinutes(input as unknown as string);
    t.equal(draft.items.length, 0, String(input));
  }
});

t.test('binary garbage is refused with a reason', async (t) => {
  let seed = 7;
  const bytes = Array.from({ length: 200_000 }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256);
  const draft = parseMinutes(Buffer.from(bytes).toString('latin1'));
  t.equal(draft.items.length, 0);
  t.match(draft.warnings.join(' '), /does not look like minutes/);
});

t.test('a 5 MB paste is read up to the limit and says so', async (t) => {
  let big = '';
  while (big.length < 5_000_000) big += MODERNGOV + '\n\n';
  const draft = parseMinutes(big);
  t.match(draft.warnings.join(' '), new RegExp(`only the first ${MINUTES_TEXT_MAX_CHARS}`));
  t.ok(draft.items.length >= 1);
  t.same(inconsistencies(draft), []);
  const oneLine = parseMinutes('RESOLVED that (1) x '.repeat(300_000));
  t.ok(Array.isArray(oneLine.resolutions));
});

t.test('a fragment without a header', async (t) => {
  const draft = parseMinutes('Officers would circulate the evaluation of the pilot. The Chair thanked everyone.');
  t.equal(draft.layout, 'fragment');
  t.same(draft.items.map((i) => [i.number, i.title]), [[null, '']]);
  t.equal(draft.actions.length, 1);
  t.equal(draft.actions[0]?.owner, 'Officers');
  t.match(draft.warnings.join(' '), /No meeting header/);
  t.match(draft.warnings.join(' '), /single untitled item/);
});

t.test('truncated text', async (t) => {
  const cut = parseMinutes(MODERNGOV.replace('Members requested more information on staff turnover.', 'Members discussed turnover ... view the full minutes text for item 1.'));
  t.match(cut.warnings.join(' '), /item 1 are cut short/);
  const midSentence = parseMinutes('20 APOLOGIES FOR ABSENCE\nNone.\n21 BUDGET\nThe Committee considered the budget and Members asked that the figures for');
  t.match(midSentence.warnings.join(' '), /stop mid-sentence/);
  t.equal(midSentence.items.length, 2);
});

t.test('a committee report is not minutes', async (t) => {
  const draft = parseMinutes('REPORT TO: Scrutiny Board\nDATE: 11 September 2023\nREPORTING OFFICER: Director\n1.0 PURPOSE OF THE REPORT\nTo update.\n2.0 RECOMMENDATION: That\n(1) Members receive the update.');
  t.equal(draft.layout, 'report');
  t.same([draft.items.length, draft.resolutions.length, draft.actions.length], [0, 0, 0]);
  t.equal(draft.meeting.date, '2023-09-11');
  t.match(draft.warnings.join(' '), /committee report/);
});

t.test('never throws, and every draft is consistent (property)', async (t) => {
  const minutesWords = fc.constantFrom(
    'RESOLVED: That', '(1)', '(a)', '1.', 'Minutes:', '20 APOLOGIES', 'Members requested', 'would be circulated', 'had been sent',
    '\n', '\n\n', ' – ', 'pdf icon PDF 3 KB', '| 1. |', 'Councillor Smith declared an interest in item 3', 'Present:', 'Q3', '...',
    'view the full minutes text for item 2.', 'the press and public be excluded for the following item', '8 January 2024', '6.30 p.m.',
  );
  const text = fc.oneof(fc.string({ maxLength: 400 }), fc.array(minutesWords, { maxLength: 60 }).map((w) => w.join(' ')), fc.string({ unit: 'binary', maxLength: 200 }));
  fc.assert(
    fc.property(text, (input) => {
      const draft = parseMinutes(input);
      return Array.isArray(draft.warnings) && inconsistencies(draft).length === 0;
    }),
    { numRuns: 400, seed: 20240715 },
  );
  t.pass('no input threw');
});

t.test('an issue page without "Minutes:": the title over the "Meeting:" line is the item, numbered from that line', async (t) => {
  const draft = parseMinutes('Task and Finish Panel Updates\n\nMeeting: 09/03/2022 - Audit and Governance Committee (Item 58)\n\nThe Committee received updates from its panels.\n\nParking Panel – the Panel met on 2 February.');
  t.same(draft.items.map((i) => [i.number, i.title]), [['58', 'Task and Finish Panel Updates']]);
  t.equal(draft.meeting.committeeName, 'Audit and Governance Committee');
  t.equal(draft.meeting.date, '2022-03-09');
  t.same(parseMinutes('Members discussed the parks.\n\nMeeting: held later.\n\nNoted.').items.map((i) => i.number), [null], 'a sentence above is not a title');
});

t.test('an unmarked decision list: limbs that note a statement are what the meeting was told, and their follow-ups are still read', async (t) => {
  const text = [
    'Decision Maker: Licensing Committee',
    '',
    'A report on the taxi licensing review was before the Committee.',
    '',
    '1.   Noted the contents of the report,',
    '',
    '2.   Noted that the revised fee schedule will be brought to the Licensing Committee in March 2025 together with the consultation responses. A summary of the responses will also be published on the website,',
    '',
    '3.   Noted that the review had found no breach of the conditions and agreed that the Licensing Manager would write to the operators concerned, and',
    '',
    '4.   Noted that the trade had been consulted in the summer.',
  ].join('\n');
  const draft = parseMinutes(text);
  t.same(draft.resolutions.map((r) => r.text.slice(0, 32)), ['Noted the contents of the report', 'Noted that the review had found '], 'the decisions: a thing noted, a thing agreed');
  t.same(
    draft.actions.map((a) => a.sourceSentence.slice(0, 32)).sort(),
    ['Noted that the review had found ', 'Noted that the revised fee sched'],
    'the report to come back is one follow-up; the letter agreed is another; what was done is none',
  );
});

t.test('an excerpt that stops in the middle of its last resolution: that resolution is left out, with a warning', async (t) => {
  const lines = [
    'The Chair introduced the annual report of the scrutiny committees.',
    '',
    'It was moved by Councillor Amis, seconded by Councillor Lowe, and',
    '',
    '1)    The annual report be received ahead of its submission to Council',
    '',
    '2)    Authority be delegated to the Chair to make minor amendments',
  ];
  t.same(parseMinutes(lines.join('\n')).resolutions.length, 2, 'complete, though neither limb has a stop');
  const cut = parseMinutes([...lines.slice(0, -1), '2)    Authority be delegated to'].join('\n'));
  t.same(cut.resolutions.map((r) => r.text), ['The annual report be received ahead of its submission to Council']);
  t.ok(cut.warnings.some((w) => w.includes('stops in the middle of a resolution')));
  t.same(parseMinutes([...lines.slice(0, -1), '2)    Authority be delegated to', '', '3)    The work programme be noted.'].join('\n')).resolutions.length, 3, 'only the last line of the text can be cut off');
});

t.test('a printed one-line header over minutes with no item headings gives the committee and the date', async (t) => {
  const body = ['', 'Present: Councillors Rahman (Chair), Lowe and Patel.', '', 'The Director of Public Health presented the annual report. Members requested a copy of the action plan.', '', 'RESOLVED – That the report be noted.'];
  const draft = parseMinutes(['Minutes of a meeting of the Health Scrutiny Sub-Committee held on Wednesday 8 November 2023 at 2.00 pm in Committee Room 2', ...body].join('\n'));
  t.same([draft.meeting.committeeName, draft.meeting.date, draft.meeting.time], ['Health Scrutiny Sub-Committee', '2023-11-08', '14:00']);
  t.equal(draft.actions.length, 1);
  const statement = parseMinutes(['The minutes of the meeting held on 3 May 2023 were agreed as a correct record.', ...body].join('\n'));
  t.same([statement.meeting.committeeName, statement.meeting.date], [null, null], 'a statement about the last minutes is not a header');
});
