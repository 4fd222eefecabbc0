import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/sqlite/client.js';
import { build, committee, meeting, sqliteOnly, sqlRows, sqlRun } from '../helper.js';
import { databaseBefore } from './migrated-before.js';

// Migration 0019 keeps each action's count of overdue flags on its row (times_flagged, read by
// GET /v1/stats): counted for the flags already there when it runs, then kept by triggers
// whoever adds, removes or moves a flag. Here on a database made by migrations 0000–0018 with
// flags in it, as a scan of that time would have left them; then on the engine under test (the
// suite runs this file on PostgreSQL too, whose triggers are migration 0004's). Every read of an
// action (GET, lists, documents, stats) reports the stored count; the stats tests compare the
// counts with each action's flags as the API lists them.

t.test('existing flags are counted; then every flag added, removed or moved is', { skip: sqliteOnly('a SQLite database made by its migrations 0000-0018') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'times-flagged-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = databaseBefore(dir, 19);

  const old = new Database(path);
  old.exec("INSERT INTO committees (name, slug, kind) VALUES ('Scrutiny', 'scrutiny', 'scrutiny')");
  const meeting = old.prepare("INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by) VALUES (1, ?, ?, ?, '2024-01-01')");
  const meetings = ['2024-07-15', '2024-08-19', '2024-09-16', '2024-10-14'].map((day) => Number(meeting.run(`${day}T18:30:00+01:00`, `${day}T17:30:00.000Z`, day).lastInsertRowid));
  const action = old.prepare("INSERT INTO actions (committee_id, meeting_id, kind, title, due_rule, status, visibility) VALUES (1, ?, 'task', ?, 'none', 'open', 'public')");
  const ids = ['none', 'once', 'thrice'].map((title) => Number(action.run(meetings[0], title).lastInsertRowid));
  const flag = old.prepare("INSERT INTO overdue_flags (action_id, meeting_id, flagged_on, reason) VALUES (?, ?, '2024-08-01', 'Overdue')");
  flag.run(ids[1], meetings[1]);
  for (const m of meetings.slice(1)) flag.run(ids[2], m);
  old.close();

  const db = openDatabase({ path });
  t.teardown(() => db.$client.close());
  const counts = () => db.$client.prepare('SELECT times_flagged FROM actions ORDER BY id').pluck().all();
  t.same(counts(), [0, 1, 3], 'counted when the migration ran');

  const added = Number(db.$client.prepare("INSERT INTO overdue_flags (action_id, meeting_id, flagged_on, reason) VALUES (?, ?, '2024-09-01', 'Overdue')").run(ids[0], meetings[2]).lastInsertRowid);
  t.same(counts(), [1, 1, 3], 'a flag added');
  db.$client.prepare('UPDATE overdue_flags SET action_id = ? WHERE id = ?').run(ids[1], added);
  t.same(counts(), [0, 2, 3], 'a flag moved to another action');
  db.$client.prepare('DELETE FROM overdue_flags WHERE action_id = ?').run(ids[2]);
  t.same(counts(), [0, 2, 0], 'flags removed');
});

t.test("the engine's triggers keep the count, and the API reads it: a flag added, moved, removed", async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const held = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  const later = await Promise.all(['2024-08-19', '2024-09-16'].map((day) => meeting(api, committeeId, { startsAt: `${day}T18:30:00+01:00` })));
  const ids: number[] = [];
  for (const title of ['Circulate the voids figures', 'Report on the damp survey']) {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: held, kind: 'task', title } });
    t.equal(res.statusCode, 201, res.body);
    ids.push(res.json().id);
  }
  const flag = (actionId: number, meetingId: number) =>
    sqlRun(api.app, "INSERT INTO overdue_flags (action_id, meeting_id, flagged_on, reason) VALUES (?, ?, '2024-08-01', 'Overdue')", actionId, meetingId);
  /** Each action's count as stored, and as GET /v1/actions/{id} reports it. */
  const counts = async () => {
    const stored = (await sqlRows<{ n: number }>(api.app, 'SELECT CAST(times_flagged AS integer) AS n FROM actions ORDER BY id')).map((r) => r.n);
    const read = [];
    for (const id of ids) read.push((await api.request({ method: 'GET', url: `/v1/actions/${id}` })).json().timesFlagged);
    t.same(read, stored, 'the API reports the stored count');
    return stored;
  };
  t.same(await counts(), [0, 0]);
  await flag(ids[0]!, later[0]!);
  await flag(ids[0]!, later[1]!);
  t.same(await counts(), [2, 0], 'flags added');
  await sqlRun(api.app, 'UPDATE overdue_flags SET action_id = ? WHERE action_id = ? AND meeting_id = ?', ids[1], ids[0], later[1]);
  t.same(await counts(), [1, 1], 'a flag moved to another action');
  await sqlRun(api.app, 'DELETE FROM overdue_flags WHERE action_id = ?', ids[0]);
  t.same(await counts(), [0, 1], 'a flag removed');
});
