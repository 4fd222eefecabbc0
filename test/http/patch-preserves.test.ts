import fc from 'fast-check';
import t, { type Test } from 'tap';
import { MEETING_STATUSES } from '../../src/domain/due.js';
import { EXECUTIVE_RESPONSES } from '../../src/domain/executive-response.js';
import { ACTION_KINDS, COMMITTEE_KINDS, PERSON_KINDS, RESOLUTION_KINDS } from '../../src/domain/vocabulary.js';
import { READ_SCOPES, WEBHOOK_EVENTS } from '../../src/domain/webhooks.js';
import { build, committee, meeting, type TestApp } from '../helper.js';

// A field a PATCH does not send never changes. For every PATCH operation in the OpenAPI
// document: create a record with a non-default value in every field, PATCH one field of its
// update schema, and every other field of the record read back is as it was — except the
// fields that follow from the patched one (`follows`: a meeting's despatch date from its
// start). A PATCH route without a fixture here, or a field of its schema without values,
// fails the test, so a new route or field cannot escape it.

type Values = Record<string, fc.Arbitrary<unknown>>;
interface Fixture<Context> {
  /** Records the resource refers to, made once per app. */
  setup: (api: TestApp) => Promise<Context>;
  /** Creates a record with a non-default value in every field; returns its URL. */
  create: (api: TestApp, context: Context) => Promise<string>;
  /** For each field of the update schema, values a PATCH of that field alone may send. */
  values: (context: Context) => Values;
  /** Fields that follow from a patched field, and so may change with it. */
  follows?: Record<string, string[]>;
  /** Fields the record stores differently from how they were sent (not compared to the PATCH). */
  reshaped?: string[];
}

const text = (max = 40) => fc.string({ minLength: 1, maxLength: max }).filter((s) => /\S/.test(s));
/** Arbitraries that may give null: each is also tried with null itself, every run. */
const mayBeNull = new WeakSet<fc.Arbitrary<unknown>>();
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => {
  const withNull = fc.option(arbitrary, { nil: null });
  mayBeNull.add(withNull);
  return withNull;
};
const date = fc.constantFrom('2024-09-02', '2025-01-31', '2024-11-15');
let unique = 0;
const next = () => ++unique;

async function created(api: TestApp, url: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await api.request({ method: 'POST', url, payload });
  if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}
async function idOf(api: TestApp, url: string, payload: Record<string, unknown>): Promise<number> {
  return (await created(api, url, payload)).id as number;
}

async function itemOn(api: TestApp, meetingId: number, visibility = 'public') {
  const exempt = visibility === 'public' ? {} : { exemptParagraph: 3 };
  return idOf(api, `/v1/meetings/${meetingId}/items`, { title: `Item ${next()}`, visibility, ...exempt });
}

const committeeFixture: Fixture<null> = {
  setup: async () => null,
  create: async (api) => {
    const id = await committee(api, {
      name: `Health Policy and Performance Board ${next()}`,
      slug: `health-ppb-${next()}`,
      kind: 'policy_and_performance_board',
      authority: 'Halton Borough Council',
      contactName: 'Democratic Services',
      contactEmail: 'democratic.services@example.gov.uk',
      contactPhone: '0151 907 8300',
      despatchClearDays: 7,
      reminderWorkingDays: 15,
      timezone: 'Europe/Dublin',
      referencePrefix: 'HPPB',
    });
    // A meeting, whose despatch date must not move unless the schedule's inputs do.
    await meeting(api, id, { startsAt: '2024-07-15T18:30:00+01:00' });
    return `/v1/committees/${id}`;
  },
  values: () => ({
    name: text(),
    slug: fc.uuid(),
    kind: fc.constantFrom(...COMMITTEE_KINDS),
    authority: nullable(text()),
    contactName: nullable(text()),
    contactEmail: nullable(fc.constantFrom('scrutiny@example.gov.uk', 'clerk@example.org')),
    contactPhone: nullable(text(20)),
    despatchClearDays: fc.integer({ min: 0, max: 30 }),
    reminderWorkingDays: fc.integer({ min: 0, max: 60 }),
    timezone: fc.constantFrom('Europe/London', 'Europe/Dublin', 'America/New_York'),
    referencePrefix: fc.constantFrom('HPPB', 'SR', 'Health PPB'),
  }),
};

