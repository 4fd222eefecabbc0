import t from 'tap';
import { build, committee, meeting, type TestApp } from '../helper.js';

// GET /v1/stats checked against the actions themselves over a wide spread of cases: two
// committees in different time zones (a meeting whose local date is not its UTC date), every
// due rule, every status, owners that are people, text or nobody, exempt and confidential
// actions and actions on an exempt item, 0 to 4 flags, and responses across weekends, bank
// holidays, a council closure day and a bank holiday worked through. The expected figures are
// worked out here from what the API lists (each action's raised meeting, effective due date,
// visibility, flags and overdue flag) and from GET /v1/holidays, counted day by day.

interface Listed {
  id: number; meetingId: number; ownerId: number | null; ownerText: string | null; status: string; respondedOn: string | null;
  dueDate: string | null; visibility: string; timesFlagged: number; overdue: boolean;
}

const LONDON_MEETINGS = [
  '2024-12-19T18:00:00Z', // Thursday before Christmas
  '2025-01-20T18:00:00Z',
  '2025-02-17T18:00:00Z',
  '2025-03-31T00:30:00+01:00', // just after midnight in BST: 30 March in UTC, 31 March locally
  '2025-04-14T18:30:00+01:00', // the Monday before Easter
  '2025-05-19T18:30:00+01:00',
  '2025-06-16T18:30:00+01:00',
];
const NEW_YORK_MEETINGS = [
  '2025-01-31T21:00:00-05:00', // 1 February in UTC, 31 January in New York
  '2025-02-28T10:00:00-05:00',
  '2025-04-17T19:00:00-04:00',
  '2025-05-29T19:00:00-04:00',
];
const SCANS = ['2025-01-13', '2025-02-10', '2025-03-24', '2025-04-07', '2025-05-12'];
const AS_OF = '2025-05-20';
// Days after the raised meeting a response is recorded: before it, on it, over weekends,
// Christmas, Easter and the May bank holidays.
const RESPONSE_AFTER = [-3, 0, 1, 4, 6, 9, 13, 17, 26, 33, 41];

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function ok(api: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) {
  const res = await api.request({ method, url, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

async function seed(api: TestApp) {
  // A council closure day, and the early May bank holiday worked through.
  await ok(api, 'PUT', '/v1/holidays/2025-01-02', { name: 'Council closure day' });
  await ok(api, 'DELETE', '/v1/holidays/2025-05-05');
  const london = await committee(api, { name: 'Overview and Scrutiny' });
  const newYork = await committee(api, { name: 'Sister City Liaison', timezone: 'America/New_York' });
  const londonMeetings = [];
  // Scheduled: a scan flags what is overdue at the next scheduled meeting.
  for (const startsAt of LONDON_MEETINGS) londonMeetings.push(await meeting(api, london, { startsAt }));
  const newYorkMeetings = [];
  for (const startsAt of NEW_YORK_MEETINGS) newYorkMeetings.push(await meeting(api, newYork, { startsAt }));
  const exemptItem = (await ok(api, 'POST', `/v1/meetings/${londonMeetings[1]}/items`, {
    title: 'Contract award', visibility: 'exempt', exemptParagraph: 3,
  }))!.id as number;
  const people = [];
  for (const name of ['Zoë Adeyemi', 'Ada Lovelace', 'Ada Lovelace']) people.push((await ok(api, 'POST', '/v1/people', { name, kind: 'officer' }))!.id as number);

  const plans: { id: number; raisedOn: string; outcome: number }[] = [];
  const raisedAt = [...londonMeetings.slice(0, 5).map((id, i) => ({ id, committeeId: london, i })), ...newYorkMeetings.slice(0, 3).map((id, i) => ({ id, committeeId: newYork, i }))];
  for (let n = 0; n < 72; n++) {
    const at = raisedAt[n % raisedAt.length]!;
    const raisedOn = (await ok(api, 'GET', `/v1/meetings/${at.id}`))!.localDate as string;
    const next = at.committeeId === london ? londonMeetings[at.i + 1 + (n % 2)] : newYorkMeetings[at.i + 1];
    const body: Record<string, unknown> = { kind: n % 9 === 4 ? 'information' : 'update', title: `Action ${n}`, meetingId: at.id };
    const owner = n % 5;
    if (owner < 3) body.ownerId = people[owner];
    else if (owner === 3) body.ownerText = n % 2 ? 'Head of Service' : 'Integrated Care Board';
    const due = n % 4;
    if (due === 0) body.dueDate = addDays(raisedOn, 10 + (n % 23));
    else if (due === 1) body.dueMeetingId = next;
    else if (due === 2) body.dueQuarter = '2024-25 Q4';
    // due === 3: the next meeting
    if (n % 7 === 3) body.visibility = 'exempt';
    if (n % 11 === 5) body.visibility = 'confidential';
    if (at.id === londonMeetings[1] && n % 3 === 0) body.itemId = exemptItem;
    const created = await ok(api, 'POST', '/v1/actions', body);
    plans.push({ id: created!.id as number, raisedOn, outcome: n % 6 });
  }
  for (const asOf of SCANS) for (const committeeId of [london, newYork]) await ok(api, 'POST', '/v1/scans/overdue', { asOf, committeeId });
  for (const [n, plan] of plans.entries()) {
    const respondedOn = addDays(plan.raisedOn, RESPONSE_AFTER[n % RESPONSE_AFTER.length]!);
    const url = `/v1/actions/${plan.id}`;
    if (plan.outcome <= 2) await ok(api, 'PATCH', url, { status: 'responded', response: 'Done.', respondedOn });
    if (plan.outcome === 2) await ok(api, 'PATCH', url, { status: 'closed' });
    if (plan.outcome === 3) await ok(api, 'PATCH', url, { status: 'in_progress' });
    if (plan.outcome === 4 && n % 4 === 0) await ok(api, 'PATCH', url, { status: 'withdrawn' });
  }
  return { committees: [london, newYork] };
}

async function everyAction(api: TestApp, committeeId: number): Promise<Listed[]> {
  const all: Listed[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.request({ method: 'GET', url: `/v1/actions?committeeId=${committeeId}&asOf=${AS_OF}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
    const body = page.json();
    all.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return all;
}

/** Working days after `raised` up to and including `responded`, counted one day at a time. */
function workingDays(raised: string, responded: string, holidays: Set<string>): number {
  let n = 0;
  for (let day = addDays(raised, 1); day <= responded; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(day)) n += 1;
  }
  return n;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function figures(actions: Listed[], raisedOn: Map<number, string>, holidays: Set<string>) {
  const responded = actions.filter((a) => a.respondedOn !== null);
  const flagged = (n: number) => actions.filter((a) => (n === 3 ? a.timesFlagged >= 3 : a.timesFlagged === n)).length;
  return {
    raised: actions.length,
    respondedOnTime: responded.filter((a) => a.dueDate === null || a.respondedOn! <= a.dueDate).length,
    respondedLate: responded.filter((a) => a.dueDate !== null && a.respondedOn! > a.dueDate).length,
    open: actions.filter((a) => a.status === 'open' || a.status === 'in_progress').length,
    overdue: actions.filter((a) => a.overdue).length,
    medianWorkingDaysToRespond: median(responded.map((a) => workingDays(raisedOn.get(a.meetingId)!, a.respondedOn!, holidays))),
    timesFlagged: { none: flagged(0), once: flagged(1), twice: flagged(2), threeOrMore: flagged(3) },
  };
}

t.test('stats equal the figures worked out from the actions, for every caller and period', async (t) => {
  const api = await build(t);
  const { committees } = await seed(api);
  const holidays = new Set(((await api.request({ method: 'GET', url: '/v1/holidays?from=2024-01-01&to=2026-12-31' })).json().data as { date: string }[]).map((h) => h.date));
  t.ok(holidays.has('2025-01-02') && !holidays.has('2025-05-05') && holidays.has('2025-04-18'), 'the calendar the stats must use');
  const names = new Map<number, string>();
  const raisedOn = new Map<number, string>();
  const every = new Map<number, Listed[]>();
  for (const committeeId of committees) {
    const actions = await everyAction(api, committeeId);
    every.set(committeeId, actions);
    for (const a of actions) {
      if (!raisedOn.has(a.meetingId)) raisedOn.set(a.meetingId, (await api.request({ method: 'GET', url: `/v1/meetings/${a.meetingId}` })).json().localDate);
      if (a.ownerId !== null && !names.has(a.ownerId)) names.set(a.ownerId, (await api.request({ method: 'GET', url: `/v1/people/${a.ownerId}` })).json().name);
    }
  }
  const london = every.get(committees[0]!)!;
  t.ok([0, 1, 2, 3].every((n) => london.some((a) => Math.min(a.timesFlagged, 3) === n)) && london.some((a) => a.timesFlagged > 3), 'flags from none to four');
  t.ok(london.some((a) => a.visibility === 'exempt') && london.some((a) => a.visibility === 'confidential'), 'hidden actions');
  t.ok(london.some((a) => a.overdue) && london.some((a) => a.respondedOn !== null && a.dueDate !== null && a.respondedOn > a.dueDate), 'overdue and late');

  const periods: { from?: string; to?: string }[] = [{}, { from: '2025-01-01', to: '2025-01-31' }, { from: '2025-03-31', to: '2025-04-30' }, { from: '2024-12-20', to: '2025-03-30' }];
  const readers = [
    { name: 'anonymous', key: null, sees: ['public'] },
    { name: 'reader', key: api.keys.reader, sees: ['public'] },
    { name: 'exempt', key: api.keys.exempt, sees: ['public', 'exempt'] },
    { name: 'confidential', key: api.keys.confidential, sees: ['public', 'exempt', 'confidential'] },
  ];
  for (const reader of readers) {
    for (const period of periods) {
      const query = new URLSearchParams({ ...period, asOf: AS_OF } as Record<string, string>);
      const res = await api.request({ method: 'GET', url: `/v1/stats?${query}`, as: reader.key });
      t.equal(res.statusCode, 200, res.body);
      const body = res.json();
      const expected = committees.map((committeeId) => {
        const actions = every.get(committeeId)!.filter((a) => reader.sees.includes(a.visibility)
          && (raisedOn.get(a.meetingId)! >= (period.from ?? '') && raisedOn.get(a.meetingId)! <= (period.to ?? '9999')));
        const owners = new Map<string, Listed[]>();
        for (const a of actions) {
          const key = JSON.stringify([a.ownerId, a.ownerId === null ? a.ownerText : null]);
          owners.set(key, [...(owners.get(key) ?? []), a]);
        }
        const ownerRows = [...owners.values()].map((list) => {
          const personId = list[0]!.ownerId;
          return { owner: { personId, name: personId === null ? list[0]!.ownerText : names.get(personId)! }, ...figures(list, raisedOn, holidays) };
        }).sort((a, b) => (a.owner.name ?? '\uffff').localeCompare(b.owner.name ?? '\uffff') || (a.owner.personId ?? 0) - (b.owner.personId ?? 0));
        return { id: committeeId, ...figures(actions, raisedOn, holidays), owners: ownerRows };
      });
      const got = (body.committees as { committee: { id: number }; asOf: string }[]).map(({ committee: c, asOf, ...rest }) => {
        t.equal(asOf, AS_OF);
        return { id: c.id, ...rest };
      });
      t.same(got, expected, `${reader.name}, ${JSON.stringify(period)}`);
    }
  }
});
