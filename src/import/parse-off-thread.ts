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
  /** The worker while it has texts to parse; started for the first, ended after the last. */
  let worker: { thread: Worker; waiting: Map<number, (draft: MinutesDraft) => void> } | undefined;
  let nextId = 1;

  /** Answers every parse the worker still owed, and forgets it: the next parse starts another. */
  const abandon = (reason: string) => {
    if (!worker) return;
    const { thread, waiting } = worker;
    worker = undefined;
    for (const answer of waiting.values()) answer(unreadableDraft(reason));
    void thread.terminate();
  };

  const start = () => {
    const thread = startWorker(import.meta.url, 'minutes-parse-worker', {
      // A 1 MB text parses in a few tens of MB (README, Performance).
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
    });
    const started = { thread, waiting: new Map<number, (draft: MinutesDraft) => void>() };
    thread.on('message', ({ id, draft }: ParseResult) => {
      started.waiting.get(id)?.(draft);
      started.waiting.delete(id);
      // Idle, it would only hold memory: the next long text starts a fresh one.
      if (started.waiting.size === 0 && worker === started) {
        worker = undefined;
        void thread.terminate();
      }
    });
    thread.on('error', (err) => {
      if (worker === started) abandon(err.message);
    });
    thread.on('exit', (code) => {
      if (worker === started) abandon(`the parser stopped with code ${code}`);
    });
    return started;
  };

  return {
    parse(text, options = {}) {
      if (text.length <= inlineMaxChars) return Promise.resolve(parseMinutes(text, options));
      worker ??= start();
      const { thread, waiting } = worker;
      const id = nextId++;
      return new Promise<MinutesDraft>((resolve) => {
        waiting.set(id, resolve);
        thread.postMessage({ id, text, options } satisfies ParseRequest);
      });
    },
    async close() {
      abandon('the server is shutting down');
    },
  };
}