const meetingFixture: Fixture<{ committeeId: number }> = {
  setup: async (api) => ({ committeeId: await committee(api, { despatchClearDays: 7, timezone: 'Europe/Dublin' }) }),
  create: async (api, { committeeId }) => {
    const id = await meeting(api, committeeId, {
      startsAt: '2024-07-15T18:30:00+01:00',
      venue: 'Council Chamber, Runcorn Town Hall',
      status: 'held',
      externalId: `mg-${next()}`,
      minutesApprovedOn: '2024-09-09',
    });
    return `/v1/meetings/${id}`;
  },
  values: () => ({
    startsAt: fc.constantFrom('2024-10-01T10:00:00Z', '2025-03-03T18:30:00+00:00', '2024-12-31T23:59:59-05:00'),
    venue: nullable(text()),
    status: fc.constantFrom(...MEETING_STATUSES),
    externalId: nullable(fc.uuid()),
    minutesApprovedOn: nullable(date),
  }),
  follows: { startsAt: ['localDate', 'agendaDespatchBy'] },
};

const itemFixture: Fixture<{ meetingId: number }> = {
  setup: async (api) => ({ meetingId: await meeting(api, await committee(api), { startsAt: '2024-07-15T18:30:00+01:00' }) }),
  create: async (api, { meetingId }) => {
    const item = await created(api, `/v1/meetings/${meetingId}/items`, {
      number: '5a',
      title: 'Children in care: placement sufficiency',
      minutes: 'The Board considered the report of the Director.',
      position: 7,
      visibility: 'confidential',
      exemptParagraph: 3,
    });
    return `/v1/items/${item.id}`;
  },
  values: () => ({
    number: nullable(fc.constantFrom('1', '16', '5b')),
    title: text(),
    minutes: nullable(text(200)),
    position: fc.integer({ min: 0, max: 100_000 }),
    visibility: fc.constantFrom('public', 'exempt', 'confidential'),
    exemptParagraph: fc.integer({ min: 1, max: 7 }),
  }),
  // Declassified business names no Schedule 12A paragraph.
  follows: { visibility: ['exemptParagraph'] },
};

const personFixture: Fixture<null> = {
  setup: async () => null,
  create: async (api) => {
    const id = await idOf(api, '/v1/people', {
      name: 'Sarah Jones',
      kind: 'officer',
      title: 'Dr',
      role: "Director of Children's Services",
      organisation: 'Halton Borough Council',
      email: 'sarah.jones@example.gov.uk',
    });
    return `/v1/people/${id}`;
  },
  values: () => ({
    name: text(),
    kind: fc.constantFrom(...PERSON_KINDS),
    title: nullable(text(20)),
    role: nullable(text()),
    organisation: nullable(text()),
    email: nullable(fc.constantFrom('officer@example.gov.uk', 'cllr@example.org')),
    notify: fc.boolean(),
  }),
};

const vote = fc.record({
  for: fc.integer({ min: 0, max: 60 }),
  against: fc.integer({ min: 0, max: 60 }),
  abstentions: fc.integer({ min: 0, max: 60 }),
  method: text(20),
});

const resolutionFixture: Fixture<{ itemId: number }> = {
  setup: async (api) => {
    const meetingId = await meeting(api, await committee(api), { startsAt: '2024-07-15T18:30:00+01:00' });
    return { itemId: await itemOn(api, meetingId) };
  },
  create: async (api, { itemId }) => {
    const id = await idOf(api, `/v1/items/${itemId}/resolutions`, {
      number: '2',
      text: 'That the Board agrees the recommendations.',
      kind: 'agreed',
      vote: { for: 7, against: 2, abstentions: 1, method: 'show of hands' },
    });
    return `/v1/resolutions/${id}`;
  },
  values: () => ({
    number: nullable(fc.constantFrom('1', 'a', '12')),
    text: text(200),
    kind: fc.constantFrom(...RESOLUTION_KINDS),
    vote: nullable(vote),
  }),
};

interface ActionContext {
  meetingId: number;
  laterMeetings: number[];
  itemId: number;
  resolutions: number[];
  people: number[];
}

