import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Young-generation limit of every worker isolate, in MB (V8 splits it into two semi-spaces and
 * a large-object space, so 6 MB means 2 MB semi-spaces). V8's default lets each isolate's young
 * generation grow to 3 × 16 MB under a steady stream of short-lived objects (here: the writer
 * thread's copy of every incoming message), and keeps it. On the 2-core reference machine,
 * 30,000 × 2 KB messages over SMTP peaked at 262–271 MB resident (built, three runs) with V8's
 * default and at 224–236 MB with this limit, at the same ingest rate.
 */
const YOUNG_GENERATION_MB = 6;

/**
 * Starts the worker module `name` that sits beside `callerUrl` (pass import.meta.url). When the
 * caller runs from TypeScript source, the worker is started through a bootstrap that registers
 * tsx first; built code starts the .js file directly.
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const limited: WorkerOptions = {
    ...options,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, ...options.resourceLimits },
  };
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), limited);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = new URL('./worker-tsx-bootstrap.mjs', import.meta.url);
  const workerData: unknown = { ...(options.workerData as object | undefined), entry };
  return new Worker(bootstrap, { ...limited, workerData });
}
