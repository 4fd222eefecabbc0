import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { parseMinutes, type MinutesDraft } from '../../src/import/index.js';
import { scriptActor } from '../../src/domain/actor.js';
import { pathToFileURL } from 'node:url';
import { build, committee, meeting, projectRoot, sqlRows, type TestApp } from '../helper.js';

// POST /v1/imports/minutes: a draft without `commit` (nothing stored), the draft saved in one
// audited transaction with `commit`, idempotent per meeting, and hostile input answered with a
// 4xx, never a 5xx. The minutes below are written for these tests; the seeds in ../shared/seeds
// are read in place when that folder exists.

const SEEDS = new URL('../shared/seeds/', pathToFileURL(projectRoot));
const URL_ = '/v1/imports/minutes';
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** Numbered minutes: a declaration, numbered sub-resolutions, a next-meeting request, a quarter hint, progress and an exempt item. */
const HOUSING = `HOUSING SCRUTINY COMMITTEE

At a meeting of this Committee held on Monday, 12th October, 2026 6.30 p.m.

(Present) Councillor A Patel (Chair)
Councillors B Jones, C Smith and D Evans

(Not Present) Councillor E Brown

1 APOLOGIES FOR ABSENCE

Apologies for absence were received from Councillor Brown.

2 DECLARATIONS OF INTEREST

Councillor Smith declared a non-registrable interest in item 3 as a tenant of the Council.

3 DAMP AND MOULD IN COUNCIL HOMES

The Head of Housing presented a report on damp and mould cases reported during the summer.

Members requested a breakdown of open cases by ward. The briefing note on contractor performance had already been circulated to all Members.

Resolved that

(1) the report be noted; and

(2) a further report on the repairs backlog be submitted to the next meeting of the Committee.

4 RENT ARREARS

The Director of Finance said that additional data on arrears would be available in Q4.

Resolved that the update be noted.

5 EXCLUSION OF THE PRESS AND PUBLIC

Resolved that the press and public be excluded from the meeting during consideration of the following item of business on the grounds that it involves the likely disclosure of exempt information as defined in paragraph 3 of Part 1 of Schedule 12A of the Act.

6 TEMPORARY ACCOMMODATION CONTRACT

Members asked that a note on the contract costs be circulated to the Committee.

Resolved that the report be noted.
`;
const HOUSING_STARTS_UTC = '2026-10-12T17:30:00.000Z';

/** A Modern.gov "Agenda and minutes" page as text. */
const FLOODS = `Agenda and minutes
Environment Overview and Scrutiny Panel
Thursday, 5th March, 2026 7.00 pm

Venue: Council Chamber, Civic Offices

Items
1.
Apologies for absence

Minutes:
Apologies were received from Councillor Grant.

2.
Flood Risk Management Strategy pdf icon PDF 412 KB

Minutes:
The Panel considered the annual update on the Flood Risk Management Strategy.

Officers would provide a list of the gullies cleared in each ward since April.

RESOLVED: That
1. the update be noted; and
2. the Panel receives a progress report at its next meeting.

Supporting documents:
Flood Risk Management Strategy Update, item 2. pdf icon PDF 412 KB
`;

/** A fragment with no header and so no date. */
const FRAGMENT = `The Board asked for a note on waiting times for speech and language therapy.

RESOLVED: That the report be noted.`;

const TABLES = ['committees', 'meetings', 'agenda_items', 'resolutions', 'declarations', 'attendance', 'people', 'actions', 'audit_events'] as const;
type Counts = Record<(typeof TABLES)[number], number>;

async function counts(api: TestApp): Promise<Counts> {
  const n = async (table: string) => (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n;
  return Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await n(table)]))) as Counts;
}

function rows<T = Record<string, unknown>>(api: TestApp, sql: string, ...params: unknown[]): Promise<T[]> {
  return sqlRows<T>(api.app, sql, ...params);
}

