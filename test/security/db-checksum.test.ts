import t from 'tap';
import { build, committee, sqlRun } from '../helper.js';
import { changedTables, tableChecksums, type Checksums } from './db-checksum.js';

// The checksums hostile-input.test.ts judges "nothing written on rejection" by: on each engine they
// must see an insert, a changed column and a deleted row, and must not see a key's use being
// recorded (a read's side effect by design).

/** The tables that differ, less SQLite's own record of each table's last id. */
const changed = (a: Checksums, b: Checksums) => changedTables(a, b).filter((name) => name !== 'sqlite_sequence');

t.test('table checksums see every change to a row, and only the changes that count', async (t) => {
  const api = await build(t);
  const first = await committee(api, { name: 'Overview and Scrutiny Committee' });
  const before = await tableChecksums(api.app);
  t.same(await tableChecksums(api.app), before, 'the same rows give the same checksums');

  const second = await committee(api, { name: 'Audit Committee' });
  const inserted = await tableChecksums(api.app);
  t.same(changed(before, inserted), ['audit_events', 'committees'], 'an insert (and its audit event) is seen');

  await sqlRun(api.app, 'UPDATE committees SET name = ? WHERE id = ?', 'Audit and Governance Committee', second);
  const renamed = await tableChecksums(api.app);
  t.same(changed(inserted, renamed), ['committees'], 'a changed column is seen');

  await sqlRun(api.app, 'UPDATE committees SET name = ? WHERE id = ?', 'Audit Committee', second);
  t.same(changed(inserted, await tableChecksums(api.app)), [], 'and the change undone gives the checksum back');

  await sqlRun(api.app, 'UPDATE api_keys SET last_used_at = ?', '2030-01-01T00:00:00.000Z');
  t.same(changed(inserted, await tableChecksums(api.app)), [], 'a key\'s last use is not a change');

  await sqlRun(api.app, 'DELETE FROM committees WHERE id = ?', first);
  t.same(changed(inserted, await tableChecksums(api.app)), ['committees'], 'a deleted row is seen');
});
