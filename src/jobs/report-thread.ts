import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-threads.js';
import type { RecycledBuffer, ReportReply, ReportRequest } from './report-worker.js';

// Builds overdue reports on a worker thread. Every committee's report reads tens of thousands
// of rows at scale — most of a second — and on the main thread that second would stall every
// other request. Started on first use (or by start()) and kept; a crashed worker is replaced on
// the next call.

export type ReportThread = {
  /**
   * The report rendered in `format` (UTF-8), exactly as the route would have written it.
   * Aborting `signal` cancels it: the worker stops at the next committee and the promise rejects.
   */
  render(request: Omit<ReportRequest, 'id' | 'cancelled'>, signal?: AbortSignal): Promise<Buffer>;
  /**
   * Gives a rendered report's memory back to the worker, to write the next report into, once it
   * has been sent (never before: the buffer is emptied). Reports are megabytes outside the JS
   * heap, which the garbage collector frees only when it next runs: without this, a few dozen
   * megabytes of sent reports pile up first.
   */
  recycle(body: Buffer): void;
  /** Starts the worker now, if it is not running, so that the first report does not wait for it. */
  start(): void;
  close(): Promise<void>;
};

// The worker holds one committee's actions at a time (the rendered report lives outside its
// heap), so a small heap suffices; left to itself V8 would let the garbage of each report pile up
// to a hundred megabytes and more of the process's resident memory before collecting it.
const resourceLimits = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 };

function spawnWorker(databasePath: string): Worker {
  return startWorker(import.meta.url, 'report-worker', { workerData: { databasePath }, resourceLimits });
}

export function createReportThread(databasePath: string): ReportThread {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (body: Buffer) => void; reject: (err: Error) => void }>();
  // The worker's buffers behind the reports handed out, which alone may be recycled.
  const fromWorker = new WeakSet<ArrayBufferLike>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  };

  function start(): Worker {
    const started = spawnWorker(databasePath);
    started.on('message', (reply: ReportReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if ('body' in reply) {
        fromWorker.add(reply.body);
        waiting.resolve(Buffer.from(reply.body, 0, reply.length));
      } else waiting.reject(new Error(reply.error));
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
      worker ??= start();
      worker.ref();
      const id = nextId++;
      // Shared with the worker, which reads it between committees.
      const cancelled = new Int32Array(new SharedArrayBuffer(4));
      const cancel = () => Atomics.store(cancelled, 0, 1);
      if (signal?.aborted) cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      const reply = new Promise<Buffer>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ ...request, id, cancelled } satisfies ReportRequest);
      return reply.finally(() => signal?.removeEventListener('abort', cancel));
    },
    recycle(body) {
      const memory = body.buffer as ArrayBuffer;
      if (worker === undefined || !fromWorker.delete(memory)) return;
      worker.postMessage({ recycle: memory } satisfies RecycledBuffer, [memory]);
    },
    start() {
      worker ??= start();
    },
    async close() {
      const running = worker;
      worker = undefined;
      if (running) await running.terminate();
    },
  };
}
