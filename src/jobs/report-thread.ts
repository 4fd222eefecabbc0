import { Worker } from 'node:worker_threads';
import type { ReportFormat } from './report-formats.js';
import type { ReportReply, ReportRequest } from './report-worker.js';

// Builds overdue reports on a worker thread. Every committee's report reads tens of thousands
// of rows at scale — most of a second — and on the main thread that second would stall every
// other request. Started on first use and kept; a crashed worker is replaced on the next call.

export type ReportThread = {
  /** The report rendered in `format`, exactly as the route would have written it. */
  render(request: Omit<ReportRequest, 'id'> & { format: ReportFormat }): Promise<string>;
  close(): Promise<void>;
};

// Run from dist/ the worker is compiled JavaScript. Under tsx (development, tests) it is the
// TypeScript, and a worker thread does not inherit tsx's loader on Node 20: register it first.
const typescript = import.meta.url.endsWith('.ts');
const workerFile = new URL(`./report-worker${typescript ? '.ts' : '.js'}`, import.meta.url);

function spawnWorker(databasePath: string): Worker {
  const workerData = { databasePath };
  if (!typescript) return new Worker(workerFile, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerFile.href)}); })`, { eval: true, workerData });
}

export function createReportThread(databasePath: string): ReportThread {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (body: string) => void; reject: (err: Error) => void }>();

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
      if ('body' in reply) waiting.resolve(reply.body);
      else waiting.reject(new Error(reply.error));
    });
    started.on('error', failAll);
    started.on('exit', (code) => {
      if (worker === started) failAll(new Error(`report worker exited with code ${code}`));
    });
    return started;
  }

  return {
    render(request) {
      worker ??= start();
      // Only a worker with a report to deliver keeps the process alive.
      worker.ref();
      const id = nextId++;
      const reply = new Promise<string>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ ...request, id } satisfies ReportRequest);
      return reply;
    },
    async close() {
      const running = worker;
      worker = undefined;
      if (running) await running.terminate();
    },
  };
}
