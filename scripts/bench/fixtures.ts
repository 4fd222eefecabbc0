import Database from 'better-sqlite3';
import { seeded } from './random.js';

// What the scenarios need to know about the generated data, read once before the server starts:
// ids to read and to change, meetings and items to raise new actions at, committees to report on.

export interface Fixtures {
  anchor: string;
  committeeIds: number[];
  /** Random existing action ids, for reads: a working set that fits the server's action cache. */
  readIds: number[];
  /** Many more random ids, read in turn: more than the cache holds, so nearly every read misses it. */
  coldReadIds: number[];
  /** Open or in-progress actions, for PATCH. */
  patchIds: number[];
  /** Recently held meetings and their public items, for POST, in id order (a committee's together). */
  meetings: { id: number; committeeId: number; itemIds: number[] }[];
  searches: string[];
}

export function loadFixtures(path: string, anchor: string): Fixtures {
  const db = new Database(path, { readonly: true });
  try {
    const rnd = seeded(42);
    const ids = db.prepare('SELECT id FROM actions').pluck().all() as number[];
    const working = db.prepare("SELECT id FROM actions WHERE status IN ('open', 'in_progress')").pluck().all() as number[];
    const committeeIds = db.prepare('SELECT id FROM committees ORDER BY id').pluck().all() as number[];
    const recent = db
      .prepare("SELECT id, committee_id AS committeeId FROM meetings WHERE status = 'held' AND local_date >= date(?, '-12 months') ORDER BY id")
      .all(anchor) as { id: number; committeeId: number }[];
    const items = db.prepare("SELECT id FROM agenda_items WHERE meeting_id = ? AND visibility = 'public' AND position >= 3").pluck();
    return {
      anchor,
      committeeIds,
      readIds: Array.from({ length: 20_000 }, () => rnd.pick(ids)),
      coldReadIds: Array.from({ length: 100_000 }, () => rnd.pick(ids)),
      patchIds: [...new Set(Array.from({ length: 6_000 }, () => rnd.pick(working)))].slice(0, 5_000),
      meetings: recent.map((m) => ({ ...m, itemIds: items.all(m.id) as number[] })),
      // Single words with many hits, phrases with few, and a prefix.
      searches: ['housing', 'damp mould', 'school exclusions', 'adult social care', 'potholes', 'budget', 'foster carer', 'recycl'],
    };
  } finally {
    db.close();
  }
}

/** The current ETag of each action, fetched over HTTP as a client would. */
export async function fetchEtags(url: string, key: string, ids: number[], concurrency = 16): Promise<Map<number, string>> {
  const etags = new Map<number, string>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const res = await fetch(`${url}/v1/actions/${id}`, { headers: { authorization: `Bearer ${key}` } });
      const etag = res.headers.get('etag');
      await res.arrayBuffer();
      if (res.ok && etag) etags.set(id, etag);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return etags;
}
