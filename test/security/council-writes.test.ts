import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { WEBHOOK_EVENTS } from '../../src/domain/webhooks.js';
import type { CouncilLimit } from '../../src/domain/council-limit.js';
import type { Scope } from '../../src/modules/api-keys/repository.js';
import { build, sqlRows, type TestApp } from '../helper.js';
import { receiver } from '../modules/webhooks/receiver.js';
import { isProblem, maskedProblem, MISSING_ID } from './probe.js';
import { seedBusiness, type Council } from './seed.js';

// Write paths of keys limited to a council (DESIGN.md "One deployment for many councils"): a
// write that names another council's committee, meeting, item, resolution or action answers
// exactly as one naming a record that does not exist, and changes nothing; a limited admin grants
// and manages only its own council's keys and webhooks; a limited webhook hears only its own.

const HALTON: Council = { authority: 'Halton Borough Council', tag: 'HALTON-h5w' };
const WARRINGTON: Council = { authority: 'Warrington Borough Council', tag: 'WARRINGTON-w8k' };

async function twoCouncils(t: Parameters<typeof build>[0]) {
  const api = await build(t);
  const halton = await seedBusiness(api, HALTON);
  const warrington = await seedBusiness(api, WARRINGTON);
  const key = async (name: string, scopes: Scope[], limit?: CouncilLimit) => (await api.app.services.apiKeys.create(scriptActor('test'), name, scopes, limit)).key;
  return { api, halton, warrington, key };
}

/** Every row of every table that records business, as text: to see that nothing changed. */
async function business(api: TestApp): Promise<string> {
  const tables = ['committees', 'meetings', 'agenda_items', 'resolutions', 'declarations', 'actions', 'action_updates', 'memberships', 'attendance', 'overdue_flags', 'response_links', 'action_subscribers', 'imports'];
  // Each row as text, sorted: either engine, and tables keyed by two columns have no one order.
  const contents = await Promise.all(tables.map(async (table) =>
    (await sqlRows(api.app, `SELECT * FROM ${table}`)).map((row) => JSON.stringify(row)).sort().join('\n')));
  return contents.join('\n\n');
}

