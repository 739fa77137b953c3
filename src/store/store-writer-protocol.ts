import type { Selection } from './mailbox-writes.ts';
import type { WriteOp } from './store-types.ts';

/** Messages between the main thread and the database writer thread. */
export interface WriterInit {
  readonly file: string;
  readonly temporary: boolean;
  readonly maxMessages: number;
}

export type WriterCall =
  | { readonly call: 'writeBatch'; readonly ops: readonly WriteOp[] }
  | { readonly call: 'flushSearch' }
  | { readonly call: 'delete'; readonly selection: Selection }
  | { readonly call: 'setRead'; readonly selection: Selection; readonly read: boolean }
  | { readonly call: 'setTags'; readonly ids: readonly string[]; readonly tags: readonly string[] }
  | { readonly call: 'renameTag'; readonly from: string; readonly to: string }
  | { readonly call: 'deleteTag'; readonly name: string };

export type WriterRequest = WriterCall & { readonly id: number };

export type WriterResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string }
  | { readonly id: -1; readonly ok: true; readonly result: 'ready' };
