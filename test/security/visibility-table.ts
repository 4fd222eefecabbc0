import { AS_OF, LEVEL_MARKER, levels, type ActionKey, type Level, type RecordKey, type Seed } from './seed.js';

// How to probe every GET operation of the API for exempt leaks. Keyed by the OpenAPI path
// template: visibility.test.ts fails when the document has a GET path missing here (or this
// table names one the document lacks), so a new read endpoint cannot ship unprobed.

export interface Probe {
  /** Values for the path template's parameters. */
  params?: Record<string, string | number>;
  /** Query string without the "?". */
  query?: string;
  headers?: Record<string, string>;
  /**
   * The level of the record the path names (its `{id}`). A caller who may not read that level
   * must get a 404 identical to the one for an id that does not exist.
   */
  addresses?: Level;
  /** Records whose markers must appear in the response for every caller who may read them. */
  shows?: RecordKey[];
  /** The action ids the body lists must be exactly the visible ones of these. */
  actionIds?: { pick: (body: unknown) => number[]; of: ActionKey[] };
}

export type RouteTable = Record<string, (seed: Seed) => Probe[]>;

export const allActions: ActionKey[] = ['public', 'tightenedExempt', 'tightenedConfidential', 'exempt', 'confidential'];
const actionRecords = allActions.map((k) => `action.${k}` as const);
const updateRecords = allActions.map((k) => `update.${k}` as const);
/** The agenda-pack documents' formats (documents/formats.ts), by ?format= and by Accept. */
const documentFormats = ['json', 'csv', 'md', 'html', 'docx'] as const;
const documentAccepts = ['text/csv', 'text/markdown', 'text/html', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'];
const actionsAtLevel = (level: Level, seed: Seed) => allActions.filter((k) => seed.actions[k].level === level);

interface WithData { data: { id: number; actionId?: number }[] }
const dataIds = (body: unknown) => (body as WithData).data.map((r) => r.id);
const flagActionIds = (body: unknown) => (body as WithData).data.map((r) => r.actionId!);
interface DocumentJson { sections: { tables: { rows: { id: number }[] }[] }[] }
const documentIds = (body: unknown) => (body as DocumentJson).sections.flatMap((s) => s.tables.flatMap((t) => t.rows.map((r) => r.id)));
const reportIds = (body: unknown) =>
  (body as { meetings: { overdue: { id: number }[]; dueSoon: { id: number }[] }[] }).meetings.flatMap((m) =>
    [...m.overdue, ...m.dueSoon].map((a) => a.id),
  );

/** One probe per level for a path whose `{id}` is a record of `kind`. */
const perLevel = (kind: 'item' | 'resolution' | 'declaration', shows: (level: Level) => RecordKey[]) => (seed: Seed) =>
  levels.map((level): Probe => ({ params: { id: seed.ids[kind][level] }, addresses: level, shows: shows(level) }));

/** One probe per seeded action (public, exempt, confidential and the two tightened ones). */
const perAction = (shows: (key: ActionKey) => RecordKey[], query?: string) => (seed: Seed) =>
  allActions.map((key): Probe => ({
    params: { id: seed.actions[key].id }, query, addresses: seed.actions[key].level, shows: shows(key),
  }));

/** GET /v1/actions as CSV (modules/spreadsheets): by ?format= and by Accept, with filters and a search. */
const csvProbes = (s: Seed): Probe[] => {
  const everything = [...actionRecords, ...allActions.map((k) => `update.${k}` as const)];
  return [
    { query: 'format=csv', shows: everything },
    { query: `format=csv&bom=true&asOf=${AS_OF}&overdue=true&sort=-title`, shows: everything },
    { headers: { accept: 'text/csv' }, shows: everything },
    { query: `committeeId=${s.committeeId}&status=open,in_progress`, headers: { accept: 'text/csv, application/json;q=0.5' }, shows: everything },
    { query: 'format=csv&q=MARKER', shows: actionRecords },
    ...levels.map((l) => ({ query: `format=csv&q=${LEVEL_MARKER[l]}`, shows: actionsAtLevel(l, s).map((k) => `action.${k}` as const) })),
    ...allActions.map((k) => ({ query: `format=csv&reference=${encodeURIComponent(`Ref ${s.actions[k].marker}`)}`, shows: [`action.${k}` as const] })),
  ];
};

export const getRoutes: RouteTable = {
  '/healthz': () => [{}],
  '/readyz': () => [{}],

  '/v1/committees': () => [{}, { query: 'limit=1' }],
  '/v1/committees/{id}': (s) => [{ params: { id: s.committeeId } }],
  '/v1/committees/{id}/members': (s) => [{ params: { id: s.committeeId } }],
  '/v1/committees/{id}/meetings': (s) => [{ params: { id: s.committeeId } }],
  '/v1/committees/{id}/calendar.ics': (s) => [{ params: { id: s.committeeId } }],
  // The tracker shows each action's text and its latest progress update, in every format.
  '/v1/committees/{id}/tracker': (s) => {
    const tracker = (query: string, headers?: Record<string, string>): Probe => ({
      params: { id: s.committeeId }, query, headers, shows: [...actionRecords, ...updateRecords],
      ...(query.includes('format=json') ? { actionIds: { pick: documentIds, of: allActions } } : {}),
    });
    return [
      ...documentFormats.flatMap((format) => [tracker(`asOf=${AS_OF}&format=${format}`), tracker(`asOf=${AS_OF}&status=all&since=2024-07-01&format=${format}`)]),
      ...documentAccepts.map((accept) => tracker(`asOf=${AS_OF}`, { accept })),
      // Raised before any meeting on or after this day: an empty tracker, for every caller.
      { params: { id: s.committeeId }, query: 'since=2025-01-01&format=json', actionIds: { pick: documentIds, of: [] } },
    ];
  },
  '/v1/people': () => [{}, { query: 'q=Lovelace' }],
  '/v1/people/{id}': (s) => [{ params: { id: s.personId } }],
  // The person owns every seeded action: each appears for, and only for, callers who may read it.
  '/v1/people/{id}/calendar.ics': (s) => [{ params: { id: s.personId }, shows: actionRecords }],

  '/v1/meetings/{id}': (s) => Object.values(s.meetings).map((id) => ({ params: { id } })),
  '/v1/meetings/{id}/attendance': (s) => [{ params: { id: s.meetings.raisedAt } }],
  '/v1/meetings/{id}/history': (s) => Object.values(s.meetings).map((id) => ({ params: { id } })),
  '/v1/meetings/{id}/items': (s) => [
    { params: { id: s.meetings.raisedAt }, shows: levels.map((l) => `item.${l}` as const) },
    // Paged one at a time: every page followed, hidden items on none of them.
    { params: { id: s.meetings.raisedAt }, query: 'limit=1', shows: levels.map((l) => `item.${l}` as const) },
    { params: { id: s.meetings.next } },
  ],
  '/v1/meetings/{id}/action-log': (s) => [
    {
      params: { id: s.meetings.next }, query: `asOf=${AS_OF}`, shows: actionRecords,
      actionIds: { pick: dataIds, of: allActions },
    },
    { params: { id: s.meetings.next }, shows: actionRecords, actionIds: { pick: dataIds, of: allActions } },
    { params: { id: s.meetings.raisedAt }, query: `asOf=${AS_OF}`, actionIds: { pick: dataIds, of: [] } },
    // The agenda-pack document of the log: the actions' texts and latest updates, in every format.
    ...documentFormats.filter((f) => f !== 'json').map((format): Probe => ({
      params: { id: s.meetings.next }, query: `asOf=${AS_OF}&format=${format}`, shows: [...actionRecords, ...updateRecords],
    })),
    ...documentAccepts.map((accept): Probe => ({ params: { id: s.meetings.next }, headers: { accept }, shows: [...actionRecords, ...updateRecords] })),
  ],

  '/v1/items/{id}': perLevel('item', (l) => [`item.${l}`]),
  '/v1/items/{id}/history': perLevel('item', (l) => [`item.${l}`]),
  '/v1/items/{id}/declarations': perLevel('declaration', (l) => [`declaration.${l}`]),
  '/v1/declarations/{id}': perLevel('declaration', (l) => [`declaration.${l}`]),
  '/v1/items/{id}/resolutions': perLevel('resolution', (l) => [`resolution.${l}`]),
  '/v1/resolutions/{id}': perLevel('resolution', (l) => [`resolution.${l}`]),
  '/v1/resolutions/{id}/history': perLevel('resolution', (l) => [`resolution.${l}`]),

  '/v1/actions': (s) => {
    const every = { pick: dataIds, of: allActions };
    const probe = (query: string, of: ActionKey[] = allActions): Probe => ({
      query, shows: of.map((k) => `action.${k}` as const), actionIds: { pick: dataIds, of },
    });
    return [
      probe(''),
      probe('limit=1'),
      probe('limit=2&sort=-title'),
      probe('q=MARKER'),
      probe('q=action'),
      ...levels.map((l) => probe(`q=${LEVEL_MARKER[l]}`, actionsAtLevel(l, s))),
      probe(`q=${encodeURIComponent(`"${LEVEL_MARKER.exempt}" OR ${LEVEL_MARKER.confidential}*`)}`, []),
      probe(`overdue=true&asOf=${AS_OF}`),
      probe(`overdue=false&asOf=${AS_OF}`, []),
      probe(`committeeId=${s.committeeId}&status=open,in_progress&kind=information`),
      probe(`meetingId=${s.meetings.raisedAt}`),
      probe(`dueMeetingId=${s.meetings.next}&dueBefore=2024-12-31&dueAfter=2024-01-01`),
      // A reference names one action: found only by a caller who may read it.
      ...allActions.map((k) => probe(`reference=${encodeURIComponent(`Ref ${s.actions[k].marker}`)}`, [k])),
      ...levels.map((l) => probe(`itemId=${s.ids.item[l]}`, allActions.filter((k) => (k.startsWith('tightened') ? 'public' : k) === l))),
      { query: `limit=1&sort=dueDate&asOf=${AS_OF}`, shows: actionRecords, actionIds: every },
      // The spreadsheet: every matching action in one file, its latest progress update included.
      ...csvProbes(s),
    ];
  },
  '/v1/actions/{id}': (s) => [...perAction((k) => [`action.${k}`])(s), ...perAction((k) => [`action.${k}`], `asOf=${AS_OF}`)(s)],
  '/v1/actions/{id}/updates': perAction((k) => [`update.${k}`]),
  '/v1/actions/{id}/history': (s) => [
    ...perAction((k) => [`action.${k}`])(s),
    ...perAction((k) => [`action.${k}`], 'limit=1')(s),
  ],
  // Links carry no action text; a hidden action's links are a 404 like the action (write scope).
  '/v1/actions/{id}/response-links': perAction(() => []),
  '/v1/actions/{id}/subscribers': perAction(() => []),

  '/v1/reports/overdue': (s) => {
    const report = (query: string, headers?: Record<string, string>): Probe => ({
      query, headers, shows: actionRecords,
      ...(query.includes('format=json') || (!query.includes('format=') && !headers)
        ? { actionIds: { pick: reportIds, of: allActions } }
        : {}),
    });
    return [
      ...documentFormats.flatMap((format) => [
        report(`asOf=${AS_OF}&format=${format}`),
        report(`asOf=${AS_OF}&committeeId=${s.committeeId}&format=${format}`),
      ]),
      report(`asOf=${AS_OF}`),
      ...[...documentAccepts, 'application/json;q=0.5, text/html'].map((accept) =>
        report(`asOf=${AS_OF}`, { accept }),
      ),
      // As of a day before anything was due: none of them is overdue or due soon yet.
      { query: 'asOf=2024-07-16&format=html' },
    ];
  },
  // Counts only, no text: the numbers per level are checked in stats.test.ts.
  '/v1/stats': (s) => [{}, { query: `committeeId=${s.committeeId}&asOf=${AS_OF}` }, { query: `asOf=${AS_OF}&format=csv` }, { headers: { accept: 'text/csv' } }],
  '/v1/flags': (s) => [
    { actionIds: { pick: flagActionIds, of: allActions } },
    { query: 'limit=1', actionIds: { pick: flagActionIds, of: allActions } },
    { query: `meetingId=${s.meetings.next}`, actionIds: { pick: flagActionIds, of: allActions } },
    ...allActions.map((k) => ({ query: `actionId=${s.actions[k].id}`, actionIds: { pick: flagActionIds, of: [k] } })),
  ],

  // Stored import drafts: a draft is as visible as its strictest item.
  '/v1/imports': (s) => [{}, { query: 'limit=1' }, { query: `committeeId=${s.committeeId}&status=draft` }],
  '/v1/imports/{id}': (s) => [
    { params: { id: s.drafts.public }, addresses: 'public' },
    { params: { id: s.drafts.exempt }, addresses: 'exempt' },
  ],

  '/v1/holidays': () => [{}, { query: 'from=2024-01-01&to=2024-12-31' }],
  '/v1/holidays/{date}': () => [{ params: { date: '2024-08-26' } }],
  '/v1/api-keys': () => [{}],
  // Admin only; the payloads themselves are probed in webhooks.test.ts.
  '/v1/webhooks': () => [{}],
  '/v1/webhooks/{id}': (seed) => [{ params: { id: seed.webhookId } }],
  '/v1/webhooks/{id}/deliveries': (seed) => [{ params: { id: seed.webhookId } }],
  // Admin only; the emails themselves are probed in notification-emails.test.ts.
  '/v1/notifications': () => [{}],
};

/** GET routes the OpenAPI document leaves out on purpose; probed for markers all the same. */
export const undocumentedGets = ['/openapi.json', '/docs/json', '/metrics'];
