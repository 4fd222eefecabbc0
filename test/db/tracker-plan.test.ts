import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { actionLogSources, sourcesByIds, trackerSources } from '../../src/modules/tracker/query.js';
import { planOf } from './plans.js';

// The agenda-pack documents read one committee's (or one meeting's) actions by index, never by
// walking the table: at a million actions the tracker is one committee's range, its joins are by
// primary key, its latest update is found from its index alone, and no flag is read (the count
// is kept on the action's row).

t.test('the tracker reads one committee by index, joins by key, finds the latest update by index and reads no flags', async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  for (const status of ['open', 'all'] as const) {
    const plan = planOf(db.$client, trackerSources(db, ['public'], status).getQuery().sql);
    t.match(plan, /SEARCH actions USING (COVERING )?INDEX actions_(committee_status|report)_idx \(committee_id=\?/, `${status}: the committee's range`);
    t.match(plan, /SEARCH raised_meeting USING INTEGER PRIMARY KEY/);
    t.match(plan, /SEARCH action_updates USING COVERING INDEX action_updates_action_idx \(action_id=\?\)/, `${status}: the newest update's id from the index`);
    t.match(plan, /SEARCH latest_update USING INTEGER PRIMARY KEY/, `${status}: the newest update by key`);
    t.notMatch(plan, /overdue_flags/, `${status}: no flag read`);
    t.notMatch(plan, /SCAN actions|SCAN action_updates|SCAN latest_update/, `${status}: no table walked`);
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
