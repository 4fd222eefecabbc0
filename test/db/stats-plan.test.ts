import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { runSqlite } from '../../src/db/sqlite/run.js';
import type { Program } from '../../src/db/program.js';
import { compiledOn, planOf } from './plans.js';

// GET /v1/stats counts a committee's actions raised in a period: the plan must find the
// meetings by the (committee_id, status, local_date) index and read their actions from
// actions_meeting_stats_idx alone (it covers every column the statistics read, the count of
// flags too: migration 0019) — never the actions table, nor the flags — and group them in the
// order that index gives them, without a sort. The SQL is caught as the repository prepares it.

// eslint-disable-next-line require-yield -- a stand-in for a repository's program: no database work
function* answer<T>(value: T): Program<T> {
  return value;
}

t.test('the stats queries search indexes, never scan actions', async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.teardown(() => db.$client.close());
  const compiled = compiledOn(db.$client);
  const { createStatsRepository } = await import('../../src/modules/stats/repository.js');
  const { HolidayCalendar } = await import('../../src/domain/calendar.js');
  db.$client.exec(`INSERT INTO committees (name, slug, kind) VALUES ('Scrutiny', 'scrutiny', 'scrutiny')`);
  const stats = createStatsRepository(db, {
    committees: { get: () => answer({ id: 1, name: 'Scrutiny' } as never), todayFor: () => answer('2024-09-10') },
    holidays: { calendar: () => answer(HolidayCalendar.englandAndWales()) },
  });
  runSqlite(db, stats.stats({ name: 't', visibilities: ['public'] }, { committeeId: 1, from: '2024-07-01', to: '2024-07-31' }));
  const queries = compiled.filter((s) => s.includes('"raised_at"'));
  t.equal(queries.length, 1, 'one query: the counts and the response days of each meeting and owner');
  for (const source of queries) {
    const plan = planOf(db.$client, source);
    t.match(plan, /SEARCH raised_at USING (COVERING )?INDEX meetings_committee_local_date_idx \(committee_id=\? AND status=\? AND local_date>\? AND local_date<\?\)/, 'raised meetings by index');
    t.match(plan, /SEARCH actions USING COVERING INDEX actions_meeting_stats_idx \(meeting_id=\?\)/, 'their actions from the index alone');
    t.notMatch(source, /overdue_flags|"people"/, 'no flags or people read per action');
    t.notMatch(plan, /SCAN (actions|overdue_flags|raised_at|due_meeting)/, plan);
    // Counted meeting by meeting and owner by owner as the index gives them, without sorting them first.
    t.notMatch(plan, /TEMP B-TREE/, plan);
  }
});
