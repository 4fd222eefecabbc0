import t, { type Test } from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build, committee, meeting, sqlRows, type TestApp } from '../helper.js';

// The minutes import files business under the same visibility rules as a direct write (issue 19,
// defect 6): a key files only what it can read, exempt business always names its Schedule 12A
// paragraph, and whether minutes were "already imported" depends only on what the caller sees.

const URL_ = '/v1/imports/minutes';
const TABLES = ['meetings', 'agenda_items', 'resolutions', 'actions', 'audit_events'];

const minutes = (items: Array<[title: string, text: string]>, time = ' 6.30 p.m.') => `PLANNING SCRUTINY COMMITTEE

At a meeting of this Committee held on Monday, 12th October, 2026${time}

${items.map(([title, text], i) => `${i + 1} ${title}\n\n${text}\n`).join('\n')}`;

const APOLOGIES: [string, string] = ['APOLOGIES FOR ABSENCE', 'There were no apologies.'];
const LOCAL_PLAN: [string, string] = ['LOCAL PLAN REVIEW', 'Members requested a timetable for the review.'];
const EXEMPT_PARAGRAPH_3 = 'This item involved exempt information as defined in paragraph 3 of Part 1 of Schedule 12A. Members asked for a note on the valuation.';
/** An exempt item with its paragraph, and one whose minutes exclude the public without naming one. */
const WITH_EXEMPT = minutes([APOLOGIES, LOCAL_PLAN, ['LAND DISPOSAL AT MILL LANE', EXEMPT_PARAGRAPH_3]]);
const NO_PARAGRAPH = minutes([APOLOGIES, ['CONTRACT AWARD (EXEMPT)', 'The press and public were excluded. Members asked for a note on the tender scores.']]);

const post = (api: TestApp, body: Record<string, unknown>, as?: string | null) =>
  api.request({ method: 'POST', url: URL_, payload: body, as });
const tableCounts = (api: TestApp) =>
  Promise.all(TABLES.map(async (table) => (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n));

t.test('a key that cannot read exempt business cannot file it through an import: 400 naming the item, as a direct write', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const before = await tableCounts(api);

  const res = await post(api, { text: WITH_EXEMPT, committeeId, commit: true }, api.keys.writer);
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.same(res.json().errors.map((e: { pointer: string }) => e.pointer), ['/body/text']);
  t.match(res.json().errors[0].detail, /item 3 \("LAND DISPOSAL AT MILL LANE"\) is exempt business in these minutes: visibility this API key cannot read exempt business/);
  t.same(await tableCounts(api), before, 'nothing stored');

  const asText = await api.request({
    method: 'POST', url: `${URL_}?committeeId=${committeeId}&commit=true`, payload: WITH_EXEMPT,
    headers: { 'content-type': 'text/plain' }, as: api.keys.writer,
  });
  t.equal(asText.statusCode, 400);
  t.same(asText.json().errors.map((e: { pointer: string }) => e.pointer), ['/body'], 'plain text names the body');
  t.same(await tableCounts(api), before, 'nothing stored');

  // The same key, the same rule, written directly.
  const meetingId = await meeting(api, committeeId, { startsAt: '2026-10-12T18:30:00+01:00' });
  const direct = await api.request({
    method: 'POST', url: `/v1/meetings/${meetingId}/items`, as: api.keys.writer,
    payload: { title: 'LAND DISPOSAL AT MILL LANE', visibility: 'exempt', exemptParagraph: 3 },
  });
  t.equal(direct.statusCode, 400);

  // Reading the draft files nothing, so it stays open to the key; a key that reads exempt business files it.
  t.equal((await post(api, { text: WITH_EXEMPT, committeeId }, api.keys.writer)).statusCode, 200);
  const clerk = (await api.app.services.apiKeys.create(scriptActor('test'), 'test-clerk', ['write', 'read:exempt'])).key;
  const filed = await post(api, { text: WITH_EXEMPT, committeeId, commit: true }, clerk);
  t.equal(filed.statusCode, 201);
  t.match(
    (await sqlRows(api.app, 'SELECT title, visibility, exempt_paragraph AS paragraph FROM agenda_items WHERE meeting_id = ? AND position = 3', filed.json().committed.meetingId))[0],
    { title: 'LAND DISPOSAL AT MILL LANE', visibility: 'exempt', paragraph: 3 },
  );
});

