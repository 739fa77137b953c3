/**
 * The database writer thread: owns the only writing connection, so fsyncs and WAL checkpoints
 * happen here while the main thread keeps serving SMTP and HTTP. Calls run one at a time, in
 * the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MailboxWrites } from './mailbox-writes.ts';
import { MailWrites } from './mail-writes.ts';
import { openWriterConnection } from './store-open.ts';
import type { WriterCall, WriterInit, WriterRequest, WriterResponse } from './store-writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('store-writer-worker.ts must run in a worker thread');
const init = workerData as WriterInit;
const db = openWriterConnection(init.file, init.temporary);
const writes = new MailWrites(db, init.maxMessages);
const mailbox = new MailboxWrites(db);

function run(call: WriterCall): unknown {
  switch (call.call) {
    case 'writeBatch':
      return writes.writeBatch(call.ops);
    case 'delete':
      return mailbox.delete(call.selection);
    case 'setRead':
      return mailbox.setRead(call.selection, call.read);
    case 'setTags':
      return mailbox.setTags(call.ids, call.tags);
    case 'renameTag':
      return mailbox.renameTag(call.from, call.to);
    case 'deleteTag':
      return mailbox.deleteTag(call.name);
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
