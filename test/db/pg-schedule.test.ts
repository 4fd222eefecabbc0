import t from 'tap';
import { defaultConfig } from '../../src/config.js';
import { openEngine } from '../../src/db/engine.js';
import { scriptActor } from '../../src/domain/actor.js';
import { createServices } from '../../src/services.js';
import { emptyDatabase, skipWithoutPostgres } from '../pg.js';

// Holidays, meetings, committees, items and resolutions as programs (docs/postgres-plan.md §9) on
// the real server: the schedule chain (a holiday or committee change recomputing despatch days in
// its own transaction, under the calendar and committee locks of §3.5) and each module's writes.

const skip = await skipWithoutPostgres();
const admin = { ...scriptActor('test'), admin: true };

t.test('the schedule modules write and read through the PostgreSQL engine', { skip }, async (t) => {
  const { url } = await emptyDatabase(t);
  const engine = await openEngine({ ...defaultConfig, databaseUrl: url });
  t.teardown(() => engine.close());
  const s = createServices(engine);

  const committee = await s.committees.create(admin, { name: 'Housing Scrutiny', kind: 'scrutiny' });
  t.equal(committee.slug, 'housing-scrutiny');
  t.equal((await s.committees.list(admin, {})).data.length, 1);
  t.equal(await s.committees.todayFor(committee.id), (await s.committees.todayByCommittee()).get(committee.id));
  t.equal(await s.committees.ownerOf('committee', committee.id), committee.id);
  t.same(await s.committees.idsOfAuthority('nowhere'), []);

  // Friday 9 January 2026, five clear working days: 8, 7, 6, 5 and 2 January (New Year's Day a holiday).
  const meeting = await s.meetings.create(admin, committee.id, { startsAt: '2026-01-09T18:30:00Z' });
  t.equal(meeting.agendaDespatchBy, '2025-12-31');
  await s.holidays.put(admin, '2026-01-05', 'Council closure');
  t.equal((await s.meetings.get(meeting.id)).agendaDespatchBy, '2025-12-30', 'a closure day moves the despatch date');
  t.ok((await s.holidays.list('2026-01-05', '2026-01-05')).some((h) => h.source === 'council'));
  t.equal(await s.holidays.remove(admin, '2026-01-05'), true);
  t.equal((await s.meetings.get(meeting.id)).agendaDespatchBy, '2025-12-31', 'and back when it goes');
  await s.committees.update(admin, committee.id, { despatchClearDays: 3 }, () => undefined);
  t.equal((await s.meetings.get(meeting.id)).agendaDespatchBy, '2026-01-05', 'clear days recompute the committee\'s meetings');

  const item = await s.items.create(admin, meeting.id, { title: 'Damp and mould' });
  const second = await s.items.create(admin, meeting.id, { title: 'Allocations' });
  t.same([item.position, second.position], [1, 2], 'positions follow max(position)');
  const person = await s.people.create(admin, { name: 'Cllr Ada', kind: 'councillor' });
  const declared = await s.items.declare(admin, item.id, { personId: person.id, kind: 'personal', detail: 'Tenant' } as never);
  t.equal(declared.person.name, 'Cllr Ada');
  const resolution = await s.resolutions.create(admin, item.id, { text: 'Noted', kind: 'noted' } as never);
  t.equal((await s.resolutions.list(admin, item.id, {})).data[0]!.id, resolution.id);
  await s.resolutions.remove(admin, resolution.id, () => undefined);

  t.same((await s.meetings.putAttendance(admin, meeting.id, [{ personId: person.id, status: 'present' }])).map((a) => a.personId), [person.id]);
  t.equal((await s.committees.putMember(admin, committee.id, person.id, { role: 'chair' })).created, true);
  t.equal((await s.committees.members(committee.id)).length, 1);
  await s.committees.removeMember(admin, committee.id, person.id);
  await t.rejects(Promise.resolve().then(() => s.meetings.remove(admin, meeting.id, () => undefined)), /agenda items/, 'a meeting with items is refused (counted references)');
  await s.items.remove(admin, second.id, () => undefined);
});
