import { parentPort } from 'node:worker_threads';
import { yieldToRequests } from '../worker-threads.js';
import { parseMinutes } from './parse-minutes.js';
import type { ParseRequest, ParseResult } from './parse-off-thread.js';

// The worker thread behind parse-off-thread.ts: parses one text at a time, in the order sent.
// parseMinutes never throws, so every request is answered.

const PARSE_WORKER_NICENESS = 10;

// Parsing gives way to the server's requests when both want the processor.
yieldToRequests(PARSE_WORKER_NICENESS);

parentPort!.on('message', ({ id, text, options }: ParseRequest) => {
  parentPort!.postMessage({ id, draft: parseMinutes(text, options) } satisfies ParseResult);
});
