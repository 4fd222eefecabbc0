import { AsyncResource } from 'node:async_hooks';
import type { Batched, Program } from '../program.js';

// Reads by key (program.ts `batched`) that arrive together, merged into one statement. On
// PostgreSQL a statement is a round trip, and under load the reads of several requests are
// ready at the same moment: requests that shared a snapshot read (shared-read.ts) resume
// together, and each wants its action. The reads asked for before the event loop's next check
// phase go as one `many`; a read alone goes as `one`. Each read is still sent after it was asked
// for, so it sees at least what its program's stamp saw. A read whose key is its stamp
// (`joinsInFlight`) may also share one of the same key already sent and not yet answered: that
// one was sent after the stamp was taken.

interface Pending {
  keys: unknown[];
  waiters: { key: unknown; resolve(value: unknown): void; reject(err: unknown): void }[];
}

/** `drive` runs a program outside any transaction (the runner's). */
export function createBatches(drive: <T>(program: Program<T>) => Promise<T>) {
  const pending = new Map<Batched<unknown, unknown>, Pending>();
  // Reads sent and not yet answered, by key, of the kinds that may be joined.
  const inFlight = new Map<Batched<unknown, unknown>, Map<unknown, Promise<unknown>>>();
  let scheduled = false;
  // A batch's statement is every caller's, not the first's: it runs in the context the batches
  // were made in (the engine's), not in that of the request that happened to ask first (its
  // AsyncLocalStorage stores: its read scope, its logger), which it would otherwise keep alive.
  const outside = new AsyncResource('scrutiny:batched-read');

  function send(reads: Batched<unknown, unknown>, keys: unknown[]): Promise<ReadonlyMap<unknown, unknown>> {
    if (keys.length > 1) return drive(reads.many(keys));
    return drive(reads.one(keys[0])).then((value) => new Map([[keys[0], value]]));
  }

  function flush(): void {
    scheduled = false;
    const batches = [...pending];
    pending.clear();
    for (const [reads, { keys, waiters }] of batches) {
      const answer = send(reads, keys);
      answer.then(
        (values) => waiters.forEach((w) => w.resolve(values.get(w.key))),
        (err) => waiters.forEach((w) => w.reject(err)),
      );
      if (!reads.joinsInFlight) continue;
      let sent = inFlight.get(reads);
      if (sent === undefined) inFlight.set(reads, (sent = new Map()));
      for (const key of keys) {
        const value = answer.then((values) => values.get(key));
        sent.set(key, value);
        const settled = () => {
          if (sent.get(key) === value) sent.delete(key);
        };
        value.then(settled, settled);
      }
    }
  }

  return {
    /** The value of `key`, read with the other reads of `reads` asked for before the next flush. */
    read(reads: Batched<unknown, unknown>, key: unknown): Promise<unknown> {
      const sent = reads.joinsInFlight ? inFlight.get(reads)?.get(key) : undefined;
      if (sent !== undefined) return sent;
      let batch = pending.get(reads);
      if (batch === undefined) pending.set(reads, (batch = { keys: [], waiters: [] }));
      if (!batch.keys.includes(key)) batch.keys.push(key);
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => outside.runInAsyncScope(flush));
      }
      return new Promise((resolve, reject) => batch.waiters.push({ key, resolve, reject }));
    },
  };
}
