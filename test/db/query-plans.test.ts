import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { parseSort } from '../../src/db/keyset.js';
import { reportableRows } from '../../src/jobs/overdue-report.js';
import { listActionsStatements } from '../../src/modules/actions/list-query.js';
import { runSqlite } from '../../src/db/sqlite/run.js';
import { scheduleFrom } from '../../src/modules/actions/write-checks.js';
import type { ListActionsQuery } from '../../src/modules/actions/schemas.js';
import { compiledOn, planOf } from './plans.js';

// The overdue report reads each committee's reportable actions by index, never by walking every
// action of the committee: each half of its UNION ALL is a range of one index (migrations 0005
// and 0007). SQLite only uses a partial index when the query implies the index's WHERE, which a
// change to either could quietly break: the plan is checked here.

t.test('each half of the report query searches its own index', async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  const query = reportableRows(db, ['public', 'exempt']).getQuery();
  const plan = planOf(db.$client, query.sql);
  t.match(plan, /SEARCH actions USING (COVERING )?INDEX actions_report_idx \(committee_id=\?/, 'actions being worked');
  t.match(plan, /SEARCH actions USING (COVERING )?INDEX actions_committee_response_idx \(committee_id=\? AND executive_response=\?/, 'late executive responses');
  t.notMatch(plan, /SCAN actions/);
});

t.test('?reference= searches the unique (reference, committee_id) index, with or without a committee', async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  // The list's statements are prepared inside listActionsStatements: the SQL is caught as the
  // connection compiles it.
  const compiled = compiledOn(db.$client);
  const statements = listActionsStatements(db);
  const sort = parseSort(undefined);
  const queries: ListActionsQuery[] = [
    { reference: 'CYPF (24/25) 01' },
    { reference: 'CYPF (24/25) 01', committeeId: 1 },
    { reference: 'CYPF (24/25) 01', committeeId: 1, status: 'open,in_progress' },
  ];
  for (const query of queries) {
    for (const keysOnly of [false, true]) {
      compiled.length = 0;
      if (keysOnly) runSqlite(db, statements.keys({ visibilities: ['public'] }, query, sort, '2024-08-23', 51));
      else runSqlite(db, statements.rows({ visibilities: ['public'] }, query, sort, '2024-08-23', 51));
      const source = compiled.find((s) => s.includes('"reference" = ?'));
      t.ok(source, `${JSON.stringify(query)}: compiled`);
      const plan = planOf(db.$client, source!);
      t.match(plan, /SEARCH actions USING (COVERING )?INDEX actions_reference_committee_unique \(reference=\?/, `${JSON.stringify(query)}${keysOnly ? ', keys' : ''}`);
      t.notMatch(plan, /SCAN actions/);
    }
  }
});

t.test("a create's schedule read (from the raising meeting's id) searches the committee's meetings by index", async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  const compiled = compiledOn(db.$client);
  runSqlite(db, scheduleFrom(db, 1));
  const source = compiled.find((s) => s.includes('"raised_at"'));
  t.ok(source, 'compiled');
  const plan = planOf(db.$client, source!);
  t.match(plan, /SEARCH raised_at USING INTEGER PRIMARY KEY \(rowid=\?\)/, 'the raising meeting by id');
  t.match(plan, /SEARCH meetings USING INDEX meetings_committee_starts_idx \(committee_id=\? AND starts_at_utc>\?\)/, "its committee's meetings from its day, by index");
  t.notMatch(plan, /SCAN/);
});
