import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { actionLogSources, sourcesByIds, trackerSources } from '../../src/modules/tracker/query.js';
import { planOf } from './plans.js';

// The agenda-pack documents read one committee's (or one meeting's) actions by index, never by
// walking the table: at a million actions the tracker is one committee's range, its joins are by
// primary key and its lookups (flags, the latest update) by their indexes.

t.test('the tracker reads one committee by index, joins by key and looks up flags and updates by index', async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  for (const status of ['open', 'all'] as const) {
    const plan = planOf(db.$client, trackerSources(db, ['public'], status).getQuery().sql);
    t.match(plan, /SEARCH actions USING (COVERING )?INDEX actions_(committee_status|report)_idx \(committee_id=\?/, `${status}: the committee's range`);
    t.match(plan, /SEARCH raised_meeting USING INTEGER PRIMARY KEY/);
    t.match(plan, /SEARCH overdue_flags USING COVERING INDEX overdue_flags_action_meeting_unique \(action_id=\?\)/);
    t.match(plan, /SEARCH u USING (COVERING )?INDEX action_updates_action_idx \(action_id=\?\)/);
    t.notMatch(plan, /SCAN actions|SCAN u\b|SCAN overdue_flags/, `${status}: no table walked`);
  }
});

t.test("a report's rows and a meeting's action log are read by key and index", async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  t.match(planOf(db.$client, sourcesByIds(db, ['public']).getQuery().sql), /SEARCH actions USING INTEGER PRIMARY KEY \(rowid=\?\)/);
  const log = planOf(db.$client, actionLogSources(db, ['public']).getQuery().sql);
  t.match(log, /actions_due_meeting_idx \(due_meeting_id=\?\)/);
  t.notMatch(log, /SCAN actions/);
});
