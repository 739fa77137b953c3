// Worker bootstrap when catchall runs from its TypeScript source (tsx, vitest): on Node 20 a
// worker thread does not inherit the parent's loader hooks, so register tsx here, then load
// the real entry named in workerData. The built package (dist/) starts its .js entries directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
