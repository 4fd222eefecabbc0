import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-threads.js';
import { parseMinutes, unreadableDraft } from './parse-minutes.js';
import type { MinutesDraft, ParseMinutesOptions } from './types.js';

// Parsing a long text takes the processor for a while (~0.5 s for 1 MB); on the server's own
// thread every other request would wait for it. Texts past `inlineMaxChars` are parsed on a
// worker thread instead, one after another; a short text (almost all real minutes) is parsed
// at once, since handing it over would cost more than it saves.

/** Texts up to this many characters are parsed on the caller's thread. */
export const PARSE_INLINE_MAX_CHARS = 64 * 1024;
/** An idle worker is ended after this long: kept, its compiled parser is warm for the next text. */
const IDLE_WORKER_MS = 30_000;

export interface ParseRequest {
  id: number;
  text: string;
  options: ParseMinutesOptions;
}
export interface ParseResult {
  id: number;
  draft: MinutesDraft;
}

export interface MinutesParser {
  parse(text: string, options?: ParseMinutesOptions): Promise<MinutesDraft>;
  /** Ends the worker; a parse still waiting gets a draft saying it could not be read. */
  close(): Promise<void>;
}

export function createMinutesParser({ inlineMaxChars = PARSE_INLINE_MAX_CHARS } = {}): MinutesParser {
  /** The worker: started for the first long text, ended once idle for IDLE_WORKER_MS. */
  let worker: { thread: Worker; waiting: Map<number, (draft: MinutesDraft) => void>; idle?: NodeJS.Timeout } | undefined;
  let nextId = 1;

  /** Answers every parse the worker still owed, and forgets it: the next parse starts another. */
  const abandon = async (reason: string): Promise<void> => {
    if (!worker) return;
    const { thread, waiting, idle } = worker;
    worker = undefined;
    clearTimeout(idle);
    for (const answer of waiting.values()) answer(unreadableDraft(reason));
    await thread.terminate();
  };

  const start = () => {
    const thread = startWorker(import.meta.url, 'minutes-parse-worker', {
      // A 1 MB text parses in a few tens of MB (README, Performance).
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
    });
    const started: NonNullable<typeof worker> = { thread, waiting: new Map() };
    thread.on('message', ({ id, draft }: ParseResult) => {
      started.waiting.get(id)?.(draft);
      started.waiting.delete(id);
      if (started.waiting.size > 0 || worker !== started) return;
      // Idle, it neither keeps the process alive nor, after a while, holds memory.
      thread.unref();
      started.idle = setTimeout(() => void abandon('idle'), IDLE_WORKER_MS).unref();
    });
    thread.on('error', (err) => {
      if (worker === started) void abandon(err.message);
    });
    thread.on('exit', (code) => {
      if (worker === started) void abandon(`the parser stopped with code ${code}`);
    });
    return started;
  };

  return {
    parse(text, options = {}) {
      if (text.length <= inlineMaxChars) return Promise.resolve(parseMinutes(text, options));
      worker ??= start();
      clearTimeout(worker.idle);
      const { thread, waiting } = worker;
      thread.ref();
      const id = nextId++;
      return new Promise<MinutesDraft>((resolve) => {
        waiting.set(id, resolve);
        thread.postMessage({ id, text, options } satisfies ParseRequest);
      });
    },
    close() {
      return abandon('the server is shutting down');
    },
  };
}
