import t from 'tap';
import type { Visibility } from '../../src/domain/visibility.js';
import { createActionReadCache, type CachedAction } from '../../src/modules/actions/read-cache.js';

// The read cache on PostgreSQL, where requests' reads interleave: each request takes its stamp
// (a snapshot) first, then awaits its reads. A request must never find an action read under any
// other stamp, even when other requests move the cache to a newer stamp and back to an older one
// in between.

const ALL: Visibility[] = ['public', 'exempt', 'confidential'];
const DAY = '2024-08-23';
const action = (version: number): CachedAction => ({ visibility: 'public', committeeId: 1, version, json: Buffer.from(`{"version":${version}}`), asOf: DAY });

t.test('an action kept under an older stamp is not found by a request under a newer one, though the cache came back to the older', async (t) => {
  const cache = createActionReadCache({ stamp: () => undefined }, 100);
  const before = '100:100:'; // before a commit through another process
  const after = '101:101:'; // after it
  const a = cache.usable(ALL, before)!; // request A starts reading action 7, before the commit
  const r = cache.usable(ALL, after)!; // request R starts after the commit was acknowledged
  cache.usable(ALL, before); // another request whose stamp was taken before the commit
  cache.set(7, action(1), a); // A's read, from before the commit, arrives
  t.equal(cache.get(7, DAY, r), undefined, 'R reads the action itself rather than take the old one');
  t.equal(cache.get(7, DAY, a)?.version, 1, 'A, under its own stamp, finds what it read');
});

t.test('an entry is kept only under the stamp the cache holds, and found under that stamp', async (t) => {
  const cache = createActionReadCache({ stamp: () => undefined }, 100);
  const s1 = cache.usable(ALL, '1:1:')!;
  const s2 = cache.usable(ALL, '2:2:')!;
  cache.set(7, action(1), s1);
  t.equal(cache.get(7, DAY, s2), undefined, 'read under an older stamp than the cache: not kept');
  cache.set(7, action(2), s2);
  t.equal(cache.get(7, DAY, s2)?.version, 2);
  t.equal(cache.usable(['public', 'confidential'], '2:2:'), undefined, 'an unusual visibility set: no cache');
});
