import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { databaseBefore } from './migrated-before.js';
import { defaultReferencePrefix } from '../../src/domain/reference.js';
import { build } from '../helper.js';

// Migration 0010 gives every committee its default prefix and every existing action a reference,
// numbered per committee and municipal year in the order of the meetings they were raised at,
// and sets the counters new references continue from. Here on a database made by migrations
// 0000–0009 and filled as the API of that time would have left it.

const NAMES = [
  'Children, Young People and Families Scrutiny Committee',
  'Economy Scrutiny Committee',
  'Cabinet',
  "Children's Services Sub-Committee",
  'Children’s Services Sub-Committee',
  'Health and Adult Social Care Scrutiny Committee',
  'Overview and Scrutiny Management Board',
  'Environment & Regeneration Scrutiny Panel',
  'Policy and Performance Board',
  'Scrutiny Committee for the Economy and Jobs',
  'The Committee',
  '  council  ',
  '—',
];

t.test('existing committees get prefixes and existing actions references; new ones carry on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'references-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = databaseBefore(dir, 10);

  const old = new Database(path);
  const committee = old.prepare("INSERT INTO committees (name, slug, kind) VALUES (?, ?, 'scrutiny')");
  NAMES.forEach((name, i) => committee.run(name, `c${i}`));
  const meeting = old.prepare("INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (?, ?, ?, ?, '2024-01-01')");
  const m = {
    july: meeting.run(1, '2024-07-15T18:30:00+01:00', '2024-07-15T17:30:00.000Z', '2024-07-15').lastInsertRowid,
    // Local 1 May 00:30 (BST) is 30 April in UTC: the local date decides.
    mayLocal: meeting.run(1, '2025-05-01T00:30:00+01:00', '2025-04-30T23:30:00.000Z', '2025-05-01').lastInsertRowid,
    lastApril: meeting.run(1, '2025-04-30T18:30:00+01:00', '2025-04-30T17:30:00.000Z', '2025-04-30').lastInsertRowid,
    september: meeting.run(1, '2024-09-02T18:30:00+01:00', '2024-09-02T17:30:00.000Z', '2024-09-02').lastInsertRowid,
    economy: meeting.run(2, '2024-07-16T18:30:00+01:00', '2024-07-16T17:30:00.000Z', '2024-07-16').lastInsertRowid,
  };
  const action = old.prepare("INSERT INTO actions (committee_id, meeting_id, kind, title, due_rule, status, visibility) VALUES (?, ?, 'task', ?, 'none', 'open', 'public')");
  // Inserted out of meeting order: references follow the meetings, then the ids.
  const ids = {
    april: action.run(1, m.lastApril, 'April').lastInsertRowid,
    september: action.run(1, m.september, 'September').lastInsertRowid,
    may: action.run(1, m.mayLocal, 'May').lastInsertRowid,
    july1: action.run(1, m.july, 'July 1').lastInsertRowid,
    economy: action.run(2, m.economy, 'Economy').lastInsertRowid,
    july2: action.run(1, m.july, 'July 2').lastInsertRowid,
  };
  old.close();

  const db = openDatabase({ path });
  const prefixes = db.$client.prepare('SELECT name, reference_prefix AS prefix FROM committees ORDER BY id').all() as { name: string; prefix: string }[];
  t.same(prefixes.map((c) => c.prefix), NAMES.map(defaultReferencePrefix), 'the SQL rule gives what domain/reference.ts gives');
  t.same(prefixes.slice(0, 3).map((c) => c.prefix), ['CYPF', 'ESC', 'CAB']);
  const reference = db.$client.prepare('SELECT reference FROM actions WHERE id = ?').pluck();
  t.same(
    Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, reference.get(id)])),
    {
      july1: 'CYPF (24/25) 01',
      july2: 'CYPF (24/25) 02',
      september: 'CYPF (24/25) 03',
      april: 'CYPF (24/25) 04',
      may: 'CYPF (25/26) 01',
      economy: 'ESC (24/25) 01',
    },
  );
  t.same(
    db.$client.prepare('SELECT committee_id AS committeeId, municipal_year AS year, last_number AS last FROM reference_counters ORDER BY 1, 2').all(),
    [{ committeeId: 1, year: '24/25', last: 4 }, { committeeId: 1, year: '25/26', last: 1 }, { committeeId: 2, year: '24/25', last: 1 }],
  );
  db.$client.close();

  // The API carries on from there.
  const api = await build(t, { databasePath: path });
  const created = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: Number(m.september), kind: 'task', title: 'After the migration' } });
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.json().reference, 'CYPF (24/25) 05');
  const found = await api.request({ method: 'GET', url: `/v1/actions?reference=${encodeURIComponent('CYPF (24/25) 03')}` });
  t.same(found.json().data.map((a: { id: number }) => a.id), [Number(ids.september)]);
  t.equal((await api.request({ method: 'GET', url: '/v1/committees/1' })).json().referencePrefix, 'CYPF');
});
