import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` that sits beside `callerUrl` (pass import.meta.url). When the
 * caller runs from TypeScript source, the worker is started through a bootstrap that registers
 * tsx first; built code starts the .js file directly.
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = new URL('./worker-tsx-bootstrap.mjs', import.meta.url);
  const workerData: unknown = { ...(options.workerData as object | undefined), entry };
  return new Worker(bootstrap, { ...options, workerData });
}
