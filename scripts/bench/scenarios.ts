import type { RequestDefinition } from 'autocannon';
import type { Fixtures } from './fixtures.js';
import { plusDays } from './random.js';

// The HTTP scenarios of issue 6. Each varies its target per request (ids, committees, search
// words). The read scenarios' ids and pages do all fit the server's rendered-action cache (a
// working set, as a clerk's current actions would be), so reads by id are also measured over
// far more ids than the cache holds (a read from SQLite every time), and lists are also taken
// over ten years of due-date windows, whose pages are mostly not in the cache (a different
// query too: the due date is read from the table, not the index).

export interface Target {
  /** Minimum share of the bare route's requests/s. */
  ratio?: number;
  minRps?: number;
  maxP99?: number;
}

export interface Scenario {
  name: string;
  /** Which server it runs against. */
  server: 'app' | 'bare';
  connections: number;
  /** Offered load in requests/s across the connections; absent: as fast as the server answers. */
  rate?: number;
  requests: RequestDefinition[];
  target?: Target;
  /**
   * Seconds measured at least, whatever --duration says: at one connection a slow scenario's
   * five-second round is ~150 requests, and its p99 is then its second-slowest.
   */
  minDuration?: number;
}

/** The write rate issue 6 asks for, offered to the server to measure latency at that rate. */
const WRITE_RATE = 2000;
/** The rate issue 18 asks PostgreSQL's writes to keep up with, p99 ≤ 50 ms. */
const PG_WRITE_RATE = 1000;

/** The rendered tracker's rounds: ~450 requests at ~30 a second, so that its p99 is a percentile. */
const TRACKER_SECONDS = 15;

/** Cycles through a list, one item per call. */
function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

