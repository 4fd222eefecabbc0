import { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-threads.js';
import type { ReportReply, ReportRequest } from './report-worker.js';

// Builds overdue reports on a worker thread. Every committee's report reads tens of thousands
// of rows at scale — most of a second — and on the main thread that second would stall every
// other request. Started on first use (or by start()), stopped once it has been idle a while
// (its heap and its connection's cache are tens of megabytes, and whole reports are asked for a
// few times a day), and replaced on the next call if it crashed.

export type ReportThread = {
  /**
   * The report rendered in `format` (UTF-8), exactly as the route would have written it, as a
   * stream of the parts the worker sends as it writes them. Resolves with the first part ready (a
   * small report: all of it), so a report that fails before then rejects; one that fails later
   * ends the stream with the error. Aborting `signal` cancels it: the worker stops at the next
   * committee.
   */
  render(request: Omit<ReportRequest, 'id' | 'cancelled'>, signal?: AbortSignal): Promise<Readable>;
  /** Starts the worker now, if it is not running, so that the first report does not wait for it. */
  start(): void;
  /** Whether a worker is running now. */
  running(): boolean;
  close(): Promise<void>;
};

export interface ReportThreadOptions {
  /**
   * About how many bytes each part the worker sends holds (default 256 KB): a report is never
   * held whole in memory, only the parts not yet written to the client.
   */
  chunkBytes?: number;
  /** Milliseconds without a report after which the worker is stopped (default 30 s). */
  idleMs?: number;
}

// The worker holds one committee's actions at a time (the rendered report lives outside its
// heap and leaves it in parts), so a small heap suffices; left to itself V8 would let the garbage
// of each report pile up to a hundred megabytes and more of the process's resident memory before
// collecting it. 32 MB holds a committee of some 25,000 open actions, ten times the largest a
// council has; at a million actions (20,000 a committee) it built the report as fast as 48 MB.
const resourceLimits = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 };

interface Pending {
  chunk(bytes: Buffer): void;
  end(): void;
  fail(err: Error): void;
}

export function createReportThread(databasePath: string, { chunkBytes = 256 * 1024, idleMs = 30_000 }: ReportThreadOptions = {}): ReportThread {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let idle: NodeJS.Timeout | undefined;

  /** Stops the worker once it has had nothing to do for `idleMs`. */
  const stopWhenIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      const running = worker;
      if (running === undefined || pending.size > 0) return;
      worker = undefined;
      void running.terminate();
    }, idleMs).unref();
  };

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.fail(err);
    pending.clear();
    worker = undefined;
  };

  function start(): Worker {
    const started = startWorker(import.meta.url, 'report-worker', { workerData: { databasePath, chunkBytes }, resourceLimits });
    started.on('message', (reply: ReportReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      if ('chunk' in reply) return waiting.chunk(Buffer.from(reply.chunk, 0, reply.length));
      pending.delete(reply.id);
      if (pending.size === 0) {
        started.unref();
        stopWhenIdle();
      }
      if ('end' in reply) waiting.end();
      else waiting.fail(new Error(reply.error));
    });
    started.on('error', failAll);
    started.on('exit', (code) => {
      if (worker === started) failAll(new Error(`report worker exited with code ${code}`));
    });
    // Only a worker with a report to deliver keeps the process alive.
    started.unref();
    return started;
  }

  return {
    render(request, signal) {
      clearTimeout(idle);
      worker ??= start();
      worker.ref();
      const id = nextId++;
      // Shared with the worker, which reads it between committees.
      const cancelled = new Int32Array(new SharedArrayBuffer(4));
      const cancel = () => Atomics.store(cancelled, 0, 1);
      if (signal?.aborted) cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      const done = () => signal?.removeEventListener('abort', cancel);
      // The parts are pushed as they come; a client slower than the worker leaves them queued
      // here (at worst the whole report, as when reports were sent whole).
      const body = new Readable({ read() {} });
      return new Promise<Readable>((resolve, reject) => {
        let started = false;
        const begin = () => {
          if (!started) (started = true), resolve(body);
        };
        pending.set(id, {
          chunk(bytes) {
            body.push(bytes);
            begin();
          },
          end() {
            done();
            body.push(null);
            begin();
          },
          fail(err) {
            done();
            if (started) body.destroy(err);
            else reject(err);
          },
        });
        worker!.postMessage({ ...request, id, cancelled } satisfies ReportRequest);
      });
    },
    start() {
      worker ??= start();
      stopWhenIdle();
    },
    running: () => worker !== undefined,
    async close() {
      clearTimeout(idle);
      const running = worker;
      if (!running) return;
      // Reports still being written fail rather than wait for ever (a request in flight when the
      // server shuts down is answered with an error).
      failAll(new Error('report worker closed'));
      await running.terminate();
    },
  };
}
