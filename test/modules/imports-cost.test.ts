import t from 'tap';
import { parseMinutes, PARSE_INLINE_MAX_CHARS } from '../../src/import/index.js';
import { build } from '../helper.js';

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

t.test('while a long import is parsed, GET /healthz is answered before it', async (t) => {
  const api = await build(t);
  const text = longMinutes(1, 6000);
  t.ok(text.length > PARSE_INLINE_MAX_CHARS * 8, `${text.length} characters`);
  // The import's handler is about to run: from now on a parse on the event loop would hold
  // every other request until it ended.
  let handlerStarting!: () => void;
  const started = new Promise<void>((resolve) => (handlerStarting = resolve));
  api.app.addHook('preHandler', (request, _reply, done) => {
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
