import { LRUCache } from 'lru-cache';
import type { Ran } from '../../db/program.js';
import { getTableName } from 'drizzle-orm';
import type { ChangeStamp } from '../../db/sqlite/changes.js';
import { actions, actionUpdates, agendaItems, committees, meetings, overdueFlags, people } from '../../db/tables.js';
import type { LocalDate } from '../../domain/local-date.js';
import type { Reader } from '../../domain/visibility.js';
import { renderDocument, type DocumentFormat, type RenderedDocument } from '../../documents/formats.js';
import type { CommitteeRepository } from '../committees/repository.js';
import type { DocumentRepository, TrackerQuery } from './repository.js';

// Rendered documents kept, around the repository rather than inside it (STYLE.md "Wrap, don't
// weave"): a committee's tracker is asked for again and again between two changes to its
// actions, and rendering it — Word above all, whose library builds and zips a whole object
// model — costs far more than reading it. An entry is trusted only while nothing the documents
// read has been written since it was rendered (db/sqlite/changes.ts); the key carries everything
// else a document depends on (the resolved as-of day, the filters, the caller's visibilities, the
// format), so what one caller may not see is never served to them from another's entry. The key
// is made here, beside the rendering it stands for, so that the two cannot drift apart.

/** Every table a document is read from (modules/tracker/query.ts and repository.ts), the engine's. */
export const documentTables = () => [actions, actionUpdates, agendaItems, committees, meetings, overdueFlags, people].map(getTableName);

/**
 * Everything a committee's tracker depends on besides the data: the day it is judged as of
 * (today resolved), the filters with their defaults, what the reader may see, the format.
 */
export function trackerKey(committeeId: number, query: TrackerQuery & { asOf: LocalDate }, reader: Pick<Reader, 'visibilities'>, format: DocumentFormat): string {
  return JSON.stringify(['tracker', committeeId, query.asOf, query.status ?? 'open', query.since ?? null, [...reader.visibilities].sort(), format]);
}

/**
 * How many rendered documents are remembered as asked for, without being kept: a document is kept
 * only when it is asked for a second time under the same state of the data.
 */
const REMEMBERED_KEYS = 4096;

/**
 * The documents kept, up to `maxBytes` of their bodies. A document is kept the second time it is
 * rendered under the same state of the data, not the first: one asked for once (a tracker as of a
 * past day, say, or each day of a year in turn by a script) would otherwise push out the ones
 * asked for again and again, and a cache full of documents nobody asks for twice holds tens of
 * megabytes for nothing. The first render of a key is remembered (the key and the state it was
 * made under, a few dozen bytes), not kept.
 */
export function renderedCache(changes: ChangeStamp, maxBytes = 32 * 1024 * 1024) {
  const kept = new LRUCache<string, { stamp: string; rendered: RenderedDocument }>({
    maxSize: maxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.rendered.body.length),
  });
  const asked = new LRUCache<string, string>({ max: REMEMBERED_KEYS });

  /**
   * The document under `key`, rendered by `render` unless an entry from the current state of
   * the data is held. `render` must read the data before its first await: the entry is kept
   * only when nothing was written between that read and the end of the rendering.
   */
  async function get(key: string, render: () => Promise<RenderedDocument>): Promise<RenderedDocument> {
    const before = changes.stamp();
    const held = before === undefined ? undefined : kept.get(key);
    if (held) {
      if (held.stamp === before) return held.rendered;
      kept.delete(key); // rendered before the data last changed
    }
    // Kept as rendered: its body is bytes outside the heap (documents/utf8-writer.ts), which the
    // garbage collector never walks for as long as the entry is kept.
    const rendered = await render();
    if (before !== undefined && changes.stamp() === before) {
      if (asked.get(key) === before) {
        kept.set(key, { stamp: before, rendered });
        asked.delete(key);
      } else {
        asked.set(key, before);
      }
    }
    return rendered;
  }

  return { get };
}

export function createRenderedDocuments(
  changes: ChangeStamp,
  { documents, committees: committeeRepository }: { documents: Pick<Ran<DocumentRepository>, 'tracker'>; committees: Pick<Ran<CommitteeRepository>, 'todayFor'> },
) {
  const { get } = renderedCache(changes);

  return {
    /** GET /v1/committees/{id}/tracker in `format`, as the reader may see it. */
    async tracker(reader: Reader, committeeId: number, query: TrackerQuery, format: DocumentFormat): Promise<{ rendered: RenderedDocument; asOf: LocalDate }> {
      const resolved = { ...query, asOf: query.asOf ?? await committeeRepository.todayFor(committeeId) };
      const key = trackerKey(committeeId, resolved, reader, format);
      return { rendered: await get(key, async () => renderDocument(await documents.tracker(reader, committeeId, resolved), format)), asOf: resolved.asOf };
    },
  };
}

export type RenderedDocuments = ReturnType<typeof createRenderedDocuments>;
