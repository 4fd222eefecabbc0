import t from 'tap';
import { MAX_ACTIONS_PER_ITEM, parseMinutes, PARSE_INLINE_MAX_CHARS } from '../../src/import/index.js';
import { build, committee, sqlRows, type TestApp } from '../helper.js';
import { watchStatements } from '../statements.js';

// A long minutes import costs the API nothing it should not (issue 19, defect 3): the text is
// parsed off the event loop, so other requests are answered meanwhile, and a large draft is
// saved in one transaction without reading each item's minutes back once per action.

const URL_ = '/v1/imports/minutes';
const HEADER = 'Overview and Scrutiny Committee - Monday, 15th July 2024 6.30 pm\n\n';
const REQUESTS = 'Members requested further information on the figures. Members asked for a report on the numbers.\n';

/** Numbered minutes: `items` items, each `repeats` times the two requests (and the first item a resolution). */
function longMinutes(items: number, repeats: number): string {
  const bodies = Array.from({ length: items }, (_, i) =>
    `${i + 1}. Performance report for ward ${i + 1}\n\n${REQUESTS.repeat(repeats)}${i === 0 ? '\nRESOLVED: That the report be noted.\n' : ''}`);
  return HEADER + bodies.join('\n');
}

const tableCounts = (api: TestApp) =>
  Promise.all(['meetings', 'agenda_items', 'resolutions', 'actions', 'audit_events'].map(
    async (table) => (await sqlRows<{ n: number }>(api.app, `SELECT CAST(count(*) AS integer) AS n FROM ${table}`))[0]!.n,
  ));

/** How many times statements reading agenda_items return a long text (an item's minutes) while `work` runs. */
async function minutesReads(api: TestApp, work: () => Promise<unknown>): Promise<number> {
  let reads = 0;
  const count = (value: unknown): void => {
    if (typeof value === 'string') reads += value.length > 1000 ? 1 : 0;
    else if (Array.isArray(value)) value.forEach(count);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(count);
  };
  await watchStatements(api, (sql, result) => {
    if (!/agenda_items/.test(sql)) return;
    if (result instanceof Promise) result.then((r: { rows: unknown }) => count(r.rows), () => undefined);
    else count(result);
  }, work);
  return reads;
}

t.test('while a long import is parsed, GET /healthz is answered before it', async (t) => {
  const api = await build(t);
  const text = longMinutes(1, 6000);
  t.ok(text.length > PARSE_INLINE_MAX_CHARS * 8, `${text.length} characters`);
  // The import is about to be parsed (before validation, so before it joins a write group): from
  // now on a parse on the event loop would hold every other request until it ended.
  let handlerStarting!: () => void;
  const started = new Promise<void>((resolve) => (handlerStarting = resolve));
  api.app.addHook('preValidation', (request, _reply, done) => {
    if (request.url === URL_) handlerStarting();
    done();
  });

  const answered: string[] = [];
  const imported = api.request({ method: 'POST', url: URL_, payload: { text } }).then((res) => {
    answered.push('import');
    return res;
  });
  await started;
  const health = await api.request({ method: 'GET', url: '/healthz' });
  answered.push('healthz');
  const res = await imported;

  t.equal(health.statusCode, 200);
  t.same(answered, ['healthz', 'import'], '/healthz was answered while the minutes were being parsed');
  t.equal(res.statusCode, 200);
  t.same(res.json().draft, JSON.parse(JSON.stringify(parseMinutes(text))), 'the draft is the one parseMinutes gives');
});

t.test('a large draft is saved in one transaction, correctly, without reading the minutes back per action', async (t) => {
  const api = await build(t);
  const committeeId = await committee(api);
  const items = 4;
  const text = longMinutes(items, MAX_ACTIONS_PER_ITEM);
  const draft = parseMinutes(text);
  t.equal(draft.actions.length, items * MAX_ACTIONS_PER_ITEM, 'every item at the cap');
  t.ok(draft.items.every((item) => item.minutes.length > 1000), 'each item with long minutes');

  // One transaction: the last action refused (it names a resolution of another item) leaves nothing.
  const before = await tableCounts(api);
  const broken = structuredClone(draft);
  broken.actions.at(-1)!.resolutionIndex = 0;
  await t.rejects(async () => api.app.services.imports.commit({ name: 'test', visibilities: ['public'] }, broken, { committeeId }), { statusCode: 400, errors: [{ field: 'resolutionId' }] });
  t.same(await tableCounts(api), before, 'nothing from the failed commit remains');

  let res!: Awaited<ReturnType<TestApp['request']>>;
  const reads = await minutesReads(api, async () => {
    res = await api.request({ method: 'POST', url: URL_, payload: { text, committeeId, commit: true } });
  });
  t.equal(res.statusCode, 201);
  t.match(res.json().committed, { created: true, counts: { items, resolutions: 1, actions: items * MAX_ACTIONS_PER_ITEM } });
  t.ok(reads <= items, `the commit read items' minutes ${reads} times for ${items} items and ${items * MAX_ACTIONS_PER_ITEM} actions`);

  const meetingId = res.json().committed.meetingId as number;
  const stored = await sqlRows<{ id: number; title: string; minutes: string; version: number; visibility: string }>(api.app,
    'SELECT id, title, minutes, version, visibility FROM agenda_items WHERE meeting_id = ? ORDER BY position', meetingId);
  t.same(stored.map((i) => [i.title, i.minutes, i.version, i.visibility]), draft.items.map((i) => [i.title, i.minutes, 1, 'public']), 'each item with its minutes');
  for (const item of stored) {
    const audit = await sqlRows<{ after: string }>(api.app,
      "SELECT CAST(after AS text) AS after FROM audit_events WHERE entity_type = 'item' AND entity_id = ? AND operation = 'create'", String(item.id));
    t.equal(audit.length, 1, `item ${item.id} audited once`);
    t.match(JSON.parse(audit[0]!.after), { title: item.title, minutes: item.minutes, version: 1 }, 'as it was saved');
    const actions = await sqlRows<{ title: string; detail: string }>(api.app, 'SELECT title, detail FROM actions WHERE item_id = ? ORDER BY id', item.id);
    t.equal(actions.length, MAX_ACTIONS_PER_ITEM, `item ${item.id}: its actions`);
  }
  t.same(await sqlRows(api.app, 'SELECT CAST(count(*) AS integer) AS n FROM actions WHERE meeting_id = ?', meetingId), [{ n: items * MAX_ACTIONS_PER_ITEM }]);
});