const postText = (api: TestApp, text: string | Buffer, query = '', as?: string | null) =>
  api.request({ method: 'POST', url: `${URL_}${query}`, payload: text, headers: TEXT, as });
const postJson = (api: TestApp, body: unknown, as?: string | null) =>
  api.request({ method: 'POST', url: URL_, payload: body as never, as });

const pointers = (body: { errors?: { pointer: string }[] }) => (body.errors ?? []).map((e) => e.pointer);
/** Letters and digits only, lower case: a source sentence is looked up in the text this way. */
const plain = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

function isProblem(t: Test, res: LightMyRequestResponse, status: number) {
  t.equal(res.statusCode, status);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.json(), { status, type: String, title: String, detail: String });
}

t.test('without commit, text/plain and JSON give the same draft and store nothing', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const before = await counts(api);

  const asText = await postText(api, HOUSING);
  t.equal(asText.statusCode, 200);
  t.match(asText.headers['content-type'], /^application\/json/);
  t.notOk(asText.headers.location);
  const { draft, committed } = asText.json() as { draft: MinutesDraft; committed: unknown };
  t.equal(committed, null);
  t.match(draft.meeting, { committeeName: 'HOUSING SCRUTINY COMMITTEE', date: '2026-10-12', time: '18:30' });
  t.same(draft.items.map((i) => i.number), ['1', '2', '3', '4', '5', '6']);
  t.equal(draft.items[2]!.title, 'DAMP AND MOULD IN COUNCIL HOMES');
  t.match(draft.items[5], { visibility: 'exempt', exemptParagraph: 3 });
  t.match(draft.resolutions[0], { itemIndex: 2, number: '1', kind: 'noted' });
  t.match(draft.resolutions[1], { itemIndex: 2, number: '2', kind: 'request' });
  t.same(draft.declarations.map((d) => [d.personName, d.itemIndex, d.kind]), [['Smith', 2, 'non_registrable']]);
  t.same(draft.actions.map((a) => a.sourceSentence), [
    'Members requested a breakdown of open cases by ward.',
    'A further report on the repairs backlog be submitted to the next meeting of the Committee.',
    'The Director of Finance said that additional data on arrears would be available in Q4.',
    'Members asked that a note on the contract costs be circulated to the Committee.',
  ]);
  t.match(draft.actions[1], { itemIndex: 2, resolutionIndex: 1, dueHint: { rule: 'next_meeting' } });
  t.match(draft.actions[2], { itemIndex: 3, dueHint: { rule: 'quarter', quarter: '2026-27 Q4' } });
  t.same(draft.progress, [{ itemIndex: 2, sourceSentence: 'The briefing note on contractor performance had already been circulated to all Members.' }]);
  t.ok(draft.warnings.some((w) => /exempt/i.test(w)), 'warns that some items are exempt');

  // JSON, with a committee but no commit: still only a draft.
  const asJson = await postJson(api, { text: HOUSING, committeeId, commit: false });
  t.equal(asJson.statusCode, 200);
  t.same(asJson.json(), asText.json(), 'one parser behind both forms');
  t.same(asJson.json().draft, JSON.parse(JSON.stringify(parseMinutes(HOUSING))), 'the draft is exactly what parseMinutes returns');

  const floods = await postText(api, FLOODS, `?committeeId=${committeeId}`);
  t.equal(floods.statusCode, 200);
  t.match(floods.json().draft, {
    layout: 'moderngov',
    meeting: { committeeName: 'Environment Overview and Scrutiny Panel', date: '2026-03-05', venue: 'Council Chamber, Civic Offices' },
    items: [{ number: '1', title: 'Apologies for absence' }, { number: '2', title: 'Flood Risk Management Strategy' }],
  });
  t.equal(floods.json().draft.actions.length, 2);

  t.same(await counts(api), before, 'nothing stored');
});

