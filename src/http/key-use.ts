// When API keys were last used is written after the requests that used them, not during them
// (api-keys/repository.ts notes a use; recordUse() writes what was noted): soon, in a transaction
// of its own or the open group commit's, and, while another process holds the write lock, again
// a second later until it can be. Best effort: it only dates the key's use.
// One write at a time: until it has ended no other is scheduled (two at once would write the
// same rows, and on PostgreSQL the second, finding them locked, gives up and rolls back).

/** How long recording key use waits after finding the write lock taken. */
export const USE_RETRY_MS = 1000;
/** The longest wait between writes of keys' use that fail (the database unreachable). */
export const USE_RETRY_MAX_MS = 60_000;

/** Timers as the recorder sets them: Node's, or a test's own (time is injected, never waited for). */
export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const nodeTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface KeyUseSource {
  /** Writes the use noted so far; false when the write lock was taken (nothing written). */
  recordUse(): boolean | Promise<boolean>;
  hasUnrecordedUse(): boolean;
}

export function keyUseRecorder(keys: KeyUseSource, warn: (err: unknown) => void, timers: Timers = nodeTimers) {
  let recording: unknown;
  let writing: Promise<void> | undefined;
  let closing = false;
  /** How long after a failed write the next is tried. */
  let failing = USE_RETRY_MS;

  const recordSoon = (delayMs: number) => {
    if (recording !== undefined || writing || closing) return;
    // On SQLite the write is made at once, in the timer's callback; on PostgreSQL it is awaited.
    recording = timers.set(async () => {
      recording = undefined;
      let retryIn = 0;
      writing = (async () => {
        try {
          if (!(await keys.recordUse())) retryIn = USE_RETRY_MS;
          failing = USE_RETRY_MS;
        } catch (err) {
          warn(err);
          retryIn = failing;
          failing = Math.min(failing * 2, USE_RETRY_MAX_MS);
        }
      })();
      await writing;
      writing = undefined;
      // Use noted while it was written goes next. What could not be written is tried again: a
      // second later while another process holds the lock; after an error (the database gone),
      // each time twice as long after, up to a minute, rather than a warning every second.
      if (retryIn > 0) recordSoon(retryIn);
      else if (keys.hasUnrecordedUse()) recordSoon(0);
    }, delayMs);
  };

  return {
    /** After a request that used a key: its use is written soon. */
    used(): void {
      if (keys.hasUnrecordedUse()) recordSoon(0);
    },
    /** On closing: no more timers; a write under way ends, then what is left is written once. */
    async close(): Promise<void> {
      closing = true;
      if (recording !== undefined) timers.clear(recording);
      await writing;
      try {
        await keys.recordUse();
      } catch {
        // The database may already be closed (a test's own connection); the use is only a date.
      }
    },
  };
}
