import type { MessageSummary, TranscriptLine } from '../mail/mail-types.ts';

/**
 * Every event the process publishes, as one discriminated union (DESIGN.md §4). The WebSocket hub
 * and long-poll waiters subscribe to these; nothing publishes bare strings.
 */
export type AppEvent =
  | { readonly type: 'message.new'; readonly message: MessageSummary }
  | { readonly type: 'messages.pruned'; readonly ids: readonly string[] }
  | { readonly type: 'smtp.line'; readonly sessionId: string; readonly line: TranscriptLine };

export type AppEventType = AppEvent['type'];
export type EventOf<T extends AppEventType> = Extract<AppEvent, { type: T }>;