t.test('writes naming another council\'s records answer as if they did not exist', async (t) => {
  const { api, halton, warrington, key } = await twoCouncils(t);
  // Every level, so that no refusal below is for exempt business.
  const clerk = await key('Halton clerk', ['write', 'read:confidential'], { authority: HALTON.authority });
  const before = await business(api);
  const same = async (name: string, send: (id: number) => Promise<LightMyRequestResponse>, theirs: number) => {
    const hidden = await send(theirs);
    const missing = await send(MISSING_ID);
    t.equal(hidden.statusCode, missing.statusCode, `${name}: same status as a missing id (${hidden.statusCode})`);
    t.ok(hidden.statusCode >= 400 && isProblem(hidden), `${name}: refused with problem+json`);
    t.same(maskedProblem(hidden, theirs), maskedProblem(missing, MISSING_ID), `${name}: same problem as a missing id`);
    t.notOk(hidden.body.includes(WARRINGTON.tag), `${name}: nothing of the other council`);
  };
  const req = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown> | unknown[]) =>
    api.request({ method, url, as: clerk, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const w = warrington;
  const cases: [string, (id: number) => Promise<LightMyRequestResponse>, number][] = [
    ['PATCH committee', (id) => req('PATCH', `/v1/committees/${id}`, { contactName: 'x' }), w.committeeId],
    ['DELETE committee', (id) => req('DELETE', `/v1/committees/${id}`), w.committeeId],
    ['PUT member', (id) => req('PUT', `/v1/committees/${id}/members/${halton.personId}`, { role: 'member' }), w.committeeId],
    ['DELETE member', (id) => req('DELETE', `/v1/committees/${id}/members/${w.personId}`), w.committeeId],
    ['POST meeting', (id) => req('POST', `/v1/committees/${id}/meetings`, { startsAt: '2024-11-18T18:30:00Z' }), w.committeeId],
    ['PATCH meeting', (id) => req('PATCH', `/v1/meetings/${id}`, { venue: 'x' }), w.meetings.next],
    ['DELETE meeting', (id) => req('DELETE', `/v1/meetings/${id}`), w.meetings.later],
    ['PUT attendance', (id) => req('PUT', `/v1/meetings/${id}/attendance`, [{ personId: halton.personId, status: 'present' }]), w.meetings.raisedAt],
    ['POST item', (id) => req('POST', `/v1/meetings/${id}/items`, { title: 'x' }), w.meetings.raisedAt],
    ['PATCH item', (id) => req('PATCH', `/v1/items/${id}`, { title: 'x' }), w.ids.item.public],
    ['DELETE item', (id) => req('DELETE', `/v1/items/${id}`), w.ids.item.public],
    ['POST resolution', (id) => req('POST', `/v1/items/${id}/resolutions`, { text: 'x', kind: 'noted' }), w.ids.item.public],
    ['POST declaration', (id) => req('POST', `/v1/items/${id}/declarations`, { personId: halton.personId, kind: 'other_registrable' }), w.ids.item.public],
    ['PATCH resolution', (id) => req('PATCH', `/v1/resolutions/${id}`, { text: 'x' }), w.ids.resolution.public],
    ['DELETE resolution', (id) => req('DELETE', `/v1/resolutions/${id}`), w.ids.resolution.public],
    ['PATCH action', (id) => req('PATCH', `/v1/actions/${id}`, { status: 'withdrawn' }), w.actions.public.id],
    ['POST update', (id) => req('POST', `/v1/actions/${id}/updates`, { text: 'x' }), w.actions.public.id],
    ['POST response link', (id) => req('POST', `/v1/actions/${id}/response-links`, {}), w.actions.public.id],
    ['PUT subscriber', (id) => req('PUT', `/v1/actions/${id}/subscribers/${halton.personId}`), w.actions.public.id],
    ['POST action at their meeting', (id) => req('POST', '/v1/actions', { meetingId: id, kind: 'task', title: 'x' }), w.meetings.raisedAt],
    ['POST action on their item', (id) => req('POST', '/v1/actions', { meetingId: halton.meetings.raisedAt, itemId: id, kind: 'task', title: 'x' }), w.ids.item.public],
    ['POST action on their resolution', (id) => req('POST', '/v1/actions', { meetingId: halton.meetings.raisedAt, resolutionId: id, kind: 'task', title: 'x' }), w.ids.resolution.public],
    ['PATCH own action due at their meeting', (id) => req('PATCH', `/v1/actions/${halton.actions.public.id}`, { dueMeetingId: id }), w.meetings.next],
    ['PATCH own action onto their item', (id) => req('PATCH', `/v1/actions/${halton.actions.public.id}`, { itemId: id, resolutionId: null }), w.ids.item.public],
    ['import minutes into their committee', (id) => req('POST', '/v1/imports/minutes', { text: '1. Apologies\nNone.', committeeId: id, commit: true, startsAt: '2024-11-18T18:30:00Z' }), w.committeeId],
    ['save minutes for review in their committee', (id) => req('POST', '/v1/imports/minutes', { text: '1. Apologies\nNone.', committeeId: id, save: true }), w.committeeId],
    ['PATCH their stored draft', (id) => req('PATCH', `/v1/imports/${id}`, { candidates: [] }), w.drafts.public],
    ['DELETE their stored draft', (id) => req('DELETE', `/v1/imports/${id}`), w.drafts.public],
    ['commit their stored draft', (id) => req('POST', `/v1/imports/${id}/commit`), w.drafts.public],
  ];
  for (const [name, send, id] of cases) await same(name, send, id);
  // People are shared; what names their person in the other council is not named to this key.
  const person = await req('DELETE', `/v1/people/${w.personId}`);
  t.equal(person.statusCode, 409, 'a person the other council refers to is not deleted');
  t.match(person.json().detail, /while other records refer to it$/, 'in neutral words');
  t.equal(await business(api), before, 'nothing was written');

  const stats = await api.request({ method: 'GET', url: `/v1/stats?committeeId=${w.committeeId}`, as: clerk });
  const missingStats = await api.request({ method: 'GET', url: `/v1/stats?committeeId=${MISSING_ID}`, as: clerk });
  const withoutInstance = (res: LightMyRequestResponse, id: number) => ({ ...(maskedProblem(res, id) as object), instance: undefined });
  t.same(withoutInstance(stats, w.committeeId), withoutInstance(missingStats, MISSING_ID), 'stats of their committee: as of a missing one');
});

t.test('a draft read for another council\'s committee is read as for a missing one: nothing of its time zone', async (t) => {
  const { api, warrington, key } = await twoCouncils(t);
  // A zone far from the default, so that reading the minutes in it would show in startsAt.
  const zoned = await api.request({ method: 'PATCH', url: `/v1/committees/${warrington.committeeId}`, payload: { timezone: 'Pacific/Auckland' } });
  t.equal(zoned.statusCode, 200);
  const clerk = await key('Halton clerk', ['write'], { authority: HALTON.authority });
  const text = 'Minutes of the meeting held on Monday 18 November 2024 at 6.30pm\n\n1. Apologies\nNone.';
  const draft = (committeeId: number, as: string) => api.request({ method: 'POST', url: '/v1/imports/minutes', as, payload: { text, committeeId } });
  const theirs = await draft(warrington.committeeId, clerk);
  const missing = await draft(MISSING_ID, clerk);
  t.equal(theirs.statusCode, 200);
  t.equal(theirs.json().draft.meeting.startsAt, '2024-11-18T18:30:00+00:00', 'read in the default zone');
  t.same(theirs.json(), missing.json(), 'the same draft as for a committee that does not exist');
  const admin = await draft(warrington.committeeId, api.keys.admin);
  t.not(admin.json().draft.meeting.startsAt, theirs.json().draft.meeting.startsAt, 'while an unlimited key reads it in the committee\'s zone');
});

t.test('a limited key files committees only under its own authority', async (t) => {
  const { api, halton, key } = await twoCouncils(t);
  const byAuthority = await key('Halton clerk', ['write'], { authority: HALTON.authority });
  const byCommittee = await key('Halton committee clerk', ['write'], { committeeIds: [halton.committeeId] });
  const post = (as: string, payload: Record<string, unknown>) => api.request({ method: 'POST', url: '/v1/committees', as, payload });

  const filed = await post(byAuthority, { name: 'Health Policy and Performance Board', kind: 'policy_and_performance_board' });
  t.equal(filed.statusCode, 201);
  t.equal(filed.json().authority, HALTON.authority, 'filed under its authority when none is given');
  const seen = await api.request({ method: 'GET', url: `/v1/committees/${filed.json().id}`, as: byAuthority });
  t.equal(seen.statusCode, 200, 'and seen by the key at once');

  for (const [name, as, payload] of [
    ['another authority', byAuthority, { name: 'Audit Committee', kind: 'other', authority: WARRINGTON.authority }],
    ['a key limited to committees', byCommittee, { name: 'Audit Committee', kind: 'other', authority: HALTON.authority }],
  ] as const) {
    const res = await post(as, payload);
    t.equal(res.statusCode, 400, `${name}: refused`);
    t.match(res.json().errors, [{ pointer: '/body/authority' }], `${name}: names authority`);
  }
  const moved = await api.request({ method: 'PATCH', url: `/v1/committees/${halton.committeeId}`, as: byAuthority, payload: { authority: WARRINGTON.authority } });
  t.equal(moved.statusCode, 400, 'a committee is not moved to another authority');
  t.match(moved.json().errors, [{ pointer: '/body/authority' }]);
});

t.test('a limited admin manages only its own council\'s keys, webhooks and scans; shared settings need an unlimited admin', async (t) => {
  const { api, halton, warrington, key } = await twoCouncils(t);
  const admin = await key('Halton admin', ['admin'], { authority: HALTON.authority });
  const theirs = await api.app.services.apiKeys.create(scriptActor('test'), `${WARRINGTON.tag} admin`, ['admin'], { authority: WARRINGTON.authority });
  const unlimited = await api.app.services.apiKeys.create(scriptActor('test'), 'Service admin', ['admin']);
  const create = (payload: Record<string, unknown>) => api.request({ method: 'POST', url: '/v1/api-keys', as: admin, payload: { name: 'k', scopes: ['read'], ...payload } });

  for (const [name, payload, pointer] of [
    ['an unlimited key', {}, '/body/limit'],
    ['a key of another authority', { limit: { authority: WARRINGTON.authority } }, '/body/limit'],
    ['a key of another council\'s committee', { limit: { committeeIds: [warrington.committeeId] } }, '/body/limit/committeeIds'],
  ] as const) {
    const res = await create(payload);
    t.equal(res.statusCode, 400, `${name}: refused`);
    t.match(res.json().errors, [{ pointer }], `${name}: names ${pointer}`);
  }
  const missingCommittee = await create({ limit: { committeeIds: [MISSING_ID] } });
  const theirCommittee = await create({ limit: { committeeIds: [warrington.committeeId] } });
  t.same(maskedProblem(theirCommittee, warrington.committeeId), maskedProblem(missingCommittee, MISSING_ID), 'their committee: as a missing one');

  const own = await create({ limit: { committeeIds: [halton.committeeId] } });
  t.equal(own.statusCode, 201, 'a key of one of its committees');
  t.same(own.json().limit, { committeeIds: [halton.committeeId] });
  t.equal((await create({ limit: { authority: HALTON.authority } })).statusCode, 201, 'a key of its authority');

  const listed = (await api.request({ method: 'GET', url: '/v1/api-keys', as: admin })).json().data as { id: number; name: string }[];
  t.notOk(listed.some((k) => k.id === theirs.id || k.id === unlimited.id), 'neither the other council\'s keys nor unlimited ones are listed');
  t.ok(listed.some((k) => k.name === 'Halton admin'), 'its own council\'s are');
  for (const [name, id] of [['the other council\'s key', theirs.id], ['an unlimited key', unlimited.id]] as const) {
    const res = await api.request({ method: 'DELETE', url: `/v1/api-keys/${id}`, as: admin });
    const missing = await api.request({ method: 'DELETE', url: `/v1/api-keys/${MISSING_ID}`, as: admin });
    t.same(maskedProblem(res, id), maskedProblem(missing, MISSING_ID), `revoking ${name}: as a missing key`);
  }
  t.equal((await api.request({ method: 'GET', url: '/v1/committees', as: theirs.key })).statusCode, 200, 'the other council\'s key still works');

  const hook = await api.request({ method: 'POST', url: '/v1/webhooks', as: admin, payload: { url: 'https://receiver.example.gov.uk/h', events: ['action.created'], scopes: ['read'] } });
  t.equal(hook.statusCode, 400, 'an unlimited webhook is refused');
  t.match(hook.json().errors, [{ pointer: '/body/limit' }]);
  const patched = await api.request({ method: 'PATCH', url: `/v1/webhooks/${warrington.webhookId}`, as: admin, payload: { enabled: true } });
  t.equal(patched.statusCode, 404, 'the other council\'s webhook cannot be changed');

  for (const [method, url, payload] of [
    ['PUT', '/v1/holidays/2024-12-27', { name: 'Extra day' }],
    ['DELETE', '/v1/holidays/2024-12-25', undefined],
    ['POST', '/v1/notifications/run', { asOf: '2024-08-23', dryRun: true }],
  ] as const) {
    const res = await api.request({ method, url, as: admin, ...(payload ? { payload } : {}) });
    t.equal(res.statusCode, 403, `${method} ${url}: refused to a limited admin`);
    t.equal(res.json().code, 'SCRUTINY_KEY_LIMITED_TO_COUNCIL');
  }

  // A scan after the September meeting flags what is still overdue at October's: its own only.
  const flagsOf = async (committeeId: number) => (await sqlRows<{ n: number }>(api.app, 'SELECT CAST(count(*) AS integer) AS n FROM overdue_flags f JOIN actions a ON a.id = f.action_id WHERE a.committee_id = ?', committeeId))[0]!.n;
  const [ownBefore, theirsBefore] = [await flagsOf(halton.committeeId), await flagsOf(warrington.committeeId)];
  const scan = await api.request({ method: 'POST', url: '/v1/scans/overdue', as: admin, payload: { asOf: '2024-09-20' } });
  t.equal(scan.statusCode, 200);
  t.ok(await flagsOf(halton.committeeId) > ownBefore, 'its committees are scanned');
  t.equal(await flagsOf(warrington.committeeId), theirsBefore, 'the other council\'s are not');
  t.notOk(scan.body.includes(WARRINGTON.tag), 'and its report shows nothing of them');
});

t.test('a webhook limited to a council hears only of its committees', async (t) => {
  const api = await build(t);
  const inbox = await receiver(t);
  const everything = await receiver(t);
  const subscribe = (url: string, limit?: CouncilLimit) =>
    api.request({ method: 'POST', url: '/v1/webhooks', payload: { url, events: [...WEBHOOK_EVENTS], scopes: ['read:confidential'], ...(limit ? { limit } : {}) } });
  t.equal((await subscribe(inbox.url, { authority: HALTON.authority })).statusCode, 201);
  t.equal((await subscribe(everything.url)).statusCode, 201);
  await seedBusiness(api, HALTON);
  await seedBusiness(api, WARRINGTON);
  await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf: '2024-09-20' } });
  await api.app.services.webhookDeliveries.tick();

  const bodies = inbox.received.map((r) => r.body.toString('utf8'));
  t.ok(bodies.some((b) => b.includes(HALTON.tag)), 'it hears of its own council');
  t.equal(bodies.filter((b) => b.includes(WARRINGTON.tag)).length, 0, 'nothing of the other');
  t.notOk(inbox.received.some((r) => r.json.type === 'scan.completed' && r.json.data.committeeId === null), 'nor of a scan of every committee');
  const all = everything.received.map((r) => r.body.toString('utf8'));
  t.ok(all.some((b) => b.includes(HALTON.tag)) && all.some((b) => b.includes(WARRINGTON.tag)), 'an unlimited webhook hears of both');
});