t.test('the seed minutes, read in place, give drafts and store nothing', { skip: !existsSync(SEEDS) && 'no ../shared/seeds' }, async (t) => {
  const api = await build(t);
  const before = await counts(api);
  const files = readdirSync(SEEDS).filter((f) => f.endsWith('.txt'));
  t.ok(files.length >= 1);
  for (const file of files) {
    const text = readFileSync(new URL(file, SEEDS), 'utf8');
    const res = await postText(api, text);
    t.equal(res.statusCode, 200, file);
    const draft = res.json().draft as MinutesDraft;
    t.same(draft, JSON.parse(JSON.stringify(parseMinutes(text))), `${file}: the endpoint returns the parser's draft`);
    const json = await postJson(api, { text });
    t.same(json.json().draft, draft, `${file}: JSON gives the same draft`);
    t.ok(Array.isArray(draft.warnings) && Array.isArray(draft.progress), `${file}: warnings and progress are lists`);
    if (draft.layout === 'report') {
      // A committee report, not minutes: nothing invented from it.
      t.same([draft.items.length, draft.actions.length], [0, 0], `${file}: a report gives no items or actions`);
      t.ok(draft.warnings.length > 0, `${file}: says why`);
      continue;
    }
    t.ok(draft.meeting.date, `${file}: meeting date read`);
    t.ok(draft.items.length >= 3, `${file}: items`);
    t.ok(draft.resolutions.length >= 1, `${file}: resolutions`);
    t.ok(draft.actions.length >= 1, `${file}: actions`);
    for (const action of draft.actions) {
      t.ok(draft.items[action.itemIndex], `${file}: action's item exists`);
      if (action.resolutionIndex !== null) t.equal(draft.resolutions[action.resolutionIndex]!.itemIndex, action.itemIndex, `${file}: action's resolution is of its item`);
      t.ok(plain(text).includes(plain(action.sourceSentence)), `${file}: "${action.sourceSentence.slice(0, 50)}…" is in the text`);
    }
  }
  t.same(await counts(api), before, 'nothing stored');
});

async function housingCommittee(api: TestApp) {
  const committeeId = await committee(api, { name: 'Housing Scrutiny Committee' });
  // Already on the calendar: the meeting after the one the minutes record.
  const next = await meeting(api, committeeId, { startsAt: '2026-12-07T18:30:00Z' });
  return { committeeId, next };
}

