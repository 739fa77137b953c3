import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.ts';
import type { Selection } from './mailbox-writes.ts';
import type { WriteOp } from './store-types.ts';
import type { WriterCall, WriterInit, WriterRequest, WriterResponse } from './store-writer-protocol.ts';

/** Asynchronous access to the writer thread; every write to the database goes through it. */
export interface StoreWriter {
  /**
   * Commits the ops in one transaction; resolves with the IDs of messages pruned by --max.
   * `transfer`: buffers of the ops that move to the writer thread (unusable here afterwards).
   */
  writeBatch(ops: readonly WriteOp[], transfer?: readonly ArrayBuffer[]): Promise<string[]>;
  /** Writes the search rows still queued, so a search sees every stored message. */
  flushSearch(): Promise<void>;
  delete(selection: Selection): Promise<string[]>;
  setRead(selection: Selection, read: boolean): Promise<string[]>;
  setTags(ids: readonly string[], tags: readonly string[]): Promise<{ id: string; tags: string[] }[]>;
  renameTag(from: string, to: string): Promise<string[]>;
  deleteTag(name: string): Promise<string[]>;
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Starts the writer thread and waits until its connection is open. If the thread dies, the
 * calls in flight fail (SMTP answers 451, so the client retries) and a new thread takes over.
 */
export async function startStoreWriter(init: WriterInit): Promise<StoreWriter> {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closing = false;
  let worker = await spawn();

  function spawn(): Promise<Worker> {
    return new Promise((resolve, reject) => {
      const w = startWorker(import.meta.url, 'store-writer-worker', { workerData: init });
      let ready = false;
      w.on('message', (response: WriterResponse) => {
        if (response.id === -1) {
          ready = true;
          resolve(w);
          return;
        }
        const call = pending.get(response.id);
        if (!call) return;
        pending.delete(response.id);
        if (response.ok) call.resolve(response.result);
        else call.reject(new Error(response.error));
      });
      w.on('error', (error) => (ready ? failAll(error) : reject(error)));
      w.on('exit', (code) => {
        if (!ready || closing) return;
        failAll(new Error(`database writer exited with code ${code}`));
        spawn().then(
          (fresh) => (worker = fresh),
          (error: Error) => failAll(error),
        );
      });
    });
  }

  function failAll(error: Error): void {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  }

  function call(c: WriterCall, transfer: readonly ArrayBuffer[] = []): Promise<unknown> {
    if (closing) return Promise.reject(new Error('database writer is closed'));
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // id first: a property added after a spread copy takes V8's slow path (mail-ingest.ts).
      const request: WriterRequest = { id, ...c };
      worker.postMessage(request, [...transfer]);
    });
  }

  return {
    writeBatch: (ops, transfer) => call({ call: 'writeBatch', ops }, transfer) as Promise<string[]>,
    flushSearch: () => call({ call: 'flushSearch' }).then(() => undefined),
    delete: (selection) => call({ call: 'delete', selection }) as Promise<string[]>,
    setRead: (selection, read) => call({ call: 'setRead', selection, read }) as Promise<string[]>,
    setTags: (ids, tags) => call({ call: 'setTags', ids, tags }) as Promise<{ id: string; tags: string[] }[]>,
    renameTag: (from, to) => call({ call: 'renameTag', from, to }) as Promise<string[]>,
    deleteTag: (name) => call({ call: 'deleteTag', name }) as Promise<string[]>,
    async close() {
      closing = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await exited;
    },
  };
}
