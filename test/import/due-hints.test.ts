import t from 'tap';
import { DateTime } from 'luxon';
import { dueHintFor, financialQuarterOf, quarterEnd, quarterLabel } from '../../src/import/due-hints.js';

t.test('financial quarters: Q1 is April to June', async (t) => {
  t.same(financialQuarterOf(DateTime.fromISO('2024-07-15')), { startYear: 2024, quarter: 2 });
  t.same(financialQuarterOf(DateTime.fromISO('2024-01-08')), { startYear: 2023, quarter: 4 });
  t.same(financialQuarterOf(DateTime.fromISO('2024-04-01')), { startYear: 2024, quarter: 1 });
  t.equal(quarterLabel(1999, 3), '1999-00 Q3');
  t.equal(quarterEnd('2023-24 Q3'), '2023-12-31');
  t.equal(quarterEnd('2023-24 Q4'), '2024-03-31');
});

t.test('hints from the words of the sentence', async (t) => {
  t.same(dueHintFor('Officers would report back to the next meeting.', '2024-07-15'), { rule: 'next_meeting' });
  t.same(dueHintFor('Additional data would be available in Q3.', '2024-07-15'), { rule: 'quarter', quarter: '2024-25 Q3' });
  t.same(dueHintFor('Results would be available in quarter 1.', '2024-01-23'), { rule: 'quarter', quarter: '2024-25 Q1' }, 'an earlier quarter is next year');
  t.same(dueHintFor('First results would be available in quarter 4.', '2024-01-23'), { rule: 'quarter', quarter: '2023-24 Q4' });
  t.same(dueHintFor('An update by Q2 2025/26 was requested.', null), { rule: 'quarter', quarter: '2025-26 Q2' });
  t.same(dueHintFor('A report be submitted by 31 March 2025.', '2024-09-19'), { rule: 'date', date: '2025-03-31' });
  t.same(dueHintFor('A report be brought in December 2024.', '2024-06-04'), { rule: 'date', date: '2024-12-31' });
  t.same(dueHintFor('A report back in six months.', '2024-06-04'), { rule: 'date', date: '2024-12-04' });
  t.equal(dueHintFor('An update on the guidance issued in November 2023.', '2024-01-08'), null, 'a past date dates the topic');
  t.equal(dueHintFor('Data would be available in Q3.', null), null, 'no year to give the quarter');
  t.equal(dueHintFor('A briefing note would be circulated.', '2024-07-15'), null);
});

t.test('words after the cue come first', async (t) => {
  const s = 'A programme had been launched in October, and the first results would be available in quarter 4.';
  t.same(dueHintFor(s, '2024-01-23', s.indexOf('would')), { rule: 'quarter', quarter: '2023-24 Q4' });
});

t.test("a named month's meeting and numeric dates", async (t) => {
  t.same(dueHintFor('The Commissioner would provide an update at its June meeting.', '2024-03-07'), { rule: 'date', date: '2024-06-30' });
  t.same(dueHintFor("A further update be brought to the Board's July meeting.", '2022-03-02'), { rule: 'date', date: '2022-07-31' });
  t.same(dueHintFor('An item be added to the February meeting.', '2023-11-22'), { rule: 'date', date: '2024-02-29' }, 'the next February');
  t.same(dueHintFor('Figures to be circulated by 31/03/2025.', '2024-09-19'), { rule: 'date', date: '2025-03-31' });
  t.equal(dueHintFor('The scheme began on 02/03/2023.', '2023-10-03'), null, 'a past date');
});
