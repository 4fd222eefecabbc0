import fastJsonStringify from 'fast-json-stringify';
import type { Db } from '../../db/sqlite/client.js';
import { stamp, type Awaitable, type Program, type ProgramRunner } from '../../db/program.js';
import type { Actor } from '../../domain/actor.js';
import { isVisibleTo, seesCommittee } from '../../domain/visibility.js';
import { NotFoundError } from '../../errors.js';
import { ownBytes } from '../shared/own-bytes.js';
import type { ActionRow } from './query.js';
import { createActionReadCache, type CachedAction, type ChangeStamp, type PageJson } from './read-cache.js';
import { present, type ActionRepository } from './repository.js';
import { ActionSchema, type Action, type ListActionsQuery } from './schemas.js';
import { dayFor, type ActionDays, type JudgedOn } from './today.js';

// GET /v1/actions and GET /v1/actions/{id} as the bytes the API sends, built around the
// repository's row reads: an action is rendered once and its JSON reused (read-cache.ts) until
// something it is read from changes. The repository's queries do not know this layer exists;
// writes go to the repository directly. The reads are the repository's programs, run on the
// engine: a read served from the cache runs none, and returns its value itself, not a promise.

export type { PageJson } from './read-cache.js';

/** The search index (db/sqlite/search.ts): the connection a search runs on, once it has caught up. */
export interface SearchConnection {
  ready(): Promise<Db>;
}

interface Deps {
  /** Runs the repository's programs (the engine). */
  engine: ProgramRunner;
  /** Moves with every write to what an action is read from (db/sqlite/changes.ts `forTables`). */
  changes: ChangeStamp;
  search: SearchConnection;
  /** Rendered actions kept between requests (0: none); the server passes ACTION_CACHE_ENTRIES. */
  cacheEntries: number;
  /** Today where each committee sits (today.ts). */
  days: ActionDays;
}

/** An action already written as JSON (UTF-8), with what its ETag needs. */
export interface RenderedAction {
  id: number;
  version: number;
  json: Buffer;
}

let serialiser: ((action: Action) => string) | undefined;

/**
 * An action as the routes write ActionSchema: compiled (on first use, as the routes' own are) by
 * fast-json-stringify, the serialiser Fastify compiles response schemas with, so the bytes are the
 * same (test/modules/action-reads.test.ts compares them).
 */
function render(action: Action): string {
  serialiser ??= fastJsonStringify(ActionSchema) as (action: Action) => string;
  return serialiser(action);
}

const DATA_OPEN = Buffer.from('{"data":[');
const COMMA = Buffer.from(',');

/**
 * A page (`ListOf` in http/schemas.ts) from items already written as JSON, byte for byte as the
 * schema's serialiser would write it: `{"data":[…],"nextCursor":…}`.
 */
