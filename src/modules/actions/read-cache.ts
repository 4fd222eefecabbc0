import { LRUCache } from 'lru-cache';
import { visibilities as allVisibilities, type Reader, type Visibility } from '../../domain/visibility.js';

// Actions as the API writes them, kept between requests. Reading a page of fifty actions means
// fifty row lookups and some 1,500 column values turned into JavaScript, then written out as
// JSON again: most of a list request's time. The SQL still decides which actions a request gets
// (filters, visibility, order) every time; only the rendering of each one is reused.
//
// An entry is only ever as old as the last write. Every request first checks the change stamp
// (db/sqlite/changes.ts): writes by this connection to the tables an action is read from, and commits
// by other processes (the CLI import, a scan, a restore). Any change empties the cache. Nothing
// is cached from inside a transaction: that could be a group's uncommitted work.

/** What the cache checks before each use (db/sqlite/changes.ts `ChangeStamp`). */
export interface ChangeStamp {
  /** Moves with every write the cached actions may depend on; undefined inside a transaction. */
  stamp(): string | undefined;
}

/** A list page written as JSON: the response body, and its cursor for the Link header. */
export interface PageJson {
  body: Buffer;
  nextCursor: string | null;
}

export interface CachedAction {
  /** The stricter of the action's own visibility and its item's. */
  visibility: Visibility;
  /** Its committee: a key limited to a council is given only its committees' actions. */
  committeeId: number;
  version: number;
  /**
   * The action as ActionSchema writes it, `overdue` judged as of `asOf`, in UTF-8: the
   * serialiser's string is a rope of hundreds of pieces, which V8 would flatten again every time
   * a page joined it; bytes are copied once into each response.
   */
  json: Buffer;
  asOf: string;
}

/** Visibility sets are nested (confidential implies exempt implies public) for every API key. */
function isNested(held: readonly Visibility[]): boolean {
  return held.every((v, i) => v === allVisibilities[i]);
}

/**
 * Bytes held at most, whatever the entry count: an action with long detail and response
 * renders to 30 KB or more, and twenty thousand of those would not fit the server's memory.
 */
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * Whole list pages as sent, for the same query again (a dashboard polling a committee's open
 * actions): the page's keys query and its assembly skipped too. Emptied with the actions.
 */
const MAX_PAGE_BYTES = 8 * 1024 * 1024;

export function createActionReadCache(changes: ChangeStamp, maxEntries: number) {
  const entries =
    maxEntries > 0
      ? new LRUCache<number, CachedAction>({ max: maxEntries, maxSize: MAX_BYTES, sizeCalculation: (entry) => entry.json.length + 64 })
      : undefined;
  const pages =
    maxEntries > 0
      ? new LRUCache<string, PageJson>({ max: 1024, maxSize: MAX_PAGE_BYTES, sizeCalculation: (page, key) => page.body.length + key.length + 64 })
      : undefined;
  let filledUnder = '';
  // The stamp each entry was read under (on PostgreSQL a request's stamp can be older than the
  // cache's latest, and another request's can bring the cache back to it between two awaits).
  const stamps = new WeakMap<CachedAction, string>();

  return {
    /**
     * The stamp under which this request may use the cache, or undefined when it may not: inside
     * a transaction, when disabled, and for a caller whose visibilities are not the usual nested
     * set (then the rows' own SQL check applies). Empties the cache first if anything has been
     * written since it was filled. `now` is the stamp the request took before reading anything
     * (on PostgreSQL a snapshot, program.ts `stamp`); SQLite's is read here by default.
     */
    usable(held: readonly Visibility[], now: string | undefined = changes.stamp()): string | undefined {
      if (entries === undefined || !isNested(held) || now === undefined) return undefined;
      if (now !== filledUnder) {
        entries.clear();
        pages!.clear();
        filledUnder = now;
      }
      return now;
    },
    /**
     * The action kept under the stamp `under`: a request that took its stamp, then awaited, finds
     * only what was read under that same stamp, even if the cache moved on and back meanwhile.
     */
    get(id: number, asOf: string, under: string): CachedAction | undefined {
      const entry = entries!.get(id);
      return entry?.asOf === asOf && stamps.get(entry) === under ? entry : undefined;
    },
    /**
     * Keeps an action read under the stamp `under` (usable()'s answer), unless the cache has
     * moved on since: on PostgreSQL reads interleave, and a request that began before another's
     * newer stamp must not leave what it read under that newer stamp.
     */
    set(id: number, entry: CachedAction, under: string): void {
      if (under !== filledUnder) return;
      stamps.set(entry, under);
      entries!.set(id, entry);
    },
    /**
     * A list page, by everything that decides its content: the caller's visibilities (nested,
     * so their count), the committees of a key limited to a council, the day overdue is judged
     * on, and the validated query. Kept only under the stamp it was read under, as set().
     */
    page(reader: Reader, asOf: string, query: object, under: string): { body?: PageJson; keep(page: PageJson): void } {
      const limit = reader.committeeIds === undefined ? '' : `c${reader.committeeIds.join('.')}`;
      const key = `${reader.visibilities.length}${limit}|${asOf}|${JSON.stringify(query)}`;
      return { body: pages!.get(key), keep: (page) => void (under === filledUnder && pages!.set(key, page)) };
    },
    /** How many rendered actions are held (tests). */
    get size(): number {
      return entries?.size ?? 0;
    },
  };
}

export type ActionReadCache = ReturnType<typeof createActionReadCache>;
