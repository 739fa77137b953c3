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

/**
 * Pending search rows are written at most this long after they were queued, in one transaction,
 * when no request needed them sooner (MailIngest.settled asks for them before any API request).
 */
const SEARCH_FLUSH_MS = 200;
let searchTimer: NodeJS.Timeout | null = null;

function scheduleSearchFlush(): void {
  if (searchTimer || writes.pendingSearchRows === 0) return;
  searchTimer = setTimeout(() => {
    searchTimer = null;
    try {
      writes.flushSearch();
    } catch {
      // Deliberately swallowed: the rows stay queued (and marked in search_pending), so the next
      // flush or the next start writes them; a request that needs them gets this error itself.
    }
    scheduleSearchFlush();
  }, SEARCH_FLUSH_MS);
}

function run(call: WriterCall): unknown {
  if (call.call === 'writeBatch') {
    const pruned = writes.writeBatch(call.ops);
    scheduleSearchFlush();
    return pruned;
  }
  // Everything else may select messages by a search: it must see every stored message.
  writes.flushSearch();
  switch (call.call) {
    case 'flushSearch':
      return null;
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
    if (searchTimer) clearTimeout(searchTimer);
    try {
      writes.flushSearch();
    } catch {
      // Deliberately swallowed: the rows are marked in search_pending; the next start writes them.
    }
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
