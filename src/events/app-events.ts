import type { MessageSummary, TranscriptLine } from '../mail/mail-types.ts';

/**
 * Every event the process publishes, as one discriminated union (DESIGN.md §4). The WebSocket hub
 * and long-poll waiters subscribe to these; nothing publishes bare strings.
 */
export type AppEvent =
  /** A message was committed (published after its 250 is due, never before). */
  | { readonly type: 'message.new'; readonly message: MessageSummary }
  /** Messages deleted through the API, by ID or by search. */
  | { readonly type: 'messages.deleted'; readonly ids: readonly string[] }
  /** Oldest messages removed to stay within --max. */
  | { readonly type: 'messages.pruned'; readonly ids: readonly string[] }
  /** Every message deleted at once. */
  | { readonly type: 'messages.truncated' }
  | { readonly type: 'messages.read'; readonly ids: readonly string[]; readonly read: boolean }
  | { readonly type: 'messages.tagged'; readonly changes: readonly { id: string; tags: readonly string[] }[] }
  /** Tags renamed or deleted across many messages: listings should reload. */
  | { readonly type: 'tags.changed' }
  | { readonly type: 'smtp.line'; readonly sessionId: string; readonly line: TranscriptLine }
  /** Something a user should see went wrong (e.g. a message could not be stored and got 451). */
  | { readonly type: 'app.error'; readonly message: string };

export type AppEventType = AppEvent['type'];
export type EventOf<T extends AppEventType> = Extract<AppEvent, { type: T }>;
