import { LRUCache } from 'lru-cache';
import type { ChangeStamp } from '../../db/sqlite/changes.js';
import { getTableName } from 'drizzle-orm';
import { actions, actionUpdates, agendaItems, committees, meetings, overdueFlags, people } from '../../db/sqlite/schema.js';
import type { RenderedDocument } from '../../documents/formats.js';

// Rendered documents kept, around the repository rather than inside it (STYLE.md "Wrap, don't
// weave"): a committee's tracker is asked for again and again between two changes to its
// actions, and rendering it — Word above all, whose library builds and zips a whole object
// model — costs far more than reading it. An entry is trusted only while nothing the documents
// read has been written since it was rendered (db/sqlite/changes.ts); the key carries everything else
// a document depends on (the resolved as-of day, the filters, the caller's visibilities, the
// format), so what one caller may not see is never served to them from another's entry.

/** Every table a document is read from (modules/tracker/query.ts and repository.ts). */
export const documentTables = [actions, actionUpdates, agendaItems, committees, meetings, overdueFlags, people].map(getTableName);

export function createRenderedDocuments(changes: ChangeStamp, maxBytes = 32 * 1024 * 1024) {
  const cache = new LRUCache<string, { stamp: string; rendered: RenderedDocument }>({
    maxSize: maxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.rendered.body.length),
  });
  return {
    /**
     * The document under `key`, rendered by `render` unless an entry from the current state of
     * the data is held. `render` must read the data before its first await: the entry is kept
     * only when nothing was written between that read and the end of the rendering.
     */
    async get(key: string, render: () => Promise<RenderedDocument>): Promise<RenderedDocument> {
      const before = changes.stamp();
      const held = before === undefined ? undefined : cache.get(key);
      if (held && held.stamp === before) return held.rendered;
      const rendered = await render();
      if (before !== undefined && changes.stamp() === before) cache.set(key, { stamp: before, rendered });
      return rendered;
    },
  };
}

export type RenderedDocuments = ReturnType<typeof createRenderedDocuments>;