export function scenarios(f: Fixtures, key: string, etags: Map<number, string>): Scenario[] {
  const auth = { authorization: `Bearer ${key}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const get = (name: string, connections: number, nextPath: () => string, target?: Target, server: Scenario['server'] = 'app'): Scenario => ({
    name,
    server,
    connections,
    target,
    requests: [{ method: 'GET', headers: auth, setupRequest: (req) => ({ ...req, path: nextPath() }) }],
  });

  const readId = cycle(f.readIds);
  const coldReadId = cycle(f.coldReadIds);
  // A committee's open actions due after a day anywhere in the last ten years: 50 committees
  // times 3,650 days of pages, far more actions than the cache holds.
  let coldList = 0;
  const coldListPath = () => {
    const n = coldList++;
    return `/v1/actions?committeeId=${committee()}&status=open&dueAfter=${plusDays(f.anchor, -((n * 7919) % 3650))}&limit=50`;
  };
  const committee = cycle(f.committeeIds);
  const search = cycle(f.searches);
  let coldSearch = 0;
  const coldSearchPath = () => {
    const n = coldSearch++;
    return `/v1/actions?q=${encodeURIComponent(search())}&dueAfter=${plusDays(f.anchor, -((n * 7919) % 3650))}`;
  };
  const meeting = cycle(f.meetings);
  // The same meetings a committee at a time in turn (the first meeting of each, then the second
  // of each, …): the writes of many councils' clerks at once. In id order, the 24 connections'
  // creates fall in two or three committees, and on PostgreSQL the creates of one committee and
  // year wait for each other: each holds the committee's reference counter to its commit.
  const byCommittee = new Map<number, Fixtures['meetings']>();
  for (const m of f.meetings) byCommittee.set(m.committeeId, [...(byCommittee.get(m.committeeId) ?? []), m]);
  const committeesMeetings = [...byCommittee.values()];
  const inTurn = Array.from({ length: Math.max(0, ...committeesMeetings.map((ms) => ms.length)) }, (_, i) =>
    committeesMeetings.flatMap((ms) => (i < ms.length ? [ms[i]!] : [])),
  ).flat();
  const meetingInTurn = cycle(inTurn);
  const asOf = f.anchor;
  // The tracker: request n is committee n/5 in format n%5, so each committee is asked in every
  // format (a single cycle of each would pair a committee with one format for ever). Rendered
  // documents are cached until the data changes (modules/tracker/rendered.ts); asked as of a
  // different day each time, every request is rendered afresh, which is what the target is about.
  // Asked as of one day, five committees' documents (25) are all kept after the warm-up: every
  // committee's (250) would not be asked twice in a round at this rate, and nothing would be cached.
  const trackerPath = (formats: readonly string[], fresh: boolean) => {
    let n = 0;
    const committees = fresh ? f.committeeIds : f.committeeIds.slice(0, 5);
    return () => {
      const i = n++;
      const c = committees[Math.floor(i / formats.length) % committees.length]!;
      const day = fresh ? plusDays(asOf, -(i % 3650)) : asOf;
      return `/v1/committees/${c}/tracker?asOf=${day}&format=${formats[i % formats.length]}`;
    };
  };
  const EVERY_FORMAT = ['json', 'csv', 'md', 'html', 'docx'] as const;

  // POST: a mix of the due rules a clerk uses; no due given means "the next meeting".
  let posted = 0;
  const postBody = (m: Fixtures['meetings'][number]) => {
    const n = posted++;
    const body: Record<string, unknown> = {
      meetingId: m.id,
      kind: (['update', 'information', 'task'] as const)[n % 3],
      title: `Officers to circulate a briefing note on housing repairs, request ${n}`,
      detail: 'Members asked for the figures by ward and for the trend over three years.',
      ownerText: 'Head of Housing',
    };
    if (m.itemIds.length > 0 && n % 4 !== 0) body.itemId = m.itemIds[n % m.itemIds.length];
    if (n % 4 === 1) body.dueDate = plusDays(asOf, 30 + (n % 60));
    if (n % 4 === 2) body.dueQuarter = '2027-28 Q1';
    return JSON.stringify(body);
  };

  const post: RequestDefinition = { method: 'POST', setupRequest: (req) => ({ ...req, path: '/v1/actions', headers: json, body: postBody(meeting()) }) };
  const postInTurn: RequestDefinition = { method: 'POST', setupRequest: (req) => ({ ...req, path: '/v1/actions', headers: json, body: postBody(meetingInTurn()) }) };

  // PATCH: each request takes an action nobody else is changing, with its current ETag, and
  // puts it back with the new ETag from the response, so If-Match never fails.
  const pool = [...etags.entries()];
  let patched = 0;
  const patch: RequestDefinition = {
    method: 'PATCH',
    setupRequest: (req, context) => {
      const taken = pool.shift();
      if (!taken) throw new Error('PATCH pool ran dry');
      context.taken = taken;
      const n = patched++;
      const body = JSON.stringify({ rag: (['red', 'amber', 'green'] as const)[n % 3], detail: `Progress reviewed with the lead officer (${n}).` });
      return { ...req, path: `/v1/actions/${taken[0]}`, headers: { ...json, 'if-match': taken[1] }, body };
    },
    onResponse: (status, _body, context, headers) => {
      const [id, etag] = context.taken as [number, string];
      if (status === 200 && headers.etag) pool.push([id, headers.etag]);
      else if (status !== 412) pool.push([id, etag]);
    },
  };

  return [
    get('bare route: GET /v1/actions/{id} (memory)', 10, () => `/v1/actions/${readId()}`, undefined, 'bare'),
    get('GET /v1/actions/{id}', 10, () => `/v1/actions/${readId()}`, { ratio: 0.5 }),
    get('GET /v1/actions/{id}, ids beyond the cache', 10, () => `/v1/actions/${coldReadId()}`),
    get('GET /v1/actions?committeeId&status=open&limit=50', 10, () => `/v1/actions?committeeId=${committee()}&status=open&limit=50`, { ratio: 0.2 }),
    get('GET /v1/actions?committeeId&status=open&dueAfter&limit=50 (3,650 windows)', 10, coldListPath),
    // Eight searches repeat, so after the first of each their pages come from the page cache;
    // each search over a different due-date window is a new query every time.
    get('GET /v1/actions?q=… (8 searches, pages cached)', 10, () => `/v1/actions?q=${encodeURIComponent(search())}`),
    get('GET /v1/actions?q=…&dueAfter (3,650 windows)', 10, coldSearchPath),
    // Writes twice: as fast as they are answered (the throughput), and offered at the target's
    // 2,000 a second (the latency at that rate). At saturation p99 is queueing, and grows with
    // the connections the load generator holds open (8: 12–20 ms, 32: 30–38 ms, docs/performance.md).
    { name: 'POST /v1/actions', server: 'app', connections: 24, target: { minRps: 2000 }, requests: [post] },
    { name: 'POST /v1/actions at 2,000/s', server: 'app', connections: 24, rate: WRITE_RATE, target: { minRps: WRITE_RATE * 0.97, maxP99: 20 }, requests: [post] },
    { name: 'PATCH /v1/actions/{id} (If-Match)', server: 'app', connections: 24, target: { minRps: 2000 }, requests: [patch] },
    { name: 'PATCH /v1/actions/{id} (If-Match) at 2,000/s', server: 'app', connections: 24, rate: WRITE_RATE, target: { minRps: WRITE_RATE * 0.97, maxP99: 20 }, requests: [patch] },
    // Issue 18's write target on PostgreSQL (≥ 1,000/s with p99 ≤ 50 ms): creates spread over the
    // committees as fast as they are answered, and creates and changes offered at 1,000 a second.
    { name: 'POST /v1/actions (committees in turn)', server: 'app', connections: 24, requests: [postInTurn] },
    { name: 'POST /v1/actions (committees in turn) at 1,000/s', server: 'app', connections: 24, rate: PG_WRITE_RATE, requests: [postInTurn] },
    { name: 'PATCH /v1/actions/{id} (If-Match) at 1,000/s', server: 'app', connections: 24, rate: PG_WRITE_RATE, requests: [patch] },
    // Reports are latency scenarios: one officer asking, so one connection (no queueing behind
    // other reports); the throughput scenarios above use ten.
    get('GET /v1/reports/overdue?committeeId', 1, () => `/v1/reports/overdue?committeeId=${committee()}&asOf=${asOf}`, { maxP99: 20 }),
    // The agenda-pack tracker (issue 17): every committee in every format, each rendered afresh;
    // Word alone (the slowest); and the same documents again, from the rendered cache.
    { ...get('GET /v1/committees/{id}/tracker (every format, rendered)', 1, trackerPath(EVERY_FORMAT, true), { maxP99: 50 }), minDuration: TRACKER_SECONDS },
    { ...get('GET /v1/committees/{id}/tracker (Word, rendered)', 1, trackerPath(['docx'], true)), minDuration: TRACKER_SECONDS },
    get('GET /v1/committees/{id}/tracker (every format, cached)', 1, trackerPath(EVERY_FORMAT, false)),
    // Response statistics for every committee (issue 17): one officer asking.
    get('GET /v1/stats (all committees)', 1, () => `/v1/stats?asOf=${asOf}`, { maxP99: 1000 }),
  ];
}

/** The all-committee report, and the stream of cheap requests that shows the event loop meanwhile. */
export function allCommitteeReport(f: Fixtures, key: string): { report: Scenario; probe: Scenario } {
  const auth = { authorization: `Bearer ${key}` };
  return {
    report: {
      name: 'GET /v1/reports/overdue (all committees)',
      server: 'app',
      connections: 1,
      target: { maxP99: 1000 },
      requests: [{ method: 'GET', path: `/v1/reports/overdue?asOf=${f.anchor}`, headers: auth }],
    },
    probe: {
      name: '  GET /healthz meanwhile (event-loop delay proxy)',
      server: 'app',
      connections: 1,
      target: { maxP99: 50 },
      requests: [{ method: 'GET', path: '/healthz' }],
    },
  };
}