t.test('commit saves the meeting, attendance, items, resolutions, declarations and linked actions', async (t) => {
  const api = await build(t);
  const { committeeId, next } = await housingCommittee(api);
  // A clerk's key: it writes, and reads the exempt business it files (item 6).
  const clerk = (await api.app.services.apiKeys.create(scriptActor('test'), 'test-clerk', ['write', 'read:exempt'])).key;
  const before = await counts(api);

  const res = await postJson(api, { text: HOUSING, committeeId, commit: true }, clerk);
  t.equal(res.statusCode, 201);
  const { committed, draft } = res.json() as { draft: MinutesDraft; committed: { created: boolean; meetingId: number; counts: Record<string, number>; warnings: string[] } };
  t.equal(res.headers.location, `/v1/meetings/${committed.meetingId}`);
  t.match(committed, { created: true, counts: { items: 6, resolutions: 5, declarations: 1, actions: 4, attendance: 5 } });
  t.equal(draft.items.length, 6);

  const after = await counts(api);
  t.equal(after.meetings - before.meetings, 1, 'one meeting');
  t.equal(after.agenda_items - before.agenda_items, 6);
  t.equal(after.resolutions - before.resolutions, 5);
  t.equal(after.declarations - before.declarations, 1);
  t.equal(after.attendance - before.attendance, 5);
  t.equal(after.actions - before.actions, 4);

  // The meeting: held, at the time the minutes give, in the committee's zone.
  const m = await api.request({ method: 'GET', url: res.headers.location as string });
  t.equal(m.statusCode, 200);
  t.match(m.json(), { id: committed.meetingId, committeeId, status: 'held' });
  t.equal((await rows<{ u: string }>(api, 'SELECT starts_at_utc AS u FROM meetings WHERE id = ?', committed.meetingId))[0]!.u, HOUSING_STARTS_UTC);

  const items = (await api.request({ method: 'GET', url: `/v1/meetings/${committed.meetingId}/items`, as: api.keys.exempt })).json().data as { id: number; number: string; title: string; visibility: string; exemptParagraph: number | null }[];
  t.same(items.map((i) => i.number), ['1', '2', '3', '4', '5', '6']);
  t.match(items[5], { title: 'TEMPORARY ACCOMMODATION CONTRACT', visibility: 'exempt', exemptParagraph: 3 });
  const damp = items[2]!;

  const resolutions = (await api.request({ method: 'GET', url: `/v1/items/${damp.id}/resolutions` })).json().data as { id: number; number: string; kind: string; text: string }[];
  t.same(resolutions.map((r) => [r.number, r.kind]), [['1', 'noted'], ['2', 'request']]);

  // The declarant is the attendee "C Smith", not a second person called "Smith".
  const declarations = (await api.request({ method: 'GET', url: `/v1/items/${damp.id}/declarations` })).json().data as { personId: number; kind: string }[];
  t.equal(declarations.length, 1);
  const attendanceRes = await api.request({ method: 'GET', url: `/v1/meetings/${committed.meetingId}/attendance` });
  t.equal(attendanceRes.statusCode, 200);
  const present = attendanceRes.json().data as { personId: number; status: string; person: { name: string } }[];
  t.same(present.map((a) => [a.person.name, a.status]).sort(), [['A Patel', 'present'], ['B Jones', 'present'], ['C Smith', 'present'], ['D Evans', 'present'], ['E Brown', 'apologies']]);
  t.equal(declarations[0]!.personId, present.find((a) => a.person.name === 'C Smith')!.personId);
  t.equal(after.people - before.people, 5, 'five people, none duplicated');

  // Actions: linked to their item and resolution, due rules applied.
  const actions = await rows<{ id: number; item_id: number | null; resolution_id: number | null; meeting_id: number; due_rule: string; due_meeting_id: number | null; due_quarter: string | null; due_date: string | null; visibility: string; detail: string }>(
    api, 'SELECT * FROM actions WHERE meeting_id = ? ORDER BY id', committed.meetingId);
  t.equal(actions.length, 4);
  const [breakdown, backlog, arrears, contract] = actions;
  t.match(breakdown, { item_id: damp.id, resolution_id: null, due_rule: 'next_meeting', due_meeting_id: next, visibility: 'public' });
  t.match(breakdown!.detail, 'From the minutes: "Members requested a breakdown of open cases by ward."');
  t.match(backlog, { item_id: damp.id, resolution_id: resolutions[1]!.id, due_rule: 'next_meeting', due_meeting_id: next });
  t.match(arrears, { item_id: items[3]!.id, due_rule: 'quarter', due_quarter: '2026-27 Q4', due_date: '2027-03-31', due_meeting_id: null });
  t.match(contract, { item_id: items[5]!.id, item_visibility: 'exempt' }, 'hidden with its exempt item');
  const viaApi = await api.request({ method: 'GET', url: `/v1/actions/${backlog!.id}` });
  t.match(viaApi.json(), { dueRule: 'next_meeting', dueMeetingId: next, itemId: damp.id, resolutionId: resolutions[1]!.id, committeeId });

  // Audited, under the key's name.
  const history = await api.request({ method: 'GET', url: `/v1/actions/${backlog!.id}/history` });
  t.equal(history.statusCode, 200);
  t.match(history.json().data, [{ operation: 'create', actor: 'test-clerk' }]);
  for (const [type, id] of [['meeting', committed.meetingId], ['item', damp.id], ['resolution', resolutions[0]!.id], ['action', arrears!.id]] as const) {
    t.equal((await rows(api, "SELECT 1 FROM audit_events WHERE entity_type = ? AND entity_id = ? AND operation = 'create' AND actor = 'test-clerk'", type, String(id))).length, 1, `${type} ${id} audited`);
  }
  t.equal((await rows(api, "SELECT 1 FROM audit_events WHERE entity_type = 'attendance' AND entity_id = ?", String(committed.meetingId))).length, 1, 'attendance audited');

  // The exempt item and its action are invisible to a key without read:exempt.
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${contract!.id}`, as: api.keys.reader })).statusCode, 404);
  t.equal((await api.request({ method: 'GET', url: `/v1/actions/${contract!.id}`, as: api.keys.exempt })).statusCode, 200);
  t.equal((await api.request({ method: 'GET', url: `/v1/items/${items[5]!.id}`, as: api.keys.reader })).statusCode, 404);
  const listed = (await api.request({ method: 'GET', url: `/v1/actions?meetingId=${committed.meetingId}`, as: api.keys.reader })).json().data as { id: number }[];
  t.same(listed.map((a) => a.id).sort((x, y) => x - y), [breakdown!.id, backlog!.id, arrears!.id]);
  const readerItems = (await api.request({ method: 'GET', url: `/v1/meetings/${committed.meetingId}/items`, as: api.keys.reader })).json().data as unknown[];
  t.equal(readerItems.length, 5);
});

t.test('text/plain with query options commits the same way', async (t) => {
  const api = await build(t);
  const { committeeId } = await housingCommittee(api);
  const res = await postText(api, FLOODS, `?committeeId=${committeeId}&commit=true`);
  t.equal(res.statusCode, 201);
  const { meetingId, counts: made } = res.json().committed;
  t.equal(res.headers.location, `/v1/meetings/${meetingId}`);
  t.match(made, { items: 2, resolutions: 2, actions: 2 });
  t.match(await rows(api, 'SELECT status, venue, starts_at_utc FROM meetings WHERE id = ?', meetingId), [{ status: 'held', venue: 'Council Chamber, Civic Offices', starts_at_utc: '2026-03-05T19:00:00.000Z' }]);
});

t.test('importing the same minutes twice creates nothing new', async (t) => {
  const api = await build(t);
  const { committeeId } = await housingCommittee(api);
  const first = await postJson(api, { text: HOUSING, committeeId, commit: true });
  t.equal(first.statusCode, 201);
  const once = await counts(api);

  const again = await postJson(api, { text: HOUSING, committeeId, commit: true });
  t.equal(again.statusCode, 200);
  t.notOk(again.headers.location);
  t.match(again.json().committed, { created: false, meetingId: first.json().committed.meetingId, counts: { items: 0, actions: 0 } });
  t.match(again.json().committed.warnings, [/already imported/]);
  t.same(await counts(api), once, 'no row added');

  // The same minutes sent as text, and with a start time that differs from the one read: still the same meeting.
  const asText = await postText(api, HOUSING, `?committeeId=${committeeId}&commit=true&startsAt=2026-10-12T19:00:00%2B01:00`);
  t.equal(asText.statusCode, 200);
  t.match(asText.json().committed, { created: false, meetingId: first.json().committed.meetingId });
  t.same(await counts(api), once, 'no row added');

  // Other minutes for a meeting that already holds items: refused, not merged.
  const other = await postJson(api, { text: FRAGMENT, committeeId, commit: true, startsAt: '2026-10-12T18:30:00+01:00' });
  t.equal(other.statusCode, 200);
  t.match(other.json().committed, { created: false, meetingId: first.json().committed.meetingId, warnings: [/already has agenda items/] });
  t.same(await counts(api), once, 'no row added');
});

t.test('a meeting already on the calendar at that time is the one the minutes are saved to', async (t) => {
  const api = await build(t);
  const { committeeId, next } = await housingCommittee(api);
  const scheduled = await meeting(api, committeeId, { startsAt: '2026-10-12T18:30:00+01:00' });
  const res = await postJson(api, { text: HOUSING, committeeId, commit: true });
  t.equal(res.statusCode, 201);
  t.equal(res.json().committed.meetingId, scheduled);
  t.equal((await rows(api, 'SELECT 1 FROM meetings WHERE committee_id = ?', committeeId)).length, 2, 'no second meeting');
  t.match((await api.request({ method: 'GET', url: `/v1/meetings/${scheduled}` })).json(), { status: 'held' });
  t.match(await rows(api, 'SELECT due_meeting_id FROM actions WHERE meeting_id = ? AND due_rule = ?', scheduled, 'next_meeting'), [{ due_meeting_id: next }]);
});

t.test('commit errors are 4xx problems naming the field, and store nothing', async (t) => {
  const api = await build(t);
  const { committeeId } = await housingCommittee(api);
  const before = await counts(api);

  const noCommittee = await postJson(api, { text: HOUSING, commit: true });
  isProblem(t, noCommittee, 400);
  t.same(pointers(noCommittee.json()), ['/body/committeeId']);

  const noCommitteeText = await postText(api, HOUSING, '?commit=true');
  isProblem(t, noCommitteeText, 400);
  t.same(pointers(noCommitteeText.json()), ['/querystring/committeeId'], 'plain text names the query parameter');

  const unknown = await postJson(api, { text: HOUSING, committeeId: 9999, commit: true });
  isProblem(t, unknown, 404);
  t.match(unknown.json().detail, /Committee 9999/);

  const noDate = await postJson(api, { text: FRAGMENT, committeeId, commit: true });
  isProblem(t, noDate, 400);
  t.same(pointers(noDate.json()), ['/body/startsAt']);
  const noDateText = await postText(api, FRAGMENT, `?committeeId=${committeeId}&commit=true`);
  t.same(pointers(noDateText.json()), ['/querystring/startsAt']);

  const badStart = await postJson(api, { text: FRAGMENT, committeeId, commit: true, startsAt: '12/10/2026' });
  isProblem(t, badStart, 400);
  t.same(pointers(badStart.json()), ['/body/startsAt']);

  const badId = await postJson(api, { text: HOUSING, committeeId: 'housing', commit: true });
  isProblem(t, badId, 400);
  t.same(pointers(badId.json()), ['/body/committeeId'], 'one pointer, into the JSON body');

  const reader = await postJson(api, { text: HOUSING, committeeId, commit: true }, api.keys.reader);
  isProblem(t, reader, 403);
  const anonymous = await postJson(api, { text: HOUSING }, null);
  isProblem(t, anonymous, 401);

  t.same(await counts(api), before, 'nothing stored');

  // With startsAt the fragment can be saved.
  const saved = await postJson(api, { text: FRAGMENT, committeeId, commit: true, startsAt: '2026-10-20T10:00:00+01:00' });
  t.equal(saved.statusCode, 201);
  t.match(saved.json().committed, { created: true, counts: { items: 1, resolutions: 1, actions: 1 } });
});

t.test('a failure part-way through a commit leaves no half-written record', async (t) => {
  const api = await build(t);
  const { committeeId } = await housingCommittee(api);
  const before = await counts(api);
  // A draft whose last action hangs from a resolution of another item: the meeting, people,
  // items, resolutions, declarations and three actions are written before it is refused.
  const draft = parseMinutes(HOUSING);
  const last = draft.actions[draft.actions.length - 1]!;
  t.equal(last.itemIndex, 5);
  last.resolutionIndex = 0;
  await t.rejects(
    async () => api.app.services.imports.commit({ name: 'test', visibilities: ['public', 'exempt', 'confidential'] }, draft, { committeeId }),
    // The field as the actions module names it (still a complete pointer until it names fields).
    { statusCode: 400, errors: [{ field: 'resolutionId' }] },
  );
  t.same(await counts(api), before, 'nothing from the failed commit remains');

  // Through the API, the same minutes then save in full.
  const res = await postJson(api, { text: HOUSING, committeeId, commit: true });
  t.equal(res.statusCode, 201);
  t.equal((await counts(api)).actions - before.actions, 4);
});

t.test('a due hint the due rules cannot use falls back to the next meeting with a warning', async (t) => {
  const api = await build(t);
  const { committeeId, next } = await housingCommittee(api);
  const draft = parseMinutes(HOUSING);
  draft.actions[2]!.dueHint = { rule: 'quarter', quarter: '0999-00 Q1' };
  draft.actions[0]!.dueHint = { rule: 'date', date: '2026-02-30' };
  const result = await api.app.services.imports.commit({ name: 'test', visibilities: ['public', 'exempt', 'confidential'] }, draft, { committeeId });
  t.equal(result.created, true);
  t.equal(result.warnings.filter((w) => /not a usable date/.test(w)).length, 2);
  t.same(
    await rows(api, 'SELECT due_rule AS rule, due_meeting_id AS due FROM actions WHERE meeting_id = ? ORDER BY id', result.meetingId),
    [{ rule: 'next_meeting', due: next }, { rule: 'next_meeting', due: next }, { rule: 'next_meeting', due: next }, { rule: 'next_meeting', due: next }],
  );
});

t.test('hostile input is a draft or a clear 4xx, never a 5xx', async (t) => {
  const api = await build(t, { bodyLimitBytes: 1024 * 1024 });
  const committeeId = await committee(api);
  const before = await counts(api);

  for (const res of [await postText(api, ''), await postJson(api, { text: '' })]) {
    t.equal(res.statusCode, 200, 'empty text: an empty draft');
    t.match(res.json().draft, { layout: 'empty', items: [], actions: [], warnings: [/empty/] });
  }
  const emptyCommit = await postJson(api, { text: '', committeeId, commit: true, startsAt: '2026-10-12T18:30:00+01:00' });
  isProblem(t, emptyCommit, 422);
  t.match(emptyCommit.json().detail, /no agenda items/i);

  // Random bytes sent as text: nothing read, and nothing saved when asked to commit.
  const garbage = randomBytes(64 * 1024);
  const binary = await postText(api, garbage);
  t.equal(binary.statusCode, 200);
  t.same(binary.json().draft.items, []);
  t.ok(binary.json().draft.warnings.length > 0, 'says why nothing was read');
  const binaryCommit = await postText(api, garbage, `?committeeId=${committeeId}&commit=true&startsAt=2026-10-12T18:30:00Z`);
  isProblem(t, binaryCommit, 422);
  const nul = await postJson(api, { text: `\u0000\ud800${'\u0007'.repeat(1000)}RESOLVED: That` });
  t.equal(nul.statusCode, 200);

  // A 5 MB paste: over the parser's limit, refused rather than silently cut.
  const paste = `${HOUSING}\n`.repeat(Math.ceil(5_000_000 / (HOUSING.length + 1)));
  const large = await postText(api, paste, `?committeeId=${committeeId}&commit=true`);
  isProblem(t, large, 413);
  t.equal(large.json().code, 'SCRUTINY_MINUTES_TOO_LONG');
  t.match(large.json().detail, /1,000,000 characters/);
  const largeJson = await postJson(api, { text: 'x'.repeat(1_000_001) });
  isProblem(t, largeJson, 413);
  t.equal(largeJson.json().code, 'SCRUTINY_MINUTES_TOO_LONG');
  // At the limit it is read.
  const atLimit = await postJson(api, { text: FRAGMENT.padEnd(1_000_000, ' ') });
  t.equal(atLimit.statusCode, 200);
  // Larger than the import body limit (6 MB): refused before it is read.
  const huge = await postText(api, 'a'.repeat(6 * 1024 * 1024 + 1));
  isProblem(t, huge, 413);
  t.equal(huge.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE');

  const xml = await api.request({ method: 'POST', url: URL_, payload: '<minutes/>', headers: { 'content-type': 'application/xml' } });
  isProblem(t, xml, 415);

  const unknownField = await postJson(api, { text: HOUSING, meetingId: 3 });
  isProblem(t, unknownField, 400);
  t.same(pointers(unknownField.json()), ['/body/meetingId']);
  const unknownQuery = await postText(api, HOUSING, '?meetingId=3');
  isProblem(t, unknownQuery, 400);
  t.same(pointers(unknownQuery.json()), ['/querystring/meetingId']);
  const noText = await postJson(api, { committeeId });
  isProblem(t, noText, 400);
  t.same(pointers(noText.json()), ['/body/text']);
  for (const payload of ['[1]', '"minutes"', 'null', '{"text": ']) {
    const res = await api.request({ method: 'POST', url: URL_, payload, headers: { 'content-type': 'application/json' } });
    isProblem(t, res, 400);
  }
  const noBody = await api.request({ method: 'POST', url: URL_ });
  isProblem(t, noBody, 400);

  t.same(await counts(api), before, 'nothing stored');
});

t.test("the draft's startsAt is the minutes' date and time in the committee's time zone", async (t) => {
  const api = await build(t);
  const auckland = await committee(api, { name: 'Auckland Housing Panel', timezone: 'Pacific/Auckland' });
  // 12 October 2026, 6.30 p.m.: BST in London, NZDT in Auckland.
  const withoutCommittee = await postJson(api, { text: HOUSING });
  t.equal(withoutCommittee.json().draft.meeting.startsAt, '2026-10-12T18:30:00+01:00', 'no committee: the default zone');
  const draft = await postJson(api, { text: HOUSING, committeeId: auckland });
  t.equal(draft.statusCode, 200);
  t.equal(draft.json().draft.meeting.startsAt, '2026-10-12T18:30:00+13:00');
  const asText = await postText(api, HOUSING, `?committeeId=${auckland}`);
  t.equal(asText.json().draft.meeting.startsAt, '2026-10-12T18:30:00+13:00', 'the committee named in the query string too');

  const committed = await postJson(api, { text: HOUSING, committeeId: auckland, commit: true });
  t.equal(committed.statusCode, 201, committed.body);
  t.equal((await rows<{ u: string }>(api, 'SELECT starts_at_utc AS u FROM meetings WHERE id = ?', committed.json().committed.meetingId))[0]!.u, '2026-10-12T05:30:00.000Z');
  t.equal(committed.json().draft.meeting.startsAt, '2026-10-12T18:30:00+13:00', 'the draft shown is the one saved');
});

t.test("a draft action's reference is kept when the committee has no action by it; otherwise one is generated, with a warning", async (t) => {
  const api = await build(t);
  const { committeeId } = await housingCommittee(api);
  const draft = parseMinutes(HOUSING);
  t.equal(draft.actions.length, 4);
  draft.actions[0]!.reference = 'HSC 26/01';
  draft.actions[1]!.reference = 'HSC 26/01'; // two actions citing one reference
  draft.actions[2]!.reference = '  HSC (26/27)\n05 '; // spaces as the minutes have them
  const result = await api.app.services.imports.commit({ name: 'test', visibilities: ['public', 'exempt', 'confidential'] }, draft, { committeeId });
  t.equal(result.created, true);
  const warnings = result.warnings.filter((w) => /reference/.test(w));
  t.equal(warnings.length, 1);
  t.match(warnings[0], /^The reference "HSC 26\/01" of ".+" is already used in this committee: it was given a new reference instead$/);
  t.same(
    (await rows(api, 'SELECT reference FROM actions WHERE meeting_id = ? ORDER BY id', result.meetingId)).map((r) => r.reference),
    // "Housing Scrutiny Committee" → HSC; 12 October 2026 is in 26/27; 05 was taken, so the
    // last action, generated after it, is 06.
    ['HSC 26/01', 'HSC (26/27) 01', 'HSC (26/27) 05', 'HSC (26/27) 06'],
  );
});
