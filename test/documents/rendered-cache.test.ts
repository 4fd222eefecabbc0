import t from 'tap';
import type { RenderedDocument } from '../../src/documents/formats.js';
import { renderedCache } from '../../src/modules/tracker/rendered.js';

// Which rendered documents are kept (modules/tracker/rendered.ts): one asked for a second time
// under the same state of the data, served from then on until the data changes; one asked for
// once is never kept, so documents asked for once cannot push out the ones asked for often.

/** A stamp the test moves, as a write to a document's tables would. */
function stampOf(initial: string | undefined) {
  let value: string | undefined = initial;
  return { stamp: () => value, set: (next: string | undefined) => (value = next) };
}

/** A cache over `changes`, with a count of the renders each key cost. */
function counted(changes: { stamp: () => string | undefined }, maxBytes: number) {
  const cache = renderedCache(changes, maxBytes);
  const renders = new Map<string, number>();
  const ask = async (key: string, bytes = 100): Promise<RenderedDocument> =>
    cache.get(key, async () => {
      renders.set(key, (renders.get(key) ?? 0) + 1);
      return { body: Buffer.alloc(bytes, key), contentType: 'text/plain' };
    });
  return { ask, renders: (key: string) => renders.get(key) ?? 0 };
}

t.test('a document asked for twice is kept, and served from then on until the data changes', async (t) => {
  const changes = stampOf('a');
  const { ask, renders } = counted(changes, 1024 * 1024);
  for (let i = 0; i < 5; i++) await ask('tracker 1');
  t.equal(renders('tracker 1'), 2, 'rendered on the first and second asks, kept after the second');

  changes.set('b');
  const fresh = await ask('tracker 1');
  t.equal(renders('tracker 1'), 3, 'after a change it is rendered again');
  t.equal(fresh.body.toString().slice(0, 9), 'tracker 1');
  await ask('tracker 1');
  await ask('tracker 1');
  t.equal(renders('tracker 1'), 4, 'and kept again once asked for twice under the new state');
});

t.test('documents asked for once do not push out one asked for often', async (t) => {
  const changes = stampOf('a');
  // Room for ten documents of 100 bytes.
  const { ask, renders } = counted(changes, 1000);
  for (let i = 0; i < 3; i++) await ask('hot');
  const before = renders('hot');
  for (let day = 0; day < 200; day++) await ask(`as of day ${day}`);
  await ask('hot');
  t.equal(renders('hot'), before, 'the hot document is still served after 200 documents asked for once');
  t.equal(renders('as of day 7'), 1);
  await ask('as of day 7');
  t.equal(renders('as of day 7'), 2, 'a document asked for once was not kept');
});

t.test('nothing is kept while a write is under way, or when one lands during the render', async (t) => {
  const changes = stampOf(undefined);
  const { ask, renders } = counted(changes, 1024 * 1024);
  for (let i = 0; i < 3; i++) await ask('mid-write');
  t.equal(renders('mid-write'), 3, 'no stamp (a transaction is open): every ask renders');

  changes.set('a');
  const cache = renderedCache(changes, 1024 * 1024);
  let n = 0;
  const render = async () => {
    n++;
    changes.set(`moved ${n}`); // a write lands while the document is being made
    return { body: Buffer.from('x'), contentType: 'text/plain' };
  };
  for (let i = 0; i < 4; i++) await cache.get('racing', render);
  t.equal(n, 4, 'a document whose data moved under it is never served again');
});
