import t from 'tap';
import { sqlRows, sqlRun } from '../../helper.js';
import { notificationFixture, runPass, scan } from './smtp.js';

// A pass over a large database reads a range of ids at a time and facts of 500 actions at a
// time (jobs/notify-candidates.ts): every action must be found whatever piece it falls in, the
// first and last of a range included. Jane's action is copied 700 times under ids spread past
// several ranges (4,000 ids each) and pieces, then all are flagged by a scan.

t.test('a pass names every flagged action, across many pieces of ids', async (t) => {
  const { api, people, actions } = await notificationFixture(t, undefined);
  const [source] = await sqlRows(api.app, 'SELECT * FROM actions WHERE id = ?', actions.transport.id);
  // Every column but the id, the reference and PostgreSQL's generated search_vector.
  const columns = Object.keys(source!).filter((c) => !['id', 'reference', 'search_vector'].includes(c));
  // The edges of the ranges among them: 4000 and 8000 end one, 4001 and 8001 begin the next.
  const ids = [...new Set([...Array.from({ length: 700 }, (_, i) => 3000 + i * 7), 4000, 4001, 8000, 8001])];
  // One statement: each id a row of a VALUES list (its column is column1 on both engines).
  await sqlRun(api.app, `INSERT INTO actions (id, reference, ${columns.join(', ')})
    SELECT v.column1, 'BULK/' || v.column1, ${columns.map((c) => `a.${c}`).join(', ')}
    FROM (VALUES ${ids.map((id) => `(${id})`).join(', ')}) AS v, actions a WHERE a.id = ?`, actions.transport.id);
  await runPass(api, { asOf: '2024-07-19' });

  await scan(api, '2024-08-05');
  const pass = await runPass(api, { asOf: '2024-08-05', dryRun: true });
  const jane = pass.emails.find((e) => e.personId === people.jane);
  t.ok(jane, 'Jane is told');
  t.same(jane!.kinds, ['overdue']);
  const expected = [actions.transport.id, actions.waiting.id, ...ids].sort((a, b) => a - b);
  t.same([...jane!.actionIds].sort((a, b) => a - b), expected, 'every flagged action named, once');
});
