import t from 'tap';
import { openDatabase } from '../../src/db/client.js';
import { reportableRows } from '../../src/jobs/overdue-report.js';

// The overdue report reads each committee's reportable actions by index, never by walking every
// action of the committee: each half of its UNION ALL is a range of one index (migrations 0005
// and 0007). SQLite only uses a partial index when the query implies the index's WHERE, which a
// change to either could quietly break: the plan is checked here.

t.test('each half of the report query searches its own index', async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  const query = reportableRows(db, ['public', 'exempt']).getQuery();
  const plan = db.$client
    .prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
    .all(...query.params.map(() => 1))
    .map((row) => (row as { detail: string }).detail)
    .join('\n');
  t.match(plan, /SEARCH actions USING (COVERING )?INDEX actions_report_idx \(committee_id=\?/, 'actions being worked');
  t.match(plan, /SEARCH actions USING (COVERING )?INDEX actions_committee_response_idx \(committee_id=\? AND executive_response=\?/, 'late executive responses');
  t.notMatch(plan, /SCAN actions/);
});