t.test('a limited key imports a tracker only into its own committees; the Modern.gov sync is refused to a limited admin', async (t) => {
  const { api, halton, warrington, key } = await twoCouncils(t);
  const clerk = await key('Halton clerk', ['write', 'read:confidential'], { authority: HALTON.authority });
  const admin = await key('Halton admin', ['admin'], { authority: HALTON.authority });
  const theirActions = async () => JSON.stringify(await sqlRows(api.app, 'SELECT * FROM actions WHERE committee_id = ? ORDER BY id', warrington.committeeId));
  const theirsBefore = await theirActions();
  const csv = (body: string, query = '') =>
    api.request({ method: 'POST', url: `/v1/imports/actions${query}`, payload: body, headers: { 'content-type': 'text/csv' }, as: clerk });
  const tracker = (committee: string) => `Committee,Recommendation,Meeting date\r\n${committee},That the service reports on school places,15/07/2024`;
  const untitled = 'Recommendation\r\nThat the service reports on school places';
  // The problem with the name or id given masked, and without its instance (the URL).
  const masked = (res: LightMyRequestResponse, given: string | number) => {
    // An id only where a reason names it ("committee 2"): rows and pointers carry numbers too.
    const pattern = typeof given === 'number' ? new RegExp(`(?<=(?:committee|meeting) )${given}(?![0-9])`, 'g') : new RegExp(given.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g');
    const body = JSON.parse(res.body, (_k, v: unknown) => (typeof v === 'string' ? v.replace(pattern, '{given}') : v)) as Record<string, unknown>;
    return { ...body, instance: undefined };
  };
  const theirName = `${WARRINGTON.tag} Children and Young People Scrutiny Committee`;
  const cases: [string, (given: string | number) => Promise<LightMyRequestResponse>, string | number, string | number][] = [
    ['a row naming their committee by id', (id) => csv(tracker(String(id))), warrington.committeeId, MISSING_ID],
    ['a row naming their committee by name', (name) => csv(tracker(String(name))), theirName, 'Nowhere Scrutiny Committee'],
    ['?committeeId= of theirs', (id) => csv(untitled.replace('Recommendation', 'Recommendation,Meeting date').replace('places', 'places,15/07/2024'), `?committeeId=${id}`), warrington.committeeId, MISSING_ID],
    ['?meetingId= of theirs', (id) => csv(untitled, `?meetingId=${id}`), warrington.meetings.raisedAt, MISSING_ID],
  ];
  for (const [name, send, theirs, missingOne] of cases) {
    const hidden = await send(theirs);
    const missing = await send(missingOne);
    t.equal(hidden.statusCode, 422, `${name}: the row is refused (${hidden.body})`);
    t.same(masked(hidden, theirs), masked(missing, missingOne), `${name}: exactly as naming a missing one`);
    t.notOk(hidden.body.split(theirName).join('').includes(WARRINGTON.tag), `${name}: nothing of the other council but the name given`);
  }
  const own = await csv(tracker(String(halton.committeeId)));
  t.equal(own.statusCode, 200, `its own committee: imported (${own.body})`);
  t.equal(own.json().counts.created, 1);
  t.equal(await theirActions(), theirsBefore, 'nothing was written to the other council');

  const sync = await api.request({ method: 'POST', url: '/v1/syncs/moderngov', payload: { url: 'http://127.0.0.1:9/' }, as: admin });
  t.equal(sync.statusCode, 403, 'a limited admin cannot sync the whole site');
  t.equal(sync.json().code, 'SCRUTINY_KEY_LIMITED_TO_COUNCIL');
  t.match(sync.json().detail, /the Modern\.gov sync/);
});
