import type Database from 'better-sqlite3';
import { changeCounters } from './changes.js';

// The full-text index of actions (actions_fts) is updated at commit, not statement by statement.
// Triggers queue each changed action in actions_fts_pending (migration 0006); this indexes the
// queue in one statement just before the transaction commits: the old text out first, then the
// current text of every queued action that still exists.
//
// Why: FTS5 writes its in-memory terms out as a new segment each time a savepoint or statement
// transaction opens after the index was touched. Inside a group commit every request is a
// savepoint, so indexing as each action was written cost a segment (and its later merging) per
// request; indexing at commit costs one per group.
//
// Who flushes: the group commit (http/group-commit.ts) before its COMMIT, and every outermost
// transaction begun with `transaction()` on a connection from openDatabase (the command line,
// the scan, the import outside the server): see deferSearchIndex. A write made another way (a
// bare statement in the sqlite3 shell) is indexed by whichever transaction commits next.
//
// Rebuilding the index ('rebuild', 'delete-all') must start from an empty queue: a queued
// 'delete' of text the rebuilt index no longer holds would corrupt it (the benchmark's generator
// drops the triggers first).

// One statement, so that FTS5 writes one segment for it. Rows go in in the SELECT's order: every
// old text out ('delete') before any current text in (NULL: an ordinary insert), so that a word
// in both the old and the new text of an action stays indexed.
const INDEX_QUEUED = `
  INSERT INTO actions_fts (actions_fts, rowid, title, detail, response)
  SELECT command, id, title, detail, response FROM (
    SELECT 0 AS pass, 'delete' AS command, id, title, detail, response
    FROM actions_fts_pending WHERE indexed = 1
    UNION ALL
    SELECT 1, NULL, a.id, a.title, a.detail, a.response
    FROM actions_fts_pending AS p JOIN actions AS a ON a.id = p.id
  ) ORDER BY pass`;

interface Statements {
  anyQueued: Database.Statement;
  index: Database.Statement;
  clear: Database.Statement;
}

const prepared = new WeakMap<Database.Database, Statements>();
const deferring = new WeakSet<Database.Database>();

function statementsFor(sqlite: Database.Database): Statements {
  let s = prepared.get(sqlite);
  if (s === undefined) {
    s = {
      anyQueued: sqlite.prepare('SELECT 1 FROM actions_fts_pending LIMIT 1').pluck(),
      index: sqlite.prepare(INDEX_QUEUED),
      clear: sqlite.prepare('DELETE FROM actions_fts_pending'),
    };
    prepared.set(sqlite, s);
  }
  return s;
}

export function searchIndexQueued(sqlite: Database.Database): boolean {
  return statementsFor(sqlite).anyQueued.get() !== undefined;
}

/**
 * Indexes every queued action. Call inside the transaction about to commit. Does nothing on a
 * connection deferSearchIndex was not applied to (one to a database without the queue).
 */
export function flushSearchIndex(sqlite: Database.Database): void {
  if (!deferring.has(sqlite) || !searchIndexQueued(sqlite)) return;
  const s = statementsFor(sqlite);
  s.index.run();
  s.clear.run();
}

type TransactionFunction = ReturnType<Database.Database['transaction']>;
const BEHAVIOURS = ['default', 'deferred', 'immediate', 'exclusive'] as const;

/**
 * Makes every outermost `sqlite.transaction(...)` (drizzle's `db.transaction` uses it) index the
 * queued actions before it commits. A transaction nested in another — a savepoint, as each
 * request is inside a group commit — leaves that to the outer one.
 */
export function deferSearchIndex(sqlite: Database.Database): void {
  deferring.add(sqlite);
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const nested = transaction(fn);
    const outermost = transaction(function (this: unknown, ...args: unknown[]) {
      const changes = changeCounters(sqlite);
      const before = changes.local();
      const result = fn.apply(this, args);
      // Only a transaction that wrote can have queued anything (what a bare statement left is
      // indexed on open): a read-only one must not become a write.
      if (changes.local() !== before) flushSearchIndex(sqlite);
      return result;
    });
    // The same shape as better-sqlite3's: each behaviour is a function carrying all four.
    const properties: PropertyDescriptorMap = { database: { value: sqlite, enumerable: true } };
    for (const behaviour of BEHAVIOURS) {
      properties[behaviour] = {
        value: function (this: unknown, ...args: unknown[]) {
          const chosen: TransactionFunction = sqlite.inTransaction ? nested : outermost;
          return chosen[behaviour].apply(this, args);
        },
      };
    }
    for (const behaviour of BEHAVIOURS) Object.defineProperties(properties[behaviour]!.value, properties);
    return properties.default!.value as TransactionFunction;
  }) as Database.Database['transaction'];
}