t.test('an exempt item is never saved without its Schedule 12A paragraph: the import is refused naming the item', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const before = await tableCounts(api);

  const draft = await post(api, { text: NO_PARAGRAPH, committeeId });
  t.match(draft.json().draft.items[1], { visibility: 'exempt' });
  t.notOk('exemptParagraph' in draft.json().draft.items[1], 'the minutes name no paragraph');

  const res = await post(api, { text: NO_PARAGRAPH, committeeId, commit: true });
  t.equal(res.statusCode, 400, 'even for an admin key');
  t.same(res.json().errors.map((e: { pointer: string }) => e.pointer), ['/body/text']);
  t.match(res.json().errors[0].detail, /item 2 \("CONTRACT AWARD \(EXEMPT\)"\) is exempt business in these minutes: exemptParagraph is required/);
  t.same(await tableCounts(api), before, 'nothing stored');
  t.equal(
    (await sqlRows<{ n: number }>(api.app, "SELECT CAST(count(*) AS integer) AS n FROM agenda_items WHERE visibility <> 'public' AND exempt_paragraph IS NULL"))[0]!.n,
    0,
  );

  // Naming it in the minutes is enough.
  const named = await post(api, { text: NO_PARAGRAPH.replace('were excluded.', 'were excluded under paragraph 3.'), committeeId, commit: true });
  t.equal(named.statusCode, 201);
});

/** What a write key is told when it imports `text` after an admin filed exempt business that day. */
async function answerAfterExemptFiled(t: Test, text: string, startsAt: string, sameTime: boolean) {
  const api = await build(t);
  const committeeId = await committee(api);
  let filedMeeting: number;
  if (sameTime) {
    // A meeting at that very time, holding only an exempt item.
    filedMeeting = await meeting(api, committeeId, { startsAt });
    const item = await api.request({ method: 'POST', url: `/v1/meetings/${filedMeeting}/items`, payload: { title: 'LAND DISPOSAL AT MILL LANE', visibility: 'exempt', exemptParagraph: 3 } });
    t.equal(item.statusCode, 201);
  } else {
    const filed = await post(api, { text: WITH_EXEMPT, committeeId, commit: true });
    t.equal(filed.statusCode, 201);
    filedMeeting = filed.json().committed.meetingId;
  }
  const res = await post(api, { text, committeeId, commit: true, startsAt }, api.keys.writer);
  const { created, counts, warnings, meetingId } = res.json().committed ?? {};
  return { status: res.statusCode, created, counts, warnings, sameMeeting: meetingId === filedMeeting };
}

t.test('whether minutes were already imported depends only on what the caller can see: no oracle for exempt titles', async (t) => {
  const guess = (title: string) => minutes([APOLOGIES, LOCAL_PLAN, [title, 'Members noted the valuation.']], '');
  const right = guess('LAND DISPOSAL AT MILL LANE');
  const wrong = guess('LAND DISPOSAL AT STATION ROAD');

  // Another meeting the same day, holding the exempt item among items the key can see.
  const laterThatDay = '2026-10-12T20:00:00+01:00';
  const rightAnswer = await answerAfterExemptFiled(t, right, laterThatDay, false);
  const wrongAnswer = await answerAfterExemptFiled(t, wrong, laterThatDay, false);
  t.match(rightAnswer, { status: 201, created: true, sameMeeting: false });
  t.same(rightAnswer, wrongAnswer, 'guessing the exempt title right changes nothing');

  // The meeting at that very time, holding only the exempt item: to this key it has no items.
  const atThatTime = '2026-10-12T18:30:00+01:00';
  const rightThere = await answerAfterExemptFiled(t, minutes([['LAND DISPOSAL AT MILL LANE', 'Members noted the valuation.']], ''), atThatTime, true);
  const wrongThere = await answerAfterExemptFiled(t, minutes([['LAND DISPOSAL AT STATION ROAD', 'Members noted the valuation.']], ''), atThatTime, true);
  t.match(rightThere, { status: 201, created: true, sameMeeting: true });
  t.same(rightThere, wrongThere, 'guessing the exempt title right changes nothing');
});
