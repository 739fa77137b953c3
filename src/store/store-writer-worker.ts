/**
 * The database writer thread: owns the only writing connection, so fsyncs and WAL checkpoints
 * happen here while the main thread keeps serving SMTP and HTTP. Calls run one at a time, in
 * the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MailWrites } from './mail-writes.ts';
import { openWriterConnection } from './store-open.ts';
import type { WriterCall, WriterInit, WriterRequest, WriterResponse } from './store-writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('store-writer-worker.ts must run in a worker thread');
const init = workerData as WriterInit;
const db = openWriterConnection(init.file, init.temporary);
const writes = new MailWrites(db, init.maxMessages);

function run(call: WriterCall): unknown {
  switch (call.call) {
    case 'writeBatch':
      return writes.writeBatch(call.ops);
    case 'markRead':
      return writes.markRead(call.messageId);
  }
}

port.on('message', (request: WriterRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  let response: WriterResponse;
  try {
    response = { id: request.id, ok: true, result: run(request) };
  } catch (error) {
    response = { id: request.id, ok: false, error: (error as Error).message };
  }
  port.postMessage(response);
});
const ready: WriterResponse = { id: -1, ok: true, result: 'ready' };
port.postMessage(ready);
