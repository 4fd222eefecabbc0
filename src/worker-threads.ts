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