export function pageJson(items: readonly Buffer[], nextCursor: string | null): PageJson {
  const parts: Buffer[] = [DATA_OPEN];
  items.forEach((json, i) => (i > 0 ? parts.push(COMMA, json) : parts.push(json)));
  parts.push(Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`));
  return { body: Buffer.concat(parts), nextCursor };
}

export function createActionReadModel(actions: ActionRepository, { engine, changes, search, cacheEntries, days }: Deps) {
  const cache = createActionReadCache(changes, cacheEntries);

  const rendered = (row: ActionRow, asOf: string): CachedAction =>
    ({ visibility: row.visibility, committeeId: row.committeeId, version: row.version, json: ownBytes(render(present(row, asOf))), asOf });

  /** The row rendered and kept in the cache under the stamp `under`. */
  const keep = (row: ActionRow, asOf: string, under: string): CachedAction => {
    const entry = rendered(row, asOf);
    cache.set(row.id, entry, under);
    return entry;
  };

  /**
   * A page of the list, written as the response body, its rows read on `on`. With the read cache,
   * the same query again is answered from the page cache; otherwise SQL picks the page's ids (and
   * the cursor's sort value) and only the actions not already rendered are read in full.
   */
  function* pageOn(actor: Actor, query: ListActionsQuery, on?: Db): Program<PageJson> {
    const asOf: JudgedOn = query.asOf ?? (query.committeeId ? yield* days.of(query.committeeId) : yield* days.now());
    const under = cache.usable(actor.visibilities, yield* stamp(changes));
    // Committees on different days judge each action on its own day: not cached.
    if (typeof asOf !== 'string' || under === undefined) {
      const page = yield* actions.page(actor, query, asOf, on);
      return pageJson(page.data.map((row) => ownBytes(render(present(row, dayFor(asOf, row.committeeId))))), page.nextCursor);
    }
    const cached = cache.page(actor, asOf, query, under);
    if (cached.body) return cached.body;
    const page = yield* actions.pageIds(actor, query, asOf, on);
    const json = new Map<number, Buffer>();
    const missing: number[] = [];
    for (const id of page.data) {
      const entry = cache.get(id, asOf, under);
      if (entry) json.set(id, entry.json);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const row of yield* actions.rowsByIds(missing)) json.set(row.id, keep(row, asOf, under).json);
    }
    const body = pageJson(page.data.map((id) => json.get(id)!), page.nextCursor);
    cached.keep(body);
    return body;
  }

  /** The action read and rendered, not kept. */
  function* uncached(actor: Actor, id: number, asOf: JudgedOn): Program<RenderedAction> {
    const row = yield* actions.find(actor, id);
    return { id, version: row.version, json: ownBytes(render(present(row, dayFor(asOf, row.committeeId)))) };
  }

  /** The action read, rendered and kept in the cache under the stamp `under`. */
  function* readAndKeep(actor: Actor, id: number, asOf: string, under: string): Program<RenderedAction> {
    const entry = keep(yield* actions.find(actor, id), asOf, under);
    return { id, version: entry.version, json: entry.json };
  }

  /** The action from the cache when it holds it, else read (and kept when it may be). */
  function fromCache(actor: Actor, id: number, asOf: string, under: string): RenderedAction | Program<RenderedAction> {
    const entry = cache.get(id, asOf, under);
    if (entry === undefined) return readAndKeep(actor, id, asOf, under);
    if (!isVisibleTo(actor, entry.visibility) || !seesCommittee(actor, entry.committeeId)) {
      throw new NotFoundError('Action', id);
    }
    return { id, version: entry.version, json: entry.json };
  }

  /**
   * The read with its day and stamp read first: on PostgreSQL (the stamp is a snapshot, a
   * statement of its own) and whenever the committees' zones are not known.
   */
  function* read(actor: Actor, id: number, given?: string): Program<RenderedAction> {
    const asOf = given ?? (yield* days.now());
    const under = cache.usable(actor.visibilities, yield* stamp(changes));
    if (typeof asOf !== 'string' || under === undefined) return yield* uncached(actor, id, asOf);
    const found = fromCache(actor, id, asOf, under);
    return 'json' in found ? found : yield* found;
  }

  return {
    /**
     * GET /v1/actions/{id}, written as JSON: from the read cache when it holds the action (then
     * the value itself, never a promise: the hot read awaits nothing), else read on the engine.
     */
    getRendered(actor: Actor, id: number, given?: string): Awaitable<RenderedAction> {
      const asOf = given ?? days.nowIfKnown();
      // The committees' zones unknown (changed, or on PostgreSQL), or no stamp to be had without
      // a statement (PostgreSQL): the day and the stamp are read first.
      const under = asOf === undefined ? undefined : cache.usable(actor.visibilities);
      if (asOf === undefined || under === undefined) return engine.run(read(actor, id, given));
      if (typeof asOf !== 'string') return engine.run(uncached(actor, id, asOf));
      const found = fromCache(actor, id, asOf, under);
      return 'json' in found ? found : engine.run(found);
    },

    /**
     * A page of GET /v1/actions, written as the response body. With `q`, once the search index
     * holds every change committed before the call (db/sqlite/search.ts), on the connection searches run
     * on; it rejects with SearchUnavailableError if the index cannot catch up in time.
     */
    async listJson(actor: Actor, query: ListActionsQuery): Promise<PageJson> {
      if (!query.q) return engine.run(pageOn(actor, query));
      return engine.run(pageOn(actor, query, await search.ready()));
    },

    /** How many rendered actions the read cache holds (tests: what a write empties). */
    get cachedActions(): number {
      return cache.size;
    },
  };
}

export type ActionReadModel = ReturnType<typeof createActionReadModel>;
