/**
 * Worker-thread entry: parses one message at a time, in arrival order, and posts each result
 * back with its job number. Sequential on purpose: the pool then knows which job a timeout or
 * crash belongs to (the oldest unanswered one).
 */
import { parentPort } from 'node:worker_threads';
import { parseSummary } from './parse-summary.ts';
import type { WorkerRequest, WorkerResponse } from './parse-protocol.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts must run in a worker thread');

let chain: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  chain = chain.then(async () => {
    const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
    const result = await parseSummary(raw);
    const response: WorkerResponse = { job: request.job, result };
    port.postMessage(response);
  });
});
// Parse once before reporting ready: the first parse compiles mailparser's code (tens of ms),
// which must not count against the first real message's time limit.
await parseSummary(Buffer.from('Subject: warm-up\r\nContent-Type: text/html\r\n\r\n<p>x</p>'));
port.postMessage('ready');
