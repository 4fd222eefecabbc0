import ICAL from 'ical.js';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { actionSummary } from '../../src/modules/calendars/feeds.js';
import { build, committee, meeting, type TestApp } from '../helper.js';

// The calendar feeds (DESIGN.md "Documents and calendars for the agenda pack"), read back
// through an independent iCalendar parser (ical.js) the way a calendar app would.

interface Event {
  uid: string;
  summary: string;
  status: string | null;
  sequence: number;
  location: string | null;
  url: string | null;
  description: string;
  /** An instant (ISO, UTC) for timed events; YYYY-MM-DD for all-day ones. */
  start: string;
  end: string | null;
  allDay: boolean;
}

function parse(text: string): { name: string | null; events: Event[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((vevent): Event => {
    const event = new ICAL.Event(vevent);
    const when = (time: ICAL.Time | null) => (time === null ? null : time.isDate ? time.toString() : time.toJSDate().toISOString());
    return {
      uid: event.uid,
      summary: event.summary,
      status: (vevent.getFirstPropertyValue('status') as string | null) ?? null,
      sequence: event.sequence,
      location: event.location ?? null,
      url: (vevent.getFirstPropertyValue('url') as string | null) ?? null,
      description: event.description ?? '',
      start: when(event.startDate)!,
      end: vevent.hasProperty('dtend') ? when(event.endDate) : null,
      allDay: event.startDate.isDate,
    };
  });
  return { name: (calendar.getFirstPropertyValue('x-wr-calname') as string | null) ?? null, events };
}

async function feed(api: TestApp, url: string, as?: string | null) {
  const res = await api.request({ method: 'GET', url, as });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return { res, ...parse(res.body) };
}

const byUid = (events: Event[], uid: string) => events.find((e) => e.uid.startsWith(`${uid}@`));

t.test("a committee's calendar: meetings at the right instant either side of the clock change, with despatch deadlines", async (t) => {
  const api = await build(t);
  const id = await committee(api, { name: 'Adults and Health Scrutiny Committee' });
  const summer = await meeting(api, id, { startsAt: '2024-09-02T18:30:00+01:00', venue: 'Council Chamber, Town Hall' });
  const winter = await meeting(api, id, { startsAt: '2024-11-04T18:30:00Z', venue: 'Room 2' });
  const cancelled = await meeting(api, id, { startsAt: '2025-03-31T10:00:00+01:00', venue: 'Room 3' });
  t.equal((await api.request({ method: 'PATCH', url: `/v1/meetings/${cancelled}`, payload: { status: 'cancelled' } })).statusCode, 200);

  const { res, name, events } = await feed(api, `/v1/committees/${id}/calendar.ics`);
  t.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
  t.equal(name, 'Adults and Health Scrutiny Committee');
  t.equal(events.length, 6, 'each meeting and each despatch deadline');

  const inBst = byUid(events, `meeting-${summer}`)!;
  t.equal(inBst.start, '2024-09-02T17:30:00.000Z', 'a BST meeting at 18:30 local is 17:30 UTC');
  t.equal(inBst.end, '2024-09-02T19:30:00.000Z', 'two hours long by default');
  t.equal(inBst.summary, 'Adults and Health Scrutiny Committee meeting');
  t.equal(inBst.location, 'Council Chamber, Town Hall');
  t.equal(inBst.status, 'CONFIRMED');
  t.equal(inBst.url, `http://localhost/v1/meetings/${summer}`, 'an absolute link to the meeting');
  t.match(inBst.description, `http://localhost/v1/meetings/${summer}`);
  t.equal(byUid(events, `meeting-${winter}`)!.start, '2024-11-04T18:30:00.000Z', 'a GMT meeting at 18:30 local is 18:30 UTC');
  t.match(res.body, /DTSTART:20240902T173000Z\r\n/, 'written as UTC: no time zone is needed to read it');

  const despatch = byUid(events, `despatch-${summer}`)!;
  t.ok(despatch.allDay, 'the despatch deadline is an all-day event');
  t.equal(despatch.start, '2024-08-22', 'five clear working days before 2 September (the bank holiday of 26 August skipped)');
  t.equal(despatch.end, '2024-08-23');
  t.equal(despatch.summary, 'Agenda despatch deadline for Adults and Health Scrutiny Committee meeting of 2 September 2024');

  const off = byUid(events, `meeting-${cancelled}`)!;
  t.equal(off.status, 'CANCELLED', 'a cancelled meeting stays in the feed, marked cancelled');
  t.match(off.summary, /\(cancelled\)$/);
  t.equal(byUid(events, `despatch-${cancelled}`)!.status, 'CANCELLED', 'and so does its despatch deadline');
  t.equal(off.start, '2025-03-31T09:00:00.000Z', 'the day after the clocks go forward: BST');
});

t.test('UIDs are stable across requests, and SEQUENCE goes up when a meeting moves', async (t) => {
  const api = await build(t);
  const id = await committee(api);
  const moved = await meeting(api, id, { startsAt: '2024-09-02T18:30:00+01:00' });
  await meeting(api, id, { startsAt: '2024-10-14T18:30:00+01:00' });

  const first = (await feed(api, `/v1/committees/${id}/calendar.ics`)).events;
  const again = (await feed(api, `/v1/committees/${id}/calendar.ics`)).events;
  t.same(again.map((e) => e.uid), first.map((e) => e.uid), 'the same UIDs on a second request');
  t.equal(new Set(first.map((e) => e.uid)).size, first.length, 'every UID is unique');
  t.ok(first.every((e) => /^(meeting|despatch)-\d+@localhost$/.test(e.uid)), 'UIDs name the record and the host');

  const patch = await api.request({ method: 'PATCH', url: `/v1/meetings/${moved}`, payload: { startsAt: '2024-09-09T18:30:00+01:00' } });
  t.equal(patch.statusCode, 200);
  const after = (await feed(api, `/v1/committees/${id}/calendar.ics`)).events;
  t.same(after.map((e) => e.uid).sort(), first.map((e) => e.uid).sort(), 'moving a meeting keeps its UIDs');
  const before = byUid(first, `meeting-${moved}`)!;
  const now = byUid(after, `meeting-${moved}`)!;
  t.equal(now.start, '2024-09-09T17:30:00.000Z', 'at its new time');
  t.ok(now.sequence > before.sequence, `SEQUENCE went up (${before.sequence} → ${now.sequence})`);
  t.ok(byUid(after, `despatch-${moved}`)!.sequence > byUid(first, `despatch-${moved}`)!.sequence, 'the despatch deadline too');
  t.equal(byUid(after, `despatch-${moved}`)!.start, '2024-08-30', 'five clear working days before 9 September');
});

t.test('without PUBLIC_BASE_URL, a Host no link can be made with is a 400', async (t) => {
  const api = await build(t);
  const id = await committee(api);
  const res = await api.request({ method: 'GET', url: `/v1/committees/${id}/calendar.ics`, headers: { host: 'exa mple' } });
  t.equal(res.statusCode, 400);
  t.match(res.json().errors, [{ pointer: '/headers/host' }]);
});

t.test('PUBLIC_BASE_URL makes the links and the UIDs', async (t) => {
  const api = await build(t, { publicBaseUrl: 'https://scrutiny.example.gov.uk/tracker' });
  const id = await committee(api);
  const m = await meeting(api, id, { startsAt: '2024-09-02T18:30:00+01:00' });
  const { events } = await feed(api, `/v1/committees/${id}/calendar.ics`);
  t.equal(byUid(events, `meeting-${m}`)!.url, `https://scrutiny.example.gov.uk/tracker/v1/meetings/${m}`);
  t.equal(byUid(events, `meeting-${m}`)!.uid, `meeting-${m}@scrutiny.example.gov.uk`);
});

t.test("a person's calendar: their open actions on their due-by dates", async (t) => {
  const api = await build(t);
  const id = await committee(api);
  const raisedAt = await meeting(api, id, { startsAt: '2024-07-15T18:30:00+01:00' });
  const next = await meeting(api, id, { startsAt: '2024-09-02T18:30:00+01:00' });
  const person = (await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Jo Officer', kind: 'officer' } })).json().id;
  const other = (await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Sam Other', kind: 'officer' } })).json().id;
  const action = async (body: Record<string, unknown>) => {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: raisedAt, kind: 'information', ownerId: person, ...body } });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().id as number;
  };
  const byDate = await action({ title: 'Circulate the waiting-times breakdown', dueDate: '2024-10-01', detail: 'By ward, monthly.' });
  const atMeeting = await action({ title: 'Report back on respite places' });
  const inProgress = await action({ title: 'Share the audit plan', dueMeetingId: next });
  await api.request({ method: 'PATCH', url: `/v1/actions/${inProgress}`, payload: { status: 'in_progress' } });
  const answered = await action({ title: 'Answered already', dueDate: '2024-10-01' });
  t.equal((await api.request({ method: 'PATCH', url: `/v1/actions/${answered}`, payload: { status: 'responded', response: 'Done.' } })).statusCode, 200);
  await action({ title: "Someone else's", dueDate: '2024-10-01', ownerId: other });

  const { res, name, events } = await feed(api, `/v1/people/${person}/calendar.ics`);
  t.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
  t.equal(name, 'Actions for Jo Officer');
  t.same(events.map((e) => e.uid).sort(), [byDate, atMeeting, inProgress].map((a) => `action-${a}@localhost`).sort(), 'open and in-progress actions the person owns');
  const dated = byUid(events, `action-${byDate}`)!;
  t.ok(dated.allDay);
  t.equal(dated.start, '2024-10-01', 'on the date it is due by');
  t.equal(dated.summary, 'Due: CYP (24/25) 01: Circulate the waiting-times breakdown', 'cited by its reference');
  t.match(dated.description, 'By ward, monthly.');
  t.equal(dated.url, `http://localhost/v1/actions/${byDate}`);
  t.equal(byUid(events, `action-${atMeeting}`)!.start, '2024-08-22', "due at the next meeting: that meeting's agenda despatch date");
  t.equal(byUid(events, `action-${inProgress}`)!.start, '2024-08-22');

  const again = (await feed(api, `/v1/people/${person}/calendar.ics`)).events;
  t.same(again.map((e) => e.uid), events.map((e) => e.uid), 'UIDs stable across requests');

  t.equal((await api.request({ method: 'GET', url: '/v1/people/999999/calendar.ics' })).statusCode, 404);
  t.equal((await api.request({ method: 'GET', url: '/v1/committees/999999/calendar.ics' })).statusCode, 404);
});

t.test("an action's summary starts with its reference when it has one", async (t) => {
  t.equal(actionSummary({ title: 'Report back on respite places', reference: 'ASC (24/25) 07' }), 'ASC (24/25) 07: Report back on respite places');
  t.equal(actionSummary({ title: 'Report back on respite places', reference: null }), 'Report back on respite places');
  t.equal(actionSummary({ title: 'Report back on respite places' }), 'Report back on respite places');
});

t.test('PUBLIC_BASE_URL is validated and loses its trailing slash', async (t) => {
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'https://scrutiny.example.gov.uk/' }).publicBaseUrl, 'https://scrutiny.example.gov.uk');
  t.equal(loadConfig({}).publicBaseUrl, undefined);
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'scrutiny.example.gov.uk' }), /PUBLIC_BASE_URL/);
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'https://scrutiny.example.gov.uk/?a=1' }), /PUBLIC_BASE_URL/);
});
