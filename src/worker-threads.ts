import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` that sits beside the module at `from` (its import.meta.url).
 * Run from dist/ it is compiled JavaScript (the server's bundle carries each worker beside it).
 * Under tsx (development, tests) it is the TypeScript, and a worker thread does not inherit tsx's
 * loader on Node 20: the worker registers it first.
 */
export function startWorker(from: string, name: string, options: WorkerOptions): Worker {
  const typescript = from.endsWith('.ts');
  const file = new URL(`./${name}${typescript ? '.ts' : '.js'}`, from);
  if (!typescript) return new Worker(file, options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`, { ...options, eval: true });
}

/**
 * Ends a worker that loops on `Atomics.wait` over `control[wake]`: sets `control[stop]`, wakes it,
 * and waits for it to exit, terminating it after `graceMs` if it has not.
 */
export async function stopLoopingWorker(worker: Worker, control: Int32Array, { stop, wake }: { stop: number; wake: number }, graceMs = 2000): Promise<void> {
  const gone = new Promise((resolve) => worker.once('exit', resolve));
  Atomics.store(control, stop, 1);
  Atomics.add(control, wake, 1);
  Atomics.notify(control, wake);
  const timer = setTimeout(() => void worker.terminate(), graceMs);
  await gone;
  clearTimeout(timer);
}

/**
 * Lowers the calling worker thread's priority (a nice value, 1–19), so that it gives way to the
 * server's own thread when both want the processor. On Linux a nice value belongs to a thread, and
 * this one's id is in /proc/thread-self; elsewhere, or if not allowed, nothing changes.
 */
export function yieldToRequests(niceness: number): void {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(thread) && thread !== process.pid) setPriority(thread, niceness);
  } catch {
    // not Linux, or not allowed: the default priority
  }
}
