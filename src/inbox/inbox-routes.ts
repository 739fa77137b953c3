import { Hono } from 'hono';
import type { ChaosTriggers } from '../chaos/chaos-triggers.ts';
import type { MailIngest } from '../mail/mail-ingest.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import type { MailboxChanges } from '../mail/mailbox-changes.ts';
import type { MessageWaiter } from '../mail/message-waiter.ts';
import type { InfoSource } from './inbox-info.ts';
import { messageRoutes } from './message-routes.ts';
import { messagesRoutes } from './messages-routes.ts';
import { sendRoutes } from './send-routes.ts';
import { serverRoutes } from './server-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { tagsRoutes } from './tags-routes.ts';

export interface InboxServices {
  readonly mailbox: Mailbox;
  readonly changes: MailboxChanges;
  readonly waiter: MessageWaiter;
  readonly ingest: MailIngest;
  readonly chaos: ChaosTriggers;
  readonly info: InfoSource;
}

/** Mailpit's /api/v1 (axllent/mailpit server/apiv1) plus catchall's extensions, mounted at /api/v1. */
export function inboxRoutes(s: InboxServices): Hono {
  const api = new Hono();
  // Read your writes: a request sees every message that got its 250 before the request came.
  api.use('*', async (_c, next) => {
    await Promise.all([s.ingest.settled(), s.changes.settled()]);
    await next();
  });
  api.route('/', messagesRoutes(s.mailbox, s.changes));
  api.route('/', messageRoutes(s.mailbox, s.changes, s.waiter));
  api.route('/', tagsRoutes(s.mailbox, s.changes));
  api.route('/', sendRoutes(s.ingest));
  api.route('/', serverRoutes(s.mailbox, s.info, s.chaos));
  api.route('/', sessionRoutes(s.mailbox));
  return api;
}