const dueFields = ['dueRule', 'dueMeetingId', 'dueDate', 'dueQuarter', 'overdue'];
const actionFixture: Fixture<ActionContext> = {
  setup: async (api) => {
    const committeeId = await committee(api);
    const meetingId = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });
    const laterMeetings = [
      await meeting(api, committeeId, { startsAt: '2024-09-16T18:30:00+01:00' }),
      await meeting(api, committeeId, { startsAt: '2024-11-18T18:30:00Z' }),
    ];
    const itemId = await itemOn(api, meetingId);
    const resolution = { text: 'That the Executive be recommended to review placements.', kind: 'recommendation' };
    const resolutions = [
      await idOf(api, `/v1/items/${itemId}/resolutions`, resolution),
      await idOf(api, `/v1/items/${itemId}/resolutions`, resolution),
    ];
    const people = [
      await idOf(api, '/v1/people', { name: 'Cllr Ann Smith', kind: 'councillor' }),
      await idOf(api, '/v1/people', { name: 'Sarah Jones', kind: 'officer' }),
    ];
    return { meetingId, laterMeetings, itemId, resolutions, people };
  },
  create: async (api, { meetingId, laterMeetings, itemId, resolutions, people }) => {
    const action = await created(api, '/v1/actions', {
      meetingId,
      itemId,
      resolutionId: resolutions[0],
      kind: 'recommendation',
      reference: `CYPF 24/${next()}`,
      title: 'Review the placement sufficiency strategy',
      detail: 'Including out-of-borough placements.',
      requestedById: people[0],
      ownerId: people[1],
      ownerText: "Director of Children's Services",
      dueDate: '2024-10-31',
      rag: 'amber',
      visibility: 'exempt',
      directedTo: 'Executive Board',
      receivedOn: '2024-07-22',
      noticeOn: '2024-07-24',
      executiveResponse: 'partially_accepted',
      responseReason: 'Funding is under review.',
    });
    const url = `/v1/actions/${action.id}`;
    const res = await api.request({
      method: 'PATCH',
      url,
      payload: { status: 'in_progress', response: 'A first answer.', respondedOn: '2024-08-01', respondedMeetingId: laterMeetings[0] },
    });
    if (res.statusCode !== 200) throw new Error(`PATCH ${url}: ${res.statusCode} ${res.body}`);
    return url;
  },
  values: ({ laterMeetings, itemId, resolutions, people }) => ({
    // An action keeps its resolution's item: moving it elsewhere names both (not one field).
    itemId: fc.constant(itemId),
    resolutionId: fc.constantFrom(...resolutions),
    kind: fc.constantFrom(...ACTION_KINDS),
    reference: fc.uuid(),
    title: text(),
    detail: nullable(text(200)),
    requestedById: nullable(fc.constantFrom(...people)),
    ownerId: nullable(fc.constantFrom(...people)),
    ownerText: nullable(text()),
    dueMeetingId: fc.constantFrom(...laterMeetings),
    dueDate: date,
    dueQuarter: fc.constantFrom('2024-25 Q3', '2025-26 Q1'),
    rag: nullable(fc.constantFrom('red', 'amber', 'green')),
    // Tightening only: an action's visibility is never loosened.
    visibility: fc.constantFrom('exempt', 'confidential'),
    directedTo: nullable(text()),
    receivedOn: date,
    noticeOn: nullable(date),
    executiveResponse: nullable(fc.constantFrom(...EXECUTIVE_RESPONSES)),
    responseReason: nullable(text(200)),
    // From in_progress; responded keeps the respondedOn already recorded.
    status: fc.constantFrom('in_progress', 'responded', 'withdrawn'),
    response: text(200),
    respondedOn: nullable(date),
    respondedMeetingId: nullable(fc.constantFrom(...laterMeetings)),
  }),
  follows: {
    dueMeetingId: dueFields,
    dueDate: dueFields,
    dueQuarter: dueFields,
    receivedOn: ['responseDueOn'],
    noticeOn: ['responseDueOn'],
    status: ['overdue'],
  },
  // A meeting due is read from the meeting; a quarter's date is its last day.
  reshaped: ['dueMeetingId', 'dueDate', 'dueQuarter'],
};

/** Every PATCH path of the OpenAPI document, with its fixture. A missing entry fails. */
const webhookFixture: Fixture<null> = {
  setup: async () => null,
  create: async (api) => {
    const id = await idOf(api, '/v1/webhooks', {
      url: 'https://hooks.example.gov.uk/scrutiny',
      events: ['action.created', 'meeting.updated'],
      scopes: ['read', 'read:exempt'],
      enabled: false,
    });
    return `/v1/webhooks/${id}`;
  },
  values: () => ({
    url: fc.constantFrom('https://receiver.example.org/hooks', 'http://127.0.0.1:9/events'),
    events: fc.subarray([...WEBHOOK_EVENTS], { minLength: 1 }),
    scopes: fc.subarray([...READ_SCOPES], { minLength: 1 }),
    enabled: fc.boolean(),
    limit: fc.constantFrom({ authority: 'Halton Borough Council' }, { authority: 'Warrington Borough Council' }),
  }),
  // Enabling a webhook again clears why it was disabled.
  follows: { enabled: ['disabledReason'] },
};

/** A stored import draft (issue 15): its one editable field is the list of candidates. */
const importFixture: Fixture<number> = {
  setup: (api) => committee(api, { name: `Planning Scrutiny Committee ${next()}` }),
  create: async (api, committeeId) => {
    const text = 'PLANNING SCRUTINY COMMITTEE\n\nAt a meeting of this Committee held on Monday, 12th October, 2026 6.30 p.m.\n\n' +
      '1 LOCAL PLAN REVIEW\n\nOfficers would provide a note on housing numbers.\n';
    const saved = await created(api, '/v1/imports/minutes', { text, committeeId, save: true });
    return `/v1/imports/${(saved.saved as { id: number }).id}`;
  },
  values: () => ({
    candidates: fc.constantFrom([], [{ itemIndex: 0, kind: 'task', title: 'Circulate the map' }]),
  }),
  // Sent as edits, answered as the candidates they make.
  reshaped: ['candidates'],
};

const fixtures: Record<string, Fixture<never>> = {
  '/v1/imports/{id}': importFixture,
  '/v1/committees/{id}': committeeFixture,
  '/v1/meetings/{id}': meetingFixture,
  '/v1/items/{id}': itemFixture,
  '/v1/people/{id}': personFixture,
  '/v1/resolutions/{id}': resolutionFixture,
  '/v1/actions/{id}': actionFixture,
  '/v1/webhooks/{id}': webhookFixture,
} as unknown as Record<string, Fixture<never>>;

/**
 * PUT operations replace the whole representation (RFC 9110 §9.3.4): a field left out is
 * cleared, by design. Listed here so that a new PUT is a decision, not an oversight.
 */
const fullReplacements = [
  '/v1/committees/{id}/members/{personId}',
  '/v1/meetings/{id}/attendance',
  '/v1/holidays/{date}',
  // A subscription has no fields: PUT makes it exist, whatever was there.
  '/v1/actions/{id}/subscribers/{personId}',
];

interface Operation {
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; $ref?: string } }> };
}

async function openApi(t: Test) {
  const api = await build(t);
  await api.app.ready();
  return api.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
}

t.test('every PATCH route has a fixture, and every PUT is a full replacement', async (t) => {
  const doc = await openApi(t);
  const patches = Object.keys(doc.paths).filter((path) => doc.paths[path]!.patch);
  const puts = Object.keys(doc.paths).filter((path) => doc.paths[path]!.put);
  t.ok(patches.length >= 6, 'the document lists the PATCH routes');
  for (const path of patches) t.ok(fixtures[path], `PATCH ${path} has a fixture in patch-preserves.test.ts`);
  for (const path of puts) t.ok(fullReplacements.includes(path), `PUT ${path} is a documented full replacement`);
});

t.test('no update body in the document carries a default', async (t) => {
  const doc = await openApi(t);
  for (const [path, item] of Object.entries(doc.paths)) {
    const body = item.patch?.requestBody?.content['application/json']?.schema;
    if (body) t.notMatch(JSON.stringify(body), /"default"\s*:/, `PATCH ${path}`);
  }
});

/** Random values tried per field, besides null for a nullable one. */
const RUNS_PER_FIELD = 5;

/** A committee's meetings as their schedule leaves them: what a committee PATCH may recompute. */
async function schedules(api: TestApp, committeeUrl: string) {
  const meetings = (await api.request({ method: 'GET', url: `${committeeUrl}/meetings` })).json().data as Record<string, unknown>[];
  return meetings.map(({ id, localDate, agendaDespatchBy, version, updatedAt }) => ({ id, localDate, agendaDespatchBy, version, updatedAt }));
}

t.test('a PATCH of one field leaves every other field as it was', async (t) => {
  const doc = await openApi(t);
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!item.patch) continue;
    const fixture = fixtures[path];
    if (!fixture) continue; // reported by the test above
    await t.test(`PATCH ${path}`, async (t) => {
      const api = await build(t);
      const fields = Object.keys(item.patch!.requestBody!.content['application/json']!.schema.properties ?? {});
      t.ok(fields.length > 0, 'the document lists the fields of the update body');
      const context = await fixture.setup(api);
      const values = fixture.values(context as never);
      for (const field of fields) t.ok(values[field], `the fixture has values for ${field}`);

      const patchOne = async (field: string, value: unknown) => {
        const url = await fixture.create(api, context as never);
        const before = (await api.request({ method: 'GET', url })).json();
        const meetingsBefore = path === '/v1/committees/{id}' ? await schedules(api, url) : [];
        const res = await api.request({ method: 'PATCH', url, payload: { [field]: value } });
        if (res.statusCode !== 200) throw new Error(`PATCH ${url} ${JSON.stringify({ [field]: value })}: ${res.statusCode} ${res.body}`);
        const after = (await api.request({ method: 'GET', url })).json();
        const mayChange = new Set(['updatedAt', field, ...(fixture.follows?.[field] ?? [])]);
        for (const key of Object.keys(before)) {
          if (mayChange.has(key)) continue;
          if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) {
            throw new Error(`PATCH ${JSON.stringify({ [field]: value })} changed ${key}: ${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`);
          }
        }
        if (!fixture.reshaped?.includes(field) && JSON.stringify(after[field]) !== JSON.stringify(value)) {
          throw new Error(`PATCH ${JSON.stringify({ [field]: value })} stored ${JSON.stringify(after[field])}`);
        }
        // The committee's meetings keep their local dates and despatch dates (and are not
        // rewritten at all) unless the schedule's inputs changed.
        if (path === '/v1/committees/{id}' && !['timezone', 'despatchClearDays'].includes(field)) {
          const meetingsAfter = await schedules(api, url);
          if (meetingsBefore.length === 0) throw new Error('the committee fixture has no meeting to check');
          if (JSON.stringify(meetingsAfter) !== JSON.stringify(meetingsBefore)) {
            throw new Error(`PATCH ${JSON.stringify({ [field]: value })} rewrote its meetings: ${JSON.stringify(meetingsBefore)} → ${JSON.stringify(meetingsAfter)}`);
          }
        }
      };

      // Every field on its own, with a few values each (and null wherever null may be sent).
      for (const field of fields.filter((f) => values[f])) {
        const arbitrary = values[field]!;
        await fc.assert(fc.asyncProperty(arbitrary, (value) => patchOne(field, value)), {
          numRuns: RUNS_PER_FIELD,
          examples: mayBeNull.has(arbitrary) ? [[null]] : [],
        });
        t.pass(`PATCH ${field} alone changed nothing else`);
      }
    });
  }
});

// An action's item and resolution move together (a resolution names its item), so a move is
// the one PATCH that must send two fields: everything else, its own visibility included, stays.
t.test('moving an action to another item, or off any, leaves every other field as it was', async (t) => {
  const api = await build(t);
  const context = await actionFixture.setup(api);
  const otherItem = await itemOn(api, context.meetingId);
  const otherResolution = await idOf(api, `/v1/items/${otherItem}/resolutions`, { text: 'That the report be noted.', kind: 'noted' });
  const moves: Record<string, unknown>[] = [
    { itemId: otherItem, resolutionId: otherResolution },
    { itemId: otherItem, resolutionId: null },
    { itemId: null, resolutionId: null },
  ];
  for (const move of moves) {
    const url = await actionFixture.create(api, context);
    const before = (await api.request({ method: 'GET', url })).json();
    const res = await api.request({ method: 'PATCH', url, payload: move });
    t.equal(res.statusCode, 200, `${JSON.stringify(move)}: ${res.body}`);
    const after = (await api.request({ method: 'GET', url })).json();
    t.match(after, move, `${JSON.stringify(move)}: moved`);
    const changed = Object.keys(before).filter((key) => !['updatedAt', ...Object.keys(move)].includes(key) && JSON.stringify(after[key]) !== JSON.stringify(before[key]));
    t.same(changed, [], `${JSON.stringify(move)}: nothing else changed`);
    t.equal(after.visibility, 'exempt', `${JSON.stringify(move)}: still exempt`);
  }
});
